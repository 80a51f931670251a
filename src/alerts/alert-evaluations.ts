import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { evaluate, evaluateDecline, Finding } from '@app/distress-rules';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { JobQueue, SendOptions } from '../jobs/job-queue.service';
import { JobPayloads } from '../jobs/job-queues';
import { NotificationsService } from '../notifications/notifications.service';
import { EvaluationContext, AlertHistoryRepository } from './alert-history.repository';
import { AlertNotice, AlertNotices } from './alert-notices';
import { AlertSettings, HubAlertSettings } from './alert-settings';
import { AlertsRepository, toAlertView } from './alerts.repository';
import { ruleLabel, whenInZone } from './alert-wording';

export type EvaluationSubject = JobPayloads['alert.evaluate'];
export type EvaluationOutcome = 'evaluated' | 'already_evaluated' | 'not_applicable';

const RETRIES: SendOptions = { retryLimit: 10, retryDelay: 5, retryBackoff: true };
/** The durable job waits this long: normally the in-process run has done the work by then. */
const FALLBACK_DELAY_SECONDS = 30;

/**
 * Runs the distress rules for a check or a decline and applies the findings to alerts. The
 * caller's transaction queues a durable job (`queueForCheck`, `queueForDecline`); after its commit
 * the same process runs the evaluation at once (`evaluateNow`) for a prompt notice. Whichever runs
 * first inserts the subject's row in alert_evaluations; the other finds it and does nothing.
 */
@Injectable()
export class AlertEvaluations implements OnApplicationBootstrap {
  private readonly logger = new Logger(AlertEvaluations.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly transactions: Transactions,
    private readonly history: AlertHistoryRepository,
    private readonly alerts: AlertsRepository,
    private readonly settings: AlertSettings,
    private readonly notices: AlertNotices,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('alert.evaluate', async (job) => void (await this.evaluate(job.data)), { batchSize: 5 });
  }

  /** On the transaction that stores the check. Follow with `evaluateNow` after the commit. */
  async queueForCheck(tx: EntityManager, checkId: string): Promise<void> {
    await this.jobs.send(tx, 'alert.evaluate', { subject: 'check', id: checkId }, {
      ...RETRIES,
      singletonKey: `check/${checkId}`,
      startAfter: FALLBACK_DELAY_SECONDS,
    });
  }

  /**
   * On the transaction that records a decline (assent `not_today`/`no` → session `declined`), so
   * a run of declines is noticed even when no wellbeing check follows. The job runs at once on a
   * worker; a caller that wants the notice sooner may also call `evaluateNow({subject: 'decline', id})` after its commit.
   */
  async queueForDecline(tx: EntityManager, sessionId: string): Promise<void> {
    await this.jobs.send(tx, 'alert.evaluate', { subject: 'decline', id: sessionId }, { ...RETRIES, singletonKey: `decline/${sessionId}` });
  }

  /** The in-process run after a commit. A failure is logged: the durable job is still queued. */
  async evaluateNow(subject: EvaluationSubject): Promise<EvaluationOutcome | 'failed'> {
    try {
      return await this.evaluate(subject);
    } catch (error) {
      this.logger.warn(`evaluation of ${subject.subject} ${subject.id} failed; the queued job will retry: ${error instanceof Error ? error.message : String(error)}`);
      return 'failed';
    }
  }

  async evaluate(subject: EvaluationSubject): Promise<EvaluationOutcome> {
    let notices: (AlertNotice | null)[] = [];
    const outcome = await this.transactions.run(async (tx) => {
      notices = [];
      const now = this.clock.now().toJSDate();
      // The claim: concurrent evaluations of one subject queue on this row; the loser sees it and stops.
      const claimed: unknown[] = await tx.query(
        `INSERT INTO alert_evaluations (subject_type, subject_id, evaluated_at, findings) VALUES ($1, $2, $3, 0)
         ON CONFLICT DO NOTHING RETURNING subject_id`,
        [subject.subject, subject.id, now],
      );
      if (claimed.length === 0) return 'already_evaluated' as const;
      const found = await this.findings(tx, subject, now);
      if (!found) return 'not_applicable' as const;
      for (const finding of found.findings) notices.push(await this.apply(tx, finding, found.context, found.hub, now));
      await tx.query(`UPDATE alert_evaluations SET findings = $3 WHERE subject_type = $1 AND subject_id = $2`, [subject.subject, subject.id, found.findings.length]);
      return 'evaluated' as const;
    });
    this.notices.emit(notices.filter((n): n is AlertNotice => n !== null));
    return outcome;
  }

  private async findings(
    tx: EntityManager,
    subject: EvaluationSubject,
    now: Date,
  ): Promise<{ findings: Finding[]; context: EvaluationContext; hub: HubAlertSettings } | undefined> {
    if (subject.subject === 'check') {
      const loaded = await this.history.check(tx, subject.id);
      if (!loaded) return undefined;
      const hub = await this.settings.forHub(tx, loaded.context.hubId);
      const history = await this.history.history(tx, loaded.context.childId, new Date(loaded.check.at), loaded.sessionStartsAt, hub.settings);
      const findings = evaluate(loaded.check, history, hub.settings, now.getTime(), { timeZone: loaded.context.hubTimeZone });
      return { findings, context: loaded.context, hub };
    }
    const loaded = await this.history.declinedSession(tx, subject.id);
    if (!loaded) return undefined;
    const hub = await this.settings.forHub(tx, loaded.context.hubId);
    const history = await this.history.history(tx, loaded.context.childId, now, new Date(loaded.session.startsAt), hub.settings);
    const findings = evaluateDecline(loaded.session, history, hub.settings, now.getTime(), { timeZone: loaded.context.hubTimeZone });
    return { findings, context: loaded.context, hub };
  }

  /** A finding opens an alert, or joins the child's live alert for that rule when it brings new evidence. */
  private async apply(tx: EntityManager, finding: Finding, context: EvaluationContext, hub: HubAlertSettings, now: Date): Promise<AlertNotice | null> {
    let live = await this.alerts.findLive(tx, finding.childId, finding.ruleId);
    if (!live) {
      const owner = await this.alerts.nextOwner(tx, context.hubId, context.childCounselorId);
      const dueBy = DateTime.fromJSDate(now).plus({ hours: hub.slaHours[finding.severity] }).toJSDate();
      const id = await this.alerts.insert(tx, {
        finding,
        hubId: context.hubId,
        settings: hub.settings,
        settingsVersion: hub.version,
        assignedCounselorId: owner,
        dueBy,
        at: now,
      });
      if (id) {
        await this.alerts.addEvidence(tx, id, finding.evidence, now);
        await this.jobs.send(tx, 'alert.escalate', { alertId: id }, { ...RETRIES, startAfter: dueBy, singletonKey: id });
        const alert = (await this.alerts.find(tx, id))!;
        await this.audit.record(tx, {
          action: 'alert.create',
          objectType: 'alert',
          objectId: id,
          childId: alert.child_id,
          hubId: alert.hub_id,
          details: { rule: finding.ruleId, ruleVersion: finding.ruleVersion, severity: finding.severity, settingsVersion: hub.version, assignedCounselorId: owner },
        });
        if (owner) {
          await this.notifications.enqueue(tx, {
            recipient: { type: 'user', id: owner },
            template: 'alert_raised',
            params: { alertId: id, childName: alert.child_name, rule: ruleLabel(finding.ruleId), severity: finding.severity, dueBy: whenInZone(dueBy, context.hubTimeZone) },
          });
        }
        return { event: 'alert.created', alert: toAlertView(alert) };
      }
      // A concurrent evaluation of another subject opened it first: join that one.
      live = await this.alerts.findLive(tx, finding.childId, finding.ruleId);
      if (!live) throw new Error(`alert for child ${finding.childId} and rule ${finding.ruleId} vanished`);
    }
    const added = await this.alerts.addEvidence(tx, live.id, finding.evidence, now);
    if (added === 0) return null;
    await this.alerts.joinEvidence(tx, live.id, finding.reason, now);
    await this.audit.record(tx, {
      action: 'alert.evidence_add',
      objectType: 'alert',
      objectId: live.id,
      childId: live.child_id,
      hubId: live.hub_id,
      details: { rule: finding.ruleId, added, checkIds: finding.evidence.checkIds, sessionIds: finding.evidence.sessionIds },
    });
    return { event: 'alert.updated', alert: toAlertView((await this.alerts.find(tx, live.id))!) };
  }
}
