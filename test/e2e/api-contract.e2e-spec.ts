import { randomUUID } from 'node:crypto';
import { bearer, startTestApp, TestApp } from '../support/test-app';

interface SchemaObject {
  type?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  $ref?: string;
  allOf?: SchemaObject[];
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, unknown>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject> };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
/** Tables whose rows legitimately appear on rejected requests (the audit trail of reads). */
const APPEND_ONLY_ON_READ = ['audit_log', 'rate_limit_events'];

/**
 * Driven by the OpenAPI document, so a new route cannot escape it: every operation is
 * documented, and hostile input on every route gets a 4xx and changes nothing.
 */
describe('API contract over every route', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let adminToken: string;
  let operations: { path: string; method: string; operation: Operation }[];

  beforeAll(async () => {
    // Its own job schema: due jobs left by other test files (reminders, no-shows) must not run
    // here and write rows while this file counts them.
    t = await startTestApp({ env: { JOBS_SCHEMA: `pgboss_contract_${process.pid}` } });
    adminToken = (await t.factories.newAdmin()).token;
    document = (await t.http().get('/docs-json').expect(200)).body;
    operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
    );
  });
  afterAll(() => t.close());

  const resolve = (schema: SchemaObject | undefined): SchemaObject | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop() as string]);
    if (schema.allOf) return { type: 'object', properties: Object.assign({}, ...schema.allOf.map((s) => resolve(s)?.properties ?? {})) };
    return schema;
  };

  it('documents every operation: a success response, its errors, and its request body', () => {
    expect(operations.length).toBeGreaterThan(20);
    const gaps: string[] = [];
    for (const { path, method, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      if (!statuses.some((status) => status.startsWith('2'))) gaps.push(`${method} ${path}: no 2xx response`);
      const isPublic = path === '/health' || path === '/metrics' || path.startsWith('/problems') || path.startsWith('/api/v1/auth/otp') || path === '/api/v1/auth/login';
      if (!isPublic && !statuses.includes('401')) gaps.push(`${method} ${path}: 401 not documented`);
      if (path.includes('{') && !statuses.includes('404')) gaps.push(`${method} ${path}: 404 not documented`);
      if (['post', 'put', 'patch'].includes(method) && operation.requestBody) {
        const schema = resolve(operation.requestBody.content['application/json']?.schema);
        if (!schema?.properties || Object.keys(schema.properties).length === 0) gaps.push(`${method} ${path}: body schema has no properties`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('answers hostile input on every route with a 4xx and changes no row', async () => {
    const before = await rowCounts(t);
    const failures: string[] = [];
    for (const { path, method, operation } of operations) {
      const bodies = hostileBodies(resolve(operation.requestBody?.content['application/json']?.schema));
      for (const target of hostilePaths(path)) {
        for (const body of WRITE_METHODS.includes(method) ? bodies : [undefined]) {
          let request = t.http()[method as 'get'](target).set(...bearer(adminToken)).set('X-Forwarded-For', '198.51.100.7');
          if (body !== undefined) request = request.set('Content-Type', 'application/json').send(body);
          const response = await request;
          const label = `${method.toUpperCase()} ${target} ${typeof body === 'string' ? body.slice(0, 60) : ''}`;
          if (response.status >= 500) failures.push(`${label} → ${response.status}`);
          else if (WRITE_METHODS.includes(method) && response.status < 400) failures.push(`${label} → accepted (${response.status})`);
          else if (response.status >= 400 && !String(response.headers['content-type']).includes('application/problem+json')) {
            failures.push(`${label} → ${response.status} without problem+json`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await rowCounts(t)).toEqual(before);
  }, 120_000);

  it('never answers a hostile query string with a 5xx, and changes no row', async () => {
    const before = await rowCounts(t);
    const failures: string[] = [];
    for (const { path, method, operation } of operations) {
      const names = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      for (const name of names) {
        for (const value of ['x'.repeat(5000), "1' OR '1'='1", '-1', '1e999', '../../etc/passwd', '\u0000', '']) {
          const target = path.replace(/\{[^}]+\}/g, randomUUID());
          const response = await t.http()[method as 'get'](target).query({ [name]: value }).set(...bearer(adminToken)).set('X-Forwarded-For', '198.51.100.8');
          if (response.status >= 500) failures.push(`${method.toUpperCase()} ${path}?${name}=${value.slice(0, 20)} → ${response.status}`);
        }
        const repeated = await t.http()[method as 'get'](`${path.replace(/\{[^}]+\}/g, randomUUID())}?${name}=1&${name}=2`).set(...bearer(adminToken));
        if (repeated.status >= 500) failures.push(`${method.toUpperCase()} ${path}?${name} twice → ${repeated.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await rowCounts(t)).toEqual(before);
  }, 120_000);
});

/** The path with its parameters replaced by ids that cannot be the caller's: unknown, injected, traversing. */
function hostilePaths(path: string): string[] {
  if (!path.includes('{')) return [path];
  const fill = (value: string) => path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
  return [fill(randomUUID()), fill("1' OR '1'='1"), fill('../../etc/passwd'), fill('x'.repeat(5000))];
}

function hostileBodies(schema: SchemaObject | undefined): string[] {
  const properties = Object.keys(schema?.properties ?? {});
  const bodies: unknown[] = [{}, [], 'just a string', null, 42, { unexpected: true }, { __proto__: { admin: true }, constructor: { prototype: {} } }];
  for (const property of properties) {
    // Wrong types and oversized values must be refused on their own…
    for (const value of [12345, 'x'.repeat(10_000), { nested: { deep: [1] } }, [null], true, -1e308]) {
      bodies.push({ [property]: value });
    }
    // …while injection strings are legitimate text for many fields (a hub may be named
    // anything); they ride with an unknown field, so the request must still be refused whole.
    for (const value of ["'; DROP TABLE children; --", '<script>alert(1)</script>', '../../../etc/passwd', '\u0000']) {
      bodies.push({ [property]: value, unknownField: 'x' });
    }
  }
  return [
    ...bodies.map((body) => JSON.stringify(body)),
    '{"truncated": ',
    '{"a":"\udc00"}',
    JSON.stringify({ huge: 'x'.repeat(1_000_000) }),
  ];
}

async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const tables: { table_name: string }[] = await t.db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    if (APPEND_ONLY_ON_READ.includes(table_name) || table_name === 'migrations') continue;
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM "${table_name}"`);
    counts[table_name] = count;
  }
  return counts;
}
