import fc from 'fast-check';
import { buildSide, paramValue, Side, tableChangeMarker } from '../support/route-fixtures';
import { bearer, startTestApp, TestApp } from '../support/test-app';

interface SchemaObject {
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  $ref?: string;
  allOf?: SchemaObject[];
}
interface Operation {
  parameters?: { name: string; in: string; schema?: SchemaObject }[];
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject> };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
const RUNS_PER_OPERATION = 12;
/** Sign-in routes limit attempts per IP and phone; generated traffic there only tests the limiter. */
const SKIPPED = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/otp/request', 'POST /api/v1/auth/otp/verify', 'POST /api/v1/auth/logout-everywhere']);

const injections = fc.constantFrom(
  "'; DROP TABLE sessions; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  '${jndi:ldap://x}',
  '{{7*7}}',
  'x'.repeat(10_000),
  '',
  ' ',
);
/** Anything at all, in place of a value of the right type. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string(),
  injections,
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/**
 * Generated requests against every route, built from the route's own schemas in the OpenAPI
 * document: mostly well-typed values (so requests reach the services, where 500s hide), mixed with
 * wrong types, boundary numbers, injection strings, lone surrogates and unknown fields. Whatever is
 * sent: never a 5xx, every refusal is problem+json, and a refused request changes no row.
 */
describe('hostile input generated from the OpenAPI document', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let tokens: string[];
  let side: Side;

  beforeAll(async () => {
    t = await startTestApp({ env: { JOBS_SCHEMA: `pgboss_hostile_${process.pid}` } });
    document = (await t.http().get('/docs-json').expect(200)).body;
    const world = await buildSide(t);
    side = world.side;
    tokens = [(await t.factories.newAdmin()).token, world.tokens.hub_staff, world.tokens.counselor, world.tokens.guardian];
  });
  afterAll(() => t.close());

  const resolve = (schema: SchemaObject | undefined): SchemaObject | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop() as string]);
    if (schema.allOf) return { type: 'object', properties: Object.assign({}, ...schema.allOf.map((s) => resolve(s)?.properties ?? {})) };
    return schema;
  };

  /** Values shaped by the schema four times in five; anything at all the fifth. */
  const valueFor = (raw: SchemaObject | undefined, depth = 0): fc.Arbitrary<unknown> => {
    const schema = resolve(raw);
    const typed = ((): fc.Arbitrary<unknown> => {
      if (!schema) return fc.jsonValue({ maxDepth: 2 });
      if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), fc.constant('not-one-of-them'));
      switch (schema.type) {
        case 'object': {
          const properties = schema.properties ?? {};
          const known = fc.record(
            Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, depth > 3 ? wrongValue : valueFor(property, depth + 1)])),
            { requiredKeys: [] },
          );
          return fc.tuple(known, fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })))).map(([body, extra]) =>
            extra ? { ...body, [extra[0]]: extra[1] } : body,
          );
        }
        case 'array':
          return fc.array(depth > 3 ? wrongValue : valueFor(schema.items, depth + 1), { maxLength: 4 });
        case 'integer':
          return fc.oneof(fc.integer({ min: -10, max: 400 }), fc.constantFrom(0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER));
        case 'number':
          return fc.oneof(fc.integer({ min: -10, max: 400 }), fc.double({ noNaN: true }), fc.constantFrom(1e308, -0));
        case 'boolean':
          return fc.boolean();
        case 'string':
          if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(side.childId, side.guardianId, side.hubId, side.staffId), fc.uuid(), injections);
          if (schema.format === 'date-time') {
            return fc.oneof(
              fc.date({ min: new Date('1900-01-01'), max: new Date('2300-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
              fc.constantFrom('2026-13-40T25:61:00+08:00', '2026-03-29T02:30:00', 'tomorrow', '0000-00-00T00:00:00Z'),
            );
          }
          if (schema.format === 'date') return fc.oneof(fc.constantFrom('2016-02-29', '2017-02-29', '1800-01-01', '2999-12-31', '2020-1-1'), fc.string());
          return fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), injections);
        default:
          return fc.jsonValue({ maxDepth: 2 });
      }
    })();
    return fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: wrongValue });
  };

  const operations = () =>
    Object.entries(document.paths)
      .flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation, key: `${method.toUpperCase()} ${path}` })))
      .filter(({ key }) => !SKIPPED.has(key));

  it('refuses invalid UTF-8, wrong content types and oversized bodies on every write route, changing nothing', async () => {
    const failures: string[] = [];
    const before = await tableChangeMarker(t);
    for (const { path, method, key } of operations().filter(({ method }) => WRITE_METHODS.includes(method))) {
      const target = path.replace(/\{(\w+)\}/g, (_match, name: string) => paramValue(path, name, side));
      // Refused before any handler, whatever the object's state: by the body parser, or by
      // validation (unknown fields; a body on a route that takes none). 403 only for a role the route is not for.
      const attempts: [string, string, string | Buffer, number[]][] = [
        ['invalid UTF-8', 'application/json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), [400, 403]],
        ['unexpected field', 'application/json', '{"unexpected":1}', [400, 403]],
        ['text/plain', 'text/plain', '{"name":"x"}', [415]],
        ['form', 'application/x-www-form-urlencoded', 'name=x&hubId=y', [415]],
        ['xml', 'application/xml', '<name>x</name>', [415]],
        ['200 kB', 'application/json', JSON.stringify({ name: 'x'.repeat(200_000) }), [413]],
      ];
      for (const [label, contentType, body, expected] of attempts) {
        const response = await t.http()[method as 'post'](target).set(...bearer(tokens[0])).set('Content-Type', contentType).send(body);
        if (!expected.includes(response.status)) failures.push(`${key} ${label} → ${response.status}, expected ${expected.join(' or ')}`);
        else if (!String(response.headers['content-type']).includes('application/problem+json')) failures.push(`${key} ${label} → no problem+json`);
      }
    }
    expect(failures).toEqual([]);
    expect(await tableChangeMarker(t)).toEqual(before);
  }, 120_000);
  it('refuses a malformed id in the path of every route (4xx problem+json, never a 5xx), changing nothing', async () => {
    const failures: string[] = [];
    const before = await tableChangeMarker(t);
    const malformed = ['not-a-uuid', "'; DROP TABLE sessions; --", '00000000-0000-4000-8000-00000000000g', 'x'.repeat(300), '😀', '..%2F..%2Fetc%2Fpasswd', '%00'];
    for (const { path, method, key } of operations().filter(({ path }) => path.includes('{'))) {
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1])) {
        for (const value of malformed) {
          const target = path.replace(/\{(\w+)\}/g, (_match, param: string) => (param === name ? encodeURIComponent(value) : paramValue(path, param, side)));
          let call = t.http()[method as 'get'](target).set(...bearer(tokens[0])).set('Idempotency-Key', `hostile-path-${Math.random()}`);
          if (WRITE_METHODS.includes(method)) call = call.set('Content-Type', 'application/json').send('{}');
          const response = await call;
          const label = `${key} with ${name} = ${JSON.stringify(value.slice(0, 30))}`;
          if (response.status < 400 || response.status >= 500) failures.push(`${label} → ${response.status}`);
          else if (!String(response.headers['content-type']).includes('application/problem+json')) failures.push(`${label} → ${response.status} without problem+json`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await tableChangeMarker(t)).toEqual(before);
  }, 120_000);

  it('never answers with a 5xx, refuses with problem+json, and a refused request changes no row', async () => {
    const failures: string[] = [];
    for (const { path, method, operation, key } of operations()) {
      const queryParameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
      const request = fc.record({
        token: fc.constantFrom(...tokens),
        query: fc.record(Object.fromEntries(queryParameters.map((parameter) => [parameter.name, valueFor(parameter.schema)])), { requiredKeys: [] }),
        body: WRITE_METHODS.includes(method) ? valueFor(operation.requestBody?.content['application/json']?.schema) : fc.constant(undefined),
      });
      const target = path.replace(/\{(\w+)\}/g, (_match, name: string) => paramValue(path, name, side));
      for (const generated of fc.sample(request, { numRuns: RUNS_PER_OPERATION, seed: 20261122 })) {
        const before = await tableChangeMarker(t);
        let call = t.http()[method as 'get'](target).set(...bearer(generated.token)).set('X-Forwarded-For', '198.51.100.33').set('Idempotency-Key', `hostile-${Math.random()}`);
        const query = Object.fromEntries(Object.entries(generated.query).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
        call = call.query(query);
        if (generated.body !== undefined) call = call.set('Content-Type', 'application/json').send(JSON.stringify(generated.body));
        const response = await call;
        const label = `${key} ${JSON.stringify(generated.body)?.slice(0, 120)} ?${JSON.stringify(query).slice(0, 80)}`;
        if (response.status >= 500) failures.push(`${label} → ${response.status} ${response.body?.detail ?? ''}`);
        if (response.status >= 400) {
          if (!String(response.headers['content-type']).includes('application/problem+json')) failures.push(`${label} → ${response.status} without problem+json`);
          if ((await tableChangeMarker(t)) !== before) failures.push(`${label} → refused (${response.status}) but changed rows`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

});
