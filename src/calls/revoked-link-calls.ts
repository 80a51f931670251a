import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { CallSessionsRepository } from './call-sessions.repository';
import { SessionTransitions } from './session-transitions';

/**
 * What a revoked child–guardian link does to the pair's call of the moment, on the revoking
 * transaction (the sessions still to come are cancelled by the caller with the rest): a running
 * call ends at once (`link_revoked`, everyone's presence cleared; the room hears `ended` and is
 * closed once the caller announces the change), and a session checked in whose call has not
 * started is cancelled with `cancelReason`. The rows are locked, so an admission racing the
 * revocation either started the call first (it is ended here) or finds the session cancelled.
 */
@Injectable()
export class RevokedLinkCalls {
  constructor(
    private readonly sessions: CallSessionsRepository,
    private readonly transitions: SessionTransitions,
    private readonly clock: Clock,
  ) {}

  /** The ids of the sessions ended or cancelled. */
  async close(tx: EntityManager, pair: { childId: string; guardianId: string }, cancelReason: string): Promise<string[]> {
    const closed: string[] = [];
    for (const id of await this.sessions.lockCurrentOfPair(tx, pair.childId, pair.guardianId)) {
      const session = await this.sessions.find(tx, id);
      if (session?.status === 'in_call') {
        await this.transitions.apply(tx, session, { type: 'end_call', reason: 'link_revoked' }, { role: 'system', accountId: null, endReason: 'link_revoked' });
        await this.sessions.disconnectAll(tx, id, this.clock.now().toJSDate());
      } else if (session?.status === 'checked_in') {
        await this.transitions.apply(tx, session, { type: 'cancel', reason: cancelReason }, { role: 'system', accountId: null });
      } else {
        continue;
      }
      closed.push(id);
    }
    return closed;
  }
}
