import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { connectSocket, TestSocket } from '../support/sockets';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const NOW = DateTime.fromISO('2034-04-04T02:00:00Z', { zone: 'utc' });
const PAUSED = "calls paused by the child's counselor";
const MEDIATED = 'calls now need a counselor as mediator';
const REVOKED = "the parent's link was revoked";

/**
 * Sessions booked before a change that means they must not happen: a paused call plan, a plan
 * that now needs a mediator, a revoked child–guardian link. They are cancelled in the change's
 * transaction through the bulk cancellation (audited, every party told) and the hub view hears of it.
 */
describe('changes that cancel the sessions already booked', () => {
  const clock = new FixedClock(NOW);
  let t: TestApp;
  const open: TestSocket[] = [];

  const world = async () => {
    const w = await t.factories.newHubWorld();
    const session = (at: DateTime, input: { status?: string; kind?: 'supervised' | 'mediated'; guardianId?: string; station?: number } = {}) =>
      t.factories.newSession({
        hubId: w.hub.id,
        stationId: w.stations[input.station ?? 0].id,
        childId: w.child.id,
        guardianId: input.guardianId ?? w.guardian.id,
        supervisorId: w.staff.id,
        counselorId: input.kind === 'mediated' ? w.counselor.id : null,
        kind: input.kind,
        startsAt: at.toJSDate(),
        status: input.status,
      });
    return { ...w, session };
  };
  const status = async (id: string) => (await t.db.query(`SELECT status, cancel_reason FROM sessions WHERE id = $1`, [id]))[0];
  const notices = (id: string): Promise<{ recipient_id: string; template: string; params: Record<string, string> }[]> =>
    t.db.query(`SELECT recipient_id, template, params FROM notifications WHERE params->>'sessionId' = $1 ORDER BY template, recipient_id`, [id]);
  const cancelAudits = (id: string): Promise<{ details: Record<string, string> }[]> =>
    t.db.query(`SELECT details FROM audit_log WHERE action = 'session.cancel' AND object_id = $1`, [id]);
  const watch = async (token: string, hubId: string) => {
    const socket = await connectSocket(t, '/hubs', { token });
    open.push(socket);
    expect(await socket.ask('watch', { hubId })).toMatchObject({ ok: true });
    return socket;
  };
  const cancelledSeen = (socket: TestSocket, id: string) =>
    socket.next<{ session: { id: string; status: string } }>('session.changed', (p) => p.session.id === id && p.session.status === 'cancelled');
  const putPlan = (w: { child: { id: string }; counselor: { token: string } }, plan: Partial<Record<'paused' | 'mediatedOnly', boolean>>) =>
    t
      .http()
      .put(`/api/v1/children/${w.child.id}/call-plan`)
      .set(...bearer(w.counselor.token))
      .send({ paused: false, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: null, ...plan })
      .expect(200);

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { JOBS_SCHEMA: `kb_jobs_plan_cancel_${randomBytes(4).toString('hex')}` } });
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  it('pausing calls cancels the child’s booked sessions still to come, telling every party; checked-in, running and past ones are left', async () => {
    const w = await world();
    const supervised = await w.session(NOW.plus({ hours: 2 }));
    const mediated = await w.session(NOW.plus({ days: 1 }), { kind: 'mediated' });
    const checkedIn = await w.session(NOW.plus({ minutes: 20 }), { status: 'checked_in', station: 1 });
    const running = await w.session(NOW.minus({ minutes: 10 }), { status: 'in_call' });
    const past = await w.session(NOW.minus({ hours: 3 }), { status: 'completed' });
    const other = await world();
    const othersSession = await other.session(NOW.plus({ hours: 2 }));
    const hub = await watch(w.staff.token, w.hub.id);

    await putPlan(w, { paused: true });
    for (const session of [supervised, mediated]) {
      expect(await status(session.id)).toEqual({ status: 'cancelled', cancel_reason: PAUSED });
      await cancelledSeen(hub, session.id);
      expect(await cancelAudits(session.id)).toEqual([{ details: { reason: PAUSED, previousStatus: 'booked', via: 'calls_paused' } }]);
    }
    const told = await notices(mediated.id);
    expect(told.map((n) => [n.template, n.recipient_id, n.params.reason])).toEqual(
      expect.arrayContaining([
        ['session_cancelled', w.guardian.id, PAUSED],
        ['session_cancelled_staff', w.counselor.id, PAUSED],
        ['session_cancelled_staff', w.staff.id, PAUSED],
      ]),
    );
    expect(told).toHaveLength(3);
    expect((await notices(supervised.id)).map((n) => n.recipient_id).sort()).toEqual([w.guardian.id, w.staff.id].sort());
    expect((await status(checkedIn.id)).status).toBe('checked_in');
    expect((await status(running.id)).status).toBe('in_call');
    expect((await status(past.id)).status).toBe('completed');
    expect((await status(othersSession.id)).status).toBe('booked');

    // Saving the paused plan again (no false → true) cancels nothing more.
    const later = await w.session(NOW.plus({ days: 2 }));
    await putPlan(w, { paused: true });
    expect((await status(later.id)).status).toBe('booked');
  });

  it('requiring a mediator cancels the booked supervised sessions still to come; mediated and checked-in ones stay', async () => {
    const w = await world();
    const supervised = await w.session(NOW.plus({ hours: 2 }));
    const mediated = await w.session(NOW.plus({ days: 1 }), { kind: 'mediated' });
    const checkedIn = await w.session(NOW.plus({ minutes: 20 }), { status: 'checked_in', station: 1 });
    const hub = await watch(w.counselor.token, w.hub.id);

    await putPlan(w, { mediatedOnly: true });
    expect(await status(supervised.id)).toEqual({ status: 'cancelled', cancel_reason: MEDIATED });
    await cancelledSeen(hub, supervised.id);
    expect((await cancelAudits(supervised.id))[0].details).toMatchObject({ via: 'mediated_only', previousStatus: 'booked' });
    expect((await notices(supervised.id)).map((n) => n.template).sort()).toEqual(['session_cancelled', 'session_cancelled_staff']);
    expect((await status(mediated.id)).status).toBe('booked');
    expect((await status(checkedIn.id)).status).toBe('checked_in');
  });

  it('revoking a link cancels that guardian’s sessions with the child that have not started; the other parent’s stay', async () => {
    const w = await world();
    const otherParent = await t.factories.newGuardian({ hubId: w.hub.id });
    await t.factories.newLink(w.child.id, otherParent.id);
    await t.factories.newConsent(w.child.id, otherParent.id);
    const booked = await w.session(NOW.plus({ hours: 2 }));
    const checkedIn = await w.session(NOW.plus({ minutes: 20 }), { status: 'checked_in', station: 1 });
    const withOtherParent = await w.session(NOW.plus({ days: 1 }), { guardianId: otherParent.id });
    const hub = await watch(w.staff.token, w.hub.id);

    await t.http().post(`/api/v1/children/${w.child.id}/guardians/${w.guardian.id}/revoke`).set(...bearer(w.staff.token)).send({ reason: 'court order' }).expect(200);
    for (const session of [booked, checkedIn]) {
      expect(await status(session.id)).toEqual({ status: 'cancelled', cancel_reason: REVOKED });
      await cancelledSeen(hub, session.id);
      expect((await notices(session.id)).map((n) => [n.template, n.recipient_id])).toEqual([
        ['session_cancelled', w.guardian.id],
        ['session_cancelled_staff', w.staff.id],
      ]);
    }
    expect((await cancelAudits(checkedIn.id))[0].details).toMatchObject({ via: 'link_revoked', previousStatus: 'checked_in' });
    expect((await status(withOtherParent.id)).status).toBe('booked');
  });

  it('taking a station out of service cancels its sessions still to come, and the hub view hears of it', async () => {
    const w = await world();
    const booked = await w.session(NOW.plus({ hours: 2 }));
    const otherStation = await w.session(NOW.plus({ hours: 3 }), { station: 1 });
    const hub = await watch(w.staff.token, w.hub.id);
    const reason = 'the tablet is broken';

    await t
      .http()
      .patch(`/api/v1/hubs/${w.hub.id}/stations/${w.stations[0].id}`)
      .set(...bearer(w.staff.token))
      .send({ inService: false, outOfServiceReason: reason })
      .expect(200);
    expect(await status(booked.id)).toEqual({ status: 'cancelled', cancel_reason: reason });
    await cancelledSeen(hub, booked.id);
    expect((await status(otherStation.id)).status).toBe('booked');
  });
});
