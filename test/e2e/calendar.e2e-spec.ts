import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const NOW = DateTime.fromISO('2026-04-14T02:00:00Z', { zone: 'utc' });

interface IcsEvent {
  [property: string]: string;
}

/** Unfolds (RFC 5545 §3.1) and reads each VEVENT's properties, keyed by name without parameters. */
function parseIcs(text: string): { calendar: Record<string, string>; events: IcsEvent[] } {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  const calendar: Record<string, string> = {};
  const events: IcsEvent[] = [];
  let current: IcsEvent | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = undefined;
    } else if (line) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).split(';')[0];
      (current ?? calendar)[name] = line.slice(colon + 1);
    }
  }
  return { calendar, events };
}

const icsTime = (at: Date) => DateTime.fromJSDate(at, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'");

describe('guardian calendar feed', () => {
  let t: TestApp;
  let hub: HubRow;
  let stations: { id: string }[];
  let staff: UserRow;
  let counselor: UserRow;
  let otherStaff: UserRow;
  let admin: UserRow;
  let guardian: GuardianRow;
  let otherGuardian: GuardianRow;
  let childId: string;
  let childName: string;
  let sessions: { past: { id: string; startsAt: Date; endsAt: Date }; future: { id: string; startsAt: Date }; old: { id: string } };

  const feedPath = (guardianId = guardian.id) => `/api/v1/guardians/${guardianId}/calendar.ics`;
  const fetchAs = (token: string, guardianId = guardian.id) => t.http().get(feedPath(guardianId)).set(...bearer(token));
  const tokenOf = async (guardianId: string): Promise<string> =>
    (await t.db.query(`SELECT calendar_token FROM guardians WHERE id = $1`, [guardianId]))[0].calendar_token;
  const newSession = (startsAt: DateTime, extra: { status?: string; stationIndex?: number } = {}) =>
    t.factories.newSession({
      hubId: hub.id,
      stationId: stations[extra.stationIndex ?? 0].id,
      childId,
      guardianId: guardian.id,
      supervisorId: staff.id,
      startsAt: startsAt.toJSDate(),
      status: extra.status,
    });

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW) });
    const f = t.factories;
    hub = await f.newHub({ name: 'Sunny Hill, Room 2; East', minimumNoticeMinutes: 0 });
    stations = [await f.newStation(hub.id), await f.newStation(hub.id)];
    staff = await f.newUser('hub_staff', [hub.id]);
    counselor = await f.newUser('counselor', [hub.id]);
    otherStaff = await f.newUser('hub_staff', [(await f.newHub()).id]);
    admin = await f.newAdmin();
    childName = 'Xiao Ming';
    const child = await f.newChild(hub.id, { displayName: childName });
    childId = child.id;
    guardian = await f.newGuardian({ hubId: hub.id, locale: 'en', timeZone: 'Asia/Dubai' });
    otherGuardian = await f.newGuardian({ hubId: hub.id });
    await f.newLink(childId, guardian.id);
    await f.newConsent(childId, guardian.id);
    const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    await f.setOpeningHours(hub.id, allDay);
    await f.setAvailability(guardian.id, allDay);

    sessions = {
      old: await newSession(NOW.minus({ days: 40 }), { status: 'completed' }),
      past: await newSession(NOW.minus({ days: 3 }), { status: 'completed' }),
      future: await newSession(NOW.plus({ days: 2 })),
    };
    // Another guardian's session must never show up.
    await t.factories.newSession({
      hubId: hub.id,
      stationId: stations[1].id,
      childId: (await f.newChild(hub.id)).id,
      guardianId: otherGuardian.id,
      supervisorId: counselor.id,
      startsAt: NOW.plus({ days: 1 }).toJSDate(),
    });
  });
  afterAll(() => t.close());

  it('serves RFC 5545 text with a stable UID per session, UTC times and the guardian’s language', async () => {
    const response = await fetchAs(guardian.token).expect(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = response.text;
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // every line ends with CRLF
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);

    const { calendar, events } = parseIcs(text);
    expect(calendar.VERSION).toBe('2.0');
    expect(calendar.PRODID).toContain('Kinbridge');
    expect(events.map((event) => event.UID).sort()).toEqual([`${sessions.past.id}@kinbridge`, `${sessions.future.id}@kinbridge`].sort());

    const past = events.find((event) => event.UID === `${sessions.past.id}@kinbridge`)!;
    expect(past.DTSTART).toBe(icsTime(sessions.past.startsAt));
    expect(past.DTEND).toBe(icsTime(sessions.past.endsAt));
    expect(past.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/);
    expect(past.SEQUENCE).toBe('0');
    expect(past.STATUS).toBe('CONFIRMED');
    expect(past.SUMMARY).toBe(`Video call with ${childName}`);
    // TEXT escaping of the hub name's comma and semicolon.
    expect(past.DESCRIPTION).toContain('Sunny Hill\\, Room 2\\; East');
    expect(past.DESCRIPTION).toContain('beside your child');

    const again = parseIcs((await fetchAs(guardian.token).expect(200)).text);
    expect(again.events.map((event) => event.UID)).toEqual(events.map((event) => event.UID));
  });

  it('speaks zh-CN to a guardian who reads Chinese', async () => {
    await t.db.query(`UPDATE guardians SET locale = 'zh-CN' WHERE id = $1`, [guardian.id]);
    try {
      const { events } = parseIcs((await fetchAs(guardian.token).expect(200)).text);
      expect(events[0].SUMMARY).toBe(`和${childName}视频通话`);
      expect(events[0].DESCRIPTION).toContain('老师会陪在孩子身边');
    } finally {
      await t.db.query(`UPDATE guardians SET locale = 'en' WHERE id = $1`, [guardian.id]);
    }
  });

  it('bumps SEQUENCE after a reschedule and marks a cancelled session STATUS:CANCELLED, keeping the UID', async () => {
    const session = await newSession(NOW.plus({ days: 5 }), { stationIndex: 1 });
    const uid = `${session.id}@kinbridge`;
    const eventOf = async () => parseIcs((await fetchAs(guardian.token).expect(200)).text).events.find((event) => event.UID === uid)!;
    const before = await eventOf();

    const newStart = NOW.plus({ days: 6 });
    await t
      .http()
      .patch(`/api/v1/sessions/${session.id}`)
      .set(...bearer(staff.token))
      .send({ startsAt: newStart.toISO() })
      .expect(200);
    const moved = await eventOf();
    expect(Number(moved.SEQUENCE)).toBeGreaterThan(Number(before.SEQUENCE));
    expect(moved.DTSTART).toBe(icsTime(newStart.toJSDate()));
    expect(moved.STATUS).toBe('CONFIRMED');

    await t
      .http()
      .post(`/api/v1/sessions/${session.id}/cancel`)
      .set(...bearer(staff.token))
      .send({ reason: 'The booth is being repaired' })
      .expect(200);
    const cancelled = await eventOf();
    expect(cancelled.STATUS).toBe('CANCELLED');
    expect(Number(cancelled.SEQUENCE)).toBeGreaterThan(Number(moved.SEQUENCE));
    expect(cancelled.DESCRIPTION).toContain('The booth is being repaired');
  });

  it('opens with the secret token and no sign-in; a wrong or missing token is 404', async () => {
    const token = await tokenOf(guardian.id);
    const response = await t.http().get(feedPath()).query({ token }).expect(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(parseIcs(response.text).events.length).toBeGreaterThanOrEqual(2);

    for (const query of [{}, { token: 'wrong' }, { token: token.slice(0, -1) }, { token: await tokenOf(otherGuardian.id) }]) {
      const refused = await t.http().get(feedPath()).query(query).expect(404);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    // The URL does not tell an unknown guardian from a wrong token.
    await t.http().get(feedPath('00000000-0000-4000-8000-000000000000')).query({ token }).expect(404);
    await t.http().get('/api/v1/guardians/not-a-uuid/calendar.ics').query({ token }).expect(404);
  });

  it('audits each fetch as calendar.read with the children it showed', async () => {
    const response = await t.http().get(feedPath()).query({ token: await tokenOf(guardian.id) }).expect(200);
    const rows: { actor_type: string; actor_id: string; child_id: string; object_id: string; details: { via: string; childIds: string[] } }[] =
      await t.db.query(`SELECT actor_type, actor_id, child_id, object_id, details FROM audit_log WHERE action = 'calendar.read' AND request_id = $1`, [
        response.headers['x-request-id'],
      ]);
    expect(rows).toEqual([
      {
        actor_type: 'guardian',
        actor_id: guardian.id,
        child_id: childId,
        object_id: guardian.id,
        details: expect.objectContaining({ via: 'token', childIds: [childId] }),
      },
    ]);
  });

  it('with a bearer token: the guardian, staff and counselors in scope, admins; others 404; a bad bearer 401', async () => {
    await fetchAs(staff.token).expect(200);
    await fetchAs(counselor.token).expect(200);
    await fetchAs(admin.token).expect(200);
    await fetchAs(otherStaff.token).expect(404);
    await fetchAs(otherGuardian.token).expect(404);
    await t.http().get(feedPath()).set('Authorization', 'Bearer nonsense').expect(401);
  });

  describe('POST /guardians/:id/calendar-token', () => {
    const rotate = (token: string, guardianId = guardian.id) =>
      t.http().post(`/api/v1/guardians/${guardianId}/calendar-token`).set(...bearer(token));

    it('gives the guardian a new secret and subscription URL; the old URL stops working', async () => {
      const old = await tokenOf(guardian.id);
      const { body } = await rotate(guardian.token).expect(200);
      expect(body.calendarToken).toMatch(/^[0-9a-f]{48}$/);
      expect(body.calendarToken).not.toBe(old);
      const url = new URL(body.subscriptionUrl);
      expect(url.pathname).toBe(feedPath());
      expect(url.searchParams.get('token')).toBe(body.calendarToken);

      await t.http().get(feedPath()).query({ token: old }).expect(404);
      await t.http().get(`${url.pathname}${url.search}`).expect(200);
      const [audit] = await t.db.query(`SELECT actor_id FROM audit_log WHERE action = 'calendar.token_rotate' AND object_id = $1`, [guardian.id]);
      expect(audit.actor_id).toBe(guardian.id);
    });

    it('is open to staff of the guardian’s hub and admins; others get 404 or 403 and change nothing', async () => {
      await rotate(staff.token).expect(200);
      await rotate(admin.token).expect(200);
      const before = await tokenOf(guardian.id);
      await rotate(otherStaff.token).expect(404);
      await rotate(otherGuardian.token).expect(404);
      await rotate(counselor.token).expect(403);
      await rotate(admin.token, '00000000-0000-4000-8000-000000000000').expect(404);
      await t.http().post(`/api/v1/guardians/${guardian.id}/calendar-token`).expect(401);
      expect(await tokenOf(guardian.id)).toBe(before);
    });
  });
});
