import { randomInt, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { verifyPassword } from '../../src/auth/password';
import { TokenService } from '../../src/common/auth/token.service';
import { GuardianRow, HubRow, TEST_PASSWORD, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { expectProblem } from '../support/problems';

const unique = () => randomUUID().slice(0, 8);
const USER_KEYS = ['createdAt', 'disabled', 'displayName', 'email', 'hubIds', 'id', 'locale', 'role'];
const PASSWORD = 'a long enough passphrase';
const HUGE = 'x'.repeat(1_000_000);


describe('users', () => {
  let t: TestApp;
  let admin: UserRow;
  let hubA: HubRow;
  let hubB: HubRow;
  let staffA: UserRow;
  let staffB: UserRow;
  let counselorA: UserRow;
  let counselorAB: UserRow;
  let guardian: GuardianRow;
  const tag = unique();

  beforeAll(async () => {
    t = await startTestApp();
    const f = t.factories;
    admin = await f.newAdmin();
    hubA = await f.newHub();
    hubB = await f.newHub();
    staffA = await f.newUser('hub_staff', [hubA.id], { displayName: `Staff A ${tag}` });
    staffB = await f.newUser('hub_staff', [hubB.id], { displayName: `Staff B ${tag}` });
    counselorA = await f.newUser('counselor', [hubA.id], { displayName: `Counselor A ${tag}` });
    counselorAB = await f.newUser('counselor', [hubA.id, hubB.id], { displayName: `Counselor AB ${tag}` });
    guardian = await f.newGuardian({ hubId: hubA.id });
  });
  afterAll(() => t.close());

  const http = () => t.http();
  const usersWithEmail = async (email: string): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)`, [email]);
    return row.n;
  };
  const auditCount = async (actorId: string, action: string): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action = $2`, [actorId, action]);
    return row.n;
  };
  const userState = async (id: string) => {
    const [row] = await t.db.query(`SELECT * FROM users WHERE id = $1`, [id]);
    const hubs = await t.db.query(`SELECT hub_id FROM user_hubs WHERE user_id = $1 ORDER BY hub_id`, [id]);
    return { row, hubs };
  };
  const newUserBody = (overrides: Record<string, unknown> = {}) => ({
    email: `new-${unique()}@example.org`,
    password: PASSWORD,
    displayName: `New ${tag}`,
    role: 'hub_staff',
    hubIds: [hubA.id],
    ...overrides,
  });

  describe('POST /users', () => {
    it('creates each role with its hubs, lower-cases the email, hides the hash, audits it', async () => {
      const email = `Li.Teacher-${unique()}@Example.ORG`;
      const response = await http()
        .post('/api/v1/users')
        .set(...bearer(admin.token))
        .send(newUserBody({ email, displayName: ' 李老师 ', locale: 'en' }))
        .expect(201);
      expect(Object.keys(response.body).sort()).toEqual(USER_KEYS);
      expect(response.body).toMatchObject({ email: email.toLowerCase(), displayName: '李老师', role: 'hub_staff', hubIds: [hubA.id], locale: 'en', disabled: false });
      expect(JSON.stringify(response.body)).not.toMatch(/password|argon/i);
      const { row, hubs } = await userState(response.body.id);
      expect(row.email).toBe(email.toLowerCase());
      expect(await verifyPassword(row.password_hash, PASSWORD)).toBe(true);
      expect(hubs).toEqual([{ hub_id: hubA.id }]);
      const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'user.create' AND object_id = $1`, [response.body.id]);
      expect(audit).toMatchObject({ actor_id: admin.id, object_type: 'user', hub_id: hubA.id });
      expect(JSON.stringify(audit.details)).not.toContain(PASSWORD);

      const counselor = await http().post('/api/v1/users').set(...bearer(admin.token)).send(newUserBody({ role: 'counselor', hubIds: [hubA.id, hubB.id] })).expect(201);
      expect([...counselor.body.hubIds].sort()).toEqual([hubA.id, hubB.id].sort());
      expect(counselor.body.locale).toBe('zh-CN');
      const newAdmin = await http().post('/api/v1/users').set(...bearer(admin.token)).send(newUserBody({ role: 'admin', hubIds: [] })).expect(201);
      expect(newAdmin.body).toMatchObject({ role: 'admin', hubIds: [] });
    });

    it('creates an account the auth guard accepts, scoped to its hub', async () => {
      const created = await http().post('/api/v1/users').set(...bearer(admin.token)).send(newUserBody({ hubIds: [hubB.id] })).expect(201);
      const token = t.app.get(TokenService).signAccessToken(created.body.id, 'user', 'hub_staff').accessToken;
      await http().get(`/api/v1/hubs/${hubB.id}`).set(...bearer(token)).expect(200);
      expectProblem(await http().get(`/api/v1/hubs/${hubA.id}`).set(...bearer(token)), 404, 'NOT_FOUND');
    });

    it('answers 409 EMAIL_TAKEN for an email in use, whatever its case', async () => {
      const email = `taken-${unique()}@example.org`;
      await http().post('/api/v1/users').set(...bearer(admin.token)).send(newUserBody({ email })).expect(201);
      const audits = await auditCount(admin.id, 'user.create');
      for (const again of [email, email.toUpperCase(), ` ${email} `]) {
        expectProblem(await http().post('/api/v1/users').set(...bearer(admin.token)).send(newUserBody({ email: again })), 409, 'EMAIL_TAKEN');
      }
      expect(await usersWithEmail(email)).toBe(1);
      expect(await auditCount(admin.id, 'user.create')).toBe(audits);
    });

    it.each<[string, Record<string, unknown>, string | undefined]>([
      ['hub_staff without a hub', { role: 'hub_staff', hubIds: [] }, 'hubIds'],
      ['hub_staff with two hubs', { role: 'hub_staff', hubIds: ['A', 'B'] }, 'hubIds'],
      ['a counselor without a hub', { role: 'counselor', hubIds: [] }, 'hubIds'],
      ['an admin with a hub', { role: 'admin', hubIds: ['A'] }, 'hubIds'],
      ['a missing email', { email: undefined }, 'email'],
      ['a malformed email', { email: 'not-an-email' }, 'email'],
      ['an email that is a number', { email: 12 }, 'email'],
      ['a huge email', { email: `${'e'.repeat(300)}@example.org` }, 'email'],
      // IsEmail takes it, the sign-in form does not: the account could never sign in.
      ['a quoted email with a space', { email: '"a b"@example.org' }, 'email'],
      ['a short password', { password: 'short pass' }, 'password'],
      ['an 11-character password', { password: 'x'.repeat(11) }, 'password'],
      ['a missing password', { password: undefined }, 'password'],
      ['a numeric password', { password: 123456789012345 }, 'password'],
      ['a password of 257 characters', { password: 'p'.repeat(257) }, 'password'],
      ['a missing display name', { displayName: undefined }, 'displayName'],
      ['a blank display name', { displayName: '   ' }, 'displayName'],
      ['a display name of 201 characters', { displayName: 'd'.repeat(201) }, 'displayName'],
      ['the guardian role', { role: 'guardian' }, 'role'],
      ['an unknown role', { role: 'superuser' }, 'role'],
      ['a missing role', { role: undefined }, 'role'],
      ['hubIds not an array', { hubIds: 'A' }, 'hubIds'],
      ['a hub id that is not a UUID', { hubIds: ['hub-1'] }, 'hubIds'],
      ['a duplicated hub id', { role: 'counselor', hubIds: ['A', 'A'] }, 'hubIds'],
      ['missing hubIds', { hubIds: undefined }, 'hubIds'],
      ['an unknown locale', { locale: 'de' }, 'locale'],
      ['a null locale', { locale: null }, 'locale'],
      ['an unknown field', { disabled: true }, 'disabled'],
      ['a password hash smuggled in', { passwordHash: 'x' }, 'passwordHash'],
    ])('rejects %s with 400 and creates nothing', async (_case, overrides, field) => {
      const ids: Record<string, string> = { A: hubA.id, B: hubB.id };
      if (Array.isArray(overrides.hubIds)) overrides = { ...overrides, hubIds: overrides.hubIds.map((h: string) => ids[h] ?? h) };
      const body = newUserBody(overrides);
      const audits = await auditCount(admin.id, 'user.create');
      expectProblem(await http().post('/api/v1/users').set(...bearer(admin.token)).send(body), 400, 'VALIDATION_FAILED', field);
      if (typeof body.email === 'string') expect(await usersWithEmail(body.email)).toBe(0);
      expect(await auditCount(admin.id, 'user.create')).toBe(audits);
    });

    it('answers 404 for a hub that does not exist, creating nothing', async () => {
      const missing = randomUUID();
      const body = newUserBody({ role: 'counselor', hubIds: [hubA.id, missing] });
      const response = await http().post('/api/v1/users').set(...bearer(admin.token)).send(body);
      expectProblem(response, 404, 'NOT_FOUND');
      expect(response.body.detail).toContain(missing);
      expect(await usersWithEmail(body.email)).toBe(0);
    });

    it('refuses a 1 MB body and non-admins', async () => {
      const body = newUserBody();
      const huge = await http().post('/api/v1/users').set(...bearer(admin.token)).set('Content-Type', 'application/json').send(JSON.stringify({ ...body, displayName: HUGE }));
      expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE');
      for (const user of [staffA, counselorA, guardian]) {
        expectProblem(await http().post('/api/v1/users').set(...bearer(user.token)).send(body), 403, 'FORBIDDEN');
      }
      expectProblem(await http().post('/api/v1/users').send(body), 401, 'UNAUTHENTICATED');
      expect(await usersWithEmail(body.email)).toBe(0);
    });
  });

  describe('GET /users', () => {
    const ids = (response: Response) => (response.body.items as { id: string }[]).map((user) => user.id);
    // a world of its own, so users created by other tests do not show up
    const listTag = `list-${unique()}`;
    let hubC: HubRow;
    let hubD: HubRow;
    let staffC: UserRow;
    let staffD: UserRow;
    let counselorC: UserRow;
    let counselorCD: UserRow;

    beforeAll(async () => {
      const f = t.factories;
      hubC = await f.newHub();
      hubD = await f.newHub();
      staffC = await f.newUser('hub_staff', [hubC.id], { displayName: `Staff C ${listTag}` });
      staffD = await f.newUser('hub_staff', [hubD.id], { displayName: `Staff D ${listTag}` });
      counselorC = await f.newUser('counselor', [hubC.id], { displayName: `Counselor C ${listTag}` });
      counselorCD = await f.newUser('counselor', [hubC.id, hubD.id], { displayName: `Counselor CD ${listTag}` });
    });

    it('shows admins everyone, with role, hub and text filters', async () => {
      const all = await http().get('/api/v1/users').query({ q: listTag.toUpperCase(), pageSize: 100 }).set(...bearer(admin.token)).expect(200);
      expect(ids(all).sort()).toEqual([staffC.id, staffD.id, counselorC.id, counselorCD.id].sort());
      expect(all.body).toMatchObject({ total: 4, page: 1, pageSize: 100 });
      expect(Object.keys(all.body.items[0]).sort()).toEqual(USER_KEYS);
      expect(JSON.stringify(all.body)).not.toMatch(/password/i);

      const counselors = await http().get('/api/v1/users').query({ q: listTag, role: 'counselor' }).set(...bearer(admin.token)).expect(200);
      expect(ids(counselors).sort()).toEqual([counselorC.id, counselorCD.id].sort());
      const ofD = await http().get('/api/v1/users').query({ hubId: hubD.id }).set(...bearer(admin.token)).expect(200);
      expect(ids(ofD).sort()).toEqual([staffD.id, counselorCD.id].sort());
      const byEmail = await http().get('/api/v1/users').query({ q: staffC.email.toUpperCase() }).set(...bearer(admin.token)).expect(200);
      expect(ids(byEmail)).toEqual([staffC.id]);
      const paged = await http().get('/api/v1/users').query({ hubId: hubC.id, pageSize: 2, page: 2 }).set(...bearer(admin.token)).expect(200);
      expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(paged.body.items).toHaveLength(1);
    });

    it('shows staff and counselors only the users sharing one of their hubs', async () => {
      const forStaffC = await http().get('/api/v1/users').query({ pageSize: 100 }).set(...bearer(staffC.token)).expect(200);
      expect(ids(forStaffC).sort()).toEqual([staffC.id, counselorC.id, counselorCD.id].sort());
      expect(forStaffC.body.total).toBe(3);
      const supervisors = await http().get('/api/v1/users').query({ role: 'hub_staff' }).set(...bearer(counselorC.token)).expect(200);
      expect(ids(supervisors)).toEqual([staffC.id]);
      const forCounselorCD = await http().get('/api/v1/users').query({ role: 'hub_staff' }).set(...bearer(counselorCD.token)).expect(200);
      expect(ids(forCounselorCD).sort()).toEqual([staffC.id, staffD.id].sort());
      const otherHub = await http().get('/api/v1/users').query({ hubId: hubD.id }).set(...bearer(staffC.token)).expect(200);
      expect(ids(otherHub)).toEqual([counselorCD.id]);
      // _ and % are literal: only the email "hub_staff-…" contains an underscore
      const underscore = await http().get('/api/v1/users').query({ q: '_' }).set(...bearer(staffC.token)).expect(200);
      expect(ids(underscore)).toEqual([staffC.id]);
      const percent = await http().get('/api/v1/users').query({ q: '%' }).set(...bearer(staffC.token)).expect(200);
      expect(ids(percent)).toEqual([]);
    });

    it.each([
      [{ role: 'guardian' }, 'role'],
      [{ hubId: 'hub-a' }, 'hubId'],
      [{ q: '' }, 'q'],
      [{ pageSize: 1000 }, 'pageSize'],
      [{ page: 0 }, 'page'],
      [{ sort: 'email' }, 'sort'],
    ])('rejects the query %j', async (query, field) => {
      expectProblem(await http().get('/api/v1/users').query(query).set(...bearer(admin.token)), 400, 'VALIDATION_FAILED', field);
    });

    it('is not for guardians', async () => {
      expectProblem(await http().get('/api/v1/users').set(...bearer(guardian.token)), 403, 'FORBIDDEN');
      expectProblem(await http().get('/api/v1/users'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /users/:id', () => {
    it.each([
      ['admin reads a counselor', () => admin, () => counselorAB, 200],
      ['admin reads an admin', () => admin, () => admin, 200],
      ['staff read a counselor of their hub', () => staffA, () => counselorA, 200],
      ['staff read themselves', () => staffA, () => staffA, 200],
      ['staff read staff of another hub', () => staffA, () => staffB, 404],
      ['staff read an admin', () => staffA, () => admin, 404],
      ['counselor reads staff of their hub', () => counselorAB, () => staffB, 200],
      ['counselor reads staff of another hub', () => counselorA, () => staffB, 404],
      ['guardian', () => guardian, () => staffA, 403],
    ])('%s → %d', async (_case, caller, target, status) => {
      const response = await http().get(`/api/v1/users/${target().id}`).set(...bearer(caller().token));
      expect(response.status).toBe(status);
      if (status === 200) {
        expect(response.body).toMatchObject({ id: target().id, email: target().email, role: target().role });
        expect([...response.body.hubIds].sort()).toEqual([...target().hubIds].sort());
        expect(Object.keys(response.body).sort()).toEqual(USER_KEYS);
      }
      if (status === 404) expect(response.body).toMatchObject({ code: 'NOT_FOUND', detail: 'User was not found' });
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [randomUUID(), 'me', '0']) {
        expectProblem(await http().get(`/api/v1/users/${id}`).set(...bearer(admin.token)), 404, 'NOT_FOUND');
      }
    });
  });

  describe('PATCH /users/:id', () => {
    it('changes name, locale and hubs, audits without the password, and keeps unchanged fields', async () => {
      const user = await t.factories.newUser('counselor', [hubA.id]);
      const response = await http()
        .patch(`/api/v1/users/${user.id}`)
        .set(...bearer(admin.token))
        .send({ displayName: 'Dr. Wang', locale: 'en', hubIds: [hubB.id, hubA.id], password: PASSWORD })
        .expect(200);
      expect(response.body).toMatchObject({ id: user.id, email: user.email, displayName: 'Dr. Wang', locale: 'en', role: 'counselor', disabled: false });
      expect([...response.body.hubIds].sort()).toEqual([hubA.id, hubB.id].sort());
      const { row } = await userState(user.id);
      expect(await verifyPassword(row.password_hash, PASSWORD)).toBe(true);
      const [audit] = await t.db.query(`SELECT * FROM audit_log WHERE action = 'user.update' AND object_id = $1`, [user.id]);
      expect(audit.actor_id).toBe(admin.id);
      expect(Object.keys(audit.details.changes).sort()).toEqual(['displayName', 'hubIds', 'locale', 'password']);
      expect(JSON.stringify(audit.details)).not.toContain(PASSWORD);
      expect(JSON.stringify(audit.details)).not.toContain(row.password_hash);
      // the new password signed the old token out; the new hub takes effect at once: the counselor now sees hub B
      expectProblem(await http().get(`/api/v1/hubs/${hubB.id}`).set(...bearer(user.token)), 401, 'UNAUTHENTICATED');
      const signedInAgain = t.app.get(TokenService).signAccessToken(user.id, 'user', 'counselor', 1).accessToken;
      await http().get(`/api/v1/hubs/${hubB.id}`).set(...bearer(signedInAgain)).expect(200);
    });

    it('disables an account (its token stops working) and enables it again', async () => {
      const user = await t.factories.newUser('hub_staff', [hubA.id]);
      await http().get('/api/v1/users').set(...bearer(user.token)).expect(200);
      const disabled = await http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin.token)).send({ disabled: true }).expect(200);
      expect(disabled.body.disabled).toBe(true);
      expectProblem(await http().get('/api/v1/users').set(...bearer(user.token)), 401, 'UNAUTHENTICATED');
      const enabled = await http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin.token)).send({ disabled: false }).expect(200);
      expect(enabled.body.disabled).toBe(false);
      // enabling does not revive the tokens disabling signed out: the user signs in again
      expectProblem(await http().get('/api/v1/users').set(...bearer(user.token)), 401, 'UNAUTHENTICATED');
      const signedInAgain = t.app.get(TokenService).signAccessToken(user.id, 'user', 'hub_staff', 1).accessToken;
      await http().get('/api/v1/users').set(...bearer(signedInAgain)).expect(200);
      const actions = await t.db.query(`SELECT details FROM audit_log WHERE action = 'user.update' AND object_id = $1 ORDER BY id`, [user.id]);
      expect(actions.map((a: { details: { changes: { disabled: unknown } } }) => a.details.changes.disabled)).toEqual([
        { from: false, to: true },
        { from: true, to: false },
      ]);
    });

    it('signs the user out everywhere when an admin sets a new password; the new password signs in', async () => {
      const user = await t.factories.newUser('hub_staff', [hubA.id]);
      const ip = `10.9.${randomInt(0, 256)}.${randomInt(1, 255)}`; // per-address sign-in limits are not this test's business
      const signIn = (password: string) => http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email: user.email, password });
      const session = (await signIn(TEST_PASSWORD).expect(200)).body.accessToken;
      await http().get('/api/v1/auth/me').set(...bearer(session)).expect(200);
      await http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin.token)).send({ password: PASSWORD }).expect(200);
      for (const token of [session, user.token]) {
        const response = await http().get('/api/v1/auth/me').set(...bearer(token));
        expectProblem(response, 401, 'UNAUTHENTICATED');
        expect(response.body.detail).toMatch(/signed out/);
      }
      await signIn(TEST_PASSWORD).expect(401);
      await http().get('/api/v1/auth/me').set(...bearer((await signIn(PASSWORD).expect(200)).body.accessToken)).expect(200);
      expect((await userState(user.id)).row.token_version).toBe(1);
      const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'user.update' AND object_id = $1`, [user.id]);
      expect(audit.details).toMatchObject({ signedOut: true });
    });

    it('keeps the user signed in when an admin changes only their name, locale or hubs', async () => {
      const user = await t.factories.newUser('counselor', [hubA.id]);
      await http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin.token)).send({ displayName: 'Dr. Li', locale: 'en', hubIds: [hubB.id] }).expect(200);
      await http().get('/api/v1/auth/me').set(...bearer(user.token)).expect(200);
      expect((await userState(user.id)).row.token_version).toBe(0);
    });

    it('lifts a sign-in lock when an admin sets a new password', async () => {
      const user = await t.factories.newUser('hub_staff', [hubA.id]);
      await t.db.query(`UPDATE users SET failed_logins = 9, locked_until = now() + interval '1 hour' WHERE id = $1`, [user.id]);
      await http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin.token)).send({ password: 'another long passphrase' }).expect(200);
      const { row } = await userState(user.id);
      expect({ failed: row.failed_logins, locked: row.locked_until }).toEqual({ failed: 0, locked: null });
    });

    it('refuses an admin disabling their own account', async () => {
      const self = await t.factories.newAdmin();
      const before = await userState(self.id);
      expectProblem(await http().patch(`/api/v1/users/${self.id}`).set(...bearer(self.token)).send({ disabled: true }), 409, 'CONFLICT');
      expect(await userState(self.id)).toEqual(before);
    });

    it.each<[string, () => UserRow, Record<string, unknown>, string | undefined]>([
      ['empty body', () => staffA, {}, undefined],
      ['staff moved to no hub', () => staffA, { hubIds: [] }, 'hubIds'],
      ['staff given two hubs', () => staffA, { hubIds: ['A', 'B'] }, 'hubIds'],
      ['counselor left without hubs', () => counselorA, { hubIds: [] }, 'hubIds'],
      ['admin given a hub', () => admin, { hubIds: ['A'] }, 'hubIds'],
      ['a hub id that is not a UUID', () => counselorA, { hubIds: ['x'] }, 'hubIds'],
      ['hubIds null', () => counselorA, { hubIds: null }, 'hubIds'],
      ['a short password', () => staffA, { password: 'too short' }, 'password'],
      ['disabled as a string', () => staffA, { disabled: 'yes' }, 'disabled'],
      ['disabled null', () => staffA, { disabled: null }, 'disabled'],
      ['a blank display name', () => staffA, { displayName: ' ' }, 'displayName'],
      ['a display name that is a number', () => staffA, { displayName: 5 }, 'displayName'],
      ['an unknown locale', () => staffA, { locale: 'fr' }, 'locale'],
      ['a role change', () => staffA, { role: 'admin' }, 'role'],
      ['an email change', () => staffA, { email: 'new@example.org' }, 'email'],
    ])('rejects %s with 400 and changes nothing', async (_case, target, overrides, field) => {
      const ids: Record<string, string> = { A: hubA.id, B: hubB.id };
      const body = Array.isArray(overrides.hubIds) ? { ...overrides, hubIds: overrides.hubIds.map((h: string) => ids[h] ?? h) } : overrides;
      const before = await userState(target().id);
      expectProblem(await http().patch(`/api/v1/users/${target().id}`).set(...bearer(admin.token)).send(body), 400, 'VALIDATION_FAILED', field);
      expect(await userState(target().id)).toEqual(before);
    });

    it('answers 404 for an unknown hub, unknown or malformed user ids; 403 for non-admins; 413 for huge bodies', async () => {
      const user = await t.factories.newUser('counselor', [hubA.id]);
      const before = await userState(user.id);
      expectProblem(await http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin.token)).send({ hubIds: [randomUUID()] }), 404, 'NOT_FOUND');
      for (const id of [randomUUID(), 'not-a-uuid']) {
        expectProblem(await http().patch(`/api/v1/users/${id}`).set(...bearer(admin.token)).send({ displayName: 'X' }), 404, 'NOT_FOUND');
      }
      for (const caller of [staffA, counselorA, guardian]) {
        expectProblem(await http().patch(`/api/v1/users/${user.id}`).set(...bearer(caller.token)).send({ displayName: 'X' }), 403, 'FORBIDDEN');
      }
      const huge = await http().patch(`/api/v1/users/${user.id}`).set(...bearer(admin.token)).set('Content-Type', 'application/json').send(JSON.stringify({ displayName: HUGE }));
      expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE');
      expect(await userState(user.id)).toEqual(before);
    });
  });
});
