import { joinVerdict } from '@app/call-lifecycle';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { SessionFactsRepository } from './session-facts.repository';

/**
 * Whether the guardian joined the call, which decides the no-show at start + 10 min. The /calls
 * room calls `markGuardianJoined` when the guardian's socket first joins.
 */
@Injectable()
export class GuardianPresenceService {
  constructor(
    private readonly facts: SessionFactsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Records that the guardian joined; idempotent (a second report keeps the first time). Refuses
   * with INVALID_TRANSITION outside the session's window or once it can no longer happen (e.g.
   * already a no-show or cancelled). Runs on the caller's transaction; the caller audits.
   */
  async markGuardianJoined(tx: EntityManager, sessionId: string): Promise<{ guardianJoinedAt: Date; changed: boolean }> {
    const session = await this.facts.find(tx, sessionId, { lock: true });
    if (!session) throw notFound('Session');
    if (session.guardianJoinedAt) return { guardianJoinedAt: session.guardianJoinedAt, changed: false };
    const now = this.clock.now();
    const verdict = joinVerdict(session.status, { now: now.toMillis(), session: { startsAt: session.startsAt.getTime(), endsAt: session.endsAt.getTime() } });
    if (!verdict.ok) {
      throw new DomainError(
        'INVALID_TRANSITION',
        verdict.reason === 'status'
          ? `The guardian cannot join a session that is ${session.status}`
          : 'The guardian can join only from 30 minutes before the start until the scheduled end',
        { currentStatus: session.status },
      );
    }
    const joinedAt = await this.facts.markGuardianJoined(tx, sessionId, now.toJSDate());
    if (!joinedAt) throw new DomainError('INVALID_TRANSITION', 'The session can no longer be joined', { currentStatus: session.status });
    return { guardianJoinedAt: joinedAt, changed: true };
  }
}
