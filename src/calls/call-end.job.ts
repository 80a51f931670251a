import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JobPayloads } from '../jobs/job-queues';
import { JobQueue } from '../jobs/job-queue.service';
import { DueTransitions } from './due-transitions';

export type CallEndOutcome = 'ended' | 'cancelled' | 'marked' | 'not_applicable';

/**
 * `session.call-end`, due at the scheduled end: whatever the lifecycle says is due then — a
 * running call ends (even one that started late), a checked-in session that never started is
 * cancelled. A moved or finished session makes the job do nothing.
 */
@Injectable()
export class CallEndJob implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobQueue,
    private readonly due: DueTransitions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('session.call-end', async (job) => void (await this.run(job.data)), { batchSize: 5 });
  }

  async run(job: JobPayloads['session.call-end']): Promise<CallEndOutcome> {
    const endsAt = Date.parse(job.endsAt);
    const done = await this.due.apply(job.sessionId, (session) => session.endsAt.getTime() === endsAt, [
      'end_call',
      'cancel',
      'mark_no_show_child',
      'mark_no_show_guardian',
    ]);
    if (!done) return 'not_applicable';
    return done.event.type === 'end_call' ? 'ended' : done.event.type === 'cancel' ? 'cancelled' : 'marked';
  }
}
