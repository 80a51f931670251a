import { Injectable } from '@nestjs/common';
import type { AnswersV1, CheckedSessionOutcome, Distress, Observation, SkipReason } from '@app/distress-rules';
import type { Queryable } from '../children/child-scope';

export interface SessionForCheck {
  id: string;
  hubId: string;
  childId: string;
  guardianId: string;
  status: string;
}

export interface NewCheck {
  session: SessionForCheck;
  outcome: CheckedSessionOutcome;
  answers: AnswersV1 | null;
  skipReason: SkipReason | null;
  observation: Observation | null;
  score: number | null;
  distress: Distress | null;
  instrumentVersion: number;
  recordedBy: string;
  recordedAt: Date;
}

export interface CheckRow {
  id: string;
  session_id: string;
  child_id: string;
  session_outcome: CheckedSessionOutcome;
  status: 'answered' | 'skipped';
  instrument_version: number;
  feeling_now: number | null;
  call_feeling: number | null;
  thermometer: number | null;
  wants_to_talk: boolean | null;
  skip_reason: SkipReason | null;
  distress_seen: boolean | null;
  safety_concern: boolean | null;
  observation_note: string | null;
  score: string | null;
  distress: Distress | null;
  recorded_by: string;
  recorded_at: Date;
}

@Injectable()
export class WellbeingChecksRepository {
  /** The session, locked: two submissions for one session queue here and the second sees the first's check. */
  async lockSession(tx: Queryable, sessionId: string): Promise<SessionForCheck | undefined> {
    const rows: { id: string; hub_id: string; child_id: string; guardian_id: string; status: string }[] = await tx.query(
      `SELECT id, hub_id, child_id, guardian_id, status::text AS status FROM sessions WHERE id = $1 FOR UPDATE`,
      [sessionId],
    );
    const row = rows[0];
    return row && { id: row.id, hubId: row.hub_id, childId: row.child_id, guardianId: row.guardian_id, status: row.status };
  }

  async existsFor(tx: Queryable, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM wellbeing_checks WHERE session_id = $1`, [sessionId]);
    return rows.length > 0;
  }

  async insert(tx: Queryable, check: NewCheck): Promise<CheckRow> {
    const a = check.answers;
    const o = check.observation;
    const rows: CheckRow[] = await tx.query(
      `INSERT INTO wellbeing_checks (session_id, child_id, hub_id, session_outcome, status, instrument_version, feeling_now, call_feeling,
                                     thermometer, wants_to_talk, skip_reason, distress_seen, safety_concern, observation_note, score,
                                     distress, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       RETURNING *`,
      [
        check.session.id, check.session.childId, check.session.hubId, check.outcome, a ? 'answered' : 'skipped', check.instrumentVersion,
        a?.feelingNow ?? null, a?.callFeeling ?? null, a?.thermometer ?? null, a?.wantsToTalk ?? null, check.skipReason,
        o?.distressSeen ?? null, o?.safetyConcern ?? null, o?.note ?? null, check.score, check.distress, check.recordedBy, check.recordedAt,
      ],
    );
    return rows[0];
  }
}
