import { startTestApp, TestApp, bearer } from '../support/test-app';

describe('platform: health, errors, request ids, audit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reports health with the database checked', async () => {
    const response = await t.http().get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('answers an unknown route with a problem document', async () => {
    for (const path of ['/nope', '/api/v1/nope']) {
      const response = await t.http().get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', type: '/problems/route-not-found' });
    }
  });

  it('refuses malformed JSON, non-JSON bodies and oversized bodies', async () => {
    const admin = await t.factories.newAdmin();
    const malformed = await t.http().post('/api/v1/audit').set(...bearer(admin.token)).set('Content-Type', 'application/json').send('{bad');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    const text = await t.http().post('/api/v1/audit').set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
    const huge = await t.http().post('/api/v1/audit').set('Content-Type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(1_000_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers text PostgreSQL cannot store (a NUL character) with a 400, not a 500', async () => {
    const admin = await t.factories.newAdmin();
    const response = await t
      .http()
      .post('/api/v1/hubs')
      .set(...bearer(admin.token))
      .send({ name: 'Sunflower\u0000hub', timeZone: 'Asia/Shanghai' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('requires a valid token and keeps a caller request id', async () => {
    const response = await t.http().get('/api/v1/audit').set('X-Request-Id', 'req-abcdef-123').expect(401);
    expect(response.headers['x-request-id']).toBe('req-abcdef-123');
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED', requestId: 'req-abcdef-123' });
    const forged = await t.http().get('/api/v1/audit').set('Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.').expect(401);
    expect(forged.body.code).toBe('UNAUTHENTICATED');
  });

  it('lets only admins read the audit log, and the database refuses to rewrite it', async () => {
    const admin = await t.factories.newAdmin();
    const hub = await t.factories.newHub();
    const staff = await t.factories.newUser('hub_staff', [hub.id]);
    await t.http().get('/api/v1/audit').set(...bearer(staff.token)).expect(403);
    const page = await t.http().get('/api/v1/audit?pageSize=5').set(...bearer(admin.token)).expect(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 5 });
    await t.http().get('/api/v1/audit?pageSize=500').set(...bearer(admin.token)).expect(400);
    await t.http().get('/api/v1/audit?surprise=1').set(...bearer(admin.token)).expect(400);
    for (const bad of ['actorId=nope', 'childId=1', 'hubId=x', 'from=yesterday', 'to=2026-02-30T00:00:00Z', `action=${'a'.repeat(101)}`, 'page=0']) {
      const response = await t.http().get(`/api/v1/audit?${bad}`).set(...bearer(admin.token));
      expect([bad, response.status, response.body.code]).toEqual([bad, 400, 'VALIDATION_FAILED']);
    }

    await t.db.query(`INSERT INTO audit_log (actor_type, action, object_type) VALUES ('system', 'test.write', 'test')`);
    await expect(t.db.query(`UPDATE audit_log SET action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('serves the OpenAPI document', async () => {
    const response = await t.http().get('/docs-json').expect(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toContain('/api/v1/audit');
  });

  it('filters the audit log by child, actor, action, request id and time', async () => {
    const admin = await t.factories.newAdmin();
    const hub = await t.factories.newHub();
    const staff = await t.factories.newUser('hub_staff', [hub.id]);
    const child = await t.factories.newChild(hub.id);
    const read = await t.http().get(`/api/v1/children/${child.id}`).set(...bearer(staff.token)).set('X-Request-Id', `audit-filter-${child.id}`).expect(200);
    const requestId = read.headers['x-request-id'];
    const list = async (query: Record<string, string>) =>
      (await t.http().get('/api/v1/audit').query(query).set(...bearer(admin.token)).expect(200)).body as { items: { action: string; actorId: string; childId: string; requestId: string }[]; total: number };
    const byChild = await list({ childId: child.id });
    expect(byChild.items.map((entry) => [entry.action, entry.actorId, entry.requestId])).toEqual([['child.read', staff.id, requestId]]);
    expect((await list({ actorId: staff.id, action: 'child.read' })).total).toBe(1);
    expect((await list({ requestId })).items.map((entry) => entry.childId)).toEqual([child.id]);
    expect((await list({ childId: child.id, from: '2999-01-01T00:00:00Z' })).total).toBe(0);
    expect((await list({ childId: child.id, to: '2000-01-01T00:00:00Z' })).total).toBe(0);
    expect((await list({ hubId: hub.id, action: 'child.read' })).total).toBe(1);
  });
});
