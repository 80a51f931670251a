import type { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { expectProblem } from '../support/problems';


const MISSING = '00000000-0000-4000-8000-000000000000';

describe('child–guardian links', () => {
  let t: TestApp;
  let hubA: HubRow;
  let hubB: HubRow;
  let admin: UserRow;
  let staffA: UserRow;
  let staffB: UserRow;
  let counselorA: UserRow;
  let counselorB: UserRow;

  const http = () => t.http();
  const linkRows = (childId: string): Promise<{ id: string; guardian_id: string; status: string; relationship: string; created_by: string | null; approved_by: string | null; revoked_by: string | null }[]> =>
    t.db.query('SELECT id, guardian_id, status::text, relationship, created_by, approved_by, revoked_by FROM child_guardian_links WHERE child_id = $1 ORDER BY id', [childId]);
  const revokeReason = async (childId: string): Promise<string | null> =>
    (await t.db.query('SELECT revoke_reason FROM child_guardian_links WHERE child_id = $1', [childId]))[0].revoke_reason;
  const auditFor = (requestId: string): Promise<{ action: string; object_id: string; child_id: string; hub_id: string; actor_id: string; details: Record<string, unknown> }[]> =>
    t.db.query('SELECT action, object_id, child_id, hub_id, actor_id, details FROM audit_log WHERE request_id = $1 ORDER BY id', [requestId]);
  const link = (childId: string, token: string, body: Record<string, unknown>) =>
    http().post(`/api/v1/children/${childId}/guardians`).set(...bearer(token)).send(body);
  const approve = (childId: string, guardianId: string, token: string) =>
    http().post(`/api/v1/children/${childId}/guardians/${guardianId}/approve`).set(...bearer(token));
  const revoke = (childId: string, guardianId: string, token: string, body?: Record<string, unknown>) => {
    const request = http().post(`/api/v1/children/${childId}/guardians/${guardianId}/revoke`).set(...bearer(token));
    return body === undefined ? request : request.send(body);
  };

  beforeAll(async () => {
    t = await startTestApp();
    hubA = await t.factories.newHub();
    hubB = await t.factories.newHub();
    admin = await t.factories.newAdmin();
    staffA = await t.factories.newUser('hub_staff', [hubA.id]);
    staffB = await t.factories.newUser('hub_staff', [hubB.id]);
    counselorA = await t.factories.newUser('counselor', [hubA.id]);
    counselorB = await t.factories.newUser('counselor', [hubB.id]);
  });
  afterAll(() => t.close());

  describe('POST /children/:id/guardians', () => {
    let child: ChildRow;
    let parent: GuardianRow;
    beforeEach(async () => {
      child = await t.factories.newChild(hubA.id);
      parent = await t.factories.newGuardian({ hubId: hubA.id, displayName: '王芳', timeZone: 'Asia/Shanghai' });
    });

    it('lets staff of the hub ask for a link, pending until approved, and audits it', async () => {
      const response = await link(child.id, staffA.token, { guardianId: parent.id, relationship: 'mother' }).expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        childId: child.id,
        guardianId: parent.id,
        relationship: 'mother',
        status: 'pending',
        guardian: { id: parent.id, displayName: '王芳', phone: parent.phone, timeZone: 'Asia/Shanghai' },
        createdAt: expect.any(String),
        approvedAt: null,
        revokedAt: null,
        updatedAt: expect.any(String),
      });
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ id: response.body.id, status: 'pending', created_by: staffA.id })]);
      expect(await auditFor(response.headers['x-request-id'])).toEqual([
        expect.objectContaining({ action: 'link.create', object_id: response.body.id, child_id: child.id, hub_id: hubA.id, actor_id: staffA.id }),
      ]);
      // A pending link gives the parent nothing yet.
      expectProblem(await http().get(`/api/v1/children/${child.id}`).set(...bearer(parent.token)), 404, 'NOT_FOUND');
    });

    it('refuses a second link to the same guardian with LINK_EXISTS', async () => {
      await link(child.id, staffA.token, { guardianId: parent.id, relationship: 'mother' }).expect(201);
      const again = await link(child.id, admin.token, { guardianId: parent.id, relationship: 'aunt' });
      expectProblem(again, 409, 'LINK_EXISTS');
      expect(again.body.currentStatus).toBe('pending');
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ relationship: 'mother', status: 'pending' })]);
    });

    it('lets only one of two simultaneous identical requests through', async () => {
      const responses = await Promise.all([0, 1, 2].map(() => link(child.id, staffA.token, { guardianId: parent.id, relationship: 'father' })));
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(await linkRows(child.id)).toHaveLength(1);
    });

    it('reopens a revoked link as pending', async () => {
      const { id } = await t.factories.newLink(child.id, parent.id, { status: 'revoked' });
      const response = await link(child.id, staffA.token, { guardianId: parent.id, relationship: 'grandmother' }).expect(201);
      expect(response.body).toMatchObject({ id, status: 'pending', relationship: 'grandmother', approvedAt: null, revokedAt: null });
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ id, status: 'pending', revoked_by: null, approved_by: null })]);
      const [audit] = await auditFor(response.headers['x-request-id']);
      expect(audit).toMatchObject({ action: 'link.create', object_id: id, details: { reopenedFrom: 'revoked' } });
    });

    it('lets staff name guardians of their hub or already linked to one of its children, but not others (404)', async () => {
      const elsewhere = await t.factories.newGuardian({ hubId: hubB.id });
      const unregistered = await t.factories.newGuardian({ hubId: null });
      expectProblem(await link(child.id, staffA.token, { guardianId: elsewhere.id, relationship: 'father' }), 404, 'NOT_FOUND');
      expectProblem(await link(child.id, staffA.token, { guardianId: unregistered.id, relationship: 'father' }), 404, 'NOT_FOUND');
      expectProblem(await link(child.id, staffA.token, { guardianId: MISSING, relationship: 'father' }), 404, 'NOT_FOUND');
      expect(await linkRows(child.id)).toEqual([]);

      // A parent registered at another hub who already has a child at this hub is known here.
      const sibling = await t.factories.newChild(hubA.id);
      await t.factories.newLink(sibling.id, elsewhere.id, { status: 'approved' });
      await link(child.id, staffA.token, { guardianId: elsewhere.id, relationship: 'father' }).expect(201);
      // Admins may name any guardian.
      await link(child.id, admin.token, { guardianId: unregistered.id, relationship: 'uncle' }).expect(201);
      expect(await linkRows(child.id)).toHaveLength(2);
    });

    it('hides other hubs’ and unknown children (404) and refuses counselors and guardians (403), creating nothing', async () => {
      const linked = await t.factories.newGuardian({ hubId: hubA.id });
      await t.factories.newLink(child.id, linked.id, { status: 'approved' });
      const body = { guardianId: parent.id, relationship: 'mother' };
      expectProblem(await link(child.id, staffB.token, body), 404, 'NOT_FOUND');
      expectProblem(await link(MISSING, admin.token, body), 404, 'NOT_FOUND');
      expectProblem(await link('not-a-uuid', admin.token, body), 404, 'NOT_FOUND');
      expectProblem(await link(child.id, counselorA.token, body), 403, 'FORBIDDEN');
      expectProblem(await link(child.id, linked.token, body), 403, 'FORBIDDEN');
      expectProblem(await link(child.id, parent.token, body), 403, 'FORBIDDEN');
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ guardian_id: linked.id })]);
    });

    it.each<[string, (guardianId: string) => Record<string, unknown>, string]>([
      ['an unknown relationship', (g) => ({ guardianId: g, relationship: 'neighbour' }), 'relationship'],
      ['a capitalised relationship', (g) => ({ guardianId: g, relationship: 'Mother' }), 'relationship'],
      ['a missing relationship', (g) => ({ guardianId: g }), 'relationship'],
      ['a numeric relationship', (g) => ({ guardianId: g, relationship: 1 }), 'relationship'],
      ['a missing guardian', () => ({ relationship: 'mother' }), 'guardianId'],
      ['a non-UUID guardian', () => ({ guardianId: 'g-1', relationship: 'mother' }), 'guardianId'],
      ['a numeric guardian', () => ({ guardianId: 12, relationship: 'mother' }), 'guardianId'],
      ['a huge guardian id', () => ({ guardianId: 'a'.repeat(50_000), relationship: 'mother' }), 'guardianId'],
      ['an unknown field', (g) => ({ guardianId: g, relationship: 'mother', status: 'approved' }), 'status'],
    ])('rejects %s with VALIDATION_FAILED and creates nothing', async (_case, body, field) => {
      expectProblem(await link(child.id, staffA.token, body(parent.id)), 400, 'VALIDATION_FAILED', field);
      expect(await linkRows(child.id)).toEqual([]);
    });
  });

  describe('GET /children/:id/guardians', () => {
    let child: ChildRow;
    let mother: GuardianRow;
    let father: GuardianRow;
    let grandpa: GuardianRow;
    beforeAll(async () => {
      child = await t.factories.newChild(hubA.id);
      mother = await t.factories.newGuardian({ hubId: hubA.id, displayName: 'Mother', timeZone: 'Asia/Dubai' });
      father = await t.factories.newGuardian({ hubId: hubA.id, displayName: 'Father' });
      grandpa = await t.factories.newGuardian({ hubId: hubA.id, displayName: 'Grandpa' });
      await t.factories.newLink(child.id, mother.id, { status: 'approved', relationship: 'mother' });
      await t.factories.newLink(child.id, father.id, { status: 'approved', relationship: 'father' });
      await t.factories.newLink(child.id, grandpa.id, { status: 'pending', relationship: 'grandfather' });
    });

    it.each([
      ['an admin', () => admin],
      ['staff of the hub', () => staffA],
      ['a counselor of the hub', () => counselorA],
    ])('shows %s every link with the guardian’s name, phone and zone, and audits the read', async (_who, who) => {
      const response = await http().get(`/api/v1/children/${child.id}/guardians`).set(...bearer(who().token)).expect(200);
      expect(response.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
      expect(response.body.items).toEqual([
        expect.objectContaining({ guardianId: mother.id, relationship: 'mother', status: 'approved', guardian: { id: mother.id, displayName: 'Mother', phone: mother.phone, timeZone: 'Asia/Dubai' } }),
        expect.objectContaining({ guardianId: father.id, status: 'approved' }),
        expect.objectContaining({ guardianId: grandpa.id, status: 'pending' }),
      ]);
      expect(await auditFor(response.headers['x-request-id'])).toEqual([
        expect.objectContaining({ action: 'link.list', child_id: child.id, hub_id: hubA.id, actor_id: who().id }),
      ]);
    });

    it('filters by status and paginates', async () => {
      const pending = await http().get(`/api/v1/children/${child.id}/guardians?status=pending`).set(...bearer(staffA.token)).expect(200);
      expect(pending.body).toMatchObject({ total: 1, items: [expect.objectContaining({ guardianId: grandpa.id })] });
      const page2 = await http().get(`/api/v1/children/${child.id}/guardians?pageSize=1&page=2`).set(...bearer(staffA.token)).expect(200);
      expect(page2.body).toMatchObject({ total: 3, page: 2, pageSize: 1, items: [expect.objectContaining({ guardianId: father.id })] });
    });

    it('shows an approved guardian only their own link', async () => {
      const response = await http().get(`/api/v1/children/${child.id}/guardians`).set(...bearer(mother.token)).expect(200);
      expect(response.body).toMatchObject({ total: 1, items: [expect.objectContaining({ guardianId: mother.id })] });
      expect(JSON.stringify(response.body)).not.toContain(father.phone);
    });

    it('answers 404 outside the scope and for ids that cannot exist', async () => {
      const stranger = await t.factories.newGuardian({ hubId: hubA.id });
      for (const [token, id] of [
        [staffB.token, child.id],
        [counselorB.token, child.id],
        [grandpa.token, child.id],
        [stranger.token, child.id],
        [admin.token, MISSING],
        [admin.token, 'abc'],
      ]) {
        const response = await http().get(`/api/v1/children/${id}/guardians`).set(...bearer(token));
        expectProblem(response, 404, 'NOT_FOUND');
        expect(await auditFor(response.headers['x-request-id'])).toEqual([]);
      }
    });

    it.each(['status=active', 'pageSize=0', 'extra=1'])('rejects ?%s', async (query) => {
      expectProblem(await http().get(`/api/v1/children/${child.id}/guardians?${query}`).set(...bearer(staffA.token)), 400, 'VALIDATION_FAILED');
    });
  });

  describe('approve and revoke', () => {
    let child: ChildRow;
    let parent: GuardianRow;
    beforeEach(async () => {
      child = await t.factories.newChild(hubA.id);
      parent = await t.factories.newGuardian({ hubId: hubA.id });
    });

    it('approves a pending link, after which the parent sees the child; audits the approval', async () => {
      await t.factories.newLink(child.id, parent.id, { status: 'pending' });
      const response = await approve(child.id, parent.id, staffA.token).expect(200);
      expect(response.body).toMatchObject({ childId: child.id, guardianId: parent.id, status: 'approved', approvedAt: expect.any(String), revokedAt: null });
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ status: 'approved', approved_by: staffA.id })]);
      expect(await auditFor(response.headers['x-request-id'])).toEqual([
        expect.objectContaining({ action: 'link.approve', object_id: response.body.id, child_id: child.id, hub_id: hubA.id, details: { guardianId: parent.id, from: 'pending' } }),
      ]);
      await http().get(`/api/v1/children/${child.id}`).set(...bearer(parent.token)).expect(200);
    });

    it('refuses to approve a link that is not pending, naming its status', async () => {
      await t.factories.newLink(child.id, parent.id, { status: 'approved' });
      const twice = await approve(child.id, parent.id, admin.token);
      expectProblem(twice, 409, 'INVALID_TRANSITION');
      expect(twice.body.currentStatus).toBe('approved');
      await revoke(child.id, parent.id, staffA.token).expect(200);
      const revoked = await approve(child.id, parent.id, staffA.token);
      expectProblem(revoked, 409, 'INVALID_TRANSITION');
      expect(revoked.body.currentStatus).toBe('revoked');
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ status: 'revoked' })]);
    });

    it('revokes an approved link with a reason kept on the link, not in the audit log; the parent loses access', async () => {
      await t.factories.newLink(child.id, parent.id, { status: 'approved' });
      await http().get(`/api/v1/children/${child.id}`).set(...bearer(parent.token)).expect(200);
      const response = await revoke(child.id, parent.id, staffA.token, { reason: 'Court order' }).expect(200);
      expect(response.body).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ status: 'revoked', revoked_by: staffA.id })]);
      expect(await revokeReason(child.id)).toBe('Court order');
      // Free text stays out of the append-only log (it could never be erased): only that a reason was given.
      expect(await auditFor(response.headers['x-request-id'])).toEqual([
        expect.objectContaining({ action: 'link.revoke', child_id: child.id, details: { guardianId: parent.id, from: 'approved', reasonGiven: true } }),
      ]);
      expectProblem(await http().get(`/api/v1/children/${child.id}`).set(...bearer(parent.token)), 404, 'NOT_FOUND');
      const again = await revoke(child.id, parent.id, staffA.token);
      expectProblem(again, 409, 'INVALID_TRANSITION');
      expect(again.body.currentStatus).toBe('revoked');
    });

    it('revokes a pending link without a body', async () => {
      await t.factories.newLink(child.id, parent.id, { status: 'pending' });
      const response = await revoke(child.id, parent.id, admin.token).expect(200);
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ status: 'revoked', revoked_by: admin.id })]);
      expect(await revokeReason(child.id)).toBeNull();
      expect((await auditFor(response.headers['x-request-id']))[0].details).toEqual({ guardianId: parent.id, from: 'pending', reasonGiven: false });
    });

    it('clears the reason when a revoked link is asked for again', async () => {
      await t.factories.newLink(child.id, parent.id, { status: 'approved' });
      await revoke(child.id, parent.id, staffA.token, { reason: 'Moved away' }).expect(200);
      await link(child.id, staffA.token, { guardianId: parent.id, relationship: 'mother' }).expect(201);
      expect(await revokeReason(child.id)).toBeNull();
    });

    it('answers 404 outside the scope or without a link, 403 to counselors and guardians, and changes nothing', async () => {
      await t.factories.newLink(child.id, parent.id, { status: 'pending' });
      const unlinked = await t.factories.newGuardian({ hubId: hubA.id });
      for (const action of [approve, revoke]) {
        expectProblem(await action(child.id, parent.id, staffB.token), 404, 'NOT_FOUND');
        expectProblem(await action(child.id, unlinked.id, staffA.token), 404, 'NOT_FOUND');
        expectProblem(await action(child.id, MISSING, staffA.token), 404, 'NOT_FOUND');
        expectProblem(await action(child.id, 'nope', staffA.token), 404, 'NOT_FOUND');
        expectProblem(await action(MISSING, parent.id, admin.token), 404, 'NOT_FOUND');
        expectProblem(await action('nope', parent.id, admin.token), 404, 'NOT_FOUND');
        expectProblem(await action(child.id, parent.id, counselorA.token), 403, 'FORBIDDEN');
        expectProblem(await action(child.id, parent.id, counselorB.token), 403, 'FORBIDDEN');
        expectProblem(await action(child.id, parent.id, parent.token), 403, 'FORBIDDEN');
      }
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ status: 'pending', approved_by: null, revoked_by: null })]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a 501-character reason', { reason: 'x'.repeat(501) }, 'reason'],
      ['a blank reason', { reason: '  ' }, 'reason'],
      ['a numeric reason', { reason: 3 }, 'reason'],
      ['an unknown field', { why: 'x' }, 'why'],
    ])('rejects a revoke with %s and changes nothing', async (_case, body, field) => {
      await t.factories.newLink(child.id, parent.id, { status: 'approved' });
      expectProblem(await revoke(child.id, parent.id, staffA.token, body), 400, 'VALIDATION_FAILED', field);
      expect(await linkRows(child.id)).toEqual([expect.objectContaining({ status: 'approved' })]);
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/children/{id}/guardians',
        '/api/v1/children/{id}/guardians/{guardianId}/approve',
        '/api/v1/children/{id}/guardians/{guardianId}/revoke',
      ]),
    );
    expect(doc.components.schemas.CreateLinkDto.properties.relationship.enum).toContain('grandmother');
  });
});
