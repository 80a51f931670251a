import { type ActorRole, type LifecycleEffect, type SessionEvent, transition } from '@app/call-lifecycle';
import type { CallEndedReason } from '@app/realtime-protocol';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { notFound } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { NotificationsService } from '../notifications/notifications.service';
import { notifyGuardianCallOutcome } from '../reminders/guardian-call-notices';
import { SessionFactsRepository } from '../reminders/session-facts.repository';
import { SessionNotices } from '../reminders/session-notices';
import { CallSession, CallSessionsRepository, factsOf, SessionChangeColumns } from './call-sessions.repository';
import { lifecycleError } from './lifecycle-errors';

/**
 * Who triggers a transition: the lifecycle role, the account (null for the system), and the actor
 * for the audit row when there is no HTTP request around (sockets).
 */
export interface TransitionBy {
  role: ActorRole;
  accountId: string | null;
  actor?: Actor;
}

const CALL_END_RETRIES = { retryLimit: 5, retryDelay: 30, retryBackoff: true };

/**
 * Every status change of a call goes through here: `transition()` of @app/call-lifecycle judges
 * it, then its effects become columns, jobs and outbox messages on the caller's transaction, with
 * an audit row. The caller holds the row lock (FOR UPDATE) and announces the change after commit.
 */
@Injectable()
export class SessionTransitions {
  constructor(
    private readonly sessions: CallSessionsRepository,
    private readonly facts: SessionFactsRepository,
    private readonly notices: SessionNotices,
    private readonly notifications: NotificationsService,
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async apply(tx: EntityManager, session: CallSession, event: SessionEvent, by: TransitionBy): Promise<CallSession> {
    const now = this.clock.now();
    const result = transition(session.status, event, { now: now.toMillis(), role: by.role, session: factsOf(session) });
    if (!result.ok) throw lifecycleError(result);

    const columns = columnsOf(result.effects, event, by);
    const after = await this.sessions.change(tx, session.id, session.status, result.next, columns, now.toJSDate());
    // The caller holds the row lock, so the status cannot have moved since it was read.
    if (!after) throw new Error(`session ${session.id} left ${session.status} while locked`);

    // A call that ended leaves nobody connected: everyone's presence is cleared with it.
    if (columns.call_ended_at) await this.sessions.disconnectAll(tx, after.id, columns.call_ended_at);
    for (const effect of result.effects) {
      if (effect.type === 'schedule_call_end') await this.scheduleCallEnd(tx, after);
      if (effect.type === 'notify') await this.notify(tx, after, event, effect.notice);
    }
    await this.audit.record(tx, {
      action: `session.${event.type}`,
      objectType: 'session',
      objectId: after.id,
      childId: after.childId,
      hubId: after.hubId,
      actor: by.actor,
      details: {
        from: session.status,
        to: after.status,
        ...(event.type === 'record_assent' ? { response: event.response, reason: after.assentReason } : {}),
        ...(event.type === 'end_call' ? { endReason: after.endReason } : {}),
        ...(by.role === 'system' ? { by: 'system' } : {}),
      },
    });
    return after;
  }

  /**
   * The job that closes the session at its scheduled end (a call that started late still ends on
   * time; a checked-in session that never started is closed). One queued job per session and end.
   */
  async scheduleCallEnd(tx: EntityManager, session: Pick<CallSession, 'id' | 'endsAt'>): Promise<void> {
    const endsAt = session.endsAt.toISOString();
    await this.jobs.send(tx, 'session.call-end', { sessionId: session.id, endsAt }, { ...CALL_END_RETRIES, startAfter: session.endsAt, singletonKey: `${session.id}/${endsAt}` });
  }

  private async notify(tx: EntityManager, session: CallSession, event: SessionEvent, notice: 'child_not_ready_today' | 'session_cancelled' | 'call_missed'): Promise<void> {
    switch (notice) {
      case 'child_not_ready_today':
        return void (await notifyGuardianCallOutcome(this.notifications, tx, await this.factsOf(tx, session.id), 'child_not_ready_today'));
      case 'session_cancelled':
        return this.notices.cancelled(tx, session.id, session.cancelReason ?? '');
      case 'call_missed':
        if (event.type === 'mark_no_show_child') {
          return void (await notifyGuardianCallOutcome(this.notifications, tx, await this.factsOf(tx, session.id), 'call_not_held'));
        }
        return this.notices.guardianNoShow(tx, session.id);
    }
  }

  private async factsOf(tx: EntityManager, sessionId: string) {
    const facts = await this.facts.find(tx, sessionId);
    if (!facts) throw notFound('Session');
    return facts;
  }
}

function columnsOf(effects: readonly LifecycleEffect[], event: SessionEvent, by: TransitionBy): SessionChangeColumns {
  const columns: SessionChangeColumns = {};
  for (const effect of effects) {
    switch (effect.type) {
      case 'stamp':
        if (effect.field === 'checkedInAt') columns.checked_in_at = new Date(effect.at);
        if (effect.field === 'callStartedAt') columns.call_started_at = new Date(effect.at);
        if (effect.field === 'callEndedAt') {
          columns.call_ended_at = new Date(effect.at);
          columns.end_reason = endReasonOf(event, by.role);
        }
        break;
      case 'save_assent':
        columns.assent = effect.response;
        columns.assent_reason = effect.reason;
        columns.assent_at = new Date(effect.at);
        columns.assent_recorded_by = by.accountId;
        break;
      case 'save_cancellation':
        columns.cancel_reason = effect.reason;
        columns.cancelled_by = by.accountId;
        columns.cancelled_at = new Date(effect.at);
        break;
      case 'schedule_call_end':
      case 'notify':
      case 'open_wellbeing_check':
        break;
    }
  }
  return columns;
}

/** Why an ended call ended: the event's own reason (an early end by the system), else who ended it. */
function endReasonOf(event: SessionEvent, role: ActorRole): CallEndedReason {
  if (event.type === 'end_call' && event.reason) return event.reason;
  return role === 'system' ? 'scheduled_end' : role === 'counselor' ? 'ended_by_counselor' : 'ended_by_supervisor';
}
