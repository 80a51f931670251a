// Builders for the specs. Not exported by index.ts.
import { DateTime } from 'luxon';
import type { AnsweredCheck, CheckedSessionOutcome, Face, Observation, SkippedCheck, SkipReason } from './instrument';
import type { History, SessionOutcome, SessionRecord } from './timeline';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Epoch ms of a local time in a zone (Shanghai unless told). */
export function at(isoLocal: string, zone = 'Asia/Shanghai'): number {
  const dt = DateTime.fromISO(isoLocal, { zone });
  if (!dt.isValid) throw new Error(`bad fixture time ${isoLocal}`);
  return dt.toMillis();
}

/** Wednesday 25 Nov 2026, 16:00 in Shanghai: "now" in the tables. */
export const NOW = at('2026-11-25T16:00');

export interface CheckSpec {
  id?: string;
  childId?: string;
  sessionId?: string;
  at?: number;
  outcome?: CheckedSessionOutcome;
  feelingNow?: Face;
  callFeeling?: Face | null;
  thermometer?: number;
  wantsToTalk?: boolean;
  observation?: Observation | null;
}

/** Calm answers unless told: faces 4, thermometer 1. */
export function answered(spec: CheckSpec = {}): AnsweredCheck {
  const id = spec.id ?? 'k1';
  const outcome = spec.outcome ?? 'completed';
  return {
    id,
    childId: spec.childId ?? 'child-1',
    sessionId: spec.sessionId ?? `s-${id}`,
    sessionOutcome: outcome,
    at: spec.at ?? NOW,
    observation: spec.observation ?? null,
    status: 'answered',
    instrumentVersion: 1,
    answers: {
      feelingNow: spec.feelingNow ?? 4,
      callFeeling: spec.callFeeling !== undefined ? spec.callFeeling : outcome === 'declined' ? null : 4,
      thermometer: spec.thermometer ?? 1,
      wantsToTalk: spec.wantsToTalk ?? false,
    },
  };
}

export function skipped(spec: CheckSpec & { skipReason?: SkipReason } = {}): SkippedCheck {
  const id = spec.id ?? 'k1';
  return {
    id,
    childId: spec.childId ?? 'child-1',
    sessionId: spec.sessionId ?? `s-${id}`,
    sessionOutcome: spec.outcome ?? 'completed',
    at: spec.at ?? NOW,
    observation: spec.observation ?? null,
    status: 'skipped',
    skipReason: spec.skipReason ?? 'no_time',
  };
}

export function session(id: string, startsAt: number, outcome: SessionOutcome, childId = 'child-1'): SessionRecord {
  return { id, childId, startsAt, outcome };
}

/** Mild distress: thermometer at the paediatric cut-off. */
export const MILD = { thermometer: 3 } as const;
export const HIGH = { thermometer: 8 } as const;
export const CALM = { thermometer: 1, feelingNow: 4, callFeeling: 4 } as const;

export const noHistory: History = { checks: [], sessions: [] };
