import { dueSystemEvent, type SessionEvent, type SessionEventType } from '@app/call-lifecycle';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { SessionChanges } from '../realtime/session-changes';
import { CallSession, CallSessionsRepository, factsOf } from './call-sessions.repository';
import { SessionTransitions } from './session-transitions';

/**
 * What the timed jobs share: lock the session, skip it when the job no longer applies (moved,
 * gone), ask the lifecycle what is due now (`dueSystemEvent`), apply it as the system, announce it
 * after commit. Retries and duplicates find nothing due and change nothing.
 */
@Injectable()
export class DueTransitions {
  private readonly logger = new Logger(DueTransitions.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly sessions: CallSessionsRepository,
    private readonly transitions: SessionTransitions,
    private readonly changes: SessionChanges,
    private readonly clock: Clock,
  ) {}

  /** The event applied, or undefined when the job no longer applies or nothing of `accepted` is due. */
  async apply(
    sessionId: string,
    stillPlanned: (session: CallSession) => boolean,
    accepted: readonly SessionEventType[],
  ): Promise<{ session: CallSession; event: SessionEvent } | undefined> {
    const done = await this.transactions.run(async (tx) => {
      const session = await this.sessions.find(tx, sessionId, { lock: true });
      if (!session || !stillPlanned(session)) return undefined;
      const now = this.clock.now();
      const event = dueSystemEvent(session.status, { now: now.toMillis(), session: factsOf(session) });
      if (!event || !accepted.includes(event.type)) return undefined;
      const changed = await this.transitions.apply(tx, session, event, { role: 'system', accountId: null });
      return { session: changed, event };
    });
    if (done) {
      this.logger.log(`session ${sessionId}: ${done.event.type} → ${done.session.status}`);
      await this.changes.changed(sessionId);
    }
    return done;
  }
}
