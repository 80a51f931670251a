import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

/** Objects every route can name, for the suites generated from the OpenAPI document (authorization matrix, hostile input). */

/** One hub's objects, all in scope of hub A's roles when A is "own". */
export interface Side {
  hubId: string;
  stationId: string;
  childId: string;
  guardianId: string;
  /** A second guardian of the hub, linked to the child with a pending link. */
  pendingGuardianId: string;
  /** A third guardian of the hub, not linked to anyone (for new links). */
  spareGuardianId: string;
  consentId: string;
  sessionId: string;
  sessionStartsAt: string;
  rescheduleRequestId: string;
  /** An open alert on the child, owned by the counselor. */
  alertId: string;
  staffId: string;
  counselorId: string;
}

/** Which object each path parameter names, by the path it appears in. */
export function paramValue(path: string, name: string, side: Side): string {
  const resource = path.split('/')[3];
  if (name === 'slug') return 'not-found';
  if (name === 'stationId') return side.stationId;
  if (name === 'consentId') return side.consentId;
  if (name === 'guardianId') return path.endsWith('/approve') ? side.pendingGuardianId : side.guardianId;
  if (name === 'id') {
    const byResource: Record<string, string> = {
      hubs: side.hubId,
      children: side.childId,
      guardians: side.guardianId,
      sessions: side.sessionId,
      users: side.counselorId,
      'reschedule-requests': side.rescheduleRequestId,
      alerts: side.alertId,
    };
    if (byResource[resource]) return byResource[resource];
  }
  throw new Error(`no object for {${name}} in ${path}: teach paramValue about it`);
}

/** Tables a refused request may still write to: the audit trail records reads and refusals. */
const WRITTEN_ON_REFUSAL = new Set(['audit_log', 'rate_limit_events', 'migrations']);

/** A hub with everything a route can name, in the state most routes accept (future booked session, pending request). */
export async function buildSide(t: TestApp): Promise<{ side: Side; tokens: Record<'hub_staff' | 'counselor' | 'guardian', string> }> {
  const world = await t.factories.newHubWorld();
  const pendingGuardian = await t.factories.newGuardian({ hubId: world.hub.id });
  await t.factories.newLink(world.child.id, pendingGuardian.id, { status: 'pending', relationship: 'father' });
  const spareGuardian = await t.factories.newGuardian({ hubId: world.hub.id });
  const session = await t.factories.sessionOf(world, {
    startsAt: new Date(Date.now() + 3 * 86_400_000),
  });
  const [request] = await t.db.query(
    `INSERT INTO reschedule_requests (session_id, guardian_id, note) VALUES ($1, $2, 'shift changed') RETURNING id`,
    [session.id, world.guardian.id],
  );
  const [alert] = await t.db.query(
    `INSERT INTO alerts (child_id, hub_id, rule, rule_version, severity, reason, settings, settings_version, assigned_counselor_id, due_by, created_at, updated_at)
     VALUES ($1, $2, 'persistent_distress', 1, 'high', 'sad after two calls', '{}', 1, $3, now() + interval '4 hours', now(), now()) RETURNING id`,
    [world.child.id, world.hub.id, world.counselor.id],
  );
  const side: Side = {
    hubId: world.hub.id,
    stationId: world.stations[0].id,
    childId: world.child.id,
    guardianId: world.guardian.id,
    pendingGuardianId: pendingGuardian.id,
    spareGuardianId: spareGuardian.id,
    consentId: world.consent.id,
    sessionId: session.id,
    sessionStartsAt: session.startsAt.toISOString(),
    rescheduleRequestId: request.id,
    alertId: alert.id,
    staffId: world.staff.id,
    counselorId: world.counselor.id,
  };
  return { side, tokens: { hub_staff: world.staff.token, counselor: world.counselor.token, guardian: world.guardian.token } };
}

export function nonexistentSide(): Side {
  const id = () => randomUUID();
  return {
    hubId: id(),
    stationId: id(),
    childId: id(),
    guardianId: id(),
    pendingGuardianId: id(),
    spareGuardianId: id(),
    consentId: id(),
    sessionId: id(),
    sessionStartsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    rescheduleRequestId: id(),
    alertId: id(),
    staffId: id(),
    counselorId: id(),
  };
}

/** One digest per table of the public schema (rows in any order), to prove a request changed nothing. */
export async function tableDigest(t: TestApp): Promise<Record<string, string>> {
  const tables: { table_name: string }[] = await t.db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const parts = tables
    .filter(({ table_name }) => !WRITTEN_ON_REFUSAL.has(table_name))
    .map(({ table_name }) => {
      // The outbox delivers in the background: a message's delivery state is not a change made by a request.
      const row = table_name === 'notifications' ? `to_jsonb(x) - 'status' - 'attempts' - 'last_error' - 'sent_at'` : 'to_jsonb(x)';
      return `SELECT '${table_name}' AS t, coalesce(md5(string_agg(md5((${row})::text), '' ORDER BY md5((${row})::text))), '') AS sum FROM "${table_name}" x`;
    });
  const rows: { t: string; sum: string }[] = await t.db.query(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((row) => [row.t, row.sum]));
}

/**
 * A cheap marker of every table's contents (row count and newest row version), read in one
 * query: any committed insert, update or delete moves it. For suites that check after every request.
 */
export async function tableChangeMarker(t: TestApp): Promise<string> {
  const tables: { table_name: string }[] = await t.db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const parts = tables
    .filter(({ table_name }) => !WRITTEN_ON_REFUSAL.has(table_name))
    .map(({ table_name }) => `SELECT '${table_name}' AS t, count(*) AS n, coalesce(max(xmin::text::bigint), 0) AS v FROM "${table_name}"`);
  const rows: { t: string; n: string; v: string }[] = await t.db.query(parts.join(' UNION ALL '));
  return rows.map((row) => `${row.t}:${row.n}:${row.v}`).join(',');
}
