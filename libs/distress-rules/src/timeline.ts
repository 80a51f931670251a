import type { WellbeingCheck } from './instrument';
import { type ScoredCheck, scoreAnswers } from './scoring';
import type { ScoringSettings } from './settings';

/** How a finished session ended. In-progress sessions are not history yet. */
export type SessionOutcome = 'completed' | 'declined' | 'cancelled' | 'no_show_guardian' | 'no_show_child';

export interface SessionRecord {
  readonly id: string;
  readonly childId: string;
  readonly startsAt: number;
  readonly outcome: SessionOutcome;
}

/** What the caller knows about the past. May hold other children's rows: they are ignored. */
export interface History {
  readonly checks: readonly WellbeingCheck[];
  readonly sessions: readonly SessionRecord[];
}

/** One child's past up to and including the check being evaluated, oldest first. */
export interface ChildTimeline {
  readonly current: WellbeingCheck;
  /** The current check's score, or null when it was skipped. */
  readonly currentScored: ScoredCheck | null;
  readonly checks: readonly WellbeingCheck[];
  /** Answered checks only, scored with the current settings. */
  readonly scored: readonly ScoredCheck[];
  readonly sessions: readonly SessionRecord[];
}

/**
 * Build the timeline. The evaluated check replaces any history row with its id, and
 * anything ordered after it (a later check, a later session) is left out, so evaluating
 * an old check again gives the same answer. Order is (time, id): input order never matters.
 * Distress is recomputed from the answers, so one settings version applies to every check.
 */
export function childTimeline(current: WellbeingCheck, history: History, scoring: ScoringSettings): ChildTimeline {
  const checks = [...history.checks.filter((c) => c.childId === current.childId && c.id !== current.id), current]
    .filter((c) => compare(c.at, c.id, current.at, current.id) <= 0)
    .sort((a, b) => compare(a.at, a.id, b.at, b.id));
  const scored = checks.flatMap((check) => (check.status === 'answered' ? [{ check, ...scoreAnswers(check.answers, scoring, check.observation) }] : []));

  const recorded = history.sessions.find((s) => s.childId === current.childId && s.id === current.sessionId);
  const sessions = sessionsUpTo(
    { id: current.sessionId, childId: current.childId, startsAt: recorded?.startsAt ?? current.at, outcome: current.sessionOutcome },
    history,
  );

  const currentScored = current.status === 'answered' ? (scored.find((s) => s.check.id === current.id) ?? null) : null;
  return { current, currentScored, checks, scored, sessions };
}

/**
 * The child's sessions up to and including `current` (which replaces the history row with
 * its id: the session's latest outcome wins), oldest first.
 */
export function sessionsUpTo(current: SessionRecord, history: History): SessionRecord[] {
  return [...history.sessions.filter((s) => s.childId === current.childId && s.id !== current.id), current]
    .filter((s) => compare(s.startsAt, s.id, current.startsAt, current.id) <= 0)
    .sort((a, b) => compare(a.startsAt, a.id, b.startsAt, b.id));
}

function compare(atA: number, idA: string, atB: number, idB: string): number {
  if (atA !== atB) return atA - atB;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}
