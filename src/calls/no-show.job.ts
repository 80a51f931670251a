import { dueSystemEvent } from '@app/call-lifecycle';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { JobPayloads } from '../jobs/job-queues';
import { JobQueue } from '../jobs/job-queue.service';
import { SessionChanges } from '../realtime/session-changes';
import { CallSessionsRepository, factsOf } from './call-sessions.repository';
import { SessionTransitions } from './session-transitions';

export type NoShowOutcome = 'marked' | 'not_applicable';

/**
 * `session.no-show-check`, due at start + 10 min (planned by SessionJobs): whatever no-show the
 * lifecycle says is due then (`dueSystemEvent`), through SessionTransitions like every other
 * change — a session never checked in becomes `no_show_child` (this wins: when neither came, the
 * parent is not recorded as the one who missed it; the guardian gets a gentle note); a checked-in
 * session whose guardian never joined becomes `no_show_guardian` (the supervisor is told). A
 * guardian who joined, a moved or a finished session: nothing, so retries change nothing.
 */
@Injectable()
export class NoShowJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(NoShowJob.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly transactions: Transactions,
    private readonly sessions: CallSessionsRepository,
    private readonly transitions: SessionTransitions,
    private readonly changes: SessionChanges,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('session.no-show-check', async (job) => void (await this.run(job.data)), { batchSize: 5 });
  }

  async run(job: JobPayloads['session.no-show-check']): Promise<NoShowOutcome> {
    const marked = await this.transactions.run(async (tx) => {
      const session = await this.sessions.find(tx, job.sessionId, { lock: true });
      if (!session || session.startsAt.getTime() !== Date.parse(job.startsAt)) return undefined;
      const event = dueSystemEvent(session.status, { now: this.clock.now().toMillis(), session: factsOf(session) });
      if (event?.type !== 'mark_no_show_child' && event?.type !== 'mark_no_show_guardian') return undefined;
      return this.transitions.apply(tx, session, event, { role: 'system', accountId: null });
    });
    if (!marked) return 'not_applicable';
    this.logger.log(`session ${marked.id}: marked ${marked.status}`);
    await this.changes.changed(marked.id);
    return 'marked';
  }
}
