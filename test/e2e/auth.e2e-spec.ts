import { randomInt, randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { FixedClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { randomPhone, TEST_PASSWORD } from '../factories';
import { bearer, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

/** Every test speaks from its own address (X-Forwarded-For is trusted from loopback), so per-IP limits never collide. */
const randomIp = () => `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const unknownEmail = () => `nobody-${randomUUID()}@example.org`;

describe('auth', () => {
  let t: TestApp;
  const clock = new FixedClock(DateTime.utc().startOf('second'));

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  const login = (body: unknown, ip = randomIp()) => t.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send(body as object);
  const otpRequest = (body: unknown, ip = randomIp(), requestId = randomUUID()) =>
    t.http().post('/api/v1/auth/otp/request').set('X-Forwarded-For', ip).set('X-Request-Id', requestId).send(body as object);
  const otpVerify = (body: unknown, ip = randomIp()) => t.http().post('/api/v1/auth/otp/verify').set('X-Forwarded-For', ip).send(body as object);

  const count = async (sql: string, params: unknown[]): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM (${sql}) AS counted`, params);
    return row.n as number;
  };
  const loginState = async (userId: string) => {
    const [row] = await t.db.query(`SELECT failed_logins, locked_until FROM users WHERE id = $1`, [userId]);
    return { failedLogins: row.failed_logins as number, lockedUntil: row.locked_until as Date | null };
  };
  const eventsOfIp = (ip: string) => count(`SELECT 1 FROM rate_limit_events WHERE key = $1`, [ip]);

  /** The code as the guardian would read it: from the newest one-time-code message in the outbox. */
  const sentCode = async (guardianId: string): Promise<{ code: string; body: string; locale: string }> => {
    const [row] = await t.db.query(
      `SELECT body, locale, params FROM notifications WHERE recipient_id = $1 AND template = 'otp_code' ORDER BY created_at DESC, id LIMIT 1`,
      [guardianId],
    );
    const match = /\b(\d{6})\b/.exec(row.body as string);
    if (!match) throw new Error(`no six-digit code in "${row.body}"`);
    return { code: match[1], body: row.body, locale: row.locale };
  };
  const otpMessages = (guardianId: string) => count(`SELECT 1 FROM notifications WHERE recipient_id = $1 AND template = 'otp_code'`, [guardianId]);
  const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  describe('POST /auth/login', () => {
    it('signs a user in with a case-insensitive email, and the token works on /auth/me', async () => {
      const hub = await t.factories.newHub();
      const user = await t.factories.newUser('hub_staff', [hub.id]);
      await t.db.query(`UPDATE users SET failed_logins = 3 WHERE id = $1`, [user.id]);

      const response = await login({ email: user.email.toUpperCase(), password: TEST_PASSWORD }).expect(200);
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        expiresAt: expect.any(String),
        user: { id: user.id, email: user.email, role: 'hub_staff', displayName: expect.any(String), hubIds: [hub.id] },
      });
      expect(DateTime.fromISO(response.body.expiresAt).isValid).toBe(true);
      expect(await loginState(user.id)).toEqual({ failedLogins: 0, lockedUntil: null });
      expect(await count(`SELECT 1 FROM audit_log WHERE action = 'auth.login' AND object_id = $1::text AND actor_id = $1::uuid`, [user.id])).toBe(1);

      const me = await t.http().get('/api/v1/auth/me').set(...bearer(response.body.accessToken)).expect(200);
      expect(me.body).toEqual({
        type: 'user',
        id: user.id,
        email: user.email,
        role: 'hub_staff',
        displayName: response.body.user.displayName,
        hubIds: [hub.id],
        locale: 'zh-CN',
      });
    });

    it('answers a wrong password, an unknown email and a disabled account identically', async () => {
      const user = await t.factories.newUser('counselor');
      const disabled = await t.factories.newUser('admin');
      await t.db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [disabled.id]);

      const answers = [
        await login({ email: user.email, password: 'not the password at all' }).expect(401),
        await login({ email: unknownEmail(), password: TEST_PASSWORD }).expect(401),
        await login({ email: disabled.email, password: TEST_PASSWORD }).expect(401),
      ];
      for (const answer of answers) {
        expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
        const { requestId, instance, ...rest } = answer.body;
        expect(rest).toEqual({
          type: '/problems/invalid-credentials',
          title: 'Email or password is wrong',
          status: 401,
          code: 'INVALID_CREDENTIALS',
          detail: 'Email or password is wrong',
        });
        expect(answer.headers['retry-after']).toBeUndefined();
      }
      expect((await loginState(user.id)).failedLogins).toBe(1);
      expect((await loginState(disabled.id)).failedLogins).toBe(1);
      expect(await count(`SELECT 1 FROM audit_log WHERE action = 'auth.login' AND object_id = ANY($1)`, [[user.id, disabled.id]])).toBe(0);
    });

    it('locks an account after five failures in a row, even against the right password, until 15 minutes pass', async () => {
      const user = await t.factories.newUser('hub_staff');
      const ip = randomIp();
      for (let i = 1; i <= 5; i++) {
        const response = await login({ email: user.email, password: `wrong-${i}` }, ip).expect(401);
        expect(response.body.code).toBe('INVALID_CREDENTIALS');
      }
      const state = await loginState(user.id);
      expect(state.lockedUntil?.toISOString()).toBe(clock.now().plus({ minutes: 15 }).toJSDate().toISOString());
      expect(await count(`SELECT 1 FROM audit_log WHERE action = 'auth.lockout' AND object_id = $1`, [user.id])).toBe(1);

      const lockedOut = await login({ email: user.email, password: TEST_PASSWORD }, ip).expect(429);
      expect(lockedOut.body).toMatchObject({ code: 'ACCOUNT_LOCKED', retryAfterSeconds: 900 });
      expect(lockedOut.headers['retry-after']).toBe('900');
      // Attempts while locked neither count nor extend the lock.
      expect(await loginState(user.id)).toEqual(state);

      clock.advance({ minutes: 10 });
      const stillLocked = await login({ email: user.email, password: TEST_PASSWORD }, ip).expect(429);
      expect(stillLocked.headers['retry-after']).toBe('300');

      clock.advance({ minutes: 5 });
      await login({ email: user.email, password: TEST_PASSWORD }, ip).expect(200);
      expect(await loginState(user.id)).toEqual({ failedLogins: 0, lockedUntil: null });
    });

    it('resets the count on success, so only consecutive failures lock', async () => {
      const user = await t.factories.newUser('counselor');
      for (let i = 0; i < 4; i++) await login({ email: user.email, password: 'wrong password' }).expect(401);
      await login({ email: user.email, password: TEST_PASSWORD }).expect(200);
      for (let i = 0; i < 4; i++) await login({ email: user.email, password: 'wrong password' }).expect(401);
      expect(await loginState(user.id)).toEqual({ failedLogins: 4, lockedUntil: null });
      await login({ email: user.email, password: TEST_PASSWORD }).expect(200);
    });

    it('locks an unknown email exactly like an account, so a lockout does not reveal one', async () => {
      const email = unknownEmail();
      for (let i = 0; i < 5; i++) await login({ email, password: 'guess' }).expect(401);
      const lockedOut = await login({ email, password: 'guess' }).expect(429);
      expect(lockedOut.body).toMatchObject({ code: 'ACCOUNT_LOCKED', retryAfterSeconds: 900 });
      expect(lockedOut.headers['retry-after']).toBe('900');
      clock.advance({ minutes: 15 });
      await login({ email, password: 'guess' }).expect(401);
    });

    it('limits attempts per address to 30 per 15 minutes, exactly, under concurrency', async () => {
      const ip = randomIp();
      const user = await t.factories.newUser('hub_staff');
      const statuses = await Promise.all(
        Array.from({ length: 36 }, () => login({ email: unknownEmail(), password: 'guess' }, ip).then((r) => r.status)),
      );
      expect(statuses.filter((s) => s === 401)).toHaveLength(30);
      expect(statuses.filter((s) => s === 429)).toHaveLength(6);

      const limited = await login({ email: user.email, password: 'wrong password' }, ip).expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(limited.body.retryAfterSeconds).toBe(Number(limited.headers['retry-after']));
      // A refused attempt is not an attempt: the account's count did not move.
      expect((await loginState(user.id)).failedLogins).toBe(0);
      expect(await count(`SELECT 1 FROM rate_limit_events WHERE bucket = 'login.ip' AND key = $1`, [ip])).toBe(30);

      await login({ email: user.email, password: TEST_PASSWORD }, randomIp()).expect(200);
      clock.advance({ minutes: 15 });
      await login({ email: user.email, password: TEST_PASSWORD }, ip).expect(200);
    });

    it.each([
      ['a missing email', { password: TEST_PASSWORD }],
      ['a missing password', { email: 'x@example.org' }],
      ['an empty body', {}],
      ['a malformed email', { email: 'not-an-email', password: TEST_PASSWORD }],
      ['an email with spaces', { email: 'a b@example.org', password: TEST_PASSWORD }],
      ['a numeric email', { email: 42, password: TEST_PASSWORD }],
      ['a numeric password', { email: 'x@example.org', password: 123456789012 }],
      ['an empty password', { email: 'x@example.org', password: '' }],
      ['a huge email', { email: `${'a'.repeat(300)}@example.org`, password: TEST_PASSWORD }],
      ['a huge password', { email: 'x@example.org', password: 'p'.repeat(1025) }],
      ['an unknown field', { email: 'x@example.org', password: TEST_PASSWORD, role: 'admin' }],
      ['an array body', [{ email: 'x@example.org', password: TEST_PASSWORD }]],
    ])('refuses %s with 400 and records nothing', async (_, body) => {
      const ip = randomIp();
      const response = await login(body, ip).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(await eventsOfIp(ip)).toBe(0);
    });

    it('names each invalid field', async () => {
      const response = await login({ email: 'nope', extra: true }).expect(400);
      const fields = (response.body.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['email', 'extra', 'password']);
    });

    it('does not count a malformed request against the account', async () => {
      const user = await t.factories.newUser('hub_staff');
      await login({ email: user.email }).expect(400);
      await login({ email: user.email, password: 'x'.repeat(2000) }).expect(400);
      expect(await loginState(user.id)).toEqual({ failedLogins: 0, lockedUntil: null });
    });
  });

  describe('GET /auth/me', () => {
    it('describes each kind of caller', async () => {
      const hub = await t.factories.newHub();
      const admin = await t.factories.newAdmin();
      const counselor = await t.factories.newUser('counselor', [hub.id]);
      const guardian = await t.factories.newGuardian({ hubId: hub.id, timeZone: 'Asia/Dubai', locale: 'en' });

      expect((await t.http().get('/api/v1/auth/me').set(...bearer(admin.token)).expect(200)).body).toMatchObject({
        type: 'user', id: admin.id, role: 'admin', hubIds: [],
      });
      expect((await t.http().get('/api/v1/auth/me').set(...bearer(counselor.token)).expect(200)).body).toMatchObject({
        type: 'user', id: counselor.id, role: 'counselor', hubIds: [hub.id], email: counselor.email,
      });
      expect((await t.http().get('/api/v1/auth/me').set(...bearer(guardian.token)).expect(200)).body).toEqual({
        type: 'guardian',
        id: guardian.id,
        role: 'guardian',
        displayName: expect.any(String),
        hubIds: [],
        locale: 'en',
        phone: guardian.phone,
        timeZone: 'Asia/Dubai',
      });
    });

    it('accepts only HS256 tokens signed with the server key, for this API, unexpired and naming an account type', async () => {
      const admin = await t.factories.newAdmin();
      const me = (token: string) => t.http().get('/api/v1/auth/me').set(...bearer(token));
      const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = { typ: 'user', role: 'admin' };
      const options = { subject: admin.id, audience: 'kinbridge-api', issuer: 'kinbridge', expiresIn: 600 } as const;

      // The forging helpers are right: the same recipe with the server key is accepted.
      await me(sign(claims, TEST_JWT_SECRET, options)).expect(200);

      const now = Math.floor(Date.now() / 1000);
      const refused: [string, string][] = [
        ['alg none', `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, sub: admin.id, aud: 'kinbridge-api', exp: now + 600 })}.`],
        ['another key', sign(claims, `${TEST_JWT_SECRET}-not`, options)],
        ['HS512 with the server key', sign(claims, TEST_JWT_SECRET, { ...options, algorithm: 'HS512' })],
        ['another audience', sign(claims, TEST_JWT_SECRET, { ...options, audience: 'kinbridge-calls' })],
        ['no audience', sign(claims, TEST_JWT_SECRET, { subject: admin.id, expiresIn: 600 })],
        ['expired', sign({ ...claims, exp: now - 1 }, TEST_JWT_SECRET, { subject: admin.id, audience: 'kinbridge-api' })],
        ['no account type', sign({ role: 'admin' }, TEST_JWT_SECRET, options)],
        ['a guardian type for a user id', sign({ typ: 'guardian', role: 'guardian' }, TEST_JWT_SECRET, options)],
      ];
      for (const [label, token] of refused) {
        const response = await me(token);
        expect({ label, status: response.status, code: response.body.code }).toEqual({ label, status: 401, code: 'UNAUTHENTICATED' });
      }
    });

    it('needs a valid token of a live account', async () => {
      await t.http().get('/api/v1/auth/me').expect(401);
      await t.http().get('/api/v1/auth/me').set('Authorization', 'Bearer nonsense').expect(401);
      const user = await t.factories.newUser('hub_staff');
      await t.db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [user.id]);
      const response = await t.http().get('/api/v1/auth/me').set(...bearer(user.token)).expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('guardian one-time codes', () => {
    it('sends a code through the outbox in the guardian’s language, stores only its hash, and signs in with it once', async () => {
      const hub = await t.factories.newHub();
      const guardian = await t.factories.newGuardian({ hubId: hub.id, timeZone: 'Asia/Dubai' });
      const requestId = randomUUID();
      const response = await otpRequest({ phone: guardian.phone }, randomIp(), requestId).expect(202);
      expect(response.body).toEqual({ status: 'sent', expiresInSeconds: 300 });

      const { code, body, locale } = await sentCode(guardian.id);
      expect(locale).toBe('zh-CN');
      expect(body).toContain('验证码');
      expect(body).toContain('5 分钟');
      expect(await count(`SELECT 1 FROM notifications WHERE request_id = $1`, [requestId])).toBe(1);
      const [stored] = await t.db.query(`SELECT code_hash, expires_at, attempts, consumed_at FROM otp_codes WHERE phone = $1`, [guardian.phone]);
      expect(stored.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.code_hash).not.toContain(code);
      expect((stored.expires_at as Date).toISOString()).toBe(clock.now().plus({ minutes: 5 }).toJSDate().toISOString());
      expect(await count(`SELECT 1 FROM audit_log WHERE action = 'auth.otp_request' AND object_id = $1 AND hub_id = $2`, [guardian.id, hub.id])).toBe(1);

      const verified = await otpVerify({ phone: guardian.phone, code }).expect(200);
      expect(verified.body).toEqual({
        accessToken: expect.any(String),
        expiresAt: expect.any(String),
        guardian: { id: guardian.id, displayName: expect.any(String), phone: guardian.phone, timeZone: 'Asia/Dubai', locale: 'zh-CN' },
      });
      const me = await t.http().get('/api/v1/auth/me').set(...bearer(verified.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({ type: 'guardian', id: guardian.id, role: 'guardian' });
      expect(await count(`SELECT 1 FROM audit_log WHERE action = 'auth.otp_verify' AND actor_id = $1 AND actor_type = 'guardian'`, [guardian.id])).toBe(1);

      const reused = await otpVerify({ phone: guardian.phone, code }).expect(401);
      expect(reused.body.code).toBe('INVALID_OTP');
    });

    it('writes the message in English for a guardian whose locale is en', async () => {
      const guardian = await t.factories.newGuardian({ locale: 'en' });
      await otpRequest({ phone: guardian.phone }).expect(202);
      const { body, locale, code } = await sentCode(guardian.id);
      expect(locale).toBe('en');
      expect(body).toBe(`Your Kinbridge code is ${code}. It expires in 5 minutes. Do not share it.`);
    });

    it('answers an unknown phone the same, and sends and stores nothing', async () => {
      const phone = randomPhone();
      const requestId = randomUUID();
      const response = await otpRequest({ phone }, randomIp(), requestId).expect(202);
      expect(response.body).toEqual({ status: 'sent', expiresInSeconds: 300 });
      expect(await count(`SELECT 1 FROM notifications WHERE request_id = $1`, [requestId])).toBe(0);
      expect(await count(`SELECT 1 FROM otp_codes WHERE phone = $1`, [phone])).toBe(0);
      const verify = await otpVerify({ phone, code: '123456' }).expect(401);
      expect(verify.body.code).toBe('INVALID_OTP');
    });

    it('makes a new code replace the earlier one', async () => {
      const guardian = await t.factories.newGuardian();
      await otpRequest({ phone: guardian.phone }).expect(202);
      const first = await sentCode(guardian.id);
      await otpRequest({ phone: guardian.phone }).expect(202);
      const second = await sentCode(guardian.id);
      expect(await otpMessages(guardian.id)).toBe(2);
      if (first.code !== second.code) await otpVerify({ phone: guardian.phone, code: first.code }).expect(401);
      await otpVerify({ phone: guardian.phone, code: second.code }).expect(200);
    });

    it('kills a code after five wrong tries, even for the right code', async () => {
      const guardian = await t.factories.newGuardian();
      await otpRequest({ phone: guardian.phone }).expect(202);
      const { code } = await sentCode(guardian.id);
      for (let i = 0; i < 5; i++) {
        const response = await otpVerify({ phone: guardian.phone, code: otherCode(code) }).expect(401);
        expect(response.body.code).toBe('INVALID_OTP');
      }
      const [stored] = await t.db.query(`SELECT attempts, consumed_at FROM otp_codes WHERE phone = $1`, [guardian.phone]);
      expect(stored).toEqual({ attempts: 5, consumed_at: null });
      await otpVerify({ phone: guardian.phone, code }).expect(401);
    });

    it('counts concurrent wrong tries one by one', async () => {
      const guardian = await t.factories.newGuardian();
      await otpRequest({ phone: guardian.phone }).expect(202);
      const { code } = await sentCode(guardian.id);
      const statuses = await Promise.all(Array.from({ length: 8 }, () => otpVerify({ phone: guardian.phone, code: otherCode(code) }).then((r) => r.status)));
      expect(statuses.every((s) => s === 401)).toBe(true);
      const [stored] = await t.db.query(`SELECT attempts FROM otp_codes WHERE phone = $1`, [guardian.phone]);
      expect(stored.attempts).toBe(5);
      await otpVerify({ phone: guardian.phone, code }).expect(401);
    });

    it('expires a code after five minutes', async () => {
      const early = await t.factories.newGuardian();
      const late = await t.factories.newGuardian();
      await otpRequest({ phone: early.phone }).expect(202);
      await otpRequest({ phone: late.phone }).expect(202);
      const earlyCode = (await sentCode(early.id)).code;
      const lateCode = (await sentCode(late.id)).code;
      clock.advance({ minutes: 4 });
      await otpVerify({ phone: early.phone, code: earlyCode }).expect(200);
      clock.advance({ minutes: 1 });
      const expired = await otpVerify({ phone: late.phone, code: lateCode }).expect(401);
      expect(expired.body.code).toBe('INVALID_OTP');
    });

    it('limits requests per phone to 3 per 15 minutes and 10 a day, for unknown phones too', async () => {
      const guardian = await t.factories.newGuardian();
      for (const phone of [guardian.phone, randomPhone()]) {
        for (let i = 0; i < 3; i++) await otpRequest({ phone }).expect(202);
        const limited = await otpRequest({ phone }).expect(429);
        expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 900 });
        expect(limited.headers['retry-after']).toBe('900');
      }
      expect(await otpMessages(guardian.id)).toBe(3);

      const phone = randomPhone();
      const dayStart = clock.now();
      for (let sent = 0; sent < 10; sent++) {
        if (sent > 0 && sent % 3 === 0) clock.advance({ minutes: 15 });
        await otpRequest({ phone }).expect(202);
      }
      clock.advance({ minutes: 15 });
      const daily = await otpRequest({ phone }).expect(429);
      const expected = Math.ceil(dayStart.plus({ days: 1 }).diff(clock.now()).as('seconds'));
      expect(daily.body.retryAfterSeconds).toBe(expected);
      expect(daily.headers['retry-after']).toBe(String(expected));
      expect(await count(`SELECT 1 FROM rate_limit_events WHERE bucket = 'otp.request.phone.daily' AND key = $1`, [phone])).toBe(10);
    });

    it('limits code requests per address to 20 an hour, exactly, under concurrency', async () => {
      const ip = randomIp();
      const statuses = await Promise.all(Array.from({ length: 25 }, () => otpRequest({ phone: randomPhone() }, ip).then((r) => r.status)));
      expect(statuses.filter((s) => s === 202)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      // A request refused by the address limit is not counted against its phone either.
      const phone = randomPhone();
      await otpRequest({ phone }, ip).expect(429);
      expect(await count(`SELECT 1 FROM rate_limit_events WHERE key = $1`, [phone])).toBe(0);
      clock.advance({ hours: 1 });
      await otpRequest({ phone }, ip).expect(202);
    });

    it('limits verification tries per address to 30 per 15 minutes', async () => {
      const ip = randomIp();
      const guardian = await t.factories.newGuardian();
      for (let i = 0; i < 30; i++) await otpVerify({ phone: randomPhone(), code: '000000' }, ip).expect(401);
      await otpRequest({ phone: guardian.phone }).expect(202);
      const { code } = await sentCode(guardian.id);
      const limited = await otpVerify({ phone: guardian.phone, code }, ip).expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await otpVerify({ phone: guardian.phone, code }, randomIp()).expect(200);
    });

    it.each([
      ['a missing phone', {}],
      ['a numeric phone', { phone: 8613912345678 }],
      ['a phone without +', { phone: '8613912345678' }],
      ['a phone with spaces', { phone: '+86 139 1234 5678' }],
      ['a phone with dashes', { phone: '+86-139-1234-5678' }],
      ['a country code starting with 0', { phone: '+0613912345678' }],
      ['a too short phone', { phone: '+86139' }],
      ['a phone in no numbering plan', { phone: '+999123456789' }],
      ['a huge phone', { phone: `+86${'1'.repeat(5000)}` }],
      ['an unknown field', { phone: '+8613912345678', channel: 'sms' }],
      ['a null phone', { phone: null }],
    ])('refuses a code request with %s, recording nothing', async (_, body) => {
      const ip = randomIp();
      const requestId = randomUUID();
      const response = await otpRequest(body, ip, requestId).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(await eventsOfIp(ip)).toBe(0);
      expect(await count(`SELECT 1 FROM notifications WHERE request_id = $1`, [requestId])).toBe(0);
    });

    it.each([
      ['a missing code', (phone: string) => ({ phone })],
      ['a seven-digit code', (phone: string) => ({ phone, code: '1234567' })],
      ['a five-digit code', (phone: string) => ({ phone, code: '12345' })],
      ['a numeric code', (phone: string) => ({ phone, code: 123456 })],
      ['a code with letters', (phone: string) => ({ phone, code: '12a456' })],
      ['a huge code', (phone: string) => ({ phone, code: '1'.repeat(10000) })],
      ['a missing phone', () => ({ code: '123456' })],
      ['a malformed phone', () => ({ phone: '139-1234-5678', code: '123456' })],
      ['an unknown field', (phone: string) => ({ phone, code: '123456', guardianId: randomUUID() })],
    ])('refuses a verification with %s without spending a try', async (_, build) => {
      const guardian = await t.factories.newGuardian();
      await otpRequest({ phone: guardian.phone }).expect(202);
      const ip = randomIp();
      const response = await otpVerify(build(guardian.phone), ip).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(await eventsOfIp(ip)).toBe(0);
      const [stored] = await t.db.query(`SELECT attempts, consumed_at FROM otp_codes WHERE phone = $1`, [guardian.phone]);
      expect(stored).toEqual({ attempts: 0, consumed_at: null });
    });
  });

  describe('signing out tokens (token_version)', () => {
    const me = (token: string) => t.http().get('/api/v1/auth/me').set(...bearer(token));
    const logoutEverywhere = (token: string) => t.http().post('/api/v1/auth/logout-everywhere').set(...bearer(token));
    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    const signInGuardian = async (phone: string, guardianId: string): Promise<string> => {
      await otpRequest({ phone }).expect(202);
      const { code } = await sentCode(guardianId);
      return (await otpVerify({ phone, code }).expect(200)).body.accessToken;
    };
    const expectSignedOut = async (token: string) => {
      const response = await me(token).expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      expect(response.body.detail).toMatch(/signed out/);
    };

    it('signs a user out on every device with POST /auth/logout-everywhere; signing in again works', async () => {
      const user = await t.factories.newUser('counselor');
      const phoneToken = (await login({ email: user.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
      const laptopToken = (await login({ email: user.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
      expect(claimsOf(laptopToken).ver).toBe(0);

      const response = await logoutEverywhere(laptopToken).expect(204);
      expect(response.text).toBe('');
      for (const token of [phoneToken, laptopToken, user.token]) await expectSignedOut(token);
      expect(await count(`SELECT 1 FROM audit_log WHERE action = 'auth.logout_everywhere' AND object_id = $1 AND actor_id = $1::uuid`, [user.id])).toBe(1);

      const again = (await login({ email: user.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
      expect(claimsOf(again).ver).toBe(1);
      await me(again).expect(200);
    });

    it('signs a guardian out everywhere, and a new code signs them in again', async () => {
      const guardian = await t.factories.newGuardian();
      const signedIn = await signInGuardian(guardian.phone, guardian.id);
      await logoutEverywhere(guardian.token).expect(204);
      await expectSignedOut(signedIn);
      await expectSignedOut(guardian.token);
      await me(await signInGuardian(guardian.phone, guardian.id)).expect(200);
    });

    it('refuses a request body on logout-everywhere, signing nobody out; needs a token', async () => {
      const user = await t.factories.newUser('hub_staff');
      const response = await logoutEverywhere(user.token).send({ everywhere: true }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      await logoutEverywhere(user.token).send({}).expect(400);
      await me(user.token).expect(200);
      await t.http().post('/api/v1/auth/logout-everywhere').expect(401);
    });

    it('refuses a token whose version is not the account’s, and counts a token without one as version 0', async () => {
      const user = await t.factories.newUser('hub_staff');
      const options = { subject: user.id, audience: 'kinbridge-api', issuer: 'kinbridge', expiresIn: 600 } as const;
      const issuedBeforeVersions = sign({ typ: 'user', role: 'hub_staff' }, TEST_JWT_SECRET, options);
      await me(issuedBeforeVersions).expect(200);
      for (const ver of [1, -1, 0.5, '0', null]) {
        const response = await me(sign({ typ: 'user', role: 'hub_staff', ver }, TEST_JWT_SECRET, options)).expect(401);
        expect({ ver, code: response.body.code }).toEqual({ ver, code: 'UNAUTHENTICATED' });
      }
      await t.db.query(`UPDATE users SET token_version = 3 WHERE id = $1`, [user.id]);
      await expectSignedOut(issuedBeforeVersions);
      await expectSignedOut(user.token);
      await me(sign({ typ: 'user', role: 'hub_staff', ver: 3 }, TEST_JWT_SECRET, options)).expect(200);
      const fresh = (await login({ email: user.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
      expect(claimsOf(fresh).ver).toBe(3);
      await me(fresh).expect(200);
    });

    it('signs guardian codes into tokens of the guardian’s current version', async () => {
      const guardian = await t.factories.newGuardian();
      await t.db.query(`UPDATE guardians SET token_version = 2 WHERE id = $1`, [guardian.id]);
      await expectSignedOut(guardian.token);
      const token = await signInGuardian(guardian.phone, guardian.id);
      expect(claimsOf(token).ver).toBe(2);
      await me(token).expect(200);
    });

    it('treats a disabled guardian like an unknown phone: no code is sent, an earlier code does not work, and tokens stop', async () => {
      const guardian = await t.factories.newGuardian();
      await otpRequest({ phone: guardian.phone }).expect(202);
      const { code } = await sentCode(guardian.id);
      await t.db.query(`UPDATE guardians SET disabled_at = now() WHERE id = $1`, [guardian.id]);

      const response = await me(guardian.token).expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      const requestId = randomUUID();
      const requested = await otpRequest({ phone: guardian.phone }, randomIp(), requestId).expect(202);
      expect(requested.body).toEqual({ status: 'sent', expiresInSeconds: 300 });
      expect(await count(`SELECT 1 FROM notifications WHERE request_id = $1`, [requestId])).toBe(0);
      expect(await otpMessages(guardian.id)).toBe(1);
      const verify = await otpVerify({ phone: guardian.phone, code }).expect(401);
      expect(verify.body.code).toBe('INVALID_OTP');
      const [stored] = await t.db.query(`SELECT attempts, consumed_at FROM otp_codes WHERE phone = $1`, [guardian.phone]);
      expect(stored).toEqual({ attempts: 0, consumed_at: null });
    });
  });

  describe('client address (TRUST_PROXY)', () => {
    it('limits an IPv6 client by its /64 and an IPv4 client by its address', async () => {
      const prefix = `2001:db8:${randomInt(0, 0xffff).toString(16)}:${randomInt(0, 0xffff).toString(16)}`;
      await login({ email: unknownEmail(), password: 'x' }, `${prefix}::1`).expect(401);
      await login({ email: unknownEmail(), password: 'x' }, `${prefix}:0:ffff:abcd:17`).expect(401);
      expect(await eventsOfIp(`${prefix}::/64`)).toBe(2);
      const ip = randomIp();
      await login({ email: unknownEmail(), password: 'x' }, `::ffff:${ip}`).expect(401);
      expect(await eventsOfIp(ip)).toBe(1);
    });

    it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
      const direct = await startTestApp({ clock, env: { TRUST_PROXY: 'false' } });
      try {
        const forged = randomIp();
        await direct.http().post('/api/v1/auth/login').set('X-Forwarded-For', forged).send({ email: unknownEmail(), password: 'x' }).expect(401);
        expect(await eventsOfIp(forged)).toBe(0);
        expect(await count(`SELECT 1 FROM rate_limit_events WHERE bucket = 'login.ip' AND key = '127.0.0.1'`, [])).toBeGreaterThanOrEqual(1);
      } finally {
        await direct.close();
      }
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body;
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/otp/request', '/api/v1/auth/otp/verify', '/api/v1/auth/me']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(Object.keys(document.components.schemas.LoginDto.properties).sort()).toEqual(['email', 'password']);
    expect(Object.keys(document.paths['/api/v1/auth/login'].post.responses).sort()).toEqual(['200', '400', '401', '429']);
  });

  it('documents logout-everywhere as a bodyless, signed-in route', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body;
    const operation = document.paths['/api/v1/auth/logout-everywhere'].post;
    expect(operation.requestBody).toBeUndefined();
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['204', '400', '401']);
  });
});

describe('first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  // A database of its own: the rule is "when there is no admin", and the shared e2e database has admins.
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: DataSource;
  const apps: Awaited<ReturnType<typeof createApp>>[] = [];
  const password = 'first admin password 1';

  const start = async (adminEmail: string) => {
    const config = loadConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: password,
    });
    const app = await createApp(config, database.url);
    apps.push(app);
    return app;
  };
  const usersWith = async (email: string) =>
    (await db.query(`SELECT id, role FROM users WHERE email = $1`, [email])) as { id: string; role: string }[];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new DataSource({ type: 'postgres', url: database.url });
    await db.initialize();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.destroy();
    await database?.dispose();
  });

  it('does not take over an existing non-admin account with that email', async () => {
    await db.query(`INSERT INTO users (email, password_hash, display_name, role) VALUES ('taken@example.org', 'x', 'Staff', 'hub_staff')`);
    await start('Taken@Example.org');
    expect(await usersWith('taken@example.org')).toEqual([{ id: expect.any(String), role: 'hub_staff' }]);
    expect(await db.query(`SELECT 1 FROM users WHERE role = 'admin'`)).toHaveLength(0);
  });

  it('creates exactly one admin when instances start together, audited as the system', async () => {
    const email = 'first-admin@example.org';
    const started = await Promise.all([start(email), start(email), start(email)]);
    const admins = await db.query(`SELECT id, email FROM users WHERE role = 'admin'`);
    expect(admins).toEqual([{ id: expect.any(String), email }]);
    const audit = await db.query(`SELECT actor_type, actor_id FROM audit_log WHERE action = 'user.create' AND object_id = $1`, [admins[0].id]);
    expect(audit).toEqual([{ actor_type: 'system', actor_id: null }]);

    const response = await request(started[0].getHttpServer()).post('/api/v1/auth/login').send({ email, password }).expect(200);
    expect(response.body.user).toMatchObject({ id: admins[0].id, role: 'admin', hubIds: [] });
  });

  it('creates nobody once an admin exists', async () => {
    await start('second-admin@example.org');
    expect(await usersWith('second-admin@example.org')).toEqual([]);
    expect(await db.query(`SELECT 1 FROM users WHERE role = 'admin'`)).toHaveLength(1);
  });
});
