import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import type { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { expectProblem } from '../support/problems';

// 01:30 on 15 March 2026 in Shanghai, still 14 March in Los Angeles: "today" depends on the hub's zone.
const NOW = DateTime.fromISO('2026-03-14T17:30:00Z');
const TODAY_SHANGHAI = '2026-03-15';



describe('children', () => {
  let t: TestApp;
  let hubA: HubRow;
  let hubB: HubRow;
  let admin: UserRow;
  let staffA: UserRow;
  let staffB: UserRow;
  let counselorA: UserRow;
  let counselorB: UserRow;

  const http = () => t.http();
  const childCount = async (hubId: string): Promise<number> =>
    (await t.db.query('SELECT count(*)::int AS n FROM children WHERE hub_id = $1', [hubId]))[0].n;
  const childRow = async (id: string): Promise<Record<string, unknown>> =>
    (await t.db.query('SELECT * FROM children WHERE id = $1', [id]))[0];
  const auditFor = (requestId: string): Promise<{ action: string; object_id: string; child_id: string; hub_id: string; actor_id: string; details: Record<string, unknown> }[]> =>
    t.db.query('SELECT action, object_id, child_id, hub_id, actor_id, details FROM audit_log WHERE request_id = $1 ORDER BY id', [requestId]);
  const linkedGuardian = async (childId: string, status: 'pending' | 'approved' | 'revoked'): Promise<GuardianRow> => {
    const guardian = await t.factories.newGuardian({ hubId: hubA.id });
    await t.factories.newLink(childId, guardian.id, { status });
    return guardian;
  };

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW) });
    hubA = await t.factories.newHub();
    hubB = await t.factories.newHub();
    admin = await t.factories.newAdmin();
    staffA = await t.factories.newUser('hub_staff', [hubA.id]);
    staffB = await t.factories.newUser('hub_staff', [hubB.id]);
    counselorA = await t.factories.newUser('counselor', [hubA.id]);
    counselorB = await t.factories.newUser('counselor', [hubB.id]);
  });
  afterAll(() => t.close());

  const validBody = (overrides: Record<string, unknown> = {}) => ({
    hubId: hubA.id,
    displayName: '小明',
    birthDate: '2016-05-01',
    counselorId: counselorA.id,
    caregiver: { name: '李秀英', relation: 'grandmother', phone: '+8613912345678' },
    ...overrides,
  });

  describe('POST /children', () => {
    it('lets staff of the hub register a child, with age computed in the hub zone, and audits it', async () => {
      const response = await http().post('/api/v1/children').set(...bearer(staffA.token)).send(validBody()).expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        hubId: hubA.id,
        displayName: '小明',
        birthDate: '2016-05-01',
        ageYears: 9,
        caregiver: { name: '李秀英', relation: 'grandmother', phone: '+8613912345678' },
        caregiverMissing: false,
        counselorId: counselorA.id,
        callPlan: { paused: false, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: null },
        createdAt: NOW.toJSDate().toISOString(),
        updatedAt: NOW.toJSDate().toISOString(),
      });
      const row = await childRow(response.body.id);
      expect(row).toMatchObject({ hub_id: hubA.id, display_name: '小明', caregiver_phone: '+8613912345678', counselor_id: counselorA.id });
      const audit = await auditFor(response.headers['x-request-id']);
      expect(audit).toEqual([
        expect.objectContaining({ action: 'child.create', object_id: response.body.id, child_id: response.body.id, hub_id: hubA.id, actor_id: staffA.id }),
      ]);
    });

    it('accepts a child without a caregiver or counselor and flags the missing caregiver', async () => {
      const response = await http()
        .post('/api/v1/children')
        .set(...bearer(staffA.token))
        .send({ hubId: hubA.id, displayName: 'Lan', birthDate: '2019-01-01' })
        .expect(201);
      expect(response.body).toMatchObject({ caregiver: null, caregiverMissing: true, counselorId: null });
      const explicitNulls = await http()
        .post('/api/v1/children')
        .set(...bearer(staffA.token))
        .send({ hubId: hubA.id, displayName: 'Lan 2', birthDate: '2019-01-01', counselorId: null, caregiver: null })
        .expect(201);
      expect(explicitNulls.body).toMatchObject({ caregiver: null, caregiverMissing: true, counselorId: null });
    });

    it('judges "today" and "under 18" in the hub’s own zone', async () => {
      // Born exactly 18 years before the Shanghai date: an adult there, still 17 in Los Angeles.
      const hubLA = await t.factories.newHub({ timeZone: 'America/Los_Angeles' });
      const adultInShanghai = await http().post('/api/v1/children').set(...bearer(admin.token)).send(validBody({ birthDate: '2008-03-15', counselorId: undefined })).expect(400);
      expectProblem(adultInShanghai, 400, 'VALIDATION_FAILED', 'birthDate');
      const la = await http()
        .post('/api/v1/children')
        .set(...bearer(admin.token))
        .send({ hubId: hubLA.id, displayName: 'Teen', birthDate: '2008-03-15' })
        .expect(201);
      expect(la.body.ageYears).toBe(17);
      // Born "today" in Shanghai is fine; the same date is tomorrow in Los Angeles.
      const newborn = await http().post('/api/v1/children').set(...bearer(admin.token)).send(validBody({ birthDate: TODAY_SHANGHAI, counselorId: undefined })).expect(201);
      expect(newborn.body.ageYears).toBe(0);
      const tomorrowInLA = await http()
        .post('/api/v1/children')
        .set(...bearer(admin.token))
        .send({ hubId: hubLA.id, displayName: 'Baby', birthDate: TODAY_SHANGHAI });
      expectProblem(tomorrowInLA, 400, 'VALIDATION_FAILED', 'birthDate');
    });

    it('lets an admin register a child at any hub', async () => {
      const response = await http().post('/api/v1/children').set(...bearer(admin.token)).send(validBody({ hubId: hubB.id, counselorId: counselorB.id })).expect(201);
      expect(response.body.hubId).toBe(hubB.id);
    });

    it('hides other hubs and unknown hubs as 404, refuses counselors and guardians, and creates nothing', async () => {
      const guardian = await t.factories.newGuardian({ hubId: hubA.id });
      const before = [await childCount(hubA.id), await childCount(hubB.id)];
      expectProblem(await http().post('/api/v1/children').set(...bearer(staffB.token)).send(validBody()), 404, 'NOT_FOUND');
      expectProblem(
        await http().post('/api/v1/children').set(...bearer(admin.token)).send(validBody({ hubId: '00000000-0000-4000-8000-000000000000', counselorId: undefined })),
        404,
        'NOT_FOUND',
      );
      expectProblem(await http().post('/api/v1/children').set(...bearer(counselorA.token)).send(validBody()), 403, 'FORBIDDEN');
      expectProblem(await http().post('/api/v1/children').set(...bearer(guardian.token)).send(validBody()), 403, 'FORBIDDEN');
      expectProblem(await http().post('/api/v1/children').send(validBody()), 401, 'UNAUTHENTICATED');
      expect([await childCount(hubA.id), await childCount(hubB.id)]).toEqual(before);
    });

    const invalid: [string, () => Record<string, unknown>, string][] = [
      ['a day that does not exist', () => validBody({ birthDate: '2020-02-30' }), 'birthDate'],
      ['29 February of a common year', () => validBody({ birthDate: '2021-02-29' }), 'birthDate'],
      ['month 13', () => validBody({ birthDate: '2020-13-01' }), 'birthDate'],
      ['a slashed date', () => validBody({ birthDate: '2016/05/01' }), 'birthDate'],
      ['a date-time', () => validBody({ birthDate: '2016-05-01T00:00:00Z' }), 'birthDate'],
      ['a numeric date', () => validBody({ birthDate: 20160501 }), 'birthDate'],
      ['a future birth date', () => validBody({ birthDate: '2026-03-16' }), 'birthDate'],
      ['an adult', () => validBody({ birthDate: '1990-01-01' }), 'birthDate'],
      ['year 0001', () => validBody({ birthDate: '0001-01-01' }), 'birthDate'],
      ['a missing birth date', () => validBody({ birthDate: undefined }), 'birthDate'],
      ['a missing name', () => validBody({ displayName: undefined }), 'displayName'],
      ['an empty name', () => validBody({ displayName: '' }), 'displayName'],
      ['a blank name', () => validBody({ displayName: '   ' }), 'displayName'],
      ['a 201-character name', () => validBody({ displayName: 'x'.repeat(201) }), 'displayName'],
      ['a 50 kB name', () => validBody({ displayName: '名'.repeat(16_000) }), 'displayName'],
      ['a numeric name', () => validBody({ displayName: 42 }), 'displayName'],
      ['a null name', () => validBody({ displayName: null }), 'displayName'],
      ['a missing hub', () => validBody({ hubId: undefined }), 'hubId'],
      ['a non-UUID hub', () => validBody({ hubId: 'hub-1' }), 'hubId'],
      ['an unknown field', () => validBody({ nickname: 'Ming' }), 'nickname'],
      ['a non-UUID counselor', () => validBody({ counselorId: 'abc' }), 'counselorId'],
      ['a counselor of another hub', () => validBody({ counselorId: counselorB.id }), 'counselorId'],
      ['a staff member as counselor', () => validBody({ counselorId: staffA.id }), 'counselorId'],
      ['an unknown counselor', () => validBody({ counselorId: '00000000-0000-4000-8000-000000000000' }), 'counselorId'],
      ['a caregiver phone without +', () => validBody({ caregiver: { name: 'Li', relation: 'grandmother', phone: '13912345678' } }), 'caregiver.phone'],
      ['a caregiver phone with spaces', () => validBody({ caregiver: { name: 'Li', relation: 'grandmother', phone: '+86 139 1234 5678' } }), 'caregiver.phone'],
      ['a too-short caregiver phone', () => validBody({ caregiver: { name: 'Li', relation: 'grandmother', phone: '+861' } }), 'caregiver.phone'],
      ['an impossible caregiver phone', () => validBody({ caregiver: { name: 'Li', relation: 'grandmother', phone: '+860000000000' } }), 'caregiver.phone'],
      ['a caregiver without phone', () => validBody({ caregiver: { name: 'Li', relation: 'grandmother' } }), 'caregiver.phone'],
      ['a caregiver without name', () => validBody({ caregiver: { relation: 'grandmother', phone: '+8613912345678' } }), 'caregiver.name'],
      ['a caregiver with an unknown field', () => validBody({ caregiver: { name: 'Li', relation: 'gm', phone: '+8613912345678', idCard: 'x' } }), 'caregiver.idCard'],
      ['a caregiver given as a string', () => validBody({ caregiver: 'Grandma Li' }), 'caregiver'],
      ['a caregiver given as an array', () => validBody({ caregiver: [{ name: 'Li', relation: 'gm', phone: '+8613912345678' }] }), 'caregiver'],
    ];
    it.each(invalid)('rejects %s with VALIDATION_FAILED and creates nothing', async (_case, body, field) => {
      const before = await childCount(hubA.id);
      const response = await http().post('/api/v1/children').set(...bearer(staffA.token)).send(body());
      expectProblem(response, 400, 'VALIDATION_FAILED', field);
      expect(await childCount(hubA.id)).toBe(before);
    });

    it('refuses a 1 MB name as too large, and a body that is not an object', async () => {
      const before = await childCount(hubA.id);
      expectProblem(await http().post('/api/v1/children').set(...bearer(staffA.token)).send(validBody({ displayName: 'x'.repeat(1_000_000) })), 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(await http().post('/api/v1/children').set(...bearer(staffA.token)).set('Content-Type', 'application/json').send('[1,2]'), 400, 'VALIDATION_FAILED');
      expectProblem(await http().post('/api/v1/children').set(...bearer(staffA.token)).set('Content-Type', 'application/json').send('{"hubId":'), 400, 'MALFORMED_JSON');
      expect(await childCount(hubA.id)).toBe(before);
    });
  });

  describe('GET /children/:id', () => {
    let child: ChildRow;
    beforeAll(async () => {
      child = await t.factories.newChild(hubA.id, { counselorId: counselorA.id, birthDate: '2016-03-15' });
      await t.db.query(`UPDATE children SET call_advice = 'Ask about school first', call_paused = true WHERE id = $1`, [child.id]);
    });

    it.each([
      ['an admin', () => admin],
      ['staff of the hub', () => staffA],
      ['a counselor of the hub', () => counselorA],
    ])('shows %s the full child and audits the read with the request id', async (_who, who) => {
      const response = await http().get(`/api/v1/children/${child.id}`).set(...bearer(who().token)).expect(200);
      expect(response.body).toMatchObject({
        id: child.id,
        hubId: hubA.id,
        birthDate: '2016-03-15',
        ageYears: 10,
        caregiver: { name: 'Grandma Li', relation: 'grandmother', phone: expect.stringMatching(/^\+86/) },
        caregiverMissing: false,
        counselorId: counselorA.id,
        callPlan: { paused: true, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: 'Ask about school first' },
      });
      const requestId = response.headers['x-request-id'];
      expect(requestId).toBeTruthy();
      expect(await auditFor(requestId)).toEqual([
        expect.objectContaining({ action: 'child.read', object_id: child.id, child_id: child.id, hub_id: hubA.id, actor_id: who().id }),
      ]);
    });

    it('keeps the caller’s X-Request-Id on the audit row', async () => {
      const response = await http().get(`/api/v1/children/${child.id}`).set(...bearer(staffA.token)).set('X-Request-Id', `children-read-${child.id}`).expect(200);
      expect(response.headers['x-request-id']).toBe(`children-read-${child.id}`);
      expect(await auditFor(`children-read-${child.id}`)).toEqual([expect.objectContaining({ action: 'child.read', child_id: child.id })]);
    });

    it('shows an approved-linked guardian a reduced child: no caregiver, counselor or pacing', async () => {
      const guardian = await linkedGuardian(child.id, 'approved');
      const response = await http().get(`/api/v1/children/${child.id}`).set(...bearer(guardian.token)).expect(200);
      expect(response.body).toEqual({
        id: child.id,
        hubId: hubA.id,
        displayName: child.displayName,
        birthDate: '2016-03-15',
        ageYears: 10,
        adviceForParent: 'Ask about school first',
      });
      expect(await auditFor(response.headers['x-request-id'])).toEqual([
        expect.objectContaining({ action: 'child.read', child_id: child.id, actor_id: guardian.id }),
      ]);
    });

    it('answers 404 to everyone outside the child’s scope, and to ids that cannot exist, without auditing a read', async () => {
      const pending = await linkedGuardian(child.id, 'pending');
      const revoked = await linkedGuardian(child.id, 'revoked');
      const stranger = await t.factories.newGuardian({ hubId: hubA.id });
      const otherChild = await t.factories.newChild(hubB.id);
      const otherParent = await linkedGuardian(otherChild.id, 'approved');
      const cases: [string, string][] = [
        [staffB.token, child.id],
        [counselorB.token, child.id],
        [pending.token, child.id],
        [revoked.token, child.id],
        [stranger.token, child.id],
        [otherParent.token, child.id],
        [staffA.token, otherChild.id],
        [admin.token, '00000000-0000-4000-8000-000000000000'],
        [admin.token, 'not-a-uuid'],
        [admin.token, '1'],
      ];
      for (const [token, id] of cases) {
        const response = await http().get(`/api/v1/children/${id}`).set(...bearer(token));
        expectProblem(response, 404, 'NOT_FOUND');
        expect(await auditFor(response.headers['x-request-id'])).toEqual([]);
      }
    });
  });

  describe('GET /children', () => {
    let hubL: HubRow;
    let staffL: UserRow;
    let counselorL: UserRow;
    let kids: ChildRow[];
    beforeAll(async () => {
      hubL = await t.factories.newHub();
      staffL = await t.factories.newUser('hub_staff', [hubL.id]);
      counselorL = await t.factories.newUser('counselor', [hubL.id]);
      kids = [
        await t.factories.newChild(hubL.id, { displayName: 'Anna Wang', counselorId: counselorL.id }),
        await t.factories.newChild(hubL.id, { displayName: 'Bo 100%' }),
        await t.factories.newChild(hubL.id, { displayName: 'Chen Wang' }),
      ];
      await t.db.query('UPDATE children SET caregiver_name = NULL, caregiver_relation = NULL, caregiver_phone = NULL WHERE id = $1', [kids[2].id]);
    });

    it('lists the hub’s children in name order, paginated, and audits one read per returned child', async () => {
      const all = await http().get(`/api/v1/children?hubId=${hubL.id}`).set(...bearer(staffL.token)).expect(200);
      expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
      expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(kids.map((k) => k.id));
      const second = await http().get(`/api/v1/children?hubId=${hubL.id}&pageSize=1&page=2`).set(...bearer(staffL.token)).expect(200);
      expect(second.body).toMatchObject({ total: 3, page: 2, pageSize: 1, items: [expect.objectContaining({ id: kids[1].id })] });
      const audit = await auditFor(second.headers['x-request-id']);
      expect(audit).toEqual([expect.objectContaining({ action: 'child.read', child_id: kids[1].id, hub_id: hubL.id, details: { via: 'list' } })]);
      expect((await auditFor(all.headers['x-request-id'])).map((row) => row.child_id).sort()).toEqual(kids.map((k) => k.id).sort());
    });

    it('scopes staff and counselors to their hubs even without a hub filter', async () => {
      const mine = await http().get('/api/v1/children?pageSize=100').set(...bearer(counselorL.token)).expect(200);
      expect(mine.body.total).toBe(3);
      expect(mine.body.items.every((c: { hubId: string }) => c.hubId === hubL.id)).toBe(true);
      const others = await http().get(`/api/v1/children?hubId=${hubL.id}`).set(...bearer(staffA.token)).expect(200);
      expect(others.body).toMatchObject({ total: 0, items: [] });
      const asAdmin = await http().get(`/api/v1/children?hubId=${hubL.id}`).set(...bearer(admin.token)).expect(200);
      expect(asAdmin.body.total).toBe(3);
    });

    it('filters by name (case-insensitive, wildcards literal), counselor and missing caregiver', async () => {
      const ids = async (query: string) =>
        (await http().get(`/api/v1/children?hubId=${hubL.id}&${query}`).set(...bearer(staffL.token)).expect(200)).body.items.map((c: { id: string }) => c.id);
      expect(await ids('q=wang')).toEqual([kids[0].id, kids[2].id]);
      expect(await ids(`q=${encodeURIComponent('%')}`)).toEqual([kids[1].id]);
      expect(await ids(`q=${encodeURIComponent('_')}`)).toEqual([]);
      expect(await ids(`counselorId=${counselorL.id}`)).toEqual([kids[0].id]);
      expect(await ids('caregiverMissing=true')).toEqual([kids[2].id]);
      expect(await ids('caregiverMissing=false')).toEqual([kids[0].id, kids[1].id]);
    });

    it('gives a guardian only their approved-linked children, in the reduced shape', async () => {
      const guardian = await t.factories.newGuardian({ hubId: hubL.id });
      await t.factories.newLink(kids[0].id, guardian.id, { status: 'approved' });
      await t.factories.newLink(kids[1].id, guardian.id, { status: 'pending' });
      await t.factories.newLink(kids[2].id, guardian.id, { status: 'revoked' });
      const response = await http().get('/api/v1/children').set(...bearer(guardian.token)).expect(200);
      expect(response.body).toMatchObject({ total: 1, items: [{ id: kids[0].id, hubId: hubL.id, displayName: 'Anna Wang', adviceForParent: null }] });
      expect(response.body.items[0]).not.toHaveProperty('caregiver');
      expect(response.body.items[0]).not.toHaveProperty('counselorId');
      expectProblem(await http().get(`/api/v1/children?counselorId=${counselorL.id}`).set(...bearer(guardian.token)), 403, 'FORBIDDEN');
      expectProblem(await http().get('/api/v1/children?caregiverMissing=true').set(...bearer(guardian.token)), 403, 'FORBIDDEN');
    });

    it.each(['pageSize=500', 'page=0', 'page=abc', 'hubId=abc', 'counselorId=1', `q=${'x'.repeat(201)}`, 'caregiverMissing=yes', 'surprise=1', 'q=a&q=b'])(
      'rejects ?%s',
      async (query) => {
        const response = await http().get(`/api/v1/children?${query}`).set(...bearer(staffL.token));
        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(await auditFor(response.headers['x-request-id'])).toEqual([]);
      },
    );
  });

  describe('PATCH /children/:id', () => {
    let child: ChildRow;
    beforeEach(async () => {
      child = await t.factories.newChild(hubA.id, { counselorId: counselorA.id });
    });

    it('lets staff of the hub change name, birth date, counselor and caregiver, and audits field names', async () => {
      const counselor2 = await t.factories.newUser('counselor', [hubA.id, hubB.id]);
      const response = await http()
        .patch(`/api/v1/children/${child.id}`)
        .set(...bearer(staffA.token))
        .send({ displayName: 'Renamed', birthDate: '2012-12-31', counselorId: counselor2.id, caregiver: { name: 'Uncle Zhao', relation: 'uncle', phone: '+8613800000001' } })
        .expect(200);
      expect(response.body).toMatchObject({
        displayName: 'Renamed',
        birthDate: '2012-12-31',
        ageYears: 13,
        counselorId: counselor2.id,
        caregiver: { name: 'Uncle Zhao', relation: 'uncle', phone: '+8613800000001' },
        caregiverMissing: false,
      });
      expect(await childRow(child.id)).toMatchObject({ display_name: 'Renamed', counselor_id: counselor2.id, caregiver_name: 'Uncle Zhao' });
      const [audit] = await auditFor(response.headers['x-request-id']);
      expect(audit).toMatchObject({ action: 'child.update', child_id: child.id, hub_id: hubA.id });
      expect(audit.details).toEqual({
        fields: ['displayName', 'birthDate', 'counselorId', 'caregiver'],
        counselorId: { before: counselorA.id, after: counselor2.id },
      });
      expect(JSON.stringify(audit.details)).not.toContain('+8613800000001');
    });

    it('unassigns the counselor and removes the caregiver with null; leaves other fields alone', async () => {
      const response = await http().patch(`/api/v1/children/${child.id}`).set(...bearer(admin.token)).send({ counselorId: null, caregiver: null }).expect(200);
      expect(response.body).toMatchObject({ displayName: child.displayName, counselorId: null, caregiver: null, caregiverMissing: true });
      expect(await childRow(child.id)).toMatchObject({ counselor_id: null, caregiver_name: null, caregiver_phone: null, caregiver_relation: null });
    });

    it('refuses an empty patch with 400 like the other PATCH routes, changing and auditing nothing', async () => {
      const before = await childRow(child.id);
      const response = await http().patch(`/api/v1/children/${child.id}`).set(...bearer(staffA.token)).send({});
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(await childRow(child.id)).toEqual(before);
      expect(await auditFor(response.headers['x-request-id'])).toEqual([]);
    });

    it('answers 404 outside the scope and 403 to roles that may not edit, changing nothing', async () => {
      const guardian = await linkedGuardian(child.id, 'approved');
      const before = await childRow(child.id);
      const body = { displayName: 'Hacked' };
      expectProblem(await http().patch(`/api/v1/children/${child.id}`).set(...bearer(staffB.token)).send(body), 404, 'NOT_FOUND');
      expectProblem(await http().patch('/api/v1/children/00000000-0000-4000-8000-000000000000').set(...bearer(admin.token)).send(body), 404, 'NOT_FOUND');
      expectProblem(await http().patch('/api/v1/children/xyz').set(...bearer(admin.token)).send(body), 404, 'NOT_FOUND');
      expectProblem(await http().patch(`/api/v1/children/${child.id}`).set(...bearer(counselorA.token)).send(body), 403, 'FORBIDDEN');
      expectProblem(await http().patch(`/api/v1/children/${child.id}`).set(...bearer(guardian.token)).send(body), 403, 'FORBIDDEN');
      expect(await childRow(child.id)).toEqual(before);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a null name', { displayName: null }, 'displayName'],
      ['a blank name', { displayName: ' ' }, 'displayName'],
      ['a null birth date', { birthDate: null }, 'birthDate'],
      ['an impossible date', { birthDate: '2020-02-30' }, 'birthDate'],
      ['a future date', { birthDate: '2027-01-01' }, 'birthDate'],
      ['an adult', { birthDate: '2000-01-01' }, 'birthDate'],
      ['a counselor of another hub', { counselorId: 'B' }, 'counselorId'],
      ['a hub change', { hubId: 'B' }, 'hubId'],
      ['a call plan change', { callPlan: { paused: true } }, 'callPlan'],
      ['a bad caregiver phone', { caregiver: { name: 'Li', relation: 'gm', phone: '+86-139' } }, 'caregiver.phone'],
      ['a partial caregiver', { caregiver: { name: 'Li' } }, 'caregiver.relation'],
      ['a wrong-typed counselor', { counselorId: 7 }, 'counselorId'],
    ])('rejects %s and changes nothing', async (_case, body, field) => {
      const resolved = Object.fromEntries(Object.entries(body).map(([key, value]) => [key, value === 'B' ? (key === 'hubId' ? hubB.id : counselorB.id) : value]));
      const before = await childRow(child.id);
      expectProblem(await http().patch(`/api/v1/children/${child.id}`).set(...bearer(staffA.token)).send(resolved), 400, 'VALIDATION_FAILED', field);
      expect(await childRow(child.id)).toEqual(before);
    });
  });

  describe('call plan', () => {
    let child: ChildRow;
    let guardian: GuardianRow;
    beforeEach(async () => {
      child = await t.factories.newChild(hubA.id, { counselorId: counselorA.id });
      guardian = await linkedGuardian(child.id, 'approved');
    });
    const plan = (overrides: Record<string, unknown> = {}) => ({
      paused: false,
      maxCallsPerWeek: 2,
      mediatedOnly: true,
      adviceForParent: 'Let her talk about her drawings first.',
      ...overrides,
    });
    const callPlanRow = async (id: string) =>
      (await t.db.query('SELECT call_paused, call_max_per_week, call_mediated_only, call_advice, updated_at FROM children WHERE id = $1', [id]))[0];

    it('shows the default plan to admin, staff and counselors of the hub, auditing each read', async () => {
      for (const who of [admin, staffA, counselorA]) {
        const response = await http().get(`/api/v1/children/${child.id}/call-plan`).set(...bearer(who.token)).expect(200);
        expect(response.body).toEqual({ paused: false, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: null });
        expect(await auditFor(response.headers['x-request-id'])).toEqual([
          expect.objectContaining({ action: 'call_plan.read', child_id: child.id, hub_id: hubA.id, actor_id: who.id }),
        ]);
      }
    });

    it('lets a counselor of the hub replace the plan; the change is audited with before and after and reaches the parent', async () => {
      const response = await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(counselorA.token)).send(plan()).expect(200);
      expect(response.body).toEqual(plan());
      expect(await callPlanRow(child.id)).toMatchObject({ call_paused: false, call_max_per_week: 2, call_mediated_only: true, call_advice: plan().adviceForParent });
      const [audit] = await auditFor(response.headers['x-request-id']);
      expect(audit).toMatchObject({ action: 'call_plan.update', object_id: child.id, child_id: child.id, hub_id: hubA.id, actor_id: counselorA.id });
      // The advice is free text: the append-only log keeps only that it changed.
      expect(audit.details).toEqual({
        before: { paused: false, maxCallsPerWeek: null, mediatedOnly: false },
        after: { paused: false, maxCallsPerWeek: 2, mediatedOnly: true },
        adviceChanged: true,
      });
      expect(JSON.stringify(audit.details)).not.toContain('drawings');
      const seen = await http().get(`/api/v1/children/${child.id}`).set(...bearer(guardian.token)).expect(200);
      expect(seen.body.adviceForParent).toBe(plan().adviceForParent);
      const staffView = await http().get(`/api/v1/children/${child.id}`).set(...bearer(staffA.token)).expect(200);
      expect(staffView.body.callPlan).toEqual(plan());
    });

    it('lets an admin pause calls, clear the limit and clear blank advice', async () => {
      await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(admin.token)).send(plan()).expect(200);
      const response = await http()
        .put(`/api/v1/children/${child.id}/call-plan`)
        .set(...bearer(admin.token))
        .send(plan({ paused: true, maxCallsPerWeek: null, adviceForParent: '   ' }))
        .expect(200);
      expect(response.body).toEqual({ paused: true, maxCallsPerWeek: null, mediatedOnly: true, adviceForParent: null });
      const zero = await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(admin.token)).send(plan({ maxCallsPerWeek: 0, adviceForParent: null })).expect(200);
      expect(zero.body).toMatchObject({ maxCallsPerWeek: 0, adviceForParent: null });
      const max = await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(admin.token)).send(plan({ maxCallsPerWeek: 21, adviceForParent: 'a'.repeat(2000) })).expect(200);
      expect(max.body.maxCallsPerWeek).toBe(21);
    });

    it('keeps the advice text out of the audit log, recording only whether it changed', async () => {
      const put = (body: Record<string, unknown>) => http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(counselorA.token)).send(body).expect(200);
      const first = await put(plan({ adviceForParent: 'Ask about the exam on Friday.' }));
      const same = await put(plan({ adviceForParent: 'Ask about the exam on Friday.', paused: true }));
      const cleared = await put(plan({ adviceForParent: null, paused: true }));
      const details = async (response: { headers: Record<string, string> }) => (await auditFor(response.headers['x-request-id']))[0].details;
      expect(await details(first)).toMatchObject({ adviceChanged: true });
      expect(await details(same)).toEqual({
        before: { paused: false, maxCallsPerWeek: 2, mediatedOnly: true },
        after: { paused: true, maxCallsPerWeek: 2, mediatedOnly: true },
        adviceChanged: false,
      });
      expect(await details(cleared)).toMatchObject({ adviceChanged: true });
      const logged: { details: unknown }[] = await t.db.query(`SELECT details FROM audit_log WHERE child_id = $1 AND action = 'call_plan.update'`, [child.id]);
      expect(logged).toHaveLength(3);
      expect(JSON.stringify(logged)).not.toContain('exam');
    });

    it('refuses hub staff and guardians (403) and hides other hubs’ children (404), changing nothing', async () => {
      const before = await callPlanRow(child.id);
      expectProblem(await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(staffA.token)).send(plan()), 403, 'FORBIDDEN');
      expectProblem(await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(guardian.token)).send(plan()), 403, 'FORBIDDEN');
      expectProblem(await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(counselorB.token)).send(plan()), 404, 'NOT_FOUND');
      expectProblem(await http().put('/api/v1/children/00000000-0000-4000-8000-000000000000/call-plan').set(...bearer(admin.token)).send(plan()), 404, 'NOT_FOUND');
      expectProblem(await http().put('/api/v1/children/nope/call-plan').set(...bearer(admin.token)).send(plan()), 404, 'NOT_FOUND');
      expect(await callPlanRow(child.id)).toEqual(before);
      expectProblem(await http().get(`/api/v1/children/${child.id}/call-plan`).set(...bearer(guardian.token)), 403, 'FORBIDDEN');
      expectProblem(await http().get(`/api/v1/children/${child.id}/call-plan`).set(...bearer(counselorB.token)), 404, 'NOT_FOUND');
      expectProblem(await http().get(`/api/v1/children/${child.id}/call-plan`).set(...bearer(staffB.token)), 404, 'NOT_FOUND');
      expectProblem(await http().get('/api/v1/children/0/call-plan').set(...bearer(admin.token)), 404, 'NOT_FOUND');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['22 calls a week', plan({ maxCallsPerWeek: 22 }), 'maxCallsPerWeek'],
      ['a negative limit', plan({ maxCallsPerWeek: -1 }), 'maxCallsPerWeek'],
      ['a fractional limit', plan({ maxCallsPerWeek: 1.5 }), 'maxCallsPerWeek'],
      ['a string limit', plan({ maxCallsPerWeek: '3' }), 'maxCallsPerWeek'],
      ['a missing limit', plan({ maxCallsPerWeek: undefined }), 'maxCallsPerWeek'],
      ['a string paused', plan({ paused: 'true' }), 'paused'],
      ['a missing paused', plan({ paused: undefined }), 'paused'],
      ['a null mediatedOnly', plan({ mediatedOnly: null }), 'mediatedOnly'],
      ['2001 characters of advice', plan({ adviceForParent: 'a'.repeat(2001) }), 'adviceForParent'],
      ['numeric advice', plan({ adviceForParent: 5 }), 'adviceForParent'],
      ['missing advice', plan({ adviceForParent: undefined }), 'adviceForParent'],
      ['an unknown field', plan({ maxCallsPerDay: 1 }), 'maxCallsPerDay'],
    ])('rejects %s and changes nothing', async (_case, body, field) => {
      const before = await callPlanRow(child.id);
      expectProblem(await http().put(`/api/v1/children/${child.id}/call-plan`).set(...bearer(counselorA.token)).send(body), 400, 'VALIDATION_FAILED', field);
      expect(await callPlanRow(child.id)).toEqual(before);
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/children', '/api/v1/children/{id}', '/api/v1/children/{id}/call-plan']));
    expect(Object.keys(doc.components.schemas.CreateChildDto.properties).sort()).toEqual(['birthDate', 'caregiver', 'counselorId', 'displayName', 'hubId']);
    expect(doc.paths['/api/v1/children/{id}/call-plan'].put.responses).toHaveProperty('403');
  });
});
