import { randomBytes, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { DEMO_GUARDIANS, DEMO_PASSWORD } from '../../src/demo/demo-data';
import { connectCounselor } from '../support/counselor-socket';
import { connectSocket, TestSocket } from '../support/sockets';
import { bearer, startTestApp, TestApp } from '../support/test-app';

// A Tuesday evening in Shanghai.
const NOW = DateTime.fromISO('2031-03-04T11:07:00Z', { zone: 'utc' });
const SAD = { feelingNow: 2, callFeeling: 2, thermometer: 5, wantsToTalk: false };
const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };

/**
 * The README's walkthrough with DEMO_DATA=1, as a person would do it through the API and the
 * sockets the pages use (the pages themselves are driven in test/e2e/browser):
 * - issue #4: book for the demo child, check in, "yes", guardian and supervisor in the call,
 *   signaling flows, the supervisor ends it; "not today" sends the gentle notice and no call starts;
 * - issue #5: three calls, sad answers after two → exactly one persistent_distress alert, live in
 *   the open counselor inbox; acknowledge, follow up, pause the calls → booking refused, with the reason.
 */
describe('demo walkthrough (DEMO_DATA=1)', () => {
  const clock = new FixedClock(NOW);
  let t: TestApp;
  let staff: string;
  let counselor: string;
  let child: { id: string; displayName: string };
  let mother: { id: string; phone: string };
  const open: TestSocket[] = [];

  const post = (path: string, token: string, body?: object, headers: Record<string, string> = {}) => {
    let request = t.http().post(`/api/v1/${path}`).set(...bearer(token));
    for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
    return body === undefined ? request : request.send(body);
  };
  const get = (path: string, token: string) => t.http().get(`/api/v1/${path}`).set(...bearer(token));
  const signIn = async (email: string) => (await t.http().post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200)).body.accessToken;
  const guardianSignIn = async (phone: string): Promise<string> => {
    await t.http().post('/api/v1/auth/otp/request').set('X-Forwarded-For', '203.0.113.50').send({ phone }).expect(202);
    const [message] = await t.db.query(
      `SELECT params->>'code' AS code FROM notifications WHERE template = 'otp_code' AND recipient_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [mother.id],
    );
    return (await t.http().post('/api/v1/auth/otp/verify').set('X-Forwarded-For', '203.0.113.50').send({ phone, code: message.code }).expect(200)).body.accessToken;
  };
  /** The first free slot from now, as the hub's staff member would pick it. */
  const bookNext = async () => {
    const from = clock.now().toUTC().toISO();
    const to = clock.now().plus({ hours: 6 }).toUTC().toISO();
    const slots = await get(`slots?childId=${child.id}&guardianId=${mother.id}&from=${from}&to=${to}&durationMinutes=30`, staff).expect(200);
    expect(slots.body.items.length).toBeGreaterThan(0);
    const booked = await post(
      'sessions',
      staff,
      { childId: child.id, guardianId: mother.id, startsAt: slots.body.items[0].startsAt, durationMinutes: 30, kind: 'supervised' },
      { 'Idempotency-Key': randomUUID() },
    ).expect(201);
    return booked.body as { id: string; startsAt: string; endsAt: string };
  };
  const join = async (sessionId: string, token: string) => {
    const socket = await connectSocket(t, '/calls', { token: (await post(`sessions/${sessionId}/join-token`, token).expect(200)).body.token });
    open.push(socket);
    await socket.next('welcome');
    return socket;
  };
  /** Book, check in, "yes", both in, signaling, the supervisor ends it. */
  const holdCall = async (guardianToken: string) => {
    const session = await bookNext();
    clock.set(DateTime.fromISO(session.startsAt));
    await post(`sessions/${session.id}/check-in`, staff).expect(200);
    await post(`sessions/${session.id}/assent`, staff, { response: 'yes' }).expect(200);
    const supervisor = await join(session.id, staff);
    const guardian = await join(session.id, guardianToken);
    expect(await supervisor.ask('admit', { participantId: mother.id })).toEqual({ ok: true });
    expect((await guardian.next('status', (payload: { session: { status: string } }) => payload.session.status === 'in_call')).session.status).toBe('in_call');
    expect(await supervisor.ask('signal', { to: mother.id, description: OFFER })).toMatchObject({ ok: true });
    expect((await guardian.next('signal')).from).toBeDefined();
    clock.advance({ minutes: 20 });
    expect(await supervisor.ask('end', {})).toMatchObject({ ok: true });
    expect((await guardian.next('ended')).reason).toBe('ended_by_supervisor');
    expect((await get(`sessions/${session.id}`, staff).expect(200)).body.status).toBe('completed');
    return session;
  };

  beforeAll(async () => {
    t = await startTestApp({ clock, config: { demoData: true }, env: { JOBS_SCHEMA: `kb_jobs_demo_${randomBytes(4).toString('hex')}` } });
    staff = await signIn('staff@demo.kinbridge.org');
    counselor = await signIn('counselor@demo.kinbridge.org');
    const children = await get('children?q=Xiaoming', staff).expect(200);
    child = children.body.items[0];
    const phone = DEMO_GUARDIANS.find((guardian) => guardian.key === 'mother')!.phone;
    const [row] = await t.db.query(`SELECT id FROM guardians WHERE phone = $1`, [phone]);
    mother = { id: row.id, phone };
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  it('holds a call: book, check in, the child says yes, parent and hub talk, the supervisor ends it; "not today" sends a gentle notice and no call', async () => {
    const guardianToken = await guardianSignIn(mother.phone);
    await holdCall(guardianToken);

    const declined = await bookNext();
    clock.set(DateTime.fromISO(declined.startsAt));
    await post(`sessions/${declined.id}/check-in`, staff).expect(200);
    // The parent got a join token while the child was being asked.
    const earlyToken = (await post(`sessions/${declined.id}/join-token`, guardianToken).expect(200)).body.token;
    await post(`sessions/${declined.id}/assent`, staff, { response: 'not_today', reason: 'tired' }).expect(200);
    const notices = await t.db.query(`SELECT template FROM notifications WHERE recipient_id = $1 AND params->>'sessionId' = $2`, [mother.id, declined.id]);
    expect(notices).toContainEqual({ template: 'child_not_ready_today' });
    // No call can start: no one gets into the room, with an old token or a new one.
    const refused: { data?: { code: string } } = await connectSocket(t, '/calls', { token: earlyToken }).then(
      () => ({}),
      (error: { data?: { code: string } }) => error,
    );
    expect(refused.data?.code).toBe('CALL_NOT_JOINABLE');
    expect((await post(`sessions/${declined.id}/join-token`, guardianToken).expect(409)).body.code).toBe('CALL_NOT_JOINABLE');
    expect((await post(`sessions/${declined.id}/join-token`, staff).expect(409)).body.code).toBe('CALL_NOT_JOINABLE');
    expect((await get(`sessions/${declined.id}`, staff).expect(200)).body.status).toBe('declined');
  });

  it('raises one persistent_distress alert after sad answers following two calls, live in the open inbox; the counselor acts and pauses calls; booking then refuses', async () => {
    clock.advance({ days: 1 });
    const guardianToken = await guardianSignIn(mother.phone);
    const inbox = await connectCounselor(t, counselor);
    try {
      const first = await holdCall(guardianToken);
      await post(`sessions/${first.id}/wellbeing-check`, staff, { answers: SAD }).expect(201);
      clock.advance({ minutes: 30 });
      const second = await holdCall(guardianToken);
      await post(`sessions/${second.id}/wellbeing-check`, staff, { answers: SAD }).expect(201);
      const alert = await inbox.next('alert.created', (a) => a.childId === child.id && a.rule === 'persistent_distress');
      clock.advance({ minutes: 30 });
      const third = await holdCall(guardianToken);
      await post(`sessions/${third.id}/wellbeing-check`, staff, { answers: { feelingNow: 4, callFeeling: 5, thermometer: 1, wantsToTalk: false } }).expect(201);

      const alerts = await get(`alerts?childId=${child.id}&rule=persistent_distress`, counselor).expect(200);
      expect(alerts.body.items.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([[alert.id, 'open']]);

      await post(`alerts/${alert.id}/acknowledge`, counselor).expect(200);
      await post(`alerts/${alert.id}/follow-ups`, counselor, { action: 'call_plan_changed', note: 'Pausing calls for a week; will meet Xiaoming on Friday' }).expect(201);
      await t.http()
        .put(`/api/v1/children/${child.id}/call-plan`)
        .set(...bearer(counselor))
        .send({ paused: true, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: 'Ask about school friends, not marks.' })
        .expect(200);

      const from = clock.now().plus({ hours: 1 }).toUTC().toISO();
      const refused = await post(
        'sessions',
        staff,
        { childId: child.id, guardianId: mother.id, startsAt: from, durationMinutes: 30, kind: 'supervised' },
        { 'Idempotency-Key': randomUUID() },
      ).expect(409);
      expect(refused.body).toMatchObject({ code: 'CALL_PLAN_PAUSED' });
      expect(refused.body.detail).toMatch(/pause/i);
    } finally {
      inbox.close();
    }
  });
});
