import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JobPayloads } from '../jobs/job-queues';
import { JobQueue } from '../jobs/job-queue.service';
import { DueTransitions } from './due-transitions';

export type NoShowOutcome = 'marked' | 'not_applicable';

/**
 * `session.no-show-check`, due at start + 10 min (planned by SessionJobs): whatever no-show the
 * lifecycle says is due then — a session never checked in becomes `no_show_child` (this wins: when
 * neither came, the parent is not recorded as the one who missed it; the guardian gets a gentle
 * note); a checked-in session whose guardian never joined becomes `no_show_guardian` (the
 * supervisor is told). A guardian who joined, a moved or a finished session: nothing.
 */
@Injectable()
export class NoShowJob implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobQueue,
    private readonly due: DueTransitions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('session.no-show-check', async (job) => void (await this.run(job.data)), { batchSize: 5 });
  }

  async run(job: JobPayloads['session.no-show-check']): Promise<NoShowOutcome> {
    const startsAt = Date.parse(job.startsAt);
    const done = await this.due.apply(job.sessionId, (session) => session.startsAt.getTime() === startsAt, ['mark_no_show_child', 'mark_no_show_guardian']);
    return done ? 'marked' : 'not_applicable';
  }
}
