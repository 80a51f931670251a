import { randomUUID } from 'node:crypto';
import { randomPhone } from '../factories';
import { buildSide, nonexistentSide, paramValue, Side, tableDigest } from '../support/route-fixtures';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/**
 * Every route × every role × (own object, another hub's object, nonexistent id), generated from
 * the OpenAPI document so a new route cannot escape: a route without a sample below fails the
 * first test. For each role:
 * - another hub's object answers exactly like a nonexistent one (404, or the role's 403 when the
 *   route is not for that role at all), so existence never leaks; and it changes no row;
 * - the caller's own object is not a 404 (the fixture is really in scope), and never a 5xx;
 * - no answer to a hub-bound role ever carries an id of the other hub.
 */

interface Operation {
  parameters?: { name: string; in: string }[];
}
type OpenApiPaths = Record<string, Record<string, Operation>>;

interface Sample {
  /** Query string built from the side under test. */
  query?: (side: Side) => Record<string, string | number>;
  body?: (side: Side) => unknown;
  headers?: () => Record<string, string>;
  /** Names no object (e.g. creating a hub): only the own-side checks apply. */
  unbound?: true;
}

const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000).toISOString();

/** A valid request per operation, so the request reaches the scope check instead of failing validation. */
const SAMPLES: Record<string, Sample> = {
  'GET /api/v1/audit': { query: (s) => ({ hubId: s.hubId }) },
  'POST /api/v1/children': { body: (s) => ({ hubId: s.hubId, displayName: 'Kim', birthDate: '2017-03-01' }) },
  'GET /api/v1/children': { query: (s) => ({ hubId: s.hubId }) },
  'GET /api/v1/children/{id}': {},
  'PATCH /api/v1/children/{id}': { body: () => ({ displayName: 'Renamed' }) },
  'GET /api/v1/children/{id}/call-plan': {},
  'PUT /api/v1/children/{id}/call-plan': {
    body: () => ({ paused: false, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: null }),
  },
  'POST /api/v1/children/{id}/guardians': { body: (s) => ({ guardianId: s.spareGuardianId, relationship: 'father' }) },
  'GET /api/v1/children/{id}/guardians': {},
  'POST /api/v1/children/{id}/guardians/{guardianId}/approve': {},
  'POST /api/v1/children/{id}/guardians/{guardianId}/revoke': { body: () => ({ reason: 'moved away' }) },
  'POST /api/v1/children/{id}/consents': {
    body: (s) => ({ guardianId: s.guardianId, scopes: ['video_call'], policyVersion: 'v2', method: 'paper' }),
  },
  'GET /api/v1/children/{id}/consents': {},
  'POST /api/v1/children/{id}/consents/{consentId}/withdraw': { body: () => ({ reason: 'changed their mind' }) },
  'POST /api/v1/hubs': { body: () => ({ name: `Hub ${randomUUID().slice(0, 8)}`, timeZone: 'Asia/Shanghai' }), unbound: true },
  'GET /api/v1/hubs': { unbound: true },
  'GET /api/v1/hubs/{id}': {},
  'PATCH /api/v1/hubs/{id}': { body: () => ({ name: `Renamed ${randomUUID().slice(0, 8)}` }) },
  'GET /api/v1/hubs/{id}/opening-hours': {},
  'PUT /api/v1/hubs/{id}/opening-hours': { body: () => ({ rules: [{ weekday: 1, start: '08:00', end: '18:00' }] }) },
  'POST /api/v1/hubs/{id}/stations': { body: () => ({ name: `Booth ${randomUUID().slice(0, 8)}` }) },
  'GET /api/v1/hubs/{id}/stations': {},
  'PATCH /api/v1/hubs/{id}/stations/{stationId}': { body: () => ({ name: `Booth ${randomUUID().slice(0, 8)}` }) },
  'GET /api/v1/hubs/{id}/contact-gaps': {},
  'POST /api/v1/users': {
    body: (s) => ({
      email: `matrix-${randomUUID().slice(0, 8)}@example.org`,
      password: 'a long enough password 123',
      displayName: 'New Staff',
      role: 'hub_staff',
      hubIds: [s.hubId],
    }),
  },
  'GET /api/v1/users': { query: (s) => ({ hubId: s.hubId }) },
  'GET /api/v1/users/{id}': {},
  'PATCH /api/v1/users/{id}': { body: () => ({ displayName: 'Renamed' }) },
  'POST /api/v1/guardians': {
    body: (s) => ({ displayName: 'New Parent', phone: randomPhone(), timeZone: 'Asia/Shanghai', hubId: s.hubId }),
  },
  'GET /api/v1/guardians': { query: (s) => ({ hubId: s.hubId }) },
  'GET /api/v1/guardians/{id}': {},
  'PATCH /api/v1/guardians/{id}': { body: () => ({ displayName: 'Renamed' }) },
  'POST /api/v1/guardians/{id}/disable': {},
  'POST /api/v1/guardians/{id}/enable': {},
  'GET /api/v1/guardians/{id}/availability': {},
  'PUT /api/v1/guardians/{id}/availability': { body: () => ({ windows: [{ weekday: 2, start: '19:00', end: '21:00' }] }) },
  'GET /api/v1/guardians/{id}/calendar.ics': {},
  'POST /api/v1/guardians/{id}/calendar-token': {},
  'POST /api/v1/sessions/{id}/reschedule-requests': { body: () => ({ note: 'My shift changed' }) },
  'GET /api/v1/reschedule-requests': { query: (s) => ({ hubId: s.hubId }) },
  'POST /api/v1/reschedule-requests/{id}/approve': { body: () => ({ startsAt: inTwoDays() }) },
  'POST /api/v1/reschedule-requests/{id}/decline': { body: () => ({ note: 'Not this week' }) },
  'POST /api/v1/reschedule-requests/{id}/withdraw': {},
  'GET /api/v1/slots': {
    query: (s) => ({
      childId: s.childId,
      guardianId: s.guardianId,
      from: new Date(Date.now() + 86_400_000).toISOString(),
      to: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      durationMinutes: 30,
    }),
  },
  'POST /api/v1/sessions': {
    body: (s) => ({ childId: s.childId, guardianId: s.guardianId, startsAt: inTwoDays(), durationMinutes: 30, kind: 'supervised', supervisorId: s.staffId }),
    headers: () => ({ 'Idempotency-Key': randomUUID() }),
  },
  'GET /api/v1/sessions': { query: (s) => ({ hubId: s.hubId }) },
  'POST /api/v1/sessions/{id}/check-in': {},
  'POST /api/v1/sessions/{id}/assent': { body: () => ({ response: 'yes' }) },
  'POST /api/v1/sessions/{id}/join-token': {},
  'POST /api/v1/sessions/{id}/end': {},
  'POST /api/v1/sessions/{id}/wellbeing-check': {
    body: () => ({ answers: { feelingNow: 2, callFeeling: 2, thermometer: 5, wantsToTalk: false } }),
  },
  'GET /api/v1/alerts': { query: (s) => ({ hubId: s.hubId }) },
  'GET /api/v1/alerts/{id}': {},
  'POST /api/v1/alerts/{id}/acknowledge': {},
  'POST /api/v1/alerts/{id}/follow-ups': { body: () => ({ action: 'called_guardian', note: 'Talked with the mother' }) },
  'POST /api/v1/alerts/{id}/resolve': { body: () => ({ outcome: 'Doing better after a talk' }) },
  'GET /api/v1/children/{id}/timeline': {},
  'GET /api/v1/sessions/{id}': {},
  'PATCH /api/v1/sessions/{id}': { body: () => ({ startsAt: inTwoDays() }) },
  'POST /api/v1/sessions/{id}/cancel': { body: () => ({ reason: 'The child is ill today' }) },
  'POST /api/v1/session-series': {
    body: (s) => ({ childId: s.childId, guardianId: s.guardianId, durationMinutes: 30, kind: 'supervised', supervisorId: s.staffId, weekday: 3, localTime: '10:00', count: 1 }),
  },
};

/** Routes with no object of any hub: health, docs, sign-in, and the caller's own account. */
const UNSCOPED = new Set([
  'GET /metrics',
  'GET /health',
  'GET /problems',
  'GET /problems/{slug}',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/otp/request',
  'POST /api/v1/auth/otp/verify',
  'GET /api/v1/auth/me',
  'POST /api/v1/auth/logout-everywhere',
]);

describe('authorization matrix: every route × role × (own, other hub, nonexistent)', () => {
  let t: TestApp;
  let paths: OpenApiPaths;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { JOBS_SCHEMA: `pgboss_matrix_${process.pid}` } });
    adminToken = (await t.factories.newAdmin()).token;
    paths = (await t.http().get('/docs-json').expect(200)).body.paths;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(paths).flatMap(([path, byMethod]) => Object.keys(byMethod).map((method) => ({ path, method, key: `${method.toUpperCase()} ${path}` })));

  it('has a sample request for every scoped operation', () => {
    const missing = operations()
      .map(({ key }) => key)
      .filter((key) => !UNSCOPED.has(key) && !SAMPLES[key]);
    expect(missing).toEqual([]);
  });

  it('answers another hub’s objects like nonexistent ones, serves own objects, and leaks no foreign id', async () => {
    const failures: string[] = [];
    for (const { path, method, key } of operations()) {
      if (UNSCOPED.has(key)) continue;
      const sample = SAMPLES[key];
      const { side: own, tokens } = await buildSide(t);
      const { side: foreign } = await buildSide(t);
      const nowhere = nonexistentSide();
      const foreignIds = Object.values(foreign).filter((value) => /^[0-9a-f-]{36}$/.test(value));
      const roles = { ...tokens, admin: adminToken };

      const send = (token: string, side: Side) => {
        const target = path.replace(/\{(\w+)\}/g, (_match, name: string) => paramValue(path, name, side));
        let request = t.http()[method as 'get'](target).set(...bearer(token)).set('X-Forwarded-For', '198.51.100.21');
        if (sample.query) request = request.query(sample.query(side));
        for (const [header, value] of Object.entries(sample.headers?.() ?? {})) request = request.set(header, value);
        if (sample.body) request = request.set('Content-Type', 'application/json').send(JSON.stringify(sample.body(side)));
        return request;
      };
      const leaks = (text: string) => foreignIds.filter((id) => text.includes(id));

      const before = await tableDigest(t);
      const ownStatus: Record<string, number> = {};
      for (const [role, token] of Object.entries(sample.unbound ? {} : roles)) {
        const missingResponse = await send(token, nowhere);
        if (missingResponse.status >= 500) failures.push(`${key} as ${role}, nonexistent → ${missingResponse.status}`);
        if (path.includes('{') && ![403, 404].includes(missingResponse.status)) {
          failures.push(`${key} as ${role}, nonexistent → ${missingResponse.status} (expected 404, or 403 for a role the route is not for)`);
        }
        if (role === 'admin') continue; // admins see every hub: there is no "other hub" for them
        const foreignResponse = await send(token, foreign);
        if (foreignResponse.status !== missingResponse.status) {
          failures.push(`${key} as ${role}: other hub → ${foreignResponse.status}, nonexistent → ${missingResponse.status} (existence leaks)`);
        }
        const leaked = leaks(missingResponse.text ?? '');
        if (leaked.length) failures.push(`${key} as ${role}, nonexistent: answer carries other-hub ids`);
      }
      const after = await tableDigest(t);
      const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
      if (changed.length) failures.push(`${key}: other-hub/nonexistent requests changed ${changed.join(', ')}`);

      // Own objects last: these requests may succeed and change rows.
      for (const [role, token] of Object.entries(roles)) {
        const response = await send(token, own);
        ownStatus[role] = response.status;
        if (response.status >= 500) failures.push(`${key} as ${role}, own → ${response.status}`);
        if (path.includes('{') && response.status === 404) failures.push(`${key} as ${role}, own → 404 (${response.body?.detail ?? ''})`);
        if (role !== 'admin' && leaks(response.text ?? '').length) failures.push(`${key} as ${role}, own: answer carries other-hub ids`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
