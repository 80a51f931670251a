import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { GuardianRow, HubRow, minutes, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { expectProblem } from '../support/problems';

const unique = () => randomUUID().slice(0, 8);
const HUB_KEYS = ['bufferMinutes', 'createdAt', 'horizonDays', 'id', 'minimumNoticeMinutes', 'name', 'timeZone', 'updatedAt'];
const STATION_KEYS = ['createdAt', 'hubId', 'id', 'inService', 'name', 'outOfServiceReason'];
const HUGE = 'x'.repeat(1_000_000);


describe('hubs, stations and opening hours', () => {
  let t: TestApp;
  let admin: UserRow;
  let hubA: HubRow;
  let hubB: HubRow;
  let staffA: UserRow;
  let staffB: UserRow;
  let counselorA: UserRow;
  let counselorAB: UserRow;
  let guardian: GuardianRow;
  const prefix = `Kb${unique()}`;

  beforeAll(async () => {
    t = await startTestApp();
    const f = t.factories;
    admin = await f.newAdmin();
    hubA = await f.newHub({ name: `${prefix} Alpha` });
    hubB = await f.newHub({ name: `${prefix} Bravo`, timeZone: 'Europe/Berlin' });
    staffA = await f.newUser('hub_staff', [hubA.id]);
    staffB = await f.newUser('hub_staff', [hubB.id]);
    counselorA = await f.newUser('counselor', [hubA.id]);
    counselorAB = await f.newUser('counselor', [hubA.id, hubB.id]);
    guardian = await f.newGuardian({ hubId: hubA.id });
  });
  afterAll(() => t.close());

  const http = () => t.http();
  const auditCount = async (actorId: string, action: string): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action = $2`, [actorId, action]);
    return row.n;
  };
  const hubRow = async (id: string) => {
    const [row] = await t.db.query(`SELECT * FROM hubs WHERE id = $1`, [id]);
    return row;
  };
  const stationRows = async (hubId: string) =>
    t.db.query(`SELECT id, name, in_service, out_of_service_reason, updated_at FROM stations WHERE hub_id = $1 ORDER BY id`, [hubId]);
  const hoursOf = async (hubId: string) =>
    t.db.query(`SELECT weekday, start_minute, end_minute FROM hub_opening_hours WHERE hub_id = $1 ORDER BY weekday, start_minute`, [hubId]);

  describe('POST /hubs', () => {
    it('creates a hub with defaults and audits it', async () => {
      const name = `${prefix} Created`;
      const response = await http().post('/api/v1/hubs').set(...bearer(admin.token)).send({ name }).expect(201);
      expect(Object.keys(response.body).sort()).toEqual(HUB_KEYS);
      expect(response.body).toMatchObject({ name, timeZone: 'Asia/Shanghai', bufferMinutes: 10, minimumNoticeMinutes: 120, horizonDays: 28 });
      const row = await hubRow(response.body.id);
      expect(row).toMatchObject({ name, time_zone: 'Asia/Shanghai', buffer_minutes: 10, minimum_notice_minutes: 120, horizon_days: 28 });
      const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'hub.create' AND object_id = $1`, [response.body.id]);
      expect(audit).toMatchObject({ actor_id: admin.id, object_type: 'hub', hub_id: response.body.id });
      expect(audit.request_id).toBe(response.headers['x-request-id']);
    });

    it('takes every setting, with the limits inclusive', async () => {
      const body = { name: `  ${prefix} Walk-in  `, timeZone: 'America/Sao_Paulo', bufferMinutes: 240, minimumNoticeMinutes: 0, horizonDays: 366 };
      const response = await http().post('/api/v1/hubs').set(...bearer(admin.token)).send(body).expect(201);
      expect(response.body).toMatchObject({ ...body, name: `${prefix} Walk-in` });
      const low = await http()
        .post('/api/v1/hubs')
        .set(...bearer(admin.token))
        .send({ name: `${prefix} Low`, bufferMinutes: 0, minimumNoticeMinutes: 20160, horizonDays: 1 })
        .expect(201);
      expect(low.body).toMatchObject({ bufferMinutes: 0, minimumNoticeMinutes: 20160, horizonDays: 1 });
    });

    it.each<[string, unknown, string | undefined]>([
      ['missing name', { timeZone: 'Asia/Shanghai' }, 'name'],
      ['empty name', { name: '' }, 'name'],
      ['blank name', { name: '   ' }, 'name'],
      ['name too long', { name: 'n'.repeat(201) }, 'name'],
      ['name a number', { name: 42 }, 'name'],
      ['name null', { name: null }, 'name'],
      ['unknown zone', { name: 'Z', timeZone: 'Mars/Base' }, 'timeZone'],
      ['zone an offset', { name: 'Z', timeZone: '+08:00x' }, 'timeZone'],
      ['zone a number', { name: 'Z', timeZone: 8 }, 'timeZone'],
      ['zone null', { name: 'Z', timeZone: null }, 'timeZone'],
      ['buffer negative', { name: 'Z', bufferMinutes: -1 }, 'bufferMinutes'],
      ['buffer too big', { name: 'Z', bufferMinutes: 241 }, 'bufferMinutes'],
      ['buffer fractional', { name: 'Z', bufferMinutes: 1.5 }, 'bufferMinutes'],
      ['buffer a string', { name: 'Z', bufferMinutes: '10' }, 'bufferMinutes'],
      ['buffer null', { name: 'Z', bufferMinutes: null }, 'bufferMinutes'],
      ['notice too big', { name: 'Z', minimumNoticeMinutes: 20161 }, 'minimumNoticeMinutes'],
      ['notice negative', { name: 'Z', minimumNoticeMinutes: -5 }, 'minimumNoticeMinutes'],
      ['horizon zero', { name: 'Z', horizonDays: 0 }, 'horizonDays'],
      ['horizon too big', { name: 'Z', horizonDays: 367 }, 'horizonDays'],
      ['horizon boolean', { name: 'Z', horizonDays: true }, 'horizonDays'],
      ['unknown field', { name: 'Z', colour: 'red' }, 'colour'],
      ['an array body', [{ name: 'Z' }], undefined],
    ])('rejects %s with 400 and creates nothing', async (_case, body, field) => {
      const before = await auditCount(admin.id, 'hub.create');
      const response = await http().post('/api/v1/hubs').set(...bearer(admin.token)).send(body as object);
      expectProblem(response, 400, 'VALIDATION_FAILED', field);
      expect(await auditCount(admin.id, 'hub.create')).toBe(before);
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM hubs WHERE name IN ('Z', '   ')`);
      expect(n).toBe(0);
    });

    it('refuses a 1 MB body, malformed JSON and non-JSON', async () => {
      const before = await auditCount(admin.id, 'hub.create');
      const huge = await http().post('/api/v1/hubs').set(...bearer(admin.token)).set('Content-Type', 'application/json').send(JSON.stringify({ name: HUGE }));
      expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE');
      const malformed = await http().post('/api/v1/hubs').set(...bearer(admin.token)).set('Content-Type', 'application/json').send('{"name": ');
      expectProblem(malformed, 400, 'MALFORMED_JSON');
      const text = await http().post('/api/v1/hubs').set(...bearer(admin.token)).set('Content-Type', 'text/plain').send('name=x');
      expectProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(await auditCount(admin.id, 'hub.create')).toBe(before);
    });

    it('is for admins only', async () => {
      const name = `${prefix} Forbidden`;
      for (const user of [staffA, counselorA, guardian]) {
        expectProblem(await http().post('/api/v1/hubs').set(...bearer(user.token)).send({ name }), 403, 'FORBIDDEN');
      }
      expectProblem(await http().post('/api/v1/hubs').send({ name }), 401, 'UNAUTHENTICATED');
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM hubs WHERE name = $1`, [name]);
      expect(n).toBe(0);
    });
  });

  describe('GET /hubs', () => {
    const names = (response: Response) => (response.body.items as { name: string }[]).map((hub) => hub.name);

    it('shows admins every hub, filtered by name case-insensitively', async () => {
      const response = await http().get('/api/v1/hubs').query({ q: prefix.toUpperCase(), pageSize: 100 }).set(...bearer(admin.token)).expect(200);
      expect(names(response)).toEqual(expect.arrayContaining([hubA.name, hubB.name]));
      expect(names(response).every((name) => name.toLowerCase().includes(prefix.toLowerCase()))).toBe(true);
      expect(response.body).toMatchObject({ page: 1, pageSize: 100, total: response.body.items.length });
      expect(Object.keys(response.body.items[0]).sort()).toEqual(HUB_KEYS);
    });

    it('shows staff and counselors only their hubs', async () => {
      const staff = await http().get('/api/v1/hubs').query({ pageSize: 100 }).set(...bearer(staffA.token)).expect(200);
      expect(staff.body.items.map((hub: { id: string }) => hub.id)).toEqual([hubA.id]);
      expect(staff.body.total).toBe(1);
      const counselor = await http().get('/api/v1/hubs').set(...bearer(counselorAB.token)).expect(200);
      expect(counselor.body.items.map((hub: { id: string }) => hub.id).sort()).toEqual([hubA.id, hubB.id].sort());
      const filtered = await http().get('/api/v1/hubs').query({ q: 'bravo' }).set(...bearer(counselorAB.token)).expect(200);
      expect(filtered.body.items.map((hub: { id: string }) => hub.id)).toEqual([hubB.id]);
    });

    it('pages, and treats % and _ in q literally', async () => {
      const first = await http().get('/api/v1/hubs').query({ q: `${prefix} `, pageSize: 1 }).set(...bearer(admin.token)).expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.total).toBeGreaterThanOrEqual(2);
      const second = await http().get('/api/v1/hubs').query({ q: `${prefix} `, pageSize: 1, page: 2 }).set(...bearer(admin.token)).expect(200);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      const wildcard = await http().get('/api/v1/hubs').query({ q: '%' }).set(...bearer(staffA.token)).expect(200);
      expect(wildcard.body.items).toEqual([]);
    });

    it.each([
      [{ pageSize: 0 }, 'pageSize'],
      [{ pageSize: 101 }, 'pageSize'],
      [{ page: 'abc' }, 'page'],
      [{ q: '' }, 'q'],
      [{ q: 'q'.repeat(201) }, 'q'],
      [{ colour: 'red' }, 'colour'],
    ])('rejects the query %j', async (query, field) => {
      expectProblem(await http().get('/api/v1/hubs').query(query).set(...bearer(admin.token)), 400, 'VALIDATION_FAILED', field);
    });

    it('is not for guardians', async () => {
      expectProblem(await http().get('/api/v1/hubs').set(...bearer(guardian.token)), 403, 'FORBIDDEN');
    });
  });

  describe('GET /hubs/:id', () => {
    it.each([
      ['admin', () => admin, () => hubB, 200],
      ['staff of the hub', () => staffA, () => hubA, 200],
      ['staff of another hub', () => staffB, () => hubA, 404],
      ['counselor of the hub', () => counselorA, () => hubA, 200],
      ['counselor of another hub', () => counselorA, () => hubB, 404],
      ['guardian', () => guardian, () => hubA, 403],
    ])('%s → %d', async (_who, user, hub, status) => {
      const response = await http().get(`/api/v1/hubs/${hub().id}`).set(...bearer(user().token));
      expect(response.status).toBe(status);
      if (status === 200) expect(response.body).toMatchObject({ id: hub().id, name: hub().name, timeZone: hub().timeZone });
      if (status === 404) expect(response.body).toMatchObject({ code: 'NOT_FOUND', detail: 'Hub was not found' });
    });

    it('answers 404 for unknown and malformed ids alike', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', '1']) {
        expectProblem(await http().get(`/api/v1/hubs/${id}`).set(...bearer(admin.token)), 404, 'NOT_FOUND');
      }
    });
  });

  describe('PATCH /hubs/:id', () => {
    let hub: HubRow;
    beforeAll(async () => {
      hub = await t.factories.newHub({ name: `${prefix} Patch` });
    });

    it('lets an admin change every field and audits the change', async () => {
      const staff = await t.factories.newUser('hub_staff', [hub.id]);
      const body = { name: `${prefix} Patched`, timeZone: 'Asia/Urumqi', bufferMinutes: 15, minimumNoticeMinutes: 60, horizonDays: 14 };
      const response = await http().patch(`/api/v1/hubs/${hub.id}`).set(...bearer(admin.token)).send(body).expect(200);
      expect(response.body).toMatchObject({ id: hub.id, ...body });
      expect(new Date(response.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(response.body.createdAt).getTime());
      expect(await hubRow(hub.id)).toMatchObject({ name: body.name, time_zone: 'Asia/Urumqi', buffer_minutes: 15, minimum_notice_minutes: 60, horizon_days: 14 });
      const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'hub.update' AND object_id = $1 ORDER BY id DESC LIMIT 1`, [hub.id]);
      expect(audit).toMatchObject({ actor_id: admin.id, hub_id: hub.id });
      expect(audit.details.changes.bufferMinutes).toEqual({ from: 10, to: 15 });
      expect(audit.details.changes.timeZone).toEqual({ from: 'Asia/Shanghai', to: 'Asia/Urumqi' });

      // staff of that hub may set the scheduling settings, e.g. notice 0 for walk-in calls
      const walkIn = await http().patch(`/api/v1/hubs/${hub.id}`).set(...bearer(staff.token)).send({ minimumNoticeMinutes: 0 }).expect(200);
      expect(walkIn.body).toMatchObject({ minimumNoticeMinutes: 0, bufferMinutes: 15, name: body.name });
      expect(await auditCount(staff.id, 'hub.update')).toBe(1);
    });

    it('keeps name and zone for admins: staff get 403 and nothing changes', async () => {
      const staff = await t.factories.newUser('hub_staff', [hub.id]);
      const before = await hubRow(hub.id);
      for (const body of [{ name: 'Renamed by staff' }, { timeZone: 'UTC' }, { name: 'X', bufferMinutes: 5 }]) {
        expectProblem(await http().patch(`/api/v1/hubs/${hub.id}`).set(...bearer(staff.token)).send(body), 403, 'FORBIDDEN');
      }
      expect(await hubRow(hub.id)).toEqual(before);
      expect(await auditCount(staff.id, 'hub.update')).toBe(0);
    });

    it.each([
      ['staff of another hub', () => staffB, 404],
      ['counselor of the hub', () => counselorA, 403],
      ['guardian', () => guardian, 403],
    ])('%s → %d, nothing changes', async (_who, user, status) => {
      const before = await hubRow(hubA.id);
      const response = await http().patch(`/api/v1/hubs/${hubA.id}`).set(...bearer(user().token)).send({ bufferMinutes: 30 });
      expect(response.status).toBe(status);
      expect(await hubRow(hubA.id)).toEqual(before);
    });

    it.each<[string, unknown, string | undefined]>([
      ['empty body', {}, undefined],
      ['unknown zone', { timeZone: 'Mars/Base' }, 'timeZone'],
      ['zone null', { timeZone: null }, 'timeZone'],
      ['buffer too big', { bufferMinutes: 241 }, 'bufferMinutes'],
      ['buffer null', { bufferMinutes: null }, 'bufferMinutes'],
      ['notice a string', { minimumNoticeMinutes: '0' }, 'minimumNoticeMinutes'],
      ['horizon too big', { horizonDays: 400 }, 'horizonDays'],
      ['blank name', { name: ' ' }, 'name'],
      ['name too long', { name: 'n'.repeat(201) }, 'name'],
      ['unknown field', { bufferMinutes: 5, id: randomUUID() }, 'id'],
    ])('rejects %s with 400, nothing changes', async (_case, body, field) => {
      const before = await hubRow(hub.id);
      expectProblem(await http().patch(`/api/v1/hubs/${hub.id}`).set(...bearer(admin.token)).send(body as object), 400, 'VALIDATION_FAILED', field);
      expect(await hubRow(hub.id)).toEqual(before);
    });

    it('refuses a 1 MB body and answers 404 for unknown or malformed ids', async () => {
      const before = await hubRow(hub.id);
      const huge = await http().patch(`/api/v1/hubs/${hub.id}`).set(...bearer(admin.token)).set('Content-Type', 'application/json').send(JSON.stringify({ name: HUGE }));
      expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE');
      for (const id of [randomUUID(), 'nope']) {
        expectProblem(await http().patch(`/api/v1/hubs/${id}`).set(...bearer(admin.token)).send({ bufferMinutes: 5 }), 404, 'NOT_FOUND');
      }
      expect(await hubRow(hub.id)).toEqual(before);
    });
  });

  describe('stations', () => {
    it('lets admins and staff of the hub add stations, and audits them', async () => {
      const hub = await t.factories.newHub();
      const staff = await t.factories.newUser('hub_staff', [hub.id]);
      const byStaff = await http().post(`/api/v1/hubs/${hub.id}/stations`).set(...bearer(staff.token)).send({ name: ' Booth 1 ' }).expect(201);
      expect(Object.keys(byStaff.body).sort()).toEqual(STATION_KEYS);
      expect(byStaff.body).toMatchObject({ hubId: hub.id, name: 'Booth 1', inService: true, outOfServiceReason: null });
      const byAdmin = await http().post(`/api/v1/hubs/${hub.id}/stations`).set(...bearer(admin.token)).send({ name: 'Booth 2' }).expect(201);
      expect(byAdmin.body.name).toBe('Booth 2');
      expect((await stationRows(hub.id)).map((row: { name: string }) => row.name).sort()).toEqual(['Booth 1', 'Booth 2']);
      const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'station.create' AND object_id = $1`, [byStaff.body.id]);
      expect(audit).toMatchObject({ actor_id: staff.id, object_type: 'station', hub_id: hub.id });
    });

    it('answers 409 STATION_NAME_TAKEN for a name already used in the hub, not in another hub', async () => {
      const hub = await t.factories.newHub();
      await t.factories.newStation(hub.id, { name: 'Room A' });
      const before = await stationRows(hub.id);
      for (const name of ['Room A', '  Room A ']) {
        expectProblem(await http().post(`/api/v1/hubs/${hub.id}/stations`).set(...bearer(admin.token)).send({ name }), 409, 'STATION_NAME_TAKEN');
      }
      expect(await stationRows(hub.id)).toEqual(before);
      const other = await t.factories.newHub();
      await http().post(`/api/v1/hubs/${other.id}/stations`).set(...bearer(admin.token)).send({ name: 'Room A' }).expect(201);
    });

    it.each<[string, unknown, string | undefined]>([
      ['missing name', {}, 'name'],
      ['empty name', { name: '' }, 'name'],
      ['blank name', { name: '   ' }, 'name'],
      ['name too long', { name: 'n'.repeat(101) }, 'name'],
      ['name a number', { name: 7 }, 'name'],
      ['name null', { name: null }, 'name'],
      ['unknown field', { name: 'Ok', inService: false }, 'inService'],
    ])('POST rejects %s with 400, nothing is created', async (_case, body, field) => {
      const before = await stationRows(hubA.id);
      expectProblem(await http().post(`/api/v1/hubs/${hubA.id}/stations`).set(...bearer(admin.token)).send(body as object), 400, 'VALIDATION_FAILED', field);
      expect(await stationRows(hubA.id)).toEqual(before);
    });

    it('POST enforces roles and scope; refuses huge bodies', async () => {
      const before = await stationRows(hubA.id);
      const post = (hubId: string, token: string, body: object = { name: `S ${unique()}` }) =>
        http().post(`/api/v1/hubs/${hubId}/stations`).set(...bearer(token)).send(body);
      expectProblem(await post(hubA.id, staffB.token), 404, 'NOT_FOUND');
      expectProblem(await post(hubA.id, counselorA.token), 403, 'FORBIDDEN');
      expectProblem(await post(hubA.id, guardian.token), 403, 'FORBIDDEN');
      expectProblem(await post(randomUUID(), admin.token), 404, 'NOT_FOUND');
      expectProblem(await post('not-a-hub', admin.token), 404, 'NOT_FOUND');
      const huge = await http().post(`/api/v1/hubs/${hubA.id}/stations`).set(...bearer(admin.token)).set('Content-Type', 'application/json').send(JSON.stringify({ name: HUGE }));
      expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE');
      expect(await stationRows(hubA.id)).toEqual(before);
    });

    it('lists a hub’s stations for its staff, counselors and admins only', async () => {
      const hub = await t.factories.newHub();
      const staff = await t.factories.newUser('hub_staff', [hub.id]);
      const counselor = await t.factories.newUser('counselor', [hub.id]);
      const created = [await t.factories.newStation(hub.id, { name: 'b-2' }), await t.factories.newStation(hub.id, { name: 'A-1' })];
      for (const user of [staff, counselor, admin]) {
        const response = await http().get(`/api/v1/hubs/${hub.id}/stations`).set(...bearer(user.token)).expect(200);
        expect(response.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
        expect(response.body.items.map((s: { name: string }) => s.name)).toEqual(['A-1', 'b-2']);
        expect(response.body.items.map((s: { id: string }) => s.id).sort()).toEqual(created.map((s) => s.id).sort());
        expect(Object.keys(response.body.items[0]).sort()).toEqual(STATION_KEYS);
      }
      const paged = await http().get(`/api/v1/hubs/${hub.id}/stations?pageSize=1&page=2`).set(...bearer(staff.token)).expect(200);
      expect(paged.body).toMatchObject({ total: 2, items: [{ name: 'b-2' }] });
      expectProblem(await http().get(`/api/v1/hubs/${hub.id}/stations`).set(...bearer(staffA.token)), 404, 'NOT_FOUND');
      expectProblem(await http().get(`/api/v1/hubs/${hub.id}/stations`).set(...bearer(guardian.token)), 403, 'FORBIDDEN');
      expectProblem(await http().get(`/api/v1/hubs/${randomUUID()}/stations`).set(...bearer(admin.token)), 404, 'NOT_FOUND');
      expectProblem(await http().get(`/api/v1/hubs/x/stations`).set(...bearer(admin.token)), 404, 'NOT_FOUND');
      expectProblem(await http().get(`/api/v1/hubs/${hub.id}/stations?pageSize=-1`).set(...bearer(admin.token)), 400, 'VALIDATION_FAILED', 'pageSize');
      expectProblem(await http().get(`/api/v1/hubs/${hub.id}/stations?inService=true`).set(...bearer(admin.token)), 400, 'VALIDATION_FAILED', 'inService');
    });

    describe('PATCH /hubs/:id/stations/:stationId', () => {
      let hub: HubRow;
      let staff: UserRow;
      let station: { id: string; name: string };
      const patch = (body: object, token = staff.token, hubId = hub.id, stationId = station.id) =>
        http().patch(`/api/v1/hubs/${hubId}/stations/${stationId}`).set(...bearer(token)).send(body);

      beforeAll(async () => {
        hub = await t.factories.newHub();
        staff = await t.factories.newUser('hub_staff', [hub.id]);
        station = await t.factories.newStation(hub.id, { name: 'Booth East' });
        await t.factories.newStation(hub.id, { name: 'Booth West' });
      });

      it('renames a station and audits it; a taken name is 409', async () => {
        const response = await patch({ name: 'Booth North' }).expect(200);
        expect(response.body).toMatchObject({ id: station.id, hubId: hub.id, name: 'Booth North', inService: true });
        const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'station.update' AND object_id = $1`, [station.id]);
        expect(audit).toMatchObject({ actor_id: staff.id, hub_id: hub.id, details: { changes: { name: { from: 'Booth East', to: 'Booth North' } } } });
        const before = await stationRows(hub.id);
        expectProblem(await patch({ name: 'Booth West' }), 409, 'STATION_NAME_TAKEN');
        expect(await stationRows(hub.id)).toEqual(before);
      });

      it('takes a station out of service with a reason and back, auditing both', async () => {
        const reason = 'Camera broken, waiting for repair';
        const out = await patch({ inService: false, outOfServiceReason: reason }).expect(200);
        expect(out.body).toMatchObject({ inService: false, outOfServiceReason: reason });
        const [row] = await t.db.query(`SELECT in_service, out_of_service_reason FROM stations WHERE id = $1`, [station.id]);
        expect(row).toEqual({ in_service: false, out_of_service_reason: reason });
        const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'station.out_of_service' AND object_id = $1`, [station.id]);
        expect(audit).toMatchObject({ actor_id: staff.id, hub_id: hub.id, object_type: 'station', details: { reason } });

        const listed = await http().get(`/api/v1/hubs/${hub.id}/stations`).set(...bearer(staff.token)).expect(200);
        expect(listed.body.items.find((s: { id: string }) => s.id === station.id)).toMatchObject({ inService: false, outOfServiceReason: reason });

        const back = await patch({ inService: true }, admin.token).expect(200);
        expect(back.body).toMatchObject({ inService: true, outOfServiceReason: null });
        const [after] = await t.db.query(`SELECT in_service, out_of_service_reason FROM stations WHERE id = $1`, [station.id]);
        expect(after).toEqual({ in_service: true, out_of_service_reason: null });
        expect(await auditCount(admin.id, 'station.in_service')).toBeGreaterThanOrEqual(1);
        const [backAudit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'station.in_service' AND object_id = $1`, [station.id]);
        expect(backAudit.details).toEqual({ previousReason: reason });
      });

      it.each<[string, object, string | undefined]>([
        ['empty body', {}, undefined],
        ['out of service without a reason', { inService: false }, 'outOfServiceReason'],
        ['a reason without inService', { outOfServiceReason: 'Power cut today' }, 'outOfServiceReason'],
        ['a reason with inService true', { inService: true, outOfServiceReason: 'Power cut today' }, 'outOfServiceReason'],
        ['a reason too short', { inService: false, outOfServiceReason: 'no' }, 'outOfServiceReason'],
        ['a blank reason', { inService: false, outOfServiceReason: '      ' }, 'outOfServiceReason'],
        ['a reason too long', { inService: false, outOfServiceReason: 'r'.repeat(501) }, 'outOfServiceReason'],
        ['a reason that is a number', { inService: false, outOfServiceReason: 12345 }, 'outOfServiceReason'],
        ['inService a string', { inService: 'false', outOfServiceReason: 'Power cut today' }, 'inService'],
        ['inService null', { inService: null }, 'inService'],
        ['blank name', { name: '  ' }, 'name'],
        ['name too long', { name: 'n'.repeat(101) }, 'name'],
        ['unknown field', { hubId: randomUUID() }, 'hubId'],
      ])('rejects %s with 400, nothing changes', async (_case, body, field) => {
        const before = await stationRows(hub.id);
        expectProblem(await patch(body), 400, 'VALIDATION_FAILED', field);
        expect(await stationRows(hub.id)).toEqual(before);
      });

      it('enforces roles and scope, and 404s ids that do not exist, are malformed or belong to another hub', async () => {
        const otherHubStation = await t.factories.newStation(hubA.id);
        const before = await stationRows(hub.id);
        const beforeA = await stationRows(hubA.id);
        const out = { inService: false, outOfServiceReason: 'Power cut today' };
        expectProblem(await patch(out, staffA.token), 404, 'NOT_FOUND');
        expectProblem(await patch(out, counselorA.token), 403, 'FORBIDDEN');
        expectProblem(await patch(out, guardian.token), 403, 'FORBIDDEN');
        expectProblem(await patch(out, admin.token, hub.id, randomUUID()), 404, 'NOT_FOUND');
        expectProblem(await patch(out, admin.token, hub.id, 'booth-1'), 404, 'NOT_FOUND');
        expectProblem(await patch(out, admin.token, 'hub-1', station.id), 404, 'NOT_FOUND');
        expectProblem(await patch(out, admin.token, hub.id, otherHubStation.id), 404, 'NOT_FOUND');
        expectProblem(await patch(out, staff.token, hub.id, otherHubStation.id), 404, 'NOT_FOUND');
        const huge = await http()
          .patch(`/api/v1/hubs/${hub.id}/stations/${station.id}`)
          .set(...bearer(admin.token))
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ inService: false, outOfServiceReason: HUGE }));
        expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE');
        expect(await stationRows(hub.id)).toEqual(before);
        expect(await stationRows(hubA.id)).toEqual(beforeA);
      });
    });
  });

  describe('opening hours', () => {
    let hub: HubRow;
    let staff: UserRow;
    const put = (body: unknown, token = staff.token, hubId = hub.id) =>
      http().put(`/api/v1/hubs/${hubId}/opening-hours`).set(...bearer(token)).send(body as object);

    beforeAll(async () => {
      hub = await t.factories.newHub({ timeZone: 'Asia/Shanghai' });
      staff = await t.factories.newUser('hub_staff', [hub.id]);
    });

    it('replaces the whole schedule atomically and reads it back sorted, in the hub zone', async () => {
      const rules = [
        { weekday: 7, start: '09:00', end: '12:00' },
        { weekday: 1, start: '14:00', end: '24:00' },
        { weekday: 1, start: '08:00', end: '12:30' },
        { weekday: 3, start: '00:00', end: '23:59' },
      ];
      const sorted = [rules[2], rules[1], rules[3], rules[0]];
      const response = await put({ rules }).expect(200);
      expect(response.body).toEqual({ timeZone: 'Asia/Shanghai', rules: sorted });
      expect(await hoursOf(hub.id)).toEqual(sorted.map((r) => ({ weekday: r.weekday, start_minute: minutes(r.start), end_minute: minutes(r.end) })));
      const counselor = await t.factories.newUser('counselor', [hub.id]);
      for (const user of [staff, admin, counselor]) {
        const read = await http().get(`/api/v1/hubs/${hub.id}/opening-hours`).set(...bearer(user.token)).expect(200);
        expect(read.body).toEqual({ timeZone: 'Asia/Shanghai', rules: sorted });
      }
      const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'opening_hours.replace' AND hub_id = $1 ORDER BY id DESC LIMIT 1`, [hub.id]);
      expect(audit).toMatchObject({ actor_id: staff.id, object_type: 'hub', object_id: hub.id, details: { rules: sorted } });

      const replaced = await put({ rules: [{ weekday: 2, start: '10:00', end: '11:00' }] }, admin.token).expect(200);
      expect(replaced.body.rules).toEqual([{ weekday: 2, start: '10:00', end: '11:00' }]);
      expect(await hoursOf(hub.id)).toEqual([{ weekday: 2, start_minute: 600, end_minute: 660 }]);

      await put({ rules: [] }).expect(200);
      expect(await hoursOf(hub.id)).toEqual([]);
      const empty = await http().get(`/api/v1/hubs/${hub.id}/opening-hours`).set(...bearer(staff.token)).expect(200);
      expect(empty.body).toEqual({ timeZone: 'Asia/Shanghai', rules: [] });
    });

    it('answers with the hub’s own zone', async () => {
      await put({ rules: [{ weekday: 5, start: '18:00', end: '20:00' }] }, admin.token, hubB.id).expect(200);
      const read = await http().get(`/api/v1/hubs/${hubB.id}/opening-hours`).set(...bearer(counselorAB.token)).expect(200);
      expect(read.body).toEqual({ timeZone: 'Europe/Berlin', rules: [{ weekday: 5, start: '18:00', end: '20:00' }] });
    });

    const valid = { weekday: 1, start: '09:00', end: '17:00' };
    it.each<[string, unknown, string | undefined]>([
      ['missing rules', {}, 'rules'],
      ['rules not an array', { rules: { weekday: 1 } }, 'rules'],
      ['rules null', { rules: null }, 'rules'],
      ['a rule that is not an object', { rules: [valid, 5] }, 'rules.1'],
      ['hour 25', { rules: [{ weekday: 1, start: '25:00', end: '26:00' }] }, 'rules.0.start'],
      ['single-digit hour', { rules: [{ weekday: 1, start: '9:00', end: '17:00' }] }, 'rules.0.start'],
      ['minute 60', { rules: [{ weekday: 1, start: '09:60', end: '17:00' }] }, 'rules.0.start'],
      ['24:00 as a start', { rules: [{ weekday: 1, start: '24:00', end: '24:00' }] }, 'rules.0.start'],
      ['24:01 as an end', { rules: [{ weekday: 1, start: '09:00', end: '24:01' }] }, 'rules.0.end'],
      ['a time that is a number', { rules: [{ weekday: 1, start: 900, end: '17:00' }] }, 'rules.0.start'],
      ['weekday 0', { rules: [{ ...valid, weekday: 0 }] }, 'rules.0.weekday'],
      ['weekday 8', { rules: [{ ...valid, weekday: 8 }] }, 'rules.0.weekday'],
      ['weekday as a string', { rules: [{ ...valid, weekday: '1' }] }, 'rules.0.weekday'],
      ['fractional weekday', { rules: [{ ...valid, weekday: 1.5 }] }, 'rules.0.weekday'],
      ['missing end', { rules: [{ weekday: 1, start: '09:00' }] }, 'rules.0.end'],
      ['unknown field in a rule', { rules: [{ ...valid, label: 'morning' }] }, 'rules.0.label'],
      ['unknown top-level field', { rules: [valid], timeZone: 'UTC' }, 'timeZone'],
      ['start equal to end', { rules: [valid, { weekday: 2, start: '10:00', end: '10:00' }] }, 'rules[1]'],
      ['start after end', { rules: [{ weekday: 2, start: '18:00', end: '08:00' }] }, 'rules[0]'],
      ['overlapping rules', { rules: [valid, { weekday: 2, start: '09:00', end: '10:00' }, { weekday: 1, start: '16:00', end: '18:00' }] }, 'rules[2]'],
      ['touching rules', { rules: [valid, { weekday: 1, start: '17:00', end: '18:00' }] }, 'rules[1]'],
      ['duplicate rules', { rules: [valid, valid] }, 'rules[1]'],
      ['51 rules', { rules: Array.from({ length: 51 }, (_, i) => ({ weekday: (i % 7) + 1, start: `${String(Math.floor(i / 7)).padStart(2, '0')}:00`, end: `${String(Math.floor(i / 7)).padStart(2, '0')}:30` })) }, 'rules'],
    ])('rejects %s with 400 and keeps the old schedule', async (_case, body, field) => {
      await put({ rules: [valid] }, admin.token).expect(200);
      const before = await hoursOf(hub.id);
      const audits = await auditCount(staff.id, 'opening_hours.replace');
      expectProblem(await put(body), 400, 'VALIDATION_FAILED', field);
      expect(await hoursOf(hub.id)).toEqual(before);
      expect(await auditCount(staff.id, 'opening_hours.replace')).toBe(audits);
    });

    it('names the clashing rule in the problem document', async () => {
      const response = await put({ rules: [{ weekday: 4, start: '12:00', end: '14:00' }, { weekday: 4, start: '08:00', end: '12:00' }] });
      expectProblem(response, 400, 'VALIDATION_FAILED', 'rules[1]');
      expect(response.body.errors[0].messages[0]).toMatch(/rules\[0\]/);
    });

    it('enforces roles and scope, refuses huge bodies', async () => {
      await put({ rules: [valid] }, admin.token).expect(200);
      const before = await hoursOf(hub.id);
      const next = { rules: [{ weekday: 6, start: '10:00', end: '12:00' }] };
      expectProblem(await put(next, staffA.token), 404, 'NOT_FOUND');
      expectProblem(await put(next, counselorA.token), 403, 'FORBIDDEN');
      expectProblem(await put(next, guardian.token), 403, 'FORBIDDEN');
      expectProblem(await put(next, admin.token, randomUUID()), 404, 'NOT_FOUND');
      expectProblem(await put(next, admin.token, 'not-a-uuid'), 404, 'NOT_FOUND');
      const huge = await http()
        .put(`/api/v1/hubs/${hub.id}/opening-hours`)
        .set(...bearer(admin.token))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ rules: [{ weekday: 1, start: HUGE, end: '10:00' }] }));
      expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE');
      expect(await hoursOf(hub.id)).toEqual(before);

      const get = (token: string, hubId = hub.id) => http().get(`/api/v1/hubs/${hubId}/opening-hours`).set(...bearer(token));
      expect((await get(counselorA.token, hubA.id)).status).toBe(200);
      expectProblem(await get(staffA.token), 404, 'NOT_FOUND');
      expectProblem(await get(counselorA.token), 404, 'NOT_FOUND');
      expectProblem(await get(guardian.token), 403, 'FORBIDDEN');
      expectProblem(await get(admin.token, randomUUID()), 404, 'NOT_FOUND');
      expectProblem(await get(admin.token, '123'), 404, 'NOT_FOUND');
      expectProblem(await http().get(`/api/v1/hubs/${hub.id}/opening-hours`), 401, 'UNAUTHENTICATED');
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const response = await http().get('/docs-json').expect(200);
    const paths = response.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/api/v1/hubs', '/api/v1/hubs/{id}', '/api/v1/hubs/{id}/stations', '/api/v1/hubs/{id}/stations/{stationId}', '/api/v1/hubs/{id}/opening-hours']),
    );
    expect(Object.keys(paths['/api/v1/hubs/{id}'].patch.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404']));
    const schemas = response.body.components.schemas;
    expect(Object.keys(schemas.CreateHubDto.properties).sort()).toEqual(['bufferMinutes', 'horizonDays', 'minimumNoticeMinutes', 'name', 'timeZone']);
    expect(Object.keys(schemas.WeeklyRuleDto.properties).sort()).toEqual(['end', 'start', 'weekday']);
  });
});
