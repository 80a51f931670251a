import type { AssentResponse, SessionFacts, SessionKind, SessionStatus } from '@app/call-lifecycle';
import type { CallParticipant, CallRole, ParticipantState } from '@app/realtime-protocol';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '../children/child-scope';

/** A session as the call needs it: who takes part, its times and what the call recorded. */
export interface CallSession {
  id: string;
  hubId: string;
  childId: string;
  guardianId: string;
  supervisorId: string;
  counselorId: string | null;
  kind: SessionKind;
  status: SessionStatus;
  startsAt: Date;
  endsAt: Date;
  checkedInAt: Date | null;
  assent: AssentResponse | null;
  assentReason: string | null;
  assentAt: Date | null;
  guardianJoinedAt: Date | null;
  counselorJoinedAt: Date | null;
  callStartedAt: Date | null;
  callEndedAt: Date | null;
  endReason: string | null;
  cancelReason: string | null;
  /** The status of the child–guardian link the call is held on (null: no link row); only `approved` may hold the call. */
  linkStatus: 'pending' | 'approved' | 'revoked' | null;
}

/** Columns a transition may write (a whitelist: the SET list is built from these names only). */
export interface SessionChangeColumns {
  checked_in_at?: Date;
  call_started_at?: Date;
  call_ended_at?: Date;
  assent?: AssentResponse;
  assent_reason?: string | null;
  assent_at?: Date;
  assent_recorded_by?: string | null;
  cancel_reason?: string;
  cancelled_by?: string | null;
  cancelled_at?: Date;
  end_reason?: string;
}
const CHANGE_COLUMNS = new Set<keyof SessionChangeColumns>([
  'checked_in_at',
  'call_started_at',
  'call_ended_at',
  'assent',
  'assent_reason',
  'assent_at',
  'assent_recorded_by',
  'cancel_reason',
  'cancelled_by',
  'cancelled_at',
  'end_reason',
]);

const SESSION_COLUMNS = `s.id, s.hub_id, s.child_id, s.guardian_id, s.supervisor_id, s.counselor_id, s.kind, s.status, s.starts_at, s.ends_at,
  s.checked_in_at, s.assent, s.assent_reason, s.assent_at, s.guardian_joined_at, s.counselor_joined_at, s.call_started_at,
  s.call_ended_at, s.end_reason, s.cancel_reason`;
/** Read with the session (a scalar subquery: the row lock of `find` stays on the session, not the link). */
const LINK_STATUS = `(SELECT l.status FROM child_guardian_links l WHERE l.child_id = s.child_id AND l.guardian_id = s.guardian_id) AS link_status`;

interface SessionRow {
  id: string;
  hub_id: string;
  child_id: string;
  guardian_id: string;
  supervisor_id: string;
  counselor_id: string | null;
  kind: SessionKind;
  status: SessionStatus;
  starts_at: Date;
  ends_at: Date;
  checked_in_at: Date | null;
  assent: AssentResponse | null;
  assent_reason: string | null;
  assent_at: Date | null;
  guardian_joined_at: Date | null;
  counselor_joined_at: Date | null;
  call_started_at: Date | null;
  call_ended_at: Date | null;
  end_reason: string | null;
  cancel_reason: string | null;
  link_status?: 'pending' | 'approved' | 'revoked' | null;
}

interface ParticipantRow {
  participant_id: string;
  role: CallRole;
  display_name: string;
  state: ParticipantState;
  connected: boolean;
}

/** SQL of the call: the session row (locked for every change) and its participants. */
@Injectable()
export class CallSessionsRepository {
  async find(tx: Queryable, sessionId: string, options: { lock?: boolean } = {}): Promise<CallSession | undefined> {
    const rows: SessionRow[] = await tx.query(`SELECT ${SESSION_COLUMNS}, ${LINK_STATUS} FROM sessions s WHERE s.id = $1 ${options.lock ? 'FOR UPDATE OF s' : ''}`, [sessionId]);
    return rows[0] && toSession(rows[0]);
  }

  /** Moves the (locked) row from `from` to `to` with the transition's columns; undefined when it was not in `from`. */
  async change(tx: Queryable, sessionId: string, from: SessionStatus, to: SessionStatus, columns: SessionChangeColumns, now: Date): Promise<CallSession | undefined> {
    const names = (Object.keys(columns) as (keyof SessionChangeColumns)[]).filter((name) => CHANGE_COLUMNS.has(name));
    const values = names.map((name) => columns[name]);
    const sets = names.map((name, i) => `${name} = $${i + 5}`);
    const rows: SessionRow[] = await tx.query(
      `WITH s AS (
         UPDATE sessions SET status = $3::session_status, updated_at = $4${sets.length ? ', ' + sets.join(', ') : ''}
          WHERE id = $1 AND status = $2::session_status
          RETURNING *)
       SELECT ${SESSION_COLUMNS}, ${LINK_STATUS} FROM s`,
      [sessionId, from, to, now, ...values],
    );
    return rows[0] && toSession(rows[0]);
  }

  /** The counselor's first join (kept once set). */
  async markCounselorJoined(tx: Queryable, sessionId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE sessions SET counselor_joined_at = coalesce(counselor_joined_at, $2) WHERE id = $1`, [sessionId, now]);
  }

  /** An active (not withdrawn) guardian consent covering `video_call` for this child. */
  async hasVideoCallConsent(tx: Queryable, childId: string, guardianId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM guardian_consents WHERE child_id = $1 AND guardian_id = $2 AND withdrawn_at IS NULL AND 'video_call' = ANY (scopes) LIMIT 1`,
      [childId, guardianId],
    );
    return rows.length > 0;
  }

  /** The name of a live (not disabled) account, or undefined. */
  async displayNameOf(tx: Queryable, account: { type: 'user' | 'guardian'; id: string }): Promise<string | undefined> {
    const table = account.type === 'guardian' ? 'guardians' : 'users';
    const rows: { display_name: string }[] = await tx.query(`SELECT display_name FROM ${table} WHERE id = $1 AND disabled_at IS NULL`, [account.id]);
    return rows[0]?.display_name;
  }

  // --- participants -------------------------------------------------------------------------

  /**
   * A (re)connect: the row is created on the first join and marked connected with this socket.
   * The supervisor is admitted on join; anyone else keeps the state they had (admitted and not
   * removed → admitted again after a dropped network) or waits.
   */
  async connect(
    tx: Queryable,
    input: { sessionId: string; participantId: string; role: CallRole; displayName: string; socketId: string; now: Date },
  ): Promise<{ participant: CallParticipant; firstJoin: boolean }> {
    const admittedOnJoin = input.role === 'supervisor';
    const rows: (ParticipantRow & { first_join: boolean })[] = await tx.query(
      `INSERT INTO call_participants AS p (session_id, participant_id, role, display_name, state, connected, socket_id, first_joined_at, last_seen_at, admitted_at)
       VALUES ($1, $2, $3, $4, CASE WHEN $7 THEN 'admitted' ELSE 'waiting' END::call_participant_state, true, $5, $6, $6, CASE WHEN $7 THEN $6::timestamptz END)
       ON CONFLICT (session_id, participant_id) DO UPDATE
         SET connected = true, socket_id = $5, last_seen_at = $6, display_name = $4,
             state = CASE WHEN $7 THEN 'admitted'::call_participant_state ELSE p.state END
       RETURNING participant_id, role, display_name, state, connected, (xmax = 0) AS first_join`,
      [input.sessionId, input.participantId, input.role, input.displayName, input.socketId, input.now, admittedOnJoin],
    );
    return { participant: toParticipant(rows[0]), firstJoin: rows[0].first_join };
  }

  /** A socket went away: only the participant's current socket counts (a replaced socket's late disconnect changes nothing). */
  async disconnect(tx: Queryable, sessionId: string, participantId: string, socketId: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `WITH u AS (
         UPDATE call_participants SET connected = false, socket_id = NULL, last_seen_at = $4
          WHERE session_id = $1 AND participant_id = $2 AND socket_id = $3
          RETURNING 1)
       SELECT * FROM u`,
      [sessionId, participantId, socketId, now],
    );
    return rows.length > 0;
  }

  async findParticipant(tx: Queryable, sessionId: string, participantId: string): Promise<CallParticipant | undefined> {
    const rows: ParticipantRow[] = await tx.query(
      `SELECT participant_id, role, display_name, state, connected FROM call_participants WHERE session_id = $1 AND participant_id = $2`,
      [sessionId, participantId],
    );
    return rows[0] && toParticipant(rows[0]);
  }

  async setState(tx: Queryable, sessionId: string, participantId: string, state: ParticipantState, now: Date): Promise<void> {
    await tx.query(
      `UPDATE call_participants
          SET state = $3::call_participant_state,
              admitted_at = CASE WHEN $3::call_participant_state = 'admitted' THEN $4 ELSE admitted_at END,
              removed_at = CASE WHEN $3::call_participant_state = 'waiting' THEN $4 ELSE removed_at END
        WHERE session_id = $1 AND participant_id = $2`,
      [sessionId, participantId, state, now],
    );
  }

  /** Everyone who ever joined, supervisor first. */
  async participants(tx: Queryable, sessionId: string): Promise<CallParticipant[]> {
    const rows: ParticipantRow[] = await tx.query(
      `SELECT participant_id, role, display_name, state, connected FROM call_participants
        WHERE session_id = $1
        ORDER BY CASE role WHEN 'supervisor' THEN 0 WHEN 'counselor' THEN 1 ELSE 2 END, first_joined_at`,
      [sessionId],
    );
    return rows.map(toParticipant);
  }

  /**
   * The pair's running calls, locked. A row locked by a transaction still changing it (e.g. an
   * admission starting the call) is waited for and judged on its committed status.
   */
  async lockRunningOfPair(tx: Queryable, childId: string, guardianId: string): Promise<CallSession[]> {
    const rows: SessionRow[] = await tx.query(
      `SELECT ${SESSION_COLUMNS}, ${LINK_STATUS} FROM sessions s
        WHERE s.child_id = $1 AND s.guardian_id = $2 AND s.status = 'in_call' ORDER BY s.starts_at, s.id FOR UPDATE OF s`,
      [childId, guardianId],
    );
    return rows.map(toSession);
  }

  /** The call is over: nobody is connected any more (their sockets are being closed). */
  async disconnectAll(tx: Queryable, sessionId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE call_participants SET connected = false, socket_id = NULL, last_seen_at = $2 WHERE session_id = $1 AND connected`, [
      sessionId,
      now,
    ]);
  }
}

/** What the lifecycle's guards read from the row (instants as epoch ms). */
export function factsOf(session: CallSession): SessionFacts {
  return {
    kind: session.kind,
    startsAt: session.startsAt.getTime(),
    endsAt: session.endsAt.getTime(),
    assent: session.assent,
    guardianJoinedAt: session.guardianJoinedAt?.getTime() ?? null,
    counselorJoinedAt: session.counselorJoinedAt?.getTime() ?? null,
  };
}

function toSession(row: SessionRow): CallSession {
  return {
    id: row.id,
    hubId: row.hub_id,
    childId: row.child_id,
    guardianId: row.guardian_id,
    supervisorId: row.supervisor_id,
    counselorId: row.counselor_id,
    kind: row.kind,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    checkedInAt: row.checked_in_at,
    assent: row.assent,
    assentReason: row.assent_reason,
    assentAt: row.assent_at,
    guardianJoinedAt: row.guardian_joined_at,
    counselorJoinedAt: row.counselor_joined_at,
    callStartedAt: row.call_started_at,
    callEndedAt: row.call_ended_at,
    endReason: row.end_reason,
    cancelReason: row.cancel_reason,
    linkStatus: row.link_status ?? null,
  };
}

function toParticipant(row: ParticipantRow): CallParticipant {
  return { participantId: row.participant_id, role: row.role, displayName: row.display_name, state: row.state, connected: row.connected };
}
