import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CallSessionsRepository } from './call-sessions.repository';
import { SessionTransitions } from './session-transitions';

/**
 * A revoked child–guardian link ends the pair's running call at once, on the revoking transaction
 * (`link_revoked`; the room hears `ended` and is closed once the caller announces the change). The
 * sessions that have not taken place are cancelled by the caller (SessionsService.cancelFuture)
 * first: a checked-in row an admission is starting is waited for there, then found running here.
 */
@Injectable()
export class RevokedLinkCalls {
  constructor(
    private readonly sessions: CallSessionsRepository,
    private readonly transitions: SessionTransitions,
  ) {}

  /** The ids of the calls ended. */
  async endRunning(tx: EntityManager, pair: { childId: string; guardianId: string }): Promise<string[]> {
    const ended: string[] = [];
    for (const session of await this.sessions.lockRunningOfPair(tx, pair.childId, pair.guardianId)) {
      await this.transitions.apply(tx, session, { type: 'end_call', reason: 'link_revoked' }, { role: 'system', accountId: null });
      ended.push(session.id);
    }
    return ended;
  }
}
