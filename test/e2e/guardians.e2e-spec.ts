import { randomInt, randomUUID } from 'node:crypto';
import { randomPhone, GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const unique = () => randomUUID().slice(0, 8);

describe('guardians and availability', () => {
  let t: TestApp;
  let admin: UserRow;
  let hubA: HubRow;
  let hubB: HubRow;
  let staffA: UserRow;
  let staffB: UserRow;
  let staffAB: UserRow;
  let counselorA: UserRow;
  let counselorB: UserRow;
  /** Belongs to hub A. */
  let guardianA: GuardianRow;
  /** Belongs to hub B. */
  let guardianB: GuardianRow;
  /** No hub, but linked (pending) to a child of hub A: staff of A see them. */
  let guardianLinked: GuardianRow;
  /** Hub B, with a revoked link to a child of hub A: staff of A do not see them. */
  let guardianRevoked: GuardianRow;

  beforeAll(async () => {
    t = await startTestApp();
    const f = t.factories;
    admin = await f.newAdmin();
    hubA = await f.newHub();
    hubB = await f.newHub();
    staffA = await f.newUser('hub_staff', [hubA.id]);
    staffB = await f.newUser('hub_staff', [hubB.id]);
    staffAB = await f.newUser('hub_staff', [hubA.id, hubB.id]);
    counselorA = await f.newUser('counselor', [hubA.id]);
    counselorB = await f.newUser('counselor', [hubB.id]);
    const childA = await f.newChild(hubA.id);
    guardianA = await f.newGuardian({ hubId: hubA.id, displayName: `Alpha ${unique()}` });
    guardianB = await f.newGuardian({ hubId: hubB.id, displayName: `Bravo ${unique()}` });
    guardianLinked = await f.newGuardian({ hubId: null, displayName: `Linked ${unique()}` });
    guardianRevoked = await f.newGuardian({ hubId: hubB.id, displayName: `Revoked ${unique()}` });
    await f.newLink(childA.id, guardianLinked.id, { status: 'pending' });
    await f.newLink(childA.id, guardianRevoked.id, { status: 'revoked' });
  });
  afterAll(() => t.close());

  const guardianCount = async (where: { phone?: string; displayName?: string }): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM guardians WHERE phone = $1 OR display_name = $2`, [
      where.phone ?? '',
      where.displayName ?? '',
    ]);
    return row.n;
  };
  const guardianRow = async (id: string) => {
    const [row] = await t.db.query(`SELECT display_name, phone, time_zone, locale, hub_id, updated_at FROM guardians WHERE id = $1`, [id]);
    return row;
  };
  const windowsOf = async (guardianId: string) =>
    t.db.query(`SELECT weekday, start_minute, end_minute FROM guardian_availability WHERE guardian_id = $1 ORDER BY weekday, start_minute`, [
      guardianId,
    ]);
  const auditCount = async (action: string, objectId: string): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND object_id = $2`, [action, objectId]);
    return row.n;
  };
  const validBody = () => ({ displayName: `Parent ${unique()}`, phone: randomPhone(), timeZone: 'Asia/Shanghai' });

  describe('POST /guardians', () => {
    it('lets an admin register a guardian in any hub, with zh-CN as the default locale', async () => {
      const body = { ...validBody(), timeZone: 'Asia/Urumqi', hubId: hubB.id };
      const response = await t.http().post('/api/v1/guardians').set(...bearer(admin.token)).send(body).expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        displayName: body.displayName,
        phone: body.phone,
        timeZone: 'Asia/Urumqi',
        locale: 'zh-CN',
        hubId: hubB.id,
        disabled: false,
        createdAt: expect.any(String),
      });
      expect(response.body).not.toHaveProperty('calendarToken');
      expect(await guardianRow(response.body.id)).toMatchObject({ phone: body.phone, hub_id: hubB.id, locale: 'zh-CN' });
      expect(await auditCount('guardian.create', response.body.id)).toBe(1);
    });

    it('lets an admin register a guardian without a hub, and with the English locale', async () => {
      const response = await t.http().post('/api/v1/guardians').set(...bearer(admin.token)).send({ ...validBody(), locale: 'en' }).expect(201);
      expect(response.body).toMatchObject({ hubId: null, locale: 'en' });
    });

    it('puts a guardian registered by hub staff in their hub', async () => {
      const response = await t.http().post('/api/v1/guardians').set(...bearer(staffA.token)).send(validBody()).expect(201);
      expect(response.body.hubId).toBe(hubA.id);
      const explicit = await t.http().post('/api/v1/guardians').set(...bearer(staffAB.token)).send({ ...validBody(), hubId: hubB.id }).expect(201);
      expect(explicit.body.hubId).toBe(hubB.id);
    });

    it('answers 404 for a hub the caller cannot see or that does not exist, creating nothing', async () => {
      for (const [token, hubId] of [
        [staffA.token, hubB.id],
        [admin.token, randomUUID()],
        [staffA.token, randomUUID()],
      ]) {
        const body = { ...validBody(), hubId };
        const response = await t.http().post('/api/v1/guardians').set(...bearer(token)).send(body).expect(404);
        expect(response.body.code).toBe('NOT_FOUND');
        expect(await guardianCount(body)).toBe(0);
      }
    });

    it('asks staff of several hubs to choose the hub', async () => {
      const body = validBody();
      const response = await t.http().post('/api/v1/guardians').set(...bearer(staffAB.token)).send(body).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'hubId' })]);
      expect(await guardianCount(body)).toBe(0);
    });

    it('refuses counselors, guardians and anonymous callers', async () => {
      const body = validBody();
      expect((await t.http().post('/api/v1/guardians').set(...bearer(counselorA.token)).send(body).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await t.http().post('/api/v1/guardians').set(...bearer(guardianA.token)).send(body).expect(403)).body.code).toBe('FORBIDDEN');
      await t.http().post('/api/v1/guardians').send(body).expect(401);
      expect(await guardianCount(body)).toBe(0);
    });

    it('answers 409 PHONE_TAKEN for a phone already registered, creating nothing', async () => {
      const response = await t.http().post('/api/v1/guardians').set(...bearer(staffA.token)).send({ ...validBody(), phone: guardianB.phone }).expect(409);
      expect(response.body.code).toBe('PHONE_TAKEN');
      expect(await guardianCount({ phone: guardianB.phone })).toBe(1);
    });

    it.each([
      ['a short number', { phone: '12345' }, 'phone'],
      ['a phone with spaces', { phone: '+86 139 0000 0000' }, 'phone'],
      ['a phone with dashes', { phone: '+86-139-0000-0000' }, 'phone'],
      ['a phone without a plus', { phone: '8613912345678' }, 'phone'],
      ['a phone with a trailing space', { phone: `${randomPhone()} ` }, 'phone'],
      ['a phone that is a number', { phone: 8613912345678 }, 'phone'],
      ['an impossible phone', { phone: '+999123456789' }, 'phone'],
      ['an unknown zone', { timeZone: 'Mars/Base' }, 'timeZone'],
      ['an offset instead of a zone', { timeZone: '+08:00' }, 'timeZone'],
      ['an empty zone', { timeZone: '' }, 'timeZone'],
      ['a zone that is a number', { timeZone: 8 }, 'timeZone'],
      ['an empty name', { displayName: '' }, 'displayName'],
      ['a blank name', { displayName: '   ' }, 'displayName'],
      ['a name of 201 characters', { displayName: 'x'.repeat(201) }, 'displayName'],
      ['a name that is a number', { displayName: 42 }, 'displayName'],
      ['an unknown locale', { locale: 'fr' }, 'locale'],
      ['a null locale', { locale: null }, 'locale'],
      ['a hub id that is not a uuid', { hubId: 'hub-1' }, 'hubId'],
      ['a null hub id', { hubId: null }, 'hubId'],
      ['an unknown field', { calendarToken: 'abc' }, 'calendarToken'],
      ['a missing name', { displayName: undefined }, 'displayName'],
      ['a missing phone', { phone: undefined }, 'phone'],
      ['a missing zone', { timeZone: undefined }, 'timeZone'],
    ])('refuses %s with 400, creating nothing', async (_label, change, field) => {
      const marker = `Invalid ${unique()}`;
      const body = { ...validBody(), displayName: marker, ...change };
      const response = await t.http().post('/api/v1/guardians').set(...bearer(admin.token)).send(body).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await guardianCount({ displayName: marker, phone: typeof body.phone === 'string' ? body.phone : '' })).toBe(0);
    });

    it('refuses bodies that are not a guardian object, and a 1 MB string', async () => {
      for (const body of [[], 'guardian', {}]) {
        const response = await t.http().post('/api/v1/guardians').set(...bearer(admin.token)).set('Content-Type', 'application/json').send(JSON.stringify(body));
        expect(response.status).toBe(400);
      }
      const marker = `Huge ${unique()}`;
      const huge = await t.http().post('/api/v1/guardians').set(...bearer(admin.token)).send({ ...validBody(), displayName: marker, q: 'x'.repeat(1_000_000) });
      expect(huge.status).toBe(413);
      expect(await guardianCount({ displayName: marker })).toBe(0);
    });
  });

  describe('GET /guardians', () => {
    const listIds = async (token: string, query = ''): Promise<string[]> => {
      const response = await t.http().get(`/api/v1/guardians?pageSize=100${query}`).set(...bearer(token)).expect(200);
      return response.body.items.map((item: { id: string }) => item.id);
    };
    const ours = () => [guardianA.id, guardianB.id, guardianLinked.id, guardianRevoked.id];

    it('shows hub staff and counselors the guardians of their hubs and those linked to their children', async () => {
      for (const token of [staffA.token, counselorA.token]) {
        const ids = (await listIds(token)).filter((id) => ours().includes(id));
        expect(ids.sort()).toEqual([guardianA.id, guardianLinked.id].sort());
      }
      for (const token of [staffB.token, counselorB.token]) {
        const ids = (await listIds(token)).filter((id) => ours().includes(id));
        expect(ids.sort()).toEqual([guardianB.id, guardianRevoked.id].sort());
      }
    });

    it('shows admins every guardian, filtered by hub', async () => {
      const forA = (await listIds(admin.token, `&hubId=${hubA.id}`)).filter((id) => ours().includes(id));
      expect(forA.sort()).toEqual([guardianA.id, guardianLinked.id].sort());
      const forB = (await listIds(admin.token, `&hubId=${hubB.id}`)).filter((id) => ours().includes(id));
      expect(forB.sort()).toEqual([guardianB.id, guardianRevoked.id].sort());
      const staffForB = await listIds(staffA.token, `&hubId=${hubB.id}`);
      expect(staffForB.filter((id) => ours().includes(id))).toEqual([]);
    });

    it('searches by part of the name or of the phone', async () => {
      const [, name] = (await guardianRow(guardianA.id)).display_name.split(' ');
      const byName = await t.http().get(`/api/v1/guardians?q=${encodeURIComponent(`ALPHA ${name}`)}`).set(...bearer(admin.token)).expect(200);
      expect(byName.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
      expect(byName.body.items[0]).toMatchObject({ id: guardianA.id, phone: guardianA.phone, hubId: hubA.id, timeZone: 'Asia/Shanghai' });
      const byPhone = await t.http().get(`/api/v1/guardians?q=${encodeURIComponent(guardianB.phone.slice(3))}`).set(...bearer(admin.token)).expect(200);
      expect(byPhone.body.items.map((item: { id: string }) => item.id)).toContain(guardianB.id);
      const outOfScope = await t.http().get(`/api/v1/guardians?q=${encodeURIComponent(guardianB.phone)}`).set(...bearer(staffA.token)).expect(200);
      expect(outOfScope.body).toMatchObject({ items: [], total: 0 });
      const wildcard = await t.http().get(`/api/v1/guardians?q=%25&hubId=${hubA.id}`).set(...bearer(admin.token)).expect(200);
      expect(wildcard.body.total).toBe(0);
    });

    it('shows a guardian only themself, with their calendar token', async () => {
      const response = await t.http().get('/api/v1/guardians').set(...bearer(guardianA.token)).expect(200);
      expect(response.body).toMatchObject({ total: 1, items: [{ id: guardianA.id, calendarToken: expect.stringMatching(/^[0-9a-f]{48}$/) }] });
      const staffView = await t.http().get(`/api/v1/guardians?q=${encodeURIComponent(guardianA.phone)}`).set(...bearer(staffA.token)).expect(200);
      expect(staffView.body.items[0]).not.toHaveProperty('calendarToken');
    });

    it('pages', async () => {
      const first = await t.http().get(`/api/v1/guardians?hubId=${hubA.id}&pageSize=1&page=1`).set(...bearer(staffA.token)).expect(200);
      const second = await t.http().get(`/api/v1/guardians?hubId=${hubA.id}&pageSize=1&page=2`).set(...bearer(staffA.token)).expect(200);
      expect(first.body.total).toBeGreaterThanOrEqual(2);
      expect(first.body.items).toHaveLength(1);
      expect(second.body.items).toHaveLength(1);
      expect(first.body.items[0].id).not.toBe(second.body.items[0].id);
    });

    it('audits each guardian read', async () => {
      const before = await auditCount('guardian.read', guardianLinked.id);
      await listIds(staffA.token);
      expect(await auditCount('guardian.read', guardianLinked.id)).toBe(before + 1);
    });

    it.each(['pageSize=0', 'pageSize=101', 'page=abc', 'hubId=nope', 'surprise=1', 'q=', `q=${'x'.repeat(201)}`])('refuses ?%s', async (query) => {
      const response = await t.http().get(`/api/v1/guardians?${query}`).set(...bearer(staffA.token)).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /guardians/:id', () => {
    it.each([
      ['admin', () => admin, () => guardianB, 200],
      ['staff of the guardian’s hub', () => staffA, () => guardianA, 200],
      ['staff of a hub whose child the guardian is linked to', () => staffA, () => guardianLinked, 200],
      ['counselor of the guardian’s hub', () => counselorA, () => guardianA, 200],
      ['staff of another hub', () => staffB, () => guardianA, 404],
      ['counselor of another hub', () => counselorB, () => guardianLinked, 404],
      ['staff of a hub whose link was revoked', () => staffA, () => guardianRevoked, 404],
      ['the guardian themself', () => guardianA, () => guardianA, 200],
      ['another guardian', () => guardianB, () => guardianA, 404],
    ])('%s → %s', async (_label, caller, target, status) => {
      const response = await t.http().get(`/api/v1/guardians/${target().id}`).set(...bearer(caller().token)).expect(status as number);
      if (status === 200) {
        expect(response.body).toMatchObject({ id: target().id, phone: target().phone });
        expect('calendarToken' in response.body).toBe(caller().id === target().id);
      } else {
        expect(response.body.code).toBe('NOT_FOUND');
      }
    });

    it('answers 404 for an unknown or malformed id', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', '1']) {
        const response = await t.http().get(`/api/v1/guardians/${id}`).set(...bearer(admin.token)).expect(404);
        expect(response.body.code).toBe('NOT_FOUND');
      }
    });

    it('audits the read', async () => {
      const before = await auditCount('guardian.read', guardianB.id);
      await t.http().get(`/api/v1/guardians/${guardianB.id}`).set(...bearer(staffB.token)).expect(200);
      expect(await auditCount('guardian.read', guardianB.id)).toBe(before + 1);
    });
  });

  describe('PATCH /guardians/:id', () => {
    let target: GuardianRow;
    beforeEach(async () => {
      target = await t.factories.newGuardian({ hubId: hubA.id });
    });

    it('lets hub staff change every field', async () => {
      const changes = { displayName: `Renamed ${unique()}`, phone: randomPhone(), timeZone: 'Asia/Dubai', locale: 'en' };
      const response = await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(staffA.token)).send(changes).expect(200);
      expect(response.body).toMatchObject({ id: target.id, ...changes, hubId: hubA.id });
      expect(await guardianRow(target.id)).toMatchObject({ display_name: changes.displayName, phone: changes.phone, time_zone: 'Asia/Dubai', locale: 'en' });
      const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'guardian.update' AND object_id = $1`, [target.id]);
      expect(audit.details.fields.sort()).toEqual(['displayName', 'locale', 'phone', 'timeZone']);
    });

    it('lets an admin change a guardian of any hub', async () => {
      await t.http().patch(`/api/v1/guardians/${guardianB.id}`).set(...bearer(admin.token)).send({ locale: 'zh-CN' }).expect(200);
    });

    it('lets a guardian change their own zone and locale, but not their name or phone', async () => {
      const response = await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(target.token)).send({ timeZone: 'Asia/Kolkata', locale: 'en' }).expect(200);
      expect(response.body).toMatchObject({ timeZone: 'Asia/Kolkata', locale: 'en', calendarToken: expect.any(String) });
      const before = await guardianRow(target.id);
      for (const body of [{ phone: randomPhone() }, { displayName: 'Me' }, { displayName: 'Me', timeZone: 'Asia/Tokyo' }]) {
        const refused = await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(target.token)).send(body).expect(403);
        expect(refused.body.code).toBe('FORBIDDEN');
      }
      expect(await guardianRow(target.id)).toEqual(before);
    });

    it('answers 404 outside the caller’s scope and 403 to counselors, changing nothing', async () => {
      const before = await guardianRow(target.id);
      await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(staffB.token)).send({ locale: 'en' }).expect(404);
      await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(guardianB.token)).send({ locale: 'en' }).expect(404);
      await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(counselorA.token)).send({ locale: 'en' }).expect(403);
      await t.http().patch(`/api/v1/guardians/${randomUUID()}`).set(...bearer(admin.token)).send({ locale: 'en' }).expect(404);
      await t.http().patch(`/api/v1/guardians/nope`).set(...bearer(admin.token)).send({ locale: 'en' }).expect(404);
      expect(await guardianRow(target.id)).toEqual(before);
    });

    it('keeps the phone (the sign-in) with the guardian’s own hub: staff who see them only through a link get 403', async () => {
      // A parent of hub B with a child at hub A too: staff of A must not be able to point the
      // sign-in at their own phone and so read hub B's children as the parent.
      const parentOfB = await t.factories.newGuardian({ hubId: hubB.id });
      const parentWithoutHub = await t.factories.newGuardian({ hubId: null });
      const childOfA = await t.factories.newChild(hubA.id);
      await t.factories.newLink(childOfA.id, parentOfB.id, { status: 'pending' });
      await t.factories.newLink(childOfA.id, parentWithoutHub.id, { status: 'approved' });
      const patch = (id: string, token: string, body: object) => t.http().patch(`/api/v1/guardians/${id}`).set(...bearer(token)).send(body);

      for (const [guardian, label] of [[parentOfB, 'of another hub'], [parentWithoutHub, 'without a hub']] as const) {
        const before = await guardianRow(guardian.id);
        const refused = await patch(guardian.id, staffA.token, { phone: randomPhone() }).expect(403);
        expect({ label, code: refused.body.code }).toEqual({ label, code: 'FORBIDDEN' });
        await patch(guardian.id, staffA.token, { phone: randomPhone(), locale: 'en' }).expect(403);
        expect(await guardianRow(guardian.id)).toEqual(before);
        // Sending the phone unchanged is no change of sign-in.
        await patch(guardian.id, staffA.token, { phone: guardian.phone, locale: 'en' }).expect(200);
      }
      expect(await auditCount('guardian.update', parentOfB.id)).toBe(1);

      const byHome = randomPhone();
      await patch(parentOfB.id, staffB.token, { phone: byHome }).expect(200);
      expect((await guardianRow(parentOfB.id)).phone).toBe(byHome);
      const byAdmin = randomPhone();
      await patch(parentWithoutHub.id, admin.token, { phone: byAdmin }).expect(200);
      expect((await guardianRow(parentWithoutHub.id)).phone).toBe(byAdmin);
    });

    it('answers 409 PHONE_TAKEN for another guardian’s phone', async () => {
      const before = await guardianRow(target.id);
      const response = await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(staffA.token)).send({ phone: guardianA.phone }).expect(409);
      expect(response.body.code).toBe('PHONE_TAKEN');
      expect(await guardianRow(target.id)).toEqual(before);
    });

    it.each([
      ['an empty body', {}],
      ['a phone with spaces', { phone: '+86 139 0000 0000' }],
      ['a short phone', { phone: '12345' }],
      ['an unknown zone', { timeZone: 'Mars/Base' }],
      ['a null name', { displayName: null }],
      ['a null phone', { phone: null }],
      ['a blank name', { displayName: ' ' }],
      ['a name of 201 characters', { displayName: 'y'.repeat(201) }],
      ['an unknown locale', { locale: 'de' }],
      ['a hub change', { hubId: randomUUID() }],
      ['the calendar token', { calendarToken: 'mine' }],
      ['a zone that is an array', { timeZone: ['Asia/Shanghai'] }],
    ])('refuses %s with 400, changing nothing', async (_label, body) => {
      const before = await guardianRow(target.id);
      const response = await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(staffA.token)).send(body).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(await guardianRow(target.id)).toEqual(before);
    });
  });

  describe('signing a guardian out', () => {
    const me = (token: string) => t.http().get('/api/v1/auth/me').set(...bearer(token));
    const expectSignedOut = async (token: string, detail = /signed out/) => {
      const response = await me(token).expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      expect(response.body.detail).toMatch(detail);
    };
    const tokenVersion = async (id: string): Promise<number> => (await t.db.query(`SELECT token_version FROM guardians WHERE id = $1`, [id]))[0].token_version;
    const disable = (id: string, token = admin.token) => t.http().post(`/api/v1/guardians/${id}/disable`).set(...bearer(token));
    const enable = (id: string, token = admin.token) => t.http().post(`/api/v1/guardians/${id}/enable`).set(...bearer(token));
    const sentCodes = async (guardianId: string): Promise<number> =>
      (await t.db.query(`SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1 AND template = 'otp_code'`, [guardianId]))[0].n;
    // Each request from its own address, so per-address code limits are not this test's business.
    const randomIp = () => `10.7.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const requestCode = (phone: string) => t.http().post('/api/v1/auth/otp/request').set('X-Forwarded-For', randomIp()).send({ phone });

    it('signs the guardian out everywhere when their phone (their sign-in) changes', async () => {
      const target = await t.factories.newGuardian({ hubId: hubA.id });
      const response = await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(staffA.token)).send({ phone: randomPhone() }).expect(200);
      await expectSignedOut(target.token);
      expect(await tokenVersion(target.id)).toBe(1);
      const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'guardian.update' AND request_id = $1`, [response.headers['x-request-id']]);
      expect(audit.details).toEqual({ fields: ['phone'], signedOut: true });
    });

    it('keeps the guardian signed in when other fields change, or the phone is sent unchanged', async () => {
      const target = await t.factories.newGuardian({ hubId: hubA.id });
      await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(staffA.token)).send({ displayName: `Renamed ${unique()}`, locale: 'en' }).expect(200);
      await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(staffA.token)).send({ phone: target.phone }).expect(200);
      await t.http().patch(`/api/v1/guardians/${target.id}`).set(...bearer(target.token)).send({ timeZone: 'Asia/Dubai' }).expect(200);
      await me(target.token).expect(200);
      expect(await tokenVersion(target.id)).toBe(0);
    });

    it('lets an admin disable a guardian: signed out, no code is sent; enabling lets them sign in again with a new code only', async () => {
      const target = await t.factories.newGuardian({ hubId: hubB.id });
      const disabled = await disable(target.id).expect(204);
      expect(disabled.text).toBe('');
      await expectSignedOut(target.token, /no longer exists or is disabled/);
      await requestCode(target.phone).expect(202);
      expect(await sentCodes(target.id)).toBe(0);
      // Disabling again changes nothing and audits nothing.
      await disable(target.id).expect(204);
      expect(await auditCount('guardian.disable', target.id)).toBe(1);
      // Staff still see (and can manage) a disabled guardian.
      const seen = await t.http().get(`/api/v1/guardians/${target.id}`).set(...bearer(staffB.token)).expect(200);
      expect(seen.body.disabled).toBe(true);

      await enable(target.id).expect(204);
      expect((await t.http().get(`/api/v1/guardians/${target.id}`).set(...bearer(staffB.token)).expect(200)).body.disabled).toBe(false);
      expect(await auditCount('guardian.enable', target.id)).toBe(1);
      await expectSignedOut(target.token);
      await requestCode(target.phone).expect(202);
      expect(await sentCodes(target.id)).toBe(1);
      const [{ body }] = await t.db.query(`SELECT body FROM notifications WHERE recipient_id = $1 AND template = 'otp_code'`, [target.id]);
      const code = /\b(\d{6})\b/.exec(body)?.[1];
      const verified = await t.http().post('/api/v1/auth/otp/verify').set('X-Forwarded-For', randomIp()).send({ phone: target.phone, code }).expect(200);
      await me(verified.body.accessToken).expect(200);
      await enable(target.id).expect(204);
      expect(await auditCount('guardian.enable', target.id)).toBe(1);
    });

    it('is for admins only; unknown or malformed ids are 404; a body is refused; nothing changes', async () => {
      const target = await t.factories.newGuardian({ hubId: hubA.id });
      for (const token of [staffA.token, counselorA.token, target.token]) {
        expect((await disable(target.id, token).expect(403)).body.code).toBe('FORBIDDEN');
        await enable(target.id, token).expect(403);
      }
      await disable(randomUUID()).expect(404);
      await disable('nope').expect(404);
      await enable(randomUUID()).expect(404);
      expect((await disable(target.id).send({ disabled: true }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      await t.http().post(`/api/v1/guardians/${target.id}/disable`).expect(401);
      await me(target.token).expect(200);
      expect(await auditCount('guardian.disable', target.id)).toBe(0);
    });
  });

  describe('availability', () => {
    let target: GuardianRow;
    beforeEach(async () => {
      target = await t.factories.newGuardian({ hubId: hubA.id, timeZone: 'Europe/Berlin' });
    });
    const put = (token: string, id: string, body: unknown) => t.http().put(`/api/v1/guardians/${id}/availability`).set(...bearer(token)).send(body as object);

    it('lets a guardian replace their windows, in their own zone, sorted', async () => {
      const windows = [
        { weekday: 3, start: '12:00', end: '13:00' },
        { weekday: 1, start: '18:30', end: '21:00' },
        { weekday: 1, start: '07:00', end: '07:30' },
      ];
      const response = await put(target.token, target.id, { windows }).expect(200);
      const sorted = [windows[2], windows[1], windows[0]];
      expect(response.body).toEqual({ timeZone: 'Europe/Berlin', windows: sorted });
      const read = await t.http().get(`/api/v1/guardians/${target.id}/availability`).set(...bearer(target.token)).expect(200);
      expect(read.body).toEqual({ timeZone: 'Europe/Berlin', windows: sorted });
      expect(await windowsOf(target.id)).toEqual([
        { weekday: 1, start_minute: 420, end_minute: 450 },
        { weekday: 1, start_minute: 1110, end_minute: 1260 },
        { weekday: 3, start_minute: 720, end_minute: 780 },
      ]);
      expect(await auditCount('availability.update', target.id)).toBe(1);
      expect(await auditCount('availability.read', target.id)).toBe(1);
    });

    it('replaces all windows, and an empty list clears them', async () => {
      await t.factories.setAvailability(target.id, [
        { weekday: 2, start: '08:00', end: '09:00' },
        { weekday: 4, start: '08:00', end: '09:00' },
      ]);
      await put(staffA.token, target.id, { windows: [{ weekday: 7, start: '10:00', end: '11:00' }] }).expect(200);
      expect(await windowsOf(target.id)).toEqual([{ weekday: 7, start_minute: 600, end_minute: 660 }]);
      const cleared = await put(admin.token, target.id, { windows: [] }).expect(200);
      expect(cleared.body.windows).toEqual([]);
      expect(await windowsOf(target.id)).toEqual([]);
    });

    it('takes a night-shift window across midnight as two windows, up to "24:00"', async () => {
      const windows = [
        { weekday: 5, start: '22:00', end: '24:00' },
        { weekday: 6, start: '00:00', end: '06:00' },
      ];
      const response = await put(target.token, target.id, { windows }).expect(200);
      expect(response.body.windows).toEqual(windows);
      expect(await windowsOf(target.id)).toEqual([
        { weekday: 5, start_minute: 1320, end_minute: 1440 },
        { weekday: 6, start_minute: 0, end_minute: 360 },
      ]);
    });

    it('ends concurrent replacements with exactly one of them', async () => {
      const sets = [1, 2, 3, 4, 5].map((weekday) => [
        { weekday, start: '08:00', end: '09:00' },
        { weekday, start: '20:00', end: '21:00' },
      ]);
      const responses = await Promise.all(sets.map((windows) => put(target.token, target.id, { windows })));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
      const stored = await windowsOf(target.id);
      expect(stored).toHaveLength(2);
      expect(stored[0].weekday).toBe(stored[1].weekday);
    });

    it.each([
      ['an hour of 25', [{ weekday: 1, start: '25:00', end: '26:00' }]],
      ['an end of 25:00', [{ weekday: 1, start: '10:00', end: '25:00' }]],
      ['a start of 24:00', [{ weekday: 1, start: '24:00', end: '24:00' }]],
      ['a start after the end', [{ weekday: 1, start: '18:00', end: '09:00' }]],
      ['a start equal to the end', [{ weekday: 1, start: '09:00', end: '09:00' }]],
      ['overlapping windows', [{ weekday: 2, start: '09:00', end: '12:00' }, { weekday: 2, start: '11:00', end: '13:00' }]],
      ['touching windows', [{ weekday: 2, start: '09:00', end: '12:00' }, { weekday: 2, start: '12:00', end: '13:00' }]],
      ['a window inside another', [{ weekday: 2, start: '09:00', end: '18:00' }, { weekday: 2, start: '10:00', end: '11:00' }]],
      ['a time without leading zero', [{ weekday: 1, start: '9:00', end: '10:00' }]],
      ['minutes of 60', [{ weekday: 1, start: '09:60', end: '10:00' }]],
      ['weekday 0', [{ weekday: 0, start: '09:00', end: '10:00' }]],
      ['weekday 8', [{ weekday: 8, start: '09:00', end: '10:00' }]],
      ['a fractional weekday', [{ weekday: 1.5, start: '09:00', end: '10:00' }]],
      ['a weekday as a string', [{ weekday: '1', start: '09:00', end: '10:00' }]],
      ['a time as a number', [{ weekday: 1, start: 900, end: 1000 }]],
      ['a missing end', [{ weekday: 1, start: '09:00' }]],
      ['an unknown field in a window', [{ weekday: 1, start: '09:00', end: '10:00', zone: 'UTC' }]],
      ['a window that is not an object', [42]],
      ['a null window', [null]],
      ['too many windows', Array.from({ length: 51 }, (_, i) => ({ weekday: (i % 7) + 1, start: `${String(Math.floor(i / 7)).padStart(2, '0')}:00`, end: `${String(Math.floor(i / 7)).padStart(2, '0')}:30` }))],
    ])('refuses %s with 400, keeping the old windows', async (_label, windows) => {
      await t.factories.setAvailability(target.id, [{ weekday: 3, start: '06:00', end: '07:00' }]);
      const response = await put(target.token, target.id, { windows }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(await windowsOf(target.id)).toEqual([{ weekday: 3, start_minute: 360, end_minute: 420 }]);
    });

    it('refuses a body without a windows list, or with extra fields', async () => {
      await t.factories.setAvailability(target.id, [{ weekday: 3, start: '06:00', end: '07:00' }]);
      for (const body of [{}, { windows: 'mon 9-10' }, { windows: null }, { windows: [], timeZone: 'UTC' }, [], { windows: [{ weekday: 1, start: 'x'.repeat(200_000), end: '10:00' }] }]) {
        const response = await put(target.token, target.id, body);
        expect([400, 413]).toContain(response.status);
      }
      expect(await windowsOf(target.id)).toHaveLength(1);
    });

    it('names the bad window in the problem', async () => {
      const response = await put(target.token, target.id, {
        windows: [{ weekday: 2, start: '09:00', end: '12:00' }, { weekday: 2, start: '11:00', end: '13:00' }],
      }).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'windows[1]' })]);
    });

    it.each([
      ['the guardian themself', () => target, 200],
      ['staff of the guardian’s hub', () => staffA, 200],
      ['an admin', () => admin, 200],
      ['staff of another hub', () => staffB, 404],
      ['another guardian', () => guardianA, 404],
      ['a counselor of the hub', () => counselorA, 403],
    ])('PUT by %s → %s', async (_label, caller, status) => {
      const response = await put(caller().token, target.id, { windows: [{ weekday: 1, start: '12:00', end: '13:00' }] }).expect(status as number);
      expect(await windowsOf(target.id)).toHaveLength(status === 200 ? 1 : 0);
      if (status !== 200) expect(response.body.code).toBe(status === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
    });

    it.each([
      ['the guardian themself', () => target, 200],
      ['staff of the guardian’s hub', () => staffA, 200],
      ['a counselor of the hub', () => counselorA, 200],
      ['an admin', () => admin, 200],
      ['staff of another hub', () => staffB, 404],
      ['a counselor of another hub', () => counselorB, 404],
      ['another guardian', () => guardianA, 404],
    ])('GET by %s → %s', async (_label, caller, status) => {
      await t.http().get(`/api/v1/guardians/${target.id}/availability`).set(...bearer(caller().token)).expect(status as number);
    });

    it('answers 404 for an unknown or malformed guardian id', async () => {
      for (const id of [randomUUID(), 'x']) {
        await put(admin.token, id, { windows: [] }).expect(404);
        await t.http().get(`/api/v1/guardians/${id}/availability`).set(...bearer(admin.token)).expect(404);
      }
    });

    it('documents in OpenAPI that a window across midnight is two windows', async () => {
      const response = await t.http().get('/docs-json').expect(200);
      const operation = response.body.paths['/api/v1/guardians/{id}/availability'].put;
      expect(operation.description).toMatch(/across midnight is sent as two windows/);
      for (const path of ['/api/v1/guardians/{id}', '/api/v1/guardians/{id}/availability']) {
        for (const byMethod of Object.values(response.body.paths[path]) as { responses: Record<string, unknown> }[]) {
          expect(Object.keys(byMethod.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
        }
      }
    });
  });
});
