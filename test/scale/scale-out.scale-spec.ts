import { randomBytes } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { connectSocket, TestSocket } from '../support/sockets';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const START = DateTime.fromISO('2034-04-03T02:00:00Z', { zone: 'utc' });
const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };

/** A TCP relay in front of Redis that a test can cut and restore, to take Redis away from the apps. */
class RedisRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(this.target.port || 6379), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}

/**
 * Two instances of the app on one database and one Redis (REDIS_URL): rooms, notices and calls
 * span instances; without Redis an instance goes on alone and says so in /health.
 * Runs when REDIS_URL is set (CI sets it); see jest.config.js.
 */
describe('scale-out: two instances on Redis', () => {
  const clock = new FixedClock(START);
  const relay = new RedisRelay(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
  const schema = `kb_jobs_scale_${randomBytes(4).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  let day = 0;
  const open: TestSocket[] = [];

  const world = async () => {
    const w = await a.factories.newHubWorld();
    const startsAt = START.plus({ days: day++ });
    const session = await a.factories.sessionOf(w, {
      startsAt: startsAt.toJSDate(),
    });
    clock.set(startsAt);
    return { ...w, session };
  };
  const post = (t: TestApp, path: string, token: string, body?: object) => t.http().post(`/api/v1/sessions/${path}`).set(...bearer(token)).send(body);
  const connect = async (t: TestApp, namespace: string, token: string) => {
    const socket = await connectSocket(t, namespace, { token });
    open.push(socket);
    return socket;
  };

  beforeAll(async () => {
    await relay.open();
    const env = { REDIS_URL: `redis://127.0.0.1:${relay.port}`, JOBS_SCHEMA: schema };
    a = await startTestApp({ clock, env });
    b = await startTestApp({ clock, env });
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await relay.cut();
  });

  it('reports Redis up in /health on both instances', async () => {
    for (const t of [a, b]) {
      expect((await t.http().get('/health').expect(200)).body).toMatchObject({ status: 'ok', checks: { redis: { status: 'up' } } });
    }
  });

  it('shows a check-in made through instance A to staff watching the hub on instance B', async () => {
    const w = await world();
    const watcher = await connect(b, '/hubs', w.staff.token);
    expect(await watcher.ask('watch', { hubId: w.hub.id })).toMatchObject({ ok: true });
    await post(a, `${w.session.id}/check-in`, w.staff.token).expect(200);
    const changed = await watcher.next('session.changed', (payload: { session: { id: string; status: string } }) => payload.session.id === w.session.id);
    expect(changed.session.status).toBe('checked_in');
  });

  it('runs one call across instances: admitted on B, signaling between A and B', async () => {
    const w = await world();
    await post(a, `${w.session.id}/check-in`, w.staff.token).expect(200);
    await post(a, `${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(200);
    const supervisorToken = (await post(b, `${w.session.id}/join-token`, w.staff.token).expect(200)).body.token;
    const guardianToken = (await post(a, `${w.session.id}/join-token`, w.guardian.token).expect(200)).body.token;
    const supervisor = await connect(b, '/calls', supervisorToken);
    const guardian = await connect(a, '/calls', guardianToken);
    await guardian.next('welcome');
    await supervisor.next('presence', (payload: { participants: { participantId: string; connected: boolean }[] }) =>
      payload.participants.some((p) => p.participantId === w.guardian.id && p.connected),
    );
    expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
    await guardian.next('admitted');
    expect(await supervisor.ask('signal', { to: w.guardian.id, description: OFFER })).toMatchObject({ ok: true });
    expect((await guardian.next('signal')).from).toBe(w.staff.id);
    expect(await guardian.ask('signal', { to: w.staff.id, description: { type: 'answer', sdp: OFFER.sdp } })).toMatchObject({ ok: true });
    expect((await supervisor.next('signal')).description.type).toBe('answer');
  });

  it('goes on alone when Redis is gone: /health degraded (still 200), local rooms still live', async () => {
    const w = await world();
    await relay.cut();
    await waitFor(async () => (await a.http().get('/health')).body.checks.redis.status === 'down');
    expect((await a.http().get('/health').expect(200)).body).toMatchObject({ status: 'degraded', checks: { database: { status: 'up' } } });

    const watcher = await connect(a, '/hubs', w.staff.token);
    expect(await watcher.ask('watch', { hubId: w.hub.id })).toMatchObject({ ok: true });
    await post(a, `${w.session.id}/check-in`, w.staff.token).expect(200);
    expect((await watcher.next('session.changed')).session.status).toBe('checked_in');

    await relay.open();
    await waitFor(async () => (await a.http().get('/health')).body.status === 'ok', 20_000);
  }, 40_000);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
