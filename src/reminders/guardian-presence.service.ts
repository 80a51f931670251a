import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { Transactions } from '../database/transaction';
import { GuardianJoinedDto } from './dto/guardian-joined.dto';
import { SessionFactsRepository } from './session-facts.repository';

/** The guardian may be reported as joined from when check-in opens until the scheduled end. */
const JOIN_OPENS_BEFORE = { minutes: 30 };
const JOINABLE = new Set(['booked', 'checked_in', 'in_call']);

/**
 * Whether the guardian joined the call, which decides the no-show at start + 10 min. The /calls
 * namespace calls `markGuardianJoined` on the guardian's first connection (the waiting room
 * counts); staff may also report it through POST /sessions/:id/guardian-joined.
 */
@Injectable()
export class GuardianPresenceService {
  constructor(
    private readonly transactions: Transactions,
    private readonly facts: SessionFactsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The staff route: scope, then the transition, audited. */
  reportJoined(actor: Actor, sessionId: string): Promise<GuardianJoinedDto> {
    return this.transactions.run(async (tx) => {
      const session = await this.facts.find(tx, sessionId, { lock: true });
      if (!session || !canSeeHub(actor, session.hubId)) throw notFound('Session');
      const result = await this.markGuardianJoined(tx, sessionId);
      await this.audit.record(tx, {
        action: 'session.guardian_joined',
        objectType: 'session',
        objectId: sessionId,
        childId: session.childId,
        hubId: session.hubId,
        details: { changed: result.changed },
      });
      return { sessionId, status: session.status, guardianJoinedAt: result.guardianJoinedAt.toISOString() };
    });
  }

  /**
   * Records that the guardian joined; idempotent (a second report keeps the first time). Refuses
   * with INVALID_TRANSITION outside the session's window or once it can no longer happen (e.g.
   * already a no-show or cancelled). Runs on the caller's transaction; the caller audits.
   */
  async markGuardianJoined(tx: EntityManager, sessionId: string): Promise<{ guardianJoinedAt: Date; changed: boolean }> {
    const session = await this.facts.find(tx, sessionId, { lock: true });
    if (!session) throw notFound('Session');
    if (session.guardianJoinedAt) return { guardianJoinedAt: session.guardianJoinedAt, changed: false };
    if (!JOINABLE.has(session.status)) {
      throw new DomainError('INVALID_TRANSITION', `The guardian cannot join a session that is ${session.status}`, {
        currentStatus: session.status,
      });
    }
    const now = this.clock.now();
    const opens = DateTime.fromJSDate(session.startsAt).minus(JOIN_OPENS_BEFORE);
    if (now < opens || now >= DateTime.fromJSDate(session.endsAt)) {
      throw new DomainError('INVALID_TRANSITION', 'The guardian can join only from 30 minutes before the start until the scheduled end', {
        currentStatus: session.status,
      });
    }
    const joinedAt = await this.facts.markGuardianJoined(tx, sessionId, now.toJSDate());
    if (!joinedAt) throw new DomainError('INVALID_TRANSITION', 'The session can no longer be joined', { currentStatus: session.status });
    return { guardianJoinedAt: joinedAt, changed: true };
  }
}
