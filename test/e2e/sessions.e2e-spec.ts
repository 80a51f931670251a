import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { ChildRow, GuardianRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/**
 * Monday 2027-03-01 08:00 in Shanghai. In the real future on purpose: the reminder jobs a booking
 * plans stay queued (pg-boss compares with the database's clock), so they can be counted.
 */
const NOW = DateTime.fromISO('2027-03-01T08:00:00', { zone: 'Asia/Shanghai' });
/** A hub-local (Shanghai) instant as the API takes it: "2027-03-02T10:00:00+08:00". */
const at = (date: string, time: string) => `${date}T${time}:00+08:00`;
const TUESDAY = '2027-03-02';
const WEDNESDAY = '2027-03-03';
const ALL_WEEK = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));

type World = Awaited<ReturnType<TestApp['factories']['newHubWorld']>>;

describe('sessions', () => {
  let t: TestApp;
  let clock: FixedClock;
  let admin: UserRow;

  beforeAll(async () => {
    clock = new FixedClock(NOW.toUTC());
    t = await startTestApp({ clock });
    admin = await t.factories.newAdmin();
  });
  afterAll(() => t.close());

  /** A hub open 07:00–23:00 every day, a guardian free all day (unless told otherwise). */
  const newWorld = async (input: { guardianTimeZone?: string; windows?: { weekday: number; start: string; end: string }[] } = {}): Promise<World> => {
    const world = await t.factories.newHubWorld({ guardianTimeZone: input.guardianTimeZone });
    await t.factories.setOpeningHours(world.hub.id, ALL_WEEK('07:00', '23:00'));
    await t.factories.setAvailability(world.guardian.id, input.windows ?? ALL_WEEK('00:00', '24:00'));
    return world;
  };
  /** Another approved, consenting guardian of a new child in the same hub. */
  const newFamily = async (world: World, input: { windows?: { weekday: number; start: string; end: string }[] } = {}) => {
    const child = await t.factories.newChild(world.hub.id, { counselorId: world.counselor.id });
    const guardian = await t.factories.newGuardian({ hubId: world.hub.id });
    await t.factories.newLink(child.id, guardian.id);
    await t.factories.newConsent(child.id, guardian.id);
    await t.factories.setAvailability(guardian.id, input.windows ?? ALL_WEEK('00:00', '24:00'));
    return { child, guardian };
  };
  const bodyFor = (world: Pick<World, 'child' | 'guardian'>, extra: Record<string, unknown> = {}) => ({
    childId: world.child.id,
    guardianId: world.guardian.id,
    startsAt: at(TUESDAY, '10:00'),
    durationMinutes: 30,
    kind: 'supervised',
    ...extra,
  });
  const book = (token: string, body: unknown, key: string | null = randomUUID()) => {
    const request = t.http().post('/api/v1/sessions').set(...bearer(token));
    return (key === null ? request : request.set('Idempotency-Key', key)).send(body as object);
  };
  const sessionCount = async (childId: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM sessions WHERE child_id = $1`, [childId]))[0].n;
  const sessionRow = async (id: string) =>
    (await t.db.query(`SELECT status, starts_at, ends_at, occupied_until, station_id, sequence, cancel_reason, cancelled_by FROM sessions WHERE id = $1`, [id]))[0];
  const audits = (action: string, objectId: string) =>
    t.db.query(`SELECT actor_id, child_id, hub_id, details FROM audit_log WHERE action = $1 AND object_id = $2 ORDER BY id`, [action, objectId]);
  const notices = (sessionId: string, template: string) =>
    t.db.query(`SELECT recipient_type, recipient_id, params FROM notifications WHERE template = $1 AND params->>'sessionId' = $2 ORDER BY recipient_type, recipient_id`, [
      template,
      sessionId,
    ]);
  const jobs = async (sessionId: string) =>
    (
      await t.db.query(`SELECT name, data->>'startsAt' AS starts_at FROM pgboss.job WHERE data->>'sessionId' = $1 ORDER BY name, start_after`, [sessionId])
    ).map((row: { name: string; starts_at: string }) => `${row.name}@${row.starts_at}`);

  /** Until some statement of this database waits on a lock (a request blocked on the exclusion constraint). */
  const waitForLockWaiter = async (): Promise<void> => {
    for (let attempt = 0; attempt < 400; attempt++) {
      const waiting = await t.db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      if (waiting.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the request never waited on the constraint');
  };

  describe('POST /sessions', () => {
    it('books a session for hub staff, with the hub-local and guardian-local wall times, audit, notices and jobs', async () => {
      const world = await newWorld({ guardianTimeZone: 'Europe/Berlin' });
      const response = await book(world.staff.token, bodyFor(world)).expect(201);
      expect(response.headers['idempotent-replayed']).toBeUndefined();
      const session = response.body;
      expect(session).toEqual({
        id: expect.any(String),
        hubId: world.hub.id,
        stationId: expect.any(String),
        childId: world.child.id,
        guardianId: world.guardian.id,
        supervisorId: world.staff.id,
        counselorId: null,
        kind: 'supervised',
        seriesId: null,
        status: 'booked',
        startsAt: '2027-03-02T02:00:00.000Z',
        endsAt: '2027-03-02T02:30:00.000Z',
        durationMinutes: 30,
        hubLocal: { start: '2027-03-02T10:00', end: '2027-03-02T10:30', timeZone: 'Asia/Shanghai' },
        guardianLocal: { start: '2027-03-02T03:00', end: '2027-03-02T03:30', timeZone: 'Europe/Berlin' },
        sequence: 0,
        cancelReason: null,
        createdAt: NOW.toUTC().toISO(),
        updatedAt: NOW.toUTC().toISO(),
      });
      expect(world.stations.map((s) => s.id)).toContain(session.stationId);
      const row = await sessionRow(session.id);
      // The station stays blocked for the hub's 10-minute buffer (the post-call check).
      expect(row.occupied_until.toISOString()).toBe('2027-03-02T02:40:00.000Z');
      expect(await audits('session.create', session.id)).toEqual([
        expect.objectContaining({ actor_id: world.staff.id, child_id: world.child.id, hub_id: world.hub.id }),
      ]);
      expect((await notices(session.id, 'session_booked')).map((n: { recipient_id: string }) => n.recipient_id)).toEqual([world.guardian.id]);
      expect((await notices(session.id, 'session_booked_staff')).map((n: { recipient_id: string }) => n.recipient_id)).toEqual([world.staff.id]);
      // Reminders 24 h and 1 h before, the no-show check after: all for this start.
      expect(await jobs(session.id)).toEqual([
        'session.no-show-check@2027-03-02T02:00:00.000Z',
        'session.reminder@2027-03-02T02:00:00.000Z',
        'session.reminder@2027-03-02T02:00:00.000Z',
      ]);
    });

    it('lets an admin book naming the supervisor, and requires one from an admin', async () => {
      const world = await newWorld();
      const missing = await book(admin.token, bodyFor(world)).expect(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'supervisorId' })]);
      expect(await sessionCount(world.child.id)).toBe(0);
      const response = await book(admin.token, bodyFor(world, { supervisorId: world.staff.id })).expect(201);
      expect(response.body.supervisorId).toBe(world.staff.id);
      expect(await audits('session.create', response.body.id)).toEqual([expect.objectContaining({ actor_id: admin.id })]);
    });

    it('books a mediated call with a counselor of the hub, telling every party', async () => {
      const world = await newWorld();
      const response = await book(world.staff.token, bodyFor(world, { kind: 'mediated', counselorId: world.counselor.id })).expect(201);
      expect(response.body).toMatchObject({ kind: 'mediated', counselorId: world.counselor.id });
      const staffNotices = await notices(response.body.id, 'session_booked_staff');
      expect(staffNotices.map((n: { recipient_id: string }) => n.recipient_id).sort()).toEqual([world.staff.id, world.counselor.id].sort());
    });

    it('books the station named, and the first free one otherwise', async () => {
      const world = await newWorld();
      const second = world.stations[1].id;
      const named = await book(world.staff.token, bodyFor(world, { stationId: second })).expect(201);
      expect(named.body.stationId).toBe(second);
      // Same time, another family and supervisor: the other station is the only one free.
      const other = await newFamily(world);
      const staff2 = await t.factories.newUser('hub_staff', [world.hub.id]);
      const auto = await book(staff2.token, bodyFor(other)).expect(201);
      expect(auto.body.stationId).toBe(world.stations[0].id);
      // A third at the same time: no station is free.
      const third = await newFamily(world);
      const staff3 = await t.factories.newUser('hub_staff', [world.hub.id]);
      const full = await book(staff3.token, bodyFor(third)).expect(409);
      expect(full.body).toMatchObject({ code: 'SLOT_TAKEN', resource: 'station' });
      expect(await sessionCount(third.child.id)).toBe(0);
    });

    describe('idempotency', () => {
      it('answers a retry with the same key and body with the first response, creating nothing', async () => {
        const world = await newWorld();
        const key = randomUUID();
        const first = await book(world.staff.token, bodyFor(world), key).expect(201);
        const again = await book(world.staff.token, bodyFor(world), key).expect(201);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(first.body);
        // Key order of the body does not matter: the hash is over canonical JSON.
        const reordered = Object.fromEntries(Object.entries(bodyFor(world)).reverse());
        expect((await book(world.staff.token, reordered, key).expect(201)).body.id).toBe(first.body.id);
        expect(await sessionCount(world.child.id)).toBe(1);
        expect(await notices(first.body.id, 'session_booked')).toHaveLength(1);
        expect(await audits('session.read', first.body.id)).toHaveLength(2);
      });

      it('hands a stored answer out again only while the caller may still see the child', async () => {
        const world = await newWorld();
        const key = randomUUID();
        await book(world.staff.token, bodyFor(world), key).expect(201);
        await t.db.query(`DELETE FROM user_hubs WHERE user_id = $1`, [world.staff.id]);
        expect((await book(world.staff.token, bodyFor(world), key).expect(404)).body.code).toBe('NOT_FOUND');
        expect(await sessionCount(world.child.id)).toBe(1);
      });

      it('refuses the same key with another body with 422, creating nothing', async () => {
        const world = await newWorld();
        const key = randomUUID();
        await book(world.staff.token, bodyFor(world), key).expect(201);
        const response = await book(world.staff.token, bodyFor(world, { startsAt: at(TUESDAY, '15:00') }), key).expect(422);
        expect(response.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
        expect(await sessionCount(world.child.id)).toBe(1);
      });

      it('keeps keys per caller: another staff member’s request with the same key is a request of its own', async () => {
        const world = await newWorld();
        const other = await newFamily(world);
        const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
        const key = randomUUID();
        const mine = await book(world.staff.token, bodyFor(world), key).expect(201);
        const theirs = await book(colleague.token, bodyFor(other), key).expect(201);
        expect(theirs.body.id).not.toBe(mine.body.id);
        expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      });

      it('stores nothing for a refused request: a retry with its key is judged afresh', async () => {
        const world = await newWorld();
        const key = randomUUID();
        await t.db.query(`UPDATE children SET call_paused = true WHERE id = $1`, [world.child.id]);
        expect((await book(world.staff.token, bodyFor(world), key).expect(409)).body.code).toBe('CALL_PLAN_PAUSED');
        await t.db.query(`UPDATE children SET call_paused = false WHERE id = $1`, [world.child.id]);
        await book(world.staff.token, bodyFor(world), key).expect(201);
        // Also with another body (the refused request left no trace).
        const other = await newWorld();
        const key2 = randomUUID();
        await book(other.staff.token, bodyFor(other, { startsAt: at(TUESDAY, '06:00') }), key2).expect(422);
        await book(other.staff.token, bodyFor(other), key2).expect(201);
        const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = ANY($1)`, [[key, key2]]);
        expect(n).toBe(2);
      });

      it.each([
        ['missing', null],
        ['empty', ''],
        ['with a space', 'my key'],
        ['non-ASCII', 'schlüssel'],
        ['201 characters long', 'k'.repeat(201)],
      ])('refuses a key that is %s with 400 naming the header', async (_label, key) => {
        const world = await newWorld();
        const response = await book(world.staff.token, bodyFor(world), key).expect(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(response.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
        expect(await sessionCount(world.child.id)).toBe(0);
      });
    });

    describe('bad input', () => {
      let world: World;
      beforeAll(async () => {
        world = await newWorld();
      });
      afterEach(async () => expect(await sessionCount(world.child.id)).toBe(0));

      it.each([
        ['a nonsense date', { startsAt: '2027-02-30T10:00:00+08:00' }, 'startsAt'],
        ['a nonsense time', { startsAt: '2027-03-02T25:00:00+08:00' }, 'startsAt'],
        ['a time without an offset', { startsAt: '2027-03-02T10:00:00' }, 'startsAt'],
        ['a date only', { startsAt: '2027-03-02' }, 'startsAt'],
        ['words', { startsAt: 'tomorrow at ten' }, 'startsAt'],
        ['an epoch number', { startsAt: 1803952800000 }, 'startsAt'],
        ['an impossible offset', { startsAt: '2027-03-02T10:00:00+25:00' }, 'startsAt'],
        ['year 0', { startsAt: '0000-01-01T10:00:00Z' }, 'startsAt'],
        ['year 9999', { startsAt: '9999-12-31T23:00:00+08:00' }, 'startsAt'],
        ['a missing start', { startsAt: undefined }, 'startsAt'],
        ['a duration of 0', { durationMinutes: 0 }, 'durationMinutes'],
        ['a duration of 10,000', { durationMinutes: 10_000 }, 'durationMinutes'],
        ['a duration of 4', { durationMinutes: 4 }, 'durationMinutes'],
        ['a duration of 241', { durationMinutes: 241 }, 'durationMinutes'],
        ['a fractional duration', { durationMinutes: 30.5 }, 'durationMinutes'],
        ['a duration as a string', { durationMinutes: '30' }, 'durationMinutes'],
        ['an unknown kind', { kind: 'video' }, 'kind'],
        ['a child id that is not a uuid', { childId: 'child-1' }, 'childId'],
        ['a missing guardian', { guardianId: undefined }, 'guardianId'],
        ['a station id that is not a uuid', { stationId: 'booth 1' }, 'stationId'],
        ['a null station', { stationId: null }, 'stationId'],
        ['a counselor on a supervised call', { counselorId: randomUUID() }, 'counselorId'],
        ['a mediated call without counselor', { kind: 'mediated' }, 'counselorId'],
        ['an unknown field', { endsAt: '2027-03-02T11:00:00+08:00' }, 'endsAt'],
        ['a status', { status: 'completed' }, 'status'],
      ])('refuses %s with 400, creating nothing', async (_label, change, field) => {
        const response = await book(world.staff.token, bodyFor(world, change)).expect(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      });

      it('refuses bodies that are not an object', async () => {
        for (const body of [[], {}, 'x']) expect((await book(world.staff.token, body)).status).toBeGreaterThanOrEqual(400);
      });
    });

    describe('scope and roles', () => {
      let world: World;
      let elsewhere: World;
      beforeAll(async () => {
        world = await newWorld();
        elsewhere = await newWorld();
      });
      afterEach(async () => expect(await sessionCount(world.child.id)).toBe(0));

      it('answers 404 for a child out of the caller’s hubs or unknown', async () => {
        expect((await book(elsewhere.staff.token, bodyFor(world)).expect(404)).body).toMatchObject({ code: 'NOT_FOUND', detail: 'Child was not found' });
        await book(world.staff.token, bodyFor(world, { childId: randomUUID() })).expect(404);
      });

      it('answers 403 to counselors and guardians, 401 without a token', async () => {
        expect((await book(world.counselor.token, bodyFor(world)).expect(403)).body.code).toBe('FORBIDDEN');
        await book(world.guardian.token, bodyFor(world)).expect(403);
        await t.http().post('/api/v1/sessions').set('Idempotency-Key', randomUUID()).send(bodyFor(world)).expect(401);
      });

      it('answers 404 for a guardian with no link to the child, unknown, or of another hub', async () => {
        const unlinked = await t.factories.newGuardian({ hubId: world.hub.id });
        for (const guardianId of [unlinked.id, randomUUID(), elsewhere.guardian.id]) {
          const response = await book(world.staff.token, bodyFor(world, { guardianId })).expect(404);
          expect(response.body.detail).toBe('Guardian was not found');
        }
      });

      it('answers 409 LINK_NOT_APPROVED for a pending or revoked link', async () => {
        for (const status of ['pending', 'revoked'] as const) {
          const guardian = await t.factories.newGuardian({ hubId: world.hub.id });
          await t.factories.newLink(world.child.id, guardian.id, { status });
          await t.factories.newConsent(world.child.id, guardian.id);
          const response = await book(world.staff.token, bodyFor(world, { guardianId: guardian.id })).expect(409);
          expect(response.body).toMatchObject({ code: 'LINK_NOT_APPROVED', linkStatus: status });
        }
      });

      it('answers 409 for a guardian an admin disabled, and books nothing', async () => {
        const disabled = await t.factories.newGuardian({ hubId: world.hub.id });
        await t.factories.newLink(world.child.id, disabled.id);
        await t.factories.newConsent(world.child.id, disabled.id);
        await t.factories.setAvailability(disabled.id, ALL_WEEK('00:00', '24:00'));
        await t.db.query(`UPDATE guardians SET disabled_at = now() WHERE id = $1`, [disabled.id]);
        const before = await sessionCount(world.child.id);
        const response = await book(world.staff.token, bodyFor(world, { guardianId: disabled.id })).expect(409);
        expect(response.body).toMatchObject({ code: 'CONFLICT', guardianDisabled: true });
        expect(await sessionCount(world.child.id)).toBe(before);
      });

      it('answers 409 CONSENT_REQUIRED without an active video_call consent (missing, other scope, withdrawn)', async () => {
        const noConsent = await t.factories.newGuardian({ hubId: world.hub.id });
        await t.factories.newLink(world.child.id, noConsent.id);
        const wellbeingOnly = await t.factories.newGuardian({ hubId: world.hub.id });
        await t.factories.newLink(world.child.id, wellbeingOnly.id);
        await t.factories.newConsent(world.child.id, wellbeingOnly.id, ['wellbeing_check']);
        const withdrawn = await t.factories.newGuardian({ hubId: world.hub.id });
        await t.factories.newLink(world.child.id, withdrawn.id);
        const consent = await t.factories.newConsent(world.child.id, withdrawn.id);
        await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE id = $1`, [consent.id]);
        for (const guardian of [noConsent, wellbeingOnly, withdrawn]) {
          await t.factories.setAvailability(guardian.id, ALL_WEEK('00:00', '24:00'));
          const response = await book(world.staff.token, bodyFor(world, { guardianId: guardian.id })).expect(409);
          expect(response.body).toMatchObject({ code: 'CONSENT_REQUIRED', scope: 'video_call' });
        }
      });

      it('answers 404 for a supervisor who is not active hub staff of the child’s hub', async () => {
        const disabled = await t.factories.newUser('hub_staff', [world.hub.id]);
        await t.db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [disabled.id]);
        for (const supervisorId of [world.counselor.id, elsewhere.staff.id, admin.id, disabled.id, randomUUID()]) {
          const response = await book(admin.token, bodyFor(world, { supervisorId })).expect(404);
          expect(response.body.detail).toMatch(/^Supervisor was not found/);
        }
      });

      it('answers 404 for a mediating counselor who is not a counselor of the child’s hub', async () => {
        for (const counselorId of [world.staff.id, elsewhere.counselor.id, randomUUID()]) {
          const response = await book(world.staff.token, bodyFor(world, { kind: 'mediated', counselorId })).expect(404);
          expect(response.body.detail).toMatch(/^Counselor was not found/);
        }
      });

      it('answers 404 for a station of another hub and 409 for one out of service', async () => {
        for (const stationId of [elsewhere.stations[0].id, randomUUID()]) {
          expect((await book(world.staff.token, bodyFor(world, { stationId })).expect(404)).body.detail).toBe('Station was not found');
        }
        const broken = await t.factories.newStation(world.hub.id, { inService: false });
        const response = await book(world.staff.token, bodyFor(world, { stationId: broken.id })).expect(409);
        expect(response.body).toMatchObject({ code: 'STATION_OUT_OF_SERVICE', stationId: broken.id });
      });
    });

    describe('booking rules', () => {
      it.each([
        ['TOO_SOON', 422, at('2027-03-01', '09:30')],
        ['BEYOND_HORIZON', 422, at('2027-03-29', '10:00')],
        ['OUTSIDE_OPENING_HOURS', 422, at(TUESDAY, '22:45')],
        ['OUTSIDE_OPENING_HOURS', 422, at(TUESDAY, '06:30')],
      ])('refuses with %s (%i) for %s', async (code, status, startsAt) => {
        const world = await newWorld();
        const response = await book(world.staff.token, bodyFor(world, { startsAt })).expect(status);
        expect(response.body.code).toBe(code);
        expect(await sessionCount(world.child.id)).toBe(0);
      });

      it('accepts the last minute of notice and refuses one minute less', async () => {
        const world = await newWorld();
        await book(world.staff.token, bodyFor(world, { startsAt: at('2027-03-01', '09:59') })).expect(422);
        await book(world.staff.token, bodyFor(world, { startsAt: at('2027-03-01', '10:00') })).expect(201);
      });

      it('judges the guardian’s windows in the guardian’s zone', async () => {
        // Berlin 18:00–20:00 is 01:00–03:00 the next day in Shanghai (winter time, UTC+1).
        const world = await newWorld({ guardianTimeZone: 'Europe/Berlin', windows: [{ weekday: 1, start: '18:00', end: '20:00' }] });
        await t.db.query(`DELETE FROM hub_opening_hours WHERE hub_id = $1`, [world.hub.id]);
        await t.factories.setOpeningHours(world.hub.id, ALL_WEEK('00:00', '24:00'));
        const outside = await book(world.staff.token, bodyFor(world, { startsAt: at(TUESDAY, '10:00') })).expect(422);
        expect(outside.body.code).toBe('OUTSIDE_GUARDIAN_WINDOW');
        const inside = await book(world.staff.token, bodyFor(world, { startsAt: '2027-03-01T18:30:00+01:00' })).expect(201);
        expect(inside.body.hubLocal.start).toBe('2027-03-02T01:30');
        expect(inside.body.guardianLocal).toEqual({ start: '2027-03-01T18:30', end: '2027-03-01T19:00', timeZone: 'Europe/Berlin' });
      });

      it('applies the call plan: paused, mediated only, weekly cap (ISO week in the hub zone)', async () => {
        const world = await newWorld();
        await t.db.query(`UPDATE children SET call_paused = true WHERE id = $1`, [world.child.id]);
        expect((await book(world.staff.token, bodyFor(world)).expect(409)).body.code).toBe('CALL_PLAN_PAUSED');
        await t.db.query(`UPDATE children SET call_paused = false, call_mediated_only = true WHERE id = $1`, [world.child.id]);
        expect((await book(world.staff.token, bodyFor(world)).expect(409)).body.code).toBe('MEDIATED_ONLY');
        await book(world.staff.token, bodyFor(world, { kind: 'mediated', counselorId: world.counselor.id })).expect(201);
        await t.db.query(`UPDATE children SET call_mediated_only = false, call_max_per_week = 1 WHERE id = $1`, [world.child.id]);
        const capped = await book(world.staff.token, bodyFor(world, { startsAt: at('2027-03-07', '22:00') })).expect(409);
        expect(capped.body.code).toBe('WEEKLY_CAP_REACHED');
        // Monday 00:30 in Shanghai is already the next ISO week there.
        await t.db.query(`DELETE FROM hub_opening_hours WHERE hub_id = $1`, [world.hub.id]);
        await t.factories.setOpeningHours(world.hub.id, ALL_WEEK('00:00', '24:00'));
        await book(world.staff.token, bodyFor(world, { startsAt: at('2027-03-08', '00:30') })).expect(201);
        expect(await sessionCount(world.child.id)).toBe(2);
      });

      it('names the busy resource: child, guardian, supervisor, counselor, station (with its buffer)', async () => {
        const world = await newWorld();
        const first = await book(world.staff.token, bodyFor(world, { kind: 'mediated', counselorId: world.counselor.id })).expect(201);
        const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
        const other = await newFamily(world);
        // The same child (another guardian of theirs), the same guardian (another child of theirs).
        const secondGuardian = await t.factories.newGuardian({ hubId: world.hub.id });
        await t.factories.newLink(world.child.id, secondGuardian.id);
        await t.factories.newConsent(world.child.id, secondGuardian.id);
        await t.factories.setAvailability(secondGuardian.id, ALL_WEEK('00:00', '24:00'));
        const sibling = await t.factories.newChild(world.hub.id);
        await t.factories.newLink(sibling.id, world.guardian.id);
        await t.factories.newConsent(sibling.id, world.guardian.id);
        const cases: [string, string, Record<string, unknown>][] = [
          ['child', colleague.token, { ...bodyFor(world), guardianId: secondGuardian.id, startsAt: at(TUESDAY, '10:15') }],
          ['guardian', colleague.token, { ...bodyFor(world), childId: sibling.id, startsAt: at(TUESDAY, '10:15') }],
          ['supervisor', world.staff.token, bodyFor(other, { startsAt: at(TUESDAY, '10:15') })],
          ['counselor', colleague.token, bodyFor(other, { kind: 'mediated', counselorId: world.counselor.id, startsAt: at(TUESDAY, '10:15') })],
          // Back to back is fine for people, but the station needs its 10-minute buffer.
          ['station', colleague.token, bodyFor(other, { stationId: first.body.stationId, startsAt: at(TUESDAY, '10:35') })],
        ];
        for (const [resource, token, body] of cases) {
          const response = await book(token, body).expect(409);
          expect(response.body).toMatchObject({ code: 'SLOT_TAKEN', resource });
          expect(response.body.conflict).toEqual({ startsAt: first.body.startsAt, endsAt: expect.any(String) });
        }
        expect(await sessionCount(other.child.id)).toBe(0);
        // After the buffer the station is free; people may go back to back.
        await book(colleague.token, bodyFor(other, { stationId: first.body.stationId, startsAt: at(TUESDAY, '10:40') })).expect(201);
        await book(world.staff.token, bodyFor(world, { startsAt: at(TUESDAY, '10:30') })).expect(201);
      });

      it('lets the database refuse a double booking that slipped past the read (23P01 → 409 SLOT_TAKEN, nothing kept)', async () => {
        const world = await newWorld();
        const other = await newFamily(world);
        const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
        const station = world.stations[0].id;
        // Hold an uncommitted conflicting row: the booking reads no conflict, then waits on the constraint and loses.
        const runner = t.db.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        try {
          await runner.query(
            `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until)
             VALUES ($1, $2, $3, $4, $5, 'supervised', $6, $7, $8)`,
            [world.hub.id, station, other.child.id, other.guardian.id, colleague.id, '2027-03-02T02:00:00Z', '2027-03-02T02:30:00Z', '2027-03-02T02:40:00Z'],
          );
          const key = randomUUID();
          const pending = book(world.staff.token, bodyFor(world, { stationId: station }), key).then((r) => r);
          await waitForLockWaiter();
          await runner.commitTransaction();
          const response = await pending;
          expect(response.status).toBe(409);
          expect(response.body).toMatchObject({ code: 'SLOT_TAKEN', resource: 'station' });
          expect(await sessionCount(world.child.id)).toBe(0);
          expect(await t.db.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [key])).toHaveLength(0);
        } finally {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.release();
        }
      });
    });
  });

  describe('GET /sessions and GET /sessions/:id', () => {
    let world: World;
    let elsewhere: World;
    let other: { child: ChildRow; guardian: GuardianRow };
    let ids: { first: string; second: string; third: string; foreign: string };

    beforeAll(async () => {
      world = await newWorld();
      elsewhere = await newWorld();
      other = await newFamily(world);
      const first = await book(world.staff.token, bodyFor(world, { startsAt: at(WEDNESDAY, '10:00') })).expect(201);
      const second = await book(world.staff.token, bodyFor(other, { startsAt: at(TUESDAY, '12:00') })).expect(201);
      const third = await book(world.staff.token, bodyFor(world, { startsAt: at(TUESDAY, '09:00') })).expect(201);
      await t.http().post(`/api/v1/sessions/${third.body.id}/cancel`).set(...bearer(world.staff.token)).send({ reason: 'Child is ill' }).expect(200);
      const foreign = await book(elsewhere.staff.token, bodyFor(elsewhere)).expect(201);
      ids = { first: first.body.id, second: second.body.id, third: third.body.id, foreign: foreign.body.id };
    });

    const list = (token: string, query = '') => t.http().get(`/api/v1/sessions${query}`).set(...bearer(token));
    const listed = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

    it('lists a hub’s sessions ordered by start for its staff and counselors, audited per session', async () => {
      for (const caller of [world.staff, world.counselor]) {
        const response = await list(caller.token, `?hubId=${world.hub.id}`).expect(200);
        expect(response.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
        expect(listed(response.body)).toEqual([ids.third, ids.second, ids.first]);
        // Without a filter: still only their hub.
        expect(listed((await list(caller.token).expect(200)).body)).not.toContain(ids.foreign);
      }
      const reads = await t.db.query(`SELECT actor_id FROM audit_log WHERE action = 'session.read' AND object_id = $1 AND actor_id = $2`, [
        ids.second,
        world.counselor.id,
      ]);
      expect(reads.length).toBeGreaterThanOrEqual(2);
    });

    it('lists every hub for admins, nothing of another hub for its staff', async () => {
      expect(listed((await list(admin.token, `?hubId=${elsewhere.hub.id}`).expect(200)).body)).toEqual([ids.foreign]);
      const response = await list(elsewhere.staff.token, `?hubId=${world.hub.id}`).expect(200);
      expect(response.body).toMatchObject({ items: [], total: 0 });
    });

    it('shows a guardian only their own sessions, and none once their link is revoked', async () => {
      expect(listed((await list(world.guardian.token).expect(200)).body)).toEqual([ids.third, ids.first]);
      expect(listed((await list(other.guardian.token, `?hubId=${world.hub.id}`).expect(200)).body)).toEqual([ids.second]);
      expect((await list(other.guardian.token, `?guardianId=${world.guardian.id}`).expect(200)).body.total).toBe(0);
      const revoked = await newWorld();
      await book(revoked.staff.token, bodyFor(revoked)).expect(201);
      await t.db.query(`UPDATE child_guardian_links SET status = 'revoked' WHERE child_id = $1`, [revoked.child.id]);
      expect((await list(revoked.guardian.token).expect(200)).body.total).toBe(0);
    });

    it('filters by child, guardian, one or several statuses and a start window', async () => {
      const token = world.staff.token;
      expect(listed((await list(token, `?childId=${other.child.id}`).expect(200)).body)).toEqual([ids.second]);
      expect(listed((await list(token, `?guardianId=${world.guardian.id}`).expect(200)).body)).toEqual([ids.third, ids.first]);
      expect(listed((await list(token, `?hubId=${world.hub.id}&status=cancelled`).expect(200)).body)).toEqual([ids.third]);
      expect(listed((await list(token, `?hubId=${world.hub.id}&status=booked`).expect(200)).body)).toEqual([ids.second, ids.first]);
      expect((await list(token, `?hubId=${world.hub.id}&status=booked&status=cancelled`).expect(200)).body.total).toBe(3);
      expect((await list(token, `?hubId=${world.hub.id}&status=booked,cancelled`).expect(200)).body.total).toBe(3);
      const window = `?hubId=${world.hub.id}&from=${encodeURIComponent(at(TUESDAY, '09:00'))}&to=${encodeURIComponent(at(TUESDAY, '12:00'))}`;
      expect(listed((await list(token, window).expect(200)).body)).toEqual([ids.third]);
      expect(listed((await list(token, `?hubId=${world.hub.id}&from=2027-03-02T04:00:00Z`).expect(200)).body)).toEqual([ids.second, ids.first]);
    });

    it('pages', async () => {
      const page2 = await list(world.staff.token, `?hubId=${world.hub.id}&pageSize=1&page=2`).expect(200);
      expect(page2.body).toEqual({ items: [expect.objectContaining({ id: ids.second })], total: 3, page: 2, pageSize: 1 });
      const beyond = await list(world.staff.token, `?hubId=${world.hub.id}&pageSize=2&page=5`).expect(200);
      expect(beyond.body).toEqual({ items: [], total: 3, page: 5, pageSize: 2 });
    });

    it.each([
      ['to before from', `?from=2027-03-03T00:00:00Z&to=2027-03-02T00:00:00Z`, 'to'],
      ['to equal to from', `?from=2027-03-03T00:00:00Z&to=2027-03-03T00:00:00Z`, 'to'],
      ['a nonsense date', `?from=2027-02-30T00:00:00Z`, 'from'],
      ['a date without offset', `?to=2027-03-03T00:00:00`, 'to'],
      ['year 0', `?from=0000-01-01T00:00:00Z`, 'from'],
      ['an empty status', `?status=`, 'status'],
      ['an unknown status', `?status=done`, 'status'],
      ['an unknown parameter', `?stationId=${randomUUID()}`, 'stationId'],
      ['a hub id that is not a uuid', `?hubId=hub-1`, 'hubId'],
      ['a page size of 0', `?pageSize=0`, 'pageSize'],
    ])('refuses %s with 400', async (_label, query, field) => {
      const response = await list(world.staff.token, query).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });

    it('shows one session to whoever may see it, audited; 404 to everyone else', async () => {
      const get = (token: string, id = ids.first) => t.http().get(`/api/v1/sessions/${id}`).set(...bearer(token));
      for (const caller of [world.staff, world.counselor, admin, world.guardian]) {
        expect((await get(caller.token).expect(200)).body).toMatchObject({ id: ids.first, childId: world.child.id, status: 'booked' });
      }
      const reads = await t.db.query(`SELECT actor_id, child_id, hub_id FROM audit_log WHERE action = 'session.read' AND object_id = $1 AND details->>'via' = 'get'`, [
        ids.first,
      ]);
      expect(reads.map((r: { actor_id: string }) => r.actor_id).sort()).toEqual([world.staff.id, world.counselor.id, admin.id, world.guardian.id].sort());
      expect(reads[0]).toMatchObject({ child_id: world.child.id, hub_id: world.hub.id });
      for (const token of [elsewhere.staff.token, elsewhere.counselor.token, other.guardian.token]) {
        expect((await get(token).expect(404)).body.code).toBe('NOT_FOUND');
      }
      await get(world.staff.token, randomUUID()).expect(404);
      await get(world.staff.token, 'session-1').expect(404);
    });
  });

  describe('PATCH /sessions/:id (reschedule)', () => {
    const patch = (token: string, id: string, body: unknown) => t.http().patch(`/api/v1/sessions/${id}`).set(...bearer(token)).send(body as object);

    it('moves a session atomically, keeping its station, bumping the sequence, telling every party and re-planning the jobs', async () => {
      const world = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      const response = await patch(world.staff.token, booked.id, { startsAt: at(WEDNESDAY, '15:00'), durationMinutes: 45 }).expect(200);
      expect(response.body).toMatchObject({
        id: booked.id,
        stationId: booked.stationId,
        startsAt: '2027-03-03T07:00:00.000Z',
        endsAt: '2027-03-03T07:45:00.000Z',
        durationMinutes: 45,
        hubLocal: { start: '2027-03-03T15:00', end: '2027-03-03T15:45', timeZone: 'Asia/Shanghai' },
        sequence: 1,
        status: 'booked',
      });
      expect((await sessionRow(booked.id)).occupied_until.toISOString()).toBe('2027-03-03T07:55:00.000Z');
      expect(await audits('session.reschedule', booked.id)).toEqual([
        expect.objectContaining({
          actor_id: world.staff.id,
          details: expect.objectContaining({ from: expect.objectContaining({ startsAt: booked.startsAt }), to: expect.objectContaining({ startsAt: '2027-03-03T07:00:00.000Z' }) }),
        }),
      ]);
      expect(await notices(booked.id, 'session_rescheduled')).toHaveLength(1);
      expect(await notices(booked.id, 'session_rescheduled_staff')).toHaveLength(1);
      expect(await jobs(booked.id)).toEqual(
        expect.arrayContaining(['session.reminder@2027-03-03T07:00:00.000Z', 'session.no-show-check@2027-03-03T07:00:00.000Z']),
      );
      // The old slot is free again.
      const other = await newFamily(world);
      const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
      await book(colleague.token, bodyFor(other, { stationId: booked.stationId })).expect(201);
    });

    it('may overlap its own old slot, and moves to another station on request', async () => {
      const world = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world, { stationId: world.stations[0].id })).expect(201)).body;
      const later = await patch(world.staff.token, booked.id, { startsAt: at(TUESDAY, '10:15') }).expect(200);
      expect(later.body).toMatchObject({ startsAt: '2027-03-02T02:15:00.000Z', stationId: world.stations[0].id, sequence: 1 });
      const moved = await patch(admin.token, booked.id, { stationId: world.stations[1].id }).expect(200);
      expect(moved.body).toMatchObject({ startsAt: '2027-03-02T02:15:00.000Z', stationId: world.stations[1].id, sequence: 2 });
    });

    it('refuses a taken slot with 409 SLOT_TAKEN and keeps the session where it was', async () => {
      const world = await newWorld();
      const other = await newFamily(world);
      const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
      const mine = (await book(world.staff.token, bodyFor(world, { stationId: world.stations[0].id })).expect(201)).body;
      await book(colleague.token, bodyFor(other, { stationId: world.stations[0].id, startsAt: at(TUESDAY, '14:00') })).expect(201);
      const response = await patch(world.staff.token, mine.id, { startsAt: at(TUESDAY, '14:10'), stationId: world.stations[0].id }).expect(409);
      expect(response.body).toMatchObject({ code: 'SLOT_TAKEN', resource: 'station' });
      expect(await sessionRow(mine.id)).toMatchObject({ sequence: 0, starts_at: new Date(mine.startsAt) });
      // The guardian of the other family's slot is not busy for mine; but the same guardian would be.
      expect((await patch(world.staff.token, mine.id, { startsAt: at('2027-03-01', '09:00') }).expect(422)).body.code).toBe('TOO_SOON');
      expect(await audits('session.reschedule', mine.id)).toHaveLength(0);
    });

    it('lets the database judge the new range: a conflicting row committed after the read refuses the move', async () => {
      const world = await newWorld();
      const other = await newFamily(world);
      const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
      const mine = (await book(world.staff.token, bodyFor(world, { stationId: world.stations[0].id })).expect(201)).body;
      const runner = t.db.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query(
          `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until)
           VALUES ($1, $2, $3, $4, $5, 'supervised', '2027-03-02T06:00:00Z', '2027-03-02T06:30:00Z', '2027-03-02T06:40:00Z')`,
          [world.hub.id, world.stations[0].id, other.child.id, other.guardian.id, colleague.id],
        );
        const pending = patch(world.staff.token, mine.id, { startsAt: at(TUESDAY, '14:00'), stationId: world.stations[0].id }).then((r) => r);
        await waitForLockWaiter();
        await runner.commitTransaction();
        const response = await pending;
        expect(response.status).toBe(409);
        expect(response.body).toMatchObject({ code: 'SLOT_TAKEN', resource: 'station' });
        expect(await sessionRow(mine.id)).toMatchObject({ sequence: 0, starts_at: new Date(mine.startsAt) });
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    });

    it('only moves booked sessions (409 INVALID_TRANSITION with currentStatus)', async () => {
      const world = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      await t.db.query(`UPDATE sessions SET status = 'checked_in' WHERE id = $1`, [booked.id]);
      const response = await patch(world.staff.token, booked.id, { startsAt: at(WEDNESDAY, '10:00') }).expect(409);
      expect(response.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'checked_in' });
    });

    it('applies the same rules as a booking (link, consent, hours, station)', async () => {
      const world = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      expect((await patch(world.staff.token, booked.id, { startsAt: at(TUESDAY, '23:00') }).expect(422)).body.code).toBe('OUTSIDE_OPENING_HOURS');
      const broken = await t.factories.newStation(world.hub.id, { inService: false });
      expect((await patch(world.staff.token, booked.id, { stationId: broken.id }).expect(409)).body.code).toBe('STATION_OUT_OF_SERVICE');
      const elsewhere = await newWorld();
      await patch(world.staff.token, booked.id, { stationId: elsewhere.stations[0].id }).expect(404);
      await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE child_id = $1`, [world.child.id]);
      expect((await patch(world.staff.token, booked.id, { startsAt: at(WEDNESDAY, '10:00') }).expect(409)).body.code).toBe('CONSENT_REQUIRED');
      await t.db.query(`UPDATE child_guardian_links SET status = 'pending' WHERE child_id = $1`, [world.child.id]);
      expect((await patch(world.staff.token, booked.id, { startsAt: at(WEDNESDAY, '10:00') }).expect(409)).body.code).toBe('LINK_NOT_APPROVED');
      expect(await sessionRow(booked.id)).toMatchObject({ sequence: 0, starts_at: new Date(booked.startsAt), station_id: booked.stationId });
    });

    it('answers the role matrix: 403 for counselors and guardians, 404 out of scope', async () => {
      const world = await newWorld();
      const elsewhere = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      const body = { startsAt: at(WEDNESDAY, '10:00') };
      await patch(world.counselor.token, booked.id, body).expect(403);
      await patch(world.guardian.token, booked.id, body).expect(403);
      await patch(elsewhere.staff.token, booked.id, body).expect(404);
      await patch(world.staff.token, randomUUID(), body).expect(404);
      await patch(world.staff.token, 'nope', body).expect(404);
      expect(await sessionRow(booked.id)).toMatchObject({ sequence: 0 });
    });

    it.each([
      ['an empty body', {}, undefined],
      ['a nonsense date', { startsAt: '2027-03-32T10:00:00+08:00' }, 'startsAt'],
      ['a date without offset', { startsAt: '2027-03-03T10:00' }, 'startsAt'],
      ['a duration of 0', { durationMinutes: 0 }, 'durationMinutes'],
      ['a duration of 10,000', { durationMinutes: 10_000 }, 'durationMinutes'],
      ['a station id that is not a uuid', { stationId: 'x' }, 'stationId'],
      ['an unknown field', { guardianId: randomUUID() }, 'guardianId'],
      ['a null start', { startsAt: null }, 'startsAt'],
    ])('refuses %s with 400, changing nothing', async (_label, body, field) => {
      const world = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      const response = await patch(world.staff.token, booked.id, body).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      if (field) expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await sessionRow(booked.id)).toMatchObject({ sequence: 0, starts_at: new Date(booked.startsAt) });
    });
  });

  describe('POST /sessions/:id/cancel', () => {
    const cancel = (token: string, id: string, body: unknown) => t.http().post(`/api/v1/sessions/${id}/cancel`).set(...bearer(token)).send(body as object);

    it('cancels with a reason, bumps the sequence, tells every party, audits, and frees the slot', async () => {
      const world = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world, { kind: 'mediated', counselorId: world.counselor.id })).expect(201)).body;
      const response = await cancel(world.staff.token, booked.id, { reason: '  The child has a fever  ' }).expect(200);
      expect(response.body).toMatchObject({ id: booked.id, status: 'cancelled', cancelReason: 'The child has a fever', sequence: 1 });
      expect(await sessionRow(booked.id)).toMatchObject({ status: 'cancelled', cancelled_by: world.staff.id });
      expect(await notices(booked.id, 'session_cancelled')).toEqual([expect.objectContaining({ recipient_id: world.guardian.id })]);
      const staffNotices = await notices(booked.id, 'session_cancelled_staff');
      expect(staffNotices.map((n: { recipient_id: string }) => n.recipient_id).sort()).toEqual([world.staff.id, world.counselor.id].sort());
      expect(staffNotices[0].params.reason).toBe('The child has a fever');
      expect(await audits('session.cancel', booked.id)).toEqual([
        expect.objectContaining({ actor_id: world.staff.id, child_id: world.child.id, details: expect.objectContaining({ reason: 'The child has a fever' }) }),
      ]);
      await book(world.staff.token, bodyFor(world, { stationId: booked.stationId })).expect(201);
    });

    it('lets a counselor of the hub and an admin cancel, from booked or checked in', async () => {
      const world = await newWorld();
      const one = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      const two = (await book(world.staff.token, bodyFor(world, { startsAt: at(WEDNESDAY, '10:00') })).expect(201)).body;
      await t.db.query(`UPDATE sessions SET status = 'checked_in' WHERE id = $1`, [two.id]);
      await cancel(world.counselor.token, one.id, { reason: 'Too much this week' }).expect(200);
      expect((await cancel(admin.token, two.id, { reason: 'Hub closed' }).expect(200)).body.status).toBe('cancelled');
    });

    it('refuses other states with 409 INVALID_TRANSITION, naming the current status', async () => {
      const world = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      await cancel(world.staff.token, booked.id, { reason: 'Once' }).expect(200);
      expect((await cancel(world.staff.token, booked.id, { reason: 'Twice' }).expect(409)).body).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'cancelled',
      });
      const done = (await book(world.staff.token, bodyFor(world, { startsAt: at(WEDNESDAY, '10:00') })).expect(201)).body;
      await t.db.query(`UPDATE sessions SET status = 'completed' WHERE id = $1`, [done.id]);
      expect((await cancel(world.staff.token, done.id, { reason: 'Late' }).expect(409)).body.currentStatus).toBe('completed');
      expect((await sessionRow(booked.id)).cancel_reason).toBe('Once');
    });

    it('answers 403 to guardians, 404 out of scope, 400 for a missing, short, long or unknown reason', async () => {
      const world = await newWorld();
      const elsewhere = await newWorld();
      const booked = (await book(world.staff.token, bodyFor(world)).expect(201)).body;
      await cancel(world.guardian.token, booked.id, { reason: 'Busy at work' }).expect(403);
      await cancel(elsewhere.staff.token, booked.id, { reason: 'Busy at work' }).expect(404);
      await cancel(elsewhere.counselor.token, booked.id, { reason: 'Busy at work' }).expect(404);
      await cancel(world.staff.token, randomUUID(), { reason: 'Busy at work' }).expect(404);
      for (const body of [{}, { reason: 'no' }, { reason: '    ' }, { reason: 'x'.repeat(501) }, { reason: 42 }, { reason: 'Fine reason', notify: false }]) {
        expect((await cancel(world.staff.token, booked.id, body).expect(400)).body.code).toBe('VALIDATION_FAILED');
      }
      expect(await sessionRow(booked.id)).toMatchObject({ status: 'booked', sequence: 0 });
    });
  });

  describe('station out of service', () => {
    it('cancels the station’s sessions that have not started, with the reason, telling every party', async () => {
      const world = await newWorld();
      const other = await newFamily(world);
      const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
      const [broken, fine] = world.stations;
      const a = (await book(world.staff.token, bodyFor(world, { stationId: broken.id })).expect(201)).body;
      const b = (await book(world.staff.token, bodyFor(world, { stationId: broken.id, startsAt: at(WEDNESDAY, '10:00') })).expect(201)).body;
      const c = (await book(colleague.token, bodyFor(other, { stationId: fine.id })).expect(201)).body;
      // One that already happened (before the clock's now) stays as it was.
      const [{ id: past }] = await t.db.query(
        `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until, status)
         VALUES ($1, $2, $3, $4, $5, 'supervised', '2027-02-28T02:00:00Z', '2027-02-28T02:30:00Z', '2027-02-28T02:40:00Z', 'completed') RETURNING id`,
        [world.hub.id, broken.id, other.child.id, other.guardian.id, colleague.id],
      );
      await t.http()
        .patch(`/api/v1/hubs/${world.hub.id}/stations/${broken.id}`)
        .set(...bearer(world.staff.token))
        .send({ inService: false, outOfServiceReason: 'Camera broken' })
        .expect(200);
      for (const id of [a.id, b.id]) {
        expect(await sessionRow(id)).toMatchObject({ status: 'cancelled', cancel_reason: 'Camera broken', sequence: 1, cancelled_by: world.staff.id });
        expect(await notices(id, 'session_cancelled')).toHaveLength(1);
        expect(await audits('session.cancel', id)).toEqual([expect.objectContaining({ details: expect.objectContaining({ via: 'station_out_of_service' }) })]);
      }
      expect(await sessionRow(c.id)).toMatchObject({ status: 'booked', sequence: 0 });
      expect(await sessionRow(past)).toMatchObject({ status: 'completed' });
      // And nothing can be booked there any more.
      expect((await book(world.staff.token, bodyFor(world, { stationId: broken.id })).expect(409)).body.code).toBe('STATION_OUT_OF_SERVICE');
    });
  });
});
