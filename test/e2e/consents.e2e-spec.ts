import { randomUUID } from 'node:crypto';
import { ConsentService } from '../../src/consent/consent.service';
import { DomainError } from '../../src/common/errors/domain-error';
import { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

describe('guardian consents', () => {
  let t: TestApp;
  let admin: UserRow;
  let hubA: HubRow;
  let staffA: UserRow;
  let staffB: UserRow;
  let counselorA: UserRow;
  let childA: ChildRow;
  let childB: ChildRow;
  /** Approved link to childA. */
  let approved: GuardianRow;
  /** Pending link to childA. */
  let pending: GuardianRow;
  /** Revoked link to childA, hub A (visible to staff of A). */
  let revoked: GuardianRow;
  /** Hub A, no link to childA. */
  let unlinked: GuardianRow;
  /** Hub B, no link: staff of A cannot see them. */
  let stranger: GuardianRow;

  beforeAll(async () => {
    t = await startTestApp();
    const f = t.factories;
    admin = await f.newAdmin();
    hubA = await f.newHub();
    const hubB = await f.newHub();
    staffA = await f.newUser('hub_staff', [hubA.id]);
    staffB = await f.newUser('hub_staff', [hubB.id]);
    counselorA = await f.newUser('counselor', [hubA.id]);
    childA = await f.newChild(hubA.id);
    childB = await f.newChild(hubB.id);
    approved = await f.newGuardian({ hubId: hubA.id });
    pending = await f.newGuardian({ hubId: hubA.id });
    revoked = await f.newGuardian({ hubId: hubA.id });
    unlinked = await f.newGuardian({ hubId: hubA.id });
    stranger = await f.newGuardian({ hubId: hubB.id });
    await f.newLink(childA.id, approved.id, { status: 'approved' });
    await f.newLink(childA.id, pending.id, { status: 'pending' });
    await f.newLink(childA.id, revoked.id, { status: 'revoked' });
  });
  afterAll(() => t.close());

  const consentCount = async (childId: string): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM guardian_consents WHERE child_id = $1`, [childId]);
    return row.n;
  };
  const consentRow = async (id: string) => {
    const [row] = await t.db.query(
      `SELECT withdrawn_at, withdrawn_by_user, withdrawn_by_guardian, withdrawal_reason FROM guardian_consents WHERE id = $1`,
      [id],
    );
    return row;
  };
  const auditRows = (action: string, childId: string) =>
    t.db.query(`SELECT actor_id, object_type, object_id, child_id, hub_id, details FROM audit_log WHERE action = $1 AND child_id = $2 ORDER BY id`, [
      action,
      childId,
    ]);
  const validBody = (guardianId = approved.id) => ({ guardianId, scopes: ['video_call', 'wellbeing_check'], policyVersion: '2026-01', method: 'paper' });
  const post = (token: string, childId: string, body: unknown) =>
    t.http().post(`/api/v1/children/${childId}/consents`).set(...bearer(token)).send(body as object);
  const withdraw = (token: string, childId: string, consentId: string, body: unknown = {}) =>
    t.http().post(`/api/v1/children/${childId}/consents/${consentId}/withdraw`).set(...bearer(token)).send(body as object);

  describe('POST /children/:id/consents', () => {
    it('lets staff of the child’s hub record a consent, audited', async () => {
      const child = await t.factories.newChild(hubA.id);
      await t.factories.newLink(child.id, approved.id);
      const response = await post(staffA.token, child.id, { ...validBody(), scopes: ['wellbeing_check'], method: 'in_person' }).expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        childId: child.id,
        guardianId: approved.id,
        scopes: ['wellbeing_check'],
        policyVersion: '2026-01',
        method: 'in_person',
        givenAt: expect.any(String),
        recordedBy: staffA.id,
        active: true,
        withdrawnAt: null,
        withdrawnBy: null,
        withdrawalReason: null,
      });
      expect(await consentCount(child.id)).toBe(1);
      expect(await auditRows('consent.create', child.id)).toEqual([
        expect.objectContaining({ actor_id: staffA.id, object_type: 'consent', object_id: response.body.id, hub_id: hubA.id }),
      ]);
    });

    it('accepts a pending link (consent is often collected at registration) and an admin as recorder', async () => {
      const response = await post(staffA.token, childA.id, { ...validBody(pending.id), method: 'digital' }).expect(201);
      expect(response.body).toMatchObject({ guardianId: pending.id, method: 'digital' });
      const byAdmin = await post(admin.token, childA.id, { ...validBody(), scopes: ['video_call'] }).expect(201);
      expect(byAdmin.body.recordedBy).toBe(admin.id);
    });

    it('answers 409 LINK_NOT_APPROVED for a visible guardian without a live link, creating nothing', async () => {
      const before = await consentCount(childA.id);
      for (const guardian of [revoked, unlinked]) {
        const response = await post(staffA.token, childA.id, validBody(guardian.id)).expect(409);
        expect(response.body.code).toBe('LINK_NOT_APPROVED');
      }
      expect(await consentCount(childA.id)).toBe(before);
    });

    it('answers 404 for a guardian the caller cannot see or that does not exist, creating nothing', async () => {
      const before = await consentCount(childA.id);
      for (const guardianId of [stranger.id, randomUUID()]) {
        const response = await post(staffA.token, childA.id, validBody(guardianId)).expect(404);
        expect(response.body).toMatchObject({ code: 'NOT_FOUND', detail: 'Guardian was not found' });
      }
      expect(await consentCount(childA.id)).toBe(before);
    });

    it('answers 404 for a child out of scope, unknown or malformed, and 403 to counselors and guardians', async () => {
      const before = await consentCount(childA.id);
      expect((await post(staffB.token, childA.id, validBody()).expect(404)).body.code).toBe('NOT_FOUND');
      await post(staffA.token, randomUUID(), validBody()).expect(404);
      await post(staffA.token, 'child-1', validBody()).expect(404);
      expect((await post(counselorA.token, childA.id, validBody()).expect(403)).body.code).toBe('FORBIDDEN');
      await post(approved.token, childA.id, validBody()).expect(403);
      await t.http().post(`/api/v1/children/${childA.id}/consents`).send(validBody()).expect(401);
      expect(await consentCount(childA.id)).toBe(before);
    });

    it.each([
      ['empty scopes', { scopes: [] }, 'scopes'],
      ['an unknown scope', { scopes: ['photos'] }, 'scopes'],
      ['an unknown scope beside a known one', { scopes: ['video_call', 'photos'] }, 'scopes'],
      ['duplicate scopes', { scopes: ['video_call', 'video_call'] }, 'scopes'],
      ['scopes as a string', { scopes: 'video_call' }, 'scopes'],
      ['a scope that is a number', { scopes: [1] }, 'scopes'],
      ['missing scopes', { scopes: undefined }, 'scopes'],
      ['an empty policy version', { policyVersion: '' }, 'policyVersion'],
      ['a blank policy version', { policyVersion: '   ' }, 'policyVersion'],
      ['a policy version of 51 characters', { policyVersion: 'v'.repeat(51) }, 'policyVersion'],
      ['a policy version that is a number', { policyVersion: 2026 }, 'policyVersion'],
      ['a missing policy version', { policyVersion: undefined }, 'policyVersion'],
      ['an unknown method', { method: 'email' }, 'method'],
      ['a missing method', { method: undefined }, 'method'],
      ['a guardian id that is not a uuid', { guardianId: 'mum' }, 'guardianId'],
      ['a missing guardian id', { guardianId: undefined }, 'guardianId'],
      ['an unknown field', { givenAt: '2020-01-01T00:00:00Z' }, 'givenAt'],
      ['a recorder', { recordedBy: randomUUID() }, 'recordedBy'],
    ])('refuses %s with 400, creating nothing', async (_label, change, field) => {
      const before = await consentCount(childA.id);
      const response = await post(staffA.token, childA.id, { ...validBody(), ...change }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await consentCount(childA.id)).toBe(before);
    });

    it('refuses a 1 MB policy version and non-object bodies', async () => {
      const before = await consentCount(childA.id);
      expect((await post(staffA.token, childA.id, { ...validBody(), policyVersion: 'x'.repeat(1_000_000) })).status).toBe(413);
      for (const body of [[], {}]) expect((await post(staffA.token, childA.id, body)).status).toBe(400);
      expect(await consentCount(childA.id)).toBe(before);
    });
  });

  describe('GET /children/:id/consents', () => {
    let child: ChildRow;
    let mine: string;
    let theirs: string;
    beforeAll(async () => {
      child = await t.factories.newChild(hubA.id);
      await t.factories.newLink(child.id, approved.id);
      await t.factories.newLink(child.id, unlinked.id);
      mine = (await t.factories.newConsent(child.id, approved.id, ['video_call'])).id;
      theirs = (await t.factories.newConsent(child.id, unlinked.id)).id;
    });
    const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id).sort();

    it.each([
      ['staff of the hub', () => staffA],
      ['a counselor of the hub', () => counselorA],
      ['an admin', () => admin],
    ])('shows %s every consent of the child', async (_label, caller) => {
      const response = await t.http().get(`/api/v1/children/${child.id}/consents`).set(...bearer(caller().token)).expect(200);
      expect(response.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
      expect(ids(response.body)).toEqual([mine, theirs].sort());
      expect(response.body.items.find((item: { id: string }) => item.id === mine)).toMatchObject({
        childId: child.id,
        guardianId: approved.id,
        scopes: ['video_call'],
        active: true,
      });
    });

    it('shows a guardian only the consents they gave', async () => {
      const response = await t.http().get(`/api/v1/children/${child.id}/consents`).set(...bearer(approved.token)).expect(200);
      expect(response.body).toMatchObject({ total: 1 });
      expect(ids(response.body)).toEqual([mine]);
      const asking = await t.http().get(`/api/v1/children/${child.id}/consents?guardianId=${unlinked.id}`).set(...bearer(approved.token)).expect(200);
      expect(asking.body).toMatchObject({ items: [], total: 0 });
    });

    it('filters by guardian and pages', async () => {
      const filtered = await t.http().get(`/api/v1/children/${child.id}/consents?guardianId=${unlinked.id}`).set(...bearer(staffA.token)).expect(200);
      expect(ids(filtered.body)).toEqual([theirs]);
      const page = await t.http().get(`/api/v1/children/${child.id}/consents?pageSize=1&page=2`).set(...bearer(staffA.token)).expect(200);
      expect(page.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
      expect(page.body.items).toHaveLength(1);
    });

    it('audits the read with the child', async () => {
      const before = (await auditRows('consent.read', child.id)).length;
      await t.http().get(`/api/v1/children/${child.id}/consents`).set(...bearer(counselorA.token)).expect(200);
      const rows = await auditRows('consent.read', child.id);
      expect(rows).toHaveLength(before + 1);
      expect(rows[rows.length - 1]).toMatchObject({ actor_id: counselorA.id, object_id: child.id, hub_id: hubA.id });
      expect(rows[rows.length - 1].details.consentIds.sort()).toEqual([mine, theirs].sort());
    });

    it.each([
      ['staff of another hub', () => staffB, () => child.id],
      ['a guardian without a link', () => stranger, () => child.id],
      ['a guardian with only a pending link', () => pending, () => childA.id],
      ['a guardian whose link was revoked', () => revoked, () => childA.id],
      ['an admin, for an unknown child', () => admin, () => randomUUID()],
      ['an admin, for a malformed id', () => admin, () => 'abc'],
    ])('answers 404 to %s', async (_label, caller, childId) => {
      const response = await t.http().get(`/api/v1/children/${childId()}/consents`).set(...bearer(caller().token)).expect(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });

    it.each(['guardianId=me', 'pageSize=0', 'active=yes'])('refuses ?%s', async (query) => {
      await t.http().get(`/api/v1/children/${child.id}/consents?${query}`).set(...bearer(staffA.token)).expect(400);
    });
  });

  describe('POST /children/:id/consents/:consentId/withdraw', () => {
    let child: ChildRow;
    beforeAll(async () => {
      child = await t.factories.newChild(hubA.id);
      await t.factories.newLink(child.id, approved.id);
      await t.factories.newLink(child.id, unlinked.id);
    });

    it('lets the guardian who gave it withdraw it, once', async () => {
      const { id } = await t.factories.newConsent(child.id, approved.id);
      const response = await withdraw(approved.token, child.id, id, { reason: '孩子不想再视频' }).expect(200);
      expect(response.body).toMatchObject({
        id,
        active: false,
        withdrawnAt: expect.any(String),
        withdrawnBy: { type: 'guardian', id: approved.id },
        withdrawalReason: '孩子不想再视频',
      });
      expect(await consentRow(id)).toMatchObject({ withdrawn_by_guardian: approved.id, withdrawn_by_user: null });
      const again = await withdraw(approved.token, child.id, id).expect(409);
      expect(again.body.code).toBe('CONSENT_WITHDRAWN');
      const rows = await auditRows('consent.withdraw', child.id);
      expect(rows.filter((row: { object_id: string }) => row.object_id === id)).toEqual([
        expect.objectContaining({ actor_id: approved.id, object_type: 'consent', hub_id: hubA.id }),
      ]);
    });

    it('lets staff of the hub and admins withdraw, with or without a body', async () => {
      const first = await t.factories.newConsent(child.id, unlinked.id);
      const byStaff = await withdraw(staffA.token, child.id, first.id, { reason: 'Parent phoned the school' }).expect(200);
      expect(byStaff.body).toMatchObject({ active: false, withdrawnBy: { type: 'user', id: staffA.id } });
      const second = await t.factories.newConsent(child.id, unlinked.id);
      const byAdmin = await t.http().post(`/api/v1/children/${child.id}/consents/${second.id}/withdraw`).set(...bearer(admin.token)).expect(200);
      expect(byAdmin.body).toMatchObject({ active: false, withdrawalReason: null, withdrawnBy: { type: 'user', id: admin.id } });
    });

    it('lets a guardian withdraw their consent even after their link was revoked', async () => {
      const former = await t.factories.newGuardian({ hubId: hubA.id });
      const { id: linkId } = await t.factories.newLink(child.id, former.id);
      const { id } = await t.factories.newConsent(child.id, former.id);
      await t.db.query(`UPDATE child_guardian_links SET status = 'revoked', revoked_at = now() WHERE id = $1`, [linkId]);
      await withdraw(former.token, child.id, id).expect(200);
    });

    it.each([
      ['another guardian', () => unlinked, 404],
      ['a guardian with no link', () => stranger, 404],
      ['staff of another hub', () => staffB, 404],
      ['a counselor of the hub', () => counselorA, 403],
    ])('refuses %s (%s), changing nothing', async (_label, caller, status) => {
      const { id } = await t.factories.newConsent(child.id, approved.id);
      const response = await withdraw(caller().token, child.id, id).expect(status as number);
      expect(response.body.code).toBe(status === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
      expect((await consentRow(id)).withdrawn_at).toBeNull();
    });

    it('answers 404 for a consent under another child, or unknown or malformed ids', async () => {
      const { id } = await t.factories.newConsent(child.id, approved.id);
      const other = await t.factories.newChild(hubA.id);
      await withdraw(staffA.token, other.id, id).expect(404);
      await withdraw(approved.token, other.id, id).expect(404);
      await withdraw(staffA.token, childB.id, id).expect(404);
      await withdraw(staffA.token, child.id, randomUUID()).expect(404);
      await withdraw(staffA.token, child.id, 'nope').expect(404);
      await withdraw(staffA.token, 'nope', id).expect(404);
      expect((await consentRow(id)).withdrawn_at).toBeNull();
    });

    it.each([
      ['an empty reason', { reason: '' }],
      ['a blank reason', { reason: '  ' }],
      ['a reason of 501 characters', { reason: 'r'.repeat(501) }],
      ['a reason that is a number', { reason: 7 }],
      ['a null reason', { reason: null }],
      ['an unknown field', { withdrawnAt: '2020-01-01T00:00:00Z' }],
    ])('refuses %s with 400, changing nothing', async (_label, body) => {
      const { id } = await t.factories.newConsent(child.id, approved.id);
      const response = await withdraw(approved.token, child.id, id, body).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect((await consentRow(id)).withdrawn_at).toBeNull();
    });
  });

  describe('activeConsentScopes and assertConsent', () => {
    let service: ConsentService;
    beforeAll(() => {
      service = t.app.get(ConsentService);
    });

    it('unions the active consents of one guardian for one child, and forgets withdrawn ones', async () => {
      const child = await t.factories.newChild(hubA.id);
      const guardian = await t.factories.newGuardian({ hubId: hubA.id });
      const other = await t.factories.newGuardian({ hubId: hubA.id });
      expect(await service.activeConsentScopes(t.db.manager, child.id, guardian.id)).toEqual(new Set());

      const video = await t.factories.newConsent(child.id, guardian.id, ['video_call']);
      await t.factories.newConsent(child.id, other.id, ['wellbeing_check']);
      expect(await service.activeConsentScopes(t.db.manager, child.id, guardian.id)).toEqual(new Set(['video_call']));

      const wellbeing = await t.factories.newConsent(child.id, guardian.id, ['wellbeing_check']);
      expect(await service.activeConsentScopes(t.db.manager, child.id, guardian.id)).toEqual(new Set(['video_call', 'wellbeing_check']));

      await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE id = $1`, [wellbeing.id]);
      expect(await service.activeConsentScopes(t.db.manager, child.id, guardian.id)).toEqual(new Set(['video_call']));
      await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE id = $1`, [video.id]);
      expect(await service.activeConsentScopes(t.db.manager, child.id, guardian.id)).toEqual(new Set());
    });

    it('passes with an active consent for the scope and throws CONSENT_REQUIRED otherwise', async () => {
      const child = await t.factories.newChild(hubA.id);
      const guardian = await t.factories.newGuardian({ hubId: hubA.id });
      const consent = await t.factories.newConsent(child.id, guardian.id, ['video_call']);
      await expect(service.assertConsent(t.db.manager, child.id, guardian.id, 'video_call')).resolves.toBeUndefined();

      const missing = await service.assertConsent(t.db.manager, child.id, guardian.id, 'wellbeing_check').catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(DomainError);
      expect(missing).toMatchObject({ code: 'CONSENT_REQUIRED', status: 409, extensions: { scope: 'wellbeing_check' } });
      expect((missing as DomainError).detail).toMatch(/wellbeing_check/);

      const otherChild = await t.factories.newChild(hubA.id);
      await expect(service.assertConsent(t.db.manager, otherChild.id, guardian.id, 'video_call')).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });

      await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE id = $1`, [consent.id]);
      await expect(service.assertConsent(t.db.manager, child.id, guardian.id, 'video_call')).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
    });

    it('sees a consent withdrawn through the API at once', async () => {
      const child = await t.factories.newChild(hubA.id);
      await t.factories.newLink(child.id, approved.id);
      const created = await post(staffA.token, child.id, validBody()).expect(201);
      await expect(service.assertConsent(t.db.manager, child.id, approved.id, 'wellbeing_check')).resolves.toBeUndefined();
      await withdraw(approved.token, child.id, created.body.id).expect(200);
      await expect(service.assertConsent(t.db.manager, child.id, approved.id, 'video_call')).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
    });
  });
});
