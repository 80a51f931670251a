import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { Transactions } from '../../src/database/transaction';
import { CONVERSATION_PROMPTS } from '../../src/reminders/conversation-prompts';
import { SessionJobHandlers } from '../../src/reminders/session-job-handlers';
import { SessionJobs } from '../../src/reminders/session-jobs';
import { SessionNotices } from '../../src/reminders/session-notices';
import { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

interface NotificationRow {
  recipient_type: string;
  recipient_id: string;
  template: string;
  locale: string;
  subject: string;
  body: string;
  params: Record<string, string>;
}

const ADVICE = 'Let her lead; she has been shy since the move.';

describe('session lifecycle: notices, reminders, no-shows', () => {
  // "now" is the real minute the file starts, so pg-boss (which uses the database clock for startAfter)
  // and the app's clock agree in the one test that lets the workers run.
  const now = DateTime.utc().startOf('minute');
  const clock = new FixedClock(now);
  const schema = `kb_jobs_reminders_${randomBytes(4).toString('hex')}`;
  let t: TestApp;
  let hub: HubRow;
  let station: { id: string };
  let staff: UserRow;
  let counselor: UserRow;
  let otherStaff: UserRow;
  let admin: UserRow;
  let child: ChildRow;
  let guardianEn: GuardianRow;
  let guardianZh: GuardianRow;
  let minuteSlot = 0;

  /**
   * A session for the child at `start`, or, unless `exact`, moved a further 1000 + 10·n days away from
   * now in the same direction, so sessions of different tests never overlap.
   */
  const book = async (start: DateTime, input: { guardian?: GuardianRow; status?: string; kind?: 'supervised' | 'mediated'; exact?: boolean } = {}) =>
    t.factories.newSession({
      hubId: hub.id,
      stationId: station.id,
      childId: child.id,
      guardianId: (input.guardian ?? guardianEn).id,
      supervisorId: staff.id,
      counselorId: input.kind === 'mediated' ? counselor.id : null,
      kind: input.kind,
      startsAt: (input.exact ? start : start.plus({ days: (start < now ? -1 : 1) * (1000 + 10 * minuteSlot++) })).toJSDate(),
      durationMinutes: 20,
      bufferMinutes: 0,
      status: input.status,
    });
  const notificationsFor = (sessionId: string, template?: string): Promise<NotificationRow[]> =>
    t.db.query(
      `SELECT recipient_type, recipient_id, template, locale, subject, body, params FROM notifications
        WHERE params->>'sessionId' = $1 AND ($2::text IS NULL OR template = $2) ORDER BY created_at, id`,
      [sessionId, template ?? null],
    );
  const statusOf = async (sessionId: string) =>
    (await t.db.query(`SELECT status, guardian_joined_at FROM sessions WHERE id = $1`, [sessionId]))[0] as {
      status: string;
      guardian_joined_at: Date | null;
    };
  const jobsOf = async (sessionId: string): Promise<{ name: string; start_after: Date; data: Record<string, string> }[]> =>
    t.db.query(`SELECT name, start_after, data FROM ${schema}.job WHERE data->>'sessionId' = $1 ORDER BY start_after`, [sessionId]);
  const handlers = () => t.app.get(SessionJobHandlers);
  const inTransaction = <T>(work: Parameters<Transactions['run']>[0]) => t.app.get(Transactions).run(work) as Promise<T>;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { JOBS_SCHEMA: schema, JOBS_POLL_INTERVAL_SECONDS: '0.5' } });
    const f = t.factories;
    hub = await f.newHub({ name: 'Qingshan Hub' });
    station = await f.newStation(hub.id);
    staff = await f.newUser('hub_staff', [hub.id]);
    counselor = await f.newUser('counselor', [hub.id]);
    await t.db.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [counselor.id]);
    otherStaff = await f.newUser('hub_staff', [(await f.newHub()).id]);
    admin = await f.newAdmin();
    child = await f.newChild(hub.id, { displayName: 'Lanlan', counselorId: counselor.id });
    await t.db.query(`UPDATE children SET call_advice = $2 WHERE id = $1`, [child.id, ADVICE]);
    guardianEn = await f.newGuardian({ hubId: hub.id, locale: 'en', timeZone: 'Asia/Dubai', displayName: 'Mum' });
    guardianZh = await f.newGuardian({ hubId: hub.id, locale: 'zh-CN', timeZone: 'Asia/Shanghai', displayName: '爸爸' });
    await f.newLink(child.id, guardianEn.id);
    await f.newLink(child.id, guardianZh.id, { relationship: 'father' });
  });
  afterAll(() => t.close());
  afterEach(() => clock.set(now));

  describe('SessionNotices', () => {
    it('tells every party about a booking: the guardian in their zone and language, staff in the hub zone', async () => {
      const session = await book(now.plus({ days: 2 }).set({ hour: 11, minute: 30 }), { kind: 'mediated', exact: true });
      await inTransaction((tx) => t.app.get(SessionNotices).booked(tx, session.id));
      const rows = await notificationsFor(session.id);
      rows.sort((a, b) => [guardianEn.id, staff.id, counselor.id].indexOf(a.recipient_id) - [guardianEn.id, staff.id, counselor.id].indexOf(b.recipient_id));
      expect(rows.map((row) => [row.recipient_type, row.recipient_id, row.template, row.locale])).toEqual([
        ['guardian', guardianEn.id, 'session_booked', 'en'],
        ['user', staff.id, 'session_booked_staff', 'zh-CN'],
        ['user', counselor.id, 'session_booked_staff', 'en'],
      ]);
      const dubai = DateTime.fromJSDate(session.startsAt, { zone: 'Asia/Dubai' }).toFormat('HH:mm');
      expect(rows[0].body).toContain(`${dubai} (Asia/Dubai time)`);
      expect(rows[0].body).toContain('Lanlan');
      expect(rows[0].body).toContain('beside your child');
      const shanghai = DateTime.fromJSDate(session.startsAt, { zone: 'Asia/Shanghai' }).toFormat('HH:mm');
      expect(rows[1].body).toContain(`${shanghai}（北京时间）`);
      expect(rows[2].body).toContain(`${shanghai} (Asia/Shanghai time)`);
    });

    it('passes on a reschedule (old and new time) and a cancellation with its reason', async () => {
      const session = await book(now.plus({ days: 2 }), { guardian: guardianZh });
      const previous = DateTime.fromJSDate(session.startsAt).minus({ hours: 5 }).toJSDate();
      await inTransaction(async (tx) => {
        await t.app.get(SessionNotices).rescheduled(tx, session.id, previous);
        await t.app.get(SessionNotices).cancelled(tx, session.id, '孩子生病了');
      });
      const rows = await notificationsFor(session.id);
      const byTemplate = new Map(rows.map((row) => [row.template, row]));
      expect(rows.map((row) => [row.template, row.recipient_id]).sort()).toEqual(
        [
          ['session_rescheduled', guardianZh.id],
          ['session_rescheduled_staff', staff.id],
          ['session_cancelled', guardianZh.id],
          ['session_cancelled_staff', staff.id],
        ].sort(),
      );
      expect(byTemplate.get('session_rescheduled')!.body).toContain(DateTime.fromJSDate(previous, { zone: 'Asia/Shanghai' }).toFormat('HH:mm'));
      expect(byTemplate.get('session_cancelled')!.body).toContain('孩子生病了');
      expect(byTemplate.get('session_cancelled_staff')!.body).toContain('孩子生病了');
    });
  });

  describe('SessionJobs.scheduleFor', () => {
    const schedule = (session: { id: string; startsAt: Date }) => inTransaction((tx) => t.app.get(SessionJobs).scheduleFor(tx, session));

    it('enqueues the 24 h and 1 h reminders and the no-show check, each with the start it was planned for', async () => {
      const session = await book(now.plus({ days: 40 }));
      await schedule(session);
      const start = DateTime.fromJSDate(session.startsAt, { zone: 'utc' });
      const jobs = await jobsOf(session.id);
      expect(jobs.map((job) => [job.name, job.data.reminder ?? null, job.start_after.getTime()])).toEqual([
        ['session.reminder', '24h', start.minus({ hours: 24 }).toMillis()],
        ['session.reminder', '1h', start.minus({ hours: 1 }).toMillis()],
        ['session.no-show-check', null, start.plus({ minutes: 10 }).toMillis()],
      ]);
      expect(jobs.every((job) => Date.parse(job.data.startsAt) === session.startsAt.getTime())).toBe(true);

      // Scheduling the same start again queues nothing more (one queued job per session, start and kind).
      await schedule(session);
      expect(await jobsOf(session.id)).toHaveLength(3);
    });

    it('skips reminders whose moment has passed (a walk-in gets only the no-show check)', async () => {
      const soon = await book(now.plus({ hours: 3 }), { exact: true });
      const walkIn = await book(now.plus({ minutes: 30 }).plus({ days: 1000 }), { exact: true });
      clock.set(DateTime.fromJSDate(walkIn.startsAt).minus({ minutes: 30 }));
      await schedule(walkIn);
      clock.set(now);
      await schedule(soon);
      expect((await jobsOf(soon.id)).map((job) => [job.name, job.data.reminder ?? null])).toEqual([
        ['session.reminder', '1h'],
        ['session.no-show-check', null],
      ]);
      expect((await jobsOf(walkIn.id)).map((job) => job.name)).toEqual(['session.no-show-check']);
    });

    it('runs durably through pg-boss: a due reminder reaches the outbox, a due no-show check marks the session', async () => {
      // Due now by the database clock: the reminder 1 h before a start 1 h away, the check 10 min after a start
      // 10 min ago. Scheduled a minute "earlier", so the 1 h reminder's moment has not passed yet.
      const reminded = await book(now.plus({ hours: 1 }), { exact: true });
      const missed = await book(now.minus({ minutes: 10 }), { exact: true, guardian: guardianZh });
      clock.set(now.minus({ minutes: 1 }));
      await schedule(reminded);
      await schedule(missed);
      clock.set(now);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const reminders = await notificationsFor(reminded.id, 'session_reminder');
        const { status } = await statusOf(missed.id);
        if (reminders.length === 1 && status === 'no_show_child') break;
        if (Date.now() > deadline) throw new Error(`jobs did not run: ${reminders.length} reminder(s), status ${status}`);
        await sleep(200);
      }
    });
  });

  describe('reminder handler', () => {
    it('sends the guardian open conversation prompts and the counselor’s advice, in their language, once', async () => {
      const session = await book(now.plus({ days: 2 }));
      const job = { sessionId: session.id, startsAt: session.startsAt.toISOString(), reminder: '24h' as const };
      expect(await handlers().remind(job)).toBe('sent');
      expect(await handlers().remind(job)).toBe('already_sent');

      const rows = await notificationsFor(session.id, 'session_reminder');
      expect(rows).toHaveLength(1);
      const [reminder] = rows;
      expect(reminder).toMatchObject({ recipient_type: 'guardian', recipient_id: guardianEn.id, locale: 'en' });
      const prompts = CONVERSATION_PROMPTS.en.filter((prompt) => reminder.body.includes(prompt));
      expect(prompts.length).toBeGreaterThanOrEqual(2);
      expect(prompts.length).toBeLessThanOrEqual(3);
      expect(reminder.body).toContain(ADVICE);
      expect(reminder.body).toContain('(Asia/Dubai time)');
      expect(reminder.body).not.toMatch(/marks?\b.*\?/i); // no questions about marks

      const [audit] = await t.db.query(`SELECT actor_type, child_id, details FROM audit_log WHERE action = 'session.remind' AND object_id = $1`, [session.id]);
      expect(audit).toMatchObject({ actor_type: 'system', child_id: child.id, details: { reminder: '24h', withAdvice: true } });
    });

    it('writes Chinese prompts for a guardian who reads Chinese, and leaves out advice when there is none', async () => {
      await t.db.query(`UPDATE children SET call_advice = NULL WHERE id = $1`, [child.id]);
      try {
        const session = await book(now.plus({ days: 2 }), { guardian: guardianZh });
        expect(await handlers().remind({ sessionId: session.id, startsAt: session.startsAt.toISOString(), reminder: '1h' })).toBe('sent');
        const [reminder] = await notificationsFor(session.id, 'session_reminder');
        expect(reminder.locale).toBe('zh-CN');
        expect(CONVERSATION_PROMPTS['zh-CN'].filter((prompt) => reminder.body.includes(prompt)).length).toBeGreaterThanOrEqual(2);
        expect(reminder.body).not.toContain('辅导老师的建议');
        expect(reminder.body).toContain('北京时间');
      } finally {
        await t.db.query(`UPDATE children SET call_advice = $2 WHERE id = $1`, [child.id, ADVICE]);
      }
    });

    it('does nothing for a session that moved, was cancelled or has started', async () => {
      const moved = await book(now.plus({ days: 2 }));
      const cancelled = await book(now.plus({ days: 2 }), { status: 'cancelled' });
      const started = await book(now.plus({ days: 2 }), { status: 'checked_in' });
      const staleStart = DateTime.fromJSDate(moved.startsAt).minus({ hours: 3 }).toUTC().toISO()!;
      expect(await handlers().remind({ sessionId: moved.id, startsAt: staleStart, reminder: '24h' })).toBe('stale');
      expect(await handlers().remind({ sessionId: cancelled.id, startsAt: cancelled.startsAt.toISOString(), reminder: '1h' })).toBe('stale');
      clock.set(DateTime.fromJSDate(started.startsAt).plus({ minutes: 1 }));
      expect(await handlers().remind({ sessionId: started.id, startsAt: started.startsAt.toISOString(), reminder: '1h' })).toBe('stale');
      expect(await handlers().remind({ sessionId: '00000000-0000-4000-8000-000000000000', startsAt: staleStart, reminder: '1h' })).toBe('stale');
      for (const session of [moved, cancelled, started]) expect(await notificationsFor(session.id, 'session_reminder')).toEqual([]);
    });
  });

  describe('no-show check', () => {
    const check = (session: { id: string; startsAt: Date }, startsAt = session.startsAt.toISOString()) =>
      handlers().checkNoShow({ sessionId: session.id, startsAt });

    it('marks a checked-in session whose guardian never joined, audits it as the system and tells the supervisor; a never-checked-in one is the child’s no-show', async () => {
      const booked = await book(now.minus({ days: 1 }));
      const checkedIn = await book(now.minus({ days: 1 }), { status: 'checked_in' });
      expect(await check(booked)).toBe('marked');
      expect(await check(checkedIn)).toBe('marked');
      expect(await check(checkedIn)).toBe('not_applicable'); // a repeated job changes nothing
      expect((await statusOf(booked.id)).status).toBe('no_show_child');
      expect((await statusOf(checkedIn.id)).status).toBe('no_show_guardian');

      const audits = await t.db.query(`SELECT actor_type, actor_id, child_id FROM audit_log WHERE action = 'session.no_show_guardian' AND object_id = $1`, [
        checkedIn.id,
      ]);
      expect(audits).toEqual([{ actor_type: 'system', actor_id: null, child_id: child.id }]);
      const notices = await notificationsFor(checkedIn.id, 'session_no_show_staff');
      expect(notices.map((row) => row.recipient_id)).toEqual([staff.id]);
      expect((await notificationsFor(booked.id, 'call_not_held')).map((row) => row.recipient_id)).toEqual([guardianEn.id]);
    });

    it('leaves a session alone when the guardian joined, it moved, or it is past booked/checked-in', async () => {
      const joined = await book(now.plus({ minutes: 25 }), { exact: true });
      await t.http().post(`/api/v1/sessions/${joined.id}/guardian-joined`).set(...bearer(staff.token)).expect(200);
      const moved = await book(now.minus({ days: 1 }));
      const declined = await book(now.minus({ days: 1 }), { status: 'declined' });
      const cancelled = await book(now.minus({ days: 1 }), { status: 'cancelled' });

      expect(await check(joined)).toBe('not_applicable');
      expect(await check(moved, DateTime.fromJSDate(moved.startsAt).minus({ hours: 2 }).toUTC().toISO()!)).toBe('not_applicable');
      expect(await check(declined)).toBe('not_applicable');
      expect(await check(cancelled)).toBe('not_applicable');
      expect((await statusOf(joined.id)).status).toBe('booked');
      expect((await statusOf(moved.id)).status).toBe('booked');
      expect((await statusOf(declined.id)).status).toBe('declined');
      expect((await statusOf(cancelled.id)).status).toBe('cancelled');
    });
  });

  describe('POST /sessions/:id/guardian-joined (interim hook)', () => {
    const report = (token: string, sessionId: string) => t.http().post(`/api/v1/sessions/${sessionId}/guardian-joined`).set(...bearer(token));

    it('records the first join time for staff of the hub and admins, idempotently and audited', async () => {
      const session = await book(now.plus({ minutes: 20 }).plus({ days: 500 }), { exact: true });
      clock.set(DateTime.fromJSDate(session.startsAt).minus({ minutes: 20 }));
      const first = await report(staff.token, session.id).expect(200);
      expect(first.body).toEqual({ sessionId: session.id, status: 'booked', guardianJoinedAt: clock.now().toJSDate().toISOString() });
      clock.advance({ minutes: 3 });
      const again = await report(admin.token, session.id).expect(200);
      expect(again.body.guardianJoinedAt).toBe(first.body.guardianJoinedAt);
      expect((await statusOf(session.id)).guardian_joined_at?.toISOString()).toBe(first.body.guardianJoinedAt);
      const audits = await t.db.query(`SELECT details FROM audit_log WHERE action = 'session.guardian_joined' AND object_id = $1 ORDER BY id`, [session.id]);
      expect(audits.map((row: { details: { changed: boolean } }) => row.details.changed)).toEqual([true, false]);
    });

    it('refuses other hubs (404), counselors and guardians (403), and changes nothing', async () => {
      const session = await book(now.plus({ minutes: 10 }).plus({ days: 600 }), { exact: true });
      clock.set(DateTime.fromJSDate(session.startsAt));
      await report(otherStaff.token, session.id).expect(404);
      await report(counselor.token, session.id).expect(403);
      await report(guardianEn.token, session.id).expect(403);
      await report(admin.token, '00000000-0000-4000-8000-000000000000').expect(404);
      await report(admin.token, 'nope').expect(404);
      await t.http().post(`/api/v1/sessions/${session.id}/guardian-joined`).expect(401);
      expect((await statusOf(session.id)).guardian_joined_at).toBeNull();
    });

    it('is a 409 outside the session’s window or once it can no longer happen', async () => {
      const later = await book(now.plus({ days: 700 }), { exact: true });
      const cancelled = await book(now.plus({ days: 701 }), { exact: true, status: 'cancelled' });
      const early = await report(staff.token, later.id).expect(409);
      expect(early.body.code).toBe('INVALID_TRANSITION');
      clock.set(DateTime.fromJSDate(later.endsAt));
      await report(staff.token, later.id).expect(409);
      clock.set(DateTime.fromJSDate(cancelled.startsAt));
      expect((await report(staff.token, cancelled.id).expect(409)).body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'cancelled' });
      expect((await statusOf(later.id)).guardian_joined_at).toBeNull();
    });
  });
});
