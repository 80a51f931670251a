import { dueSystemEvent } from '@app/call-lifecycle';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { JobPayloads } from '../jobs/job-queues';
import { JobQueue } from '../jobs/job-queue.service';
import { SessionChanges } from '../realtime/session-changes';
import { CallSessionsRepository, factsOf } from './call-sessions.repository';
import { SessionTransitions } from './session-transitions';

export type CallEndOutcome = 'ended' | 'cancelled' | 'marked' | 'not_applicable';

/**
 * `session.call-end`, due at the scheduled end: whatever the lifecycle says is due then
 * (`dueSystemEvent`) — a running call ends (even one that started late), a checked-in session
 * that never started is cancelled. A moved or finished session makes the job do nothing.
 */
@Injectable()
export class CallEndJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(CallEndJob.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly transactions: Transactions,
    private readonly sessions: CallSessionsRepository,
    private readonly transitions: SessionTransitions,
    private readonly changes: SessionChanges,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('session.call-end', async (job) => void (await this.run(job.data)), { batchSize: 5 });
  }

  async run(job: JobPayloads['session.call-end']): Promise<CallEndOutcome> {
    const outcome = await this.transactions.run(async (tx): Promise<CallEndOutcome> => {
      const session = await this.sessions.find(tx, job.sessionId, { lock: true });
      if (!session || session.endsAt.getTime() !== Date.parse(job.endsAt)) return 'not_applicable';
      const now = this.clock.now();
      const event = dueSystemEvent(session.status, { now: now.toMillis(), session: factsOf(session) });
      if (!event) return 'not_applicable';
      await this.transitions.apply(tx, session, event, { role: 'system', accountId: null, endReason: 'scheduled_end' });
      if (event.type === 'end_call') await this.sessions.disconnectAll(tx, session.id, now.toJSDate());
      return event.type === 'end_call' ? 'ended' : event.type === 'cancel' ? 'cancelled' : 'marked';
    });
    if (outcome !== 'not_applicable') {
      this.logger.log(`session ${job.sessionId}: ${outcome} at the scheduled end`);
      await this.changes.changed(job.sessionId);
    }
    return outcome;
  }
}
