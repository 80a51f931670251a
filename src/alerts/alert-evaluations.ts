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
import { AlertRow, AlertsRepository, toAlertView } from './alerts.repository';
import { ruleLabel, whenInZone } from './alert-wording';

export type EvaluationSubject = JobPayloads['alert.evaluate'];
export type EvaluationOutcome = 'evaluated' | 'already_evaluated' | 'not_applicable';

/** How the alert jobs (evaluate, escalate) retry. */
export const ALERT_JOB_RETRIES: SendOptions = { retryLimit: 10, retryDelay: 5, retryBackoff: true };
/** The durable job waits this long: normally the evaluation committed with its subject and the job finds it done. */
const FALLBACK_DELAY_SECONDS = 30;

/**
 * Runs the distress rules for a check or a decline and applies the findings to alerts. The
 * caller's transaction queues a durable job (`queue`) and evaluates at
 * once in a savepoint (`evaluateWithin`), so the alert commits with its subject and the counselor
 * hears of it right after the commit. Whichever runs first inserts the subject's row in
 * alert_evaluations; the other finds it and does nothing — the job only matters when the
 * in-transaction evaluation failed.
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

  /**
   * The durable job, on the transaction that stores the subject: a check, or a decline (assent
   * `not_today`/`no` → session `declined`, so a run of declines is noticed even when no wellbeing
   * check follows); then `evaluateWithin` on the same transaction.
   */
  async queue(tx: EntityManager, subject: EvaluationSubject): Promise<void> {
    await this.jobs.send(tx, 'alert.evaluate', subject, { ...ALERT_JOB_RETRIES, singletonKey: `${subject.subject}/${subject.id}`, startAfter: FALLBACK_DELAY_SECONDS });
  }

  /**
   * Evaluates on the caller's transaction — the one that stored the check or the decline — inside
   * a savepoint: the alert commits with its evidence, and a failure rolls back only the evaluation
   * (the job queued beside it retries). Hand the returned notices to `announce` after the commit.
   */
  async evaluateWithin(tx: EntityManager, subject: EvaluationSubject): Promise<AlertNotice[]> {
    await tx.query('SAVEPOINT alert_evaluation');
    try {
      const { notices } = await this.evaluateOn(tx, subject);
      await tx.query('RELEASE SAVEPOINT alert_evaluation');
      return notices;
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT alert_evaluation');
      this.logger.warn(`evaluation of ${subject.subject} ${subject.id} failed; the queued job will retry: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  /** Pushes the notices of a committed evaluation to the counselors' sockets. */
  announce(notices: readonly AlertNotice[]): void {
    this.notices.emit(notices);
  }

  /** The durable path (the job): its own transaction. */
  async evaluate(subject: EvaluationSubject): Promise<EvaluationOutcome> {
    const { outcome, notices } = await this.transactions.run((tx) => this.evaluateOn(tx, subject));
    this.announce(notices);
    return outcome;
  }

  private async evaluateOn(tx: EntityManager, subject: EvaluationSubject): Promise<{ outcome: EvaluationOutcome; notices: AlertNotice[] }> {
    const now = this.clock.now().toJSDate();
    // Evaluations of one child run one at a time: two checks in concurrent transactions would each
    // read a history without the other's check (two mild checks, "1 of 3" each) and both be marked done.
    await this.alerts.lockChildOf(tx, subject);
    // The claim: concurrent evaluations of one subject queue on this row; the loser sees it and stops.
    const claimed: unknown[] = await tx.query(
      `INSERT INTO alert_evaluations (subject_type, subject_id, evaluated_at, findings) VALUES ($1, $2, $3, 0)
       ON CONFLICT DO NOTHING RETURNING subject_id`,
      [subject.subject, subject.id, now],
    );
    if (claimed.length === 0) return { outcome: 'already_evaluated', notices: [] };
    const found = await this.findings(tx, subject, now);
    if (!found) return { outcome: 'not_applicable', notices: [] };
    const notices: AlertNotice[] = [];
    for (const finding of found.findings) {
      const notice = await this.apply(tx, finding, found.context, found.hub, now);
      if (notice) notices.push(notice);
    }
    await tx.query(`UPDATE alert_evaluations SET findings = $3 WHERE subject_type = $1 AND subject_id = $2`, [subject.subject, subject.id, found.findings.length]);
    return { outcome: 'evaluated', notices };
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
      const judge = async (check: typeof loaded) => {
        const history = await this.history.history(tx, check.context.childId, new Date(check.check.at), check.sessionStartsAt, hub.settings);
        return evaluate(check.check, history, hub.settings, now.getTime(), { timeZone: check.context.hubTimeZone });
      };
      const findings = await judge(loaded);
      // A newer check committed first was judged without this one: judge the newest state again
      // (findings already applied add no evidence twice).
      const newerId = await this.history.newerCheck(tx, loaded.context.childId, new Date(loaded.check.at), loaded.check.id);
      const newer = newerId ? await this.history.check(tx, newerId) : undefined;
      if (newer) findings.push(...(await judge(newer)));
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
      const dueBy = dueByFor(now, hub, finding);
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
        await this.jobs.send(tx, 'alert.escalate', { alertId: id }, { ...ALERT_JOB_RETRIES, startAfter: dueBy, singletonKey: id });
        const alert = (await this.alerts.find(tx, id))!;
        await this.audit.record(tx, {
          action: 'alert.create',
          objectType: 'alert',
          objectId: id,
          childId: alert.child_id,
          hubId: alert.hub_id,
          details: { rule: finding.ruleId, ruleVersion: finding.ruleVersion, severity: finding.severity, settingsVersion: hub.version, assignedCounselorId: owner },
        });
        await this.tellOwner(tx, alert, finding, dueBy, context.hubTimeZone);
        return { event: 'alert.created', alert: toAlertView(alert) };
      }
      // A concurrent evaluation of another subject opened it first: join that one.
      live = await this.alerts.findLive(tx, finding.childId, finding.ruleId);
      if (!live) throw new Error(`alert for child ${finding.childId} and rule ${finding.ruleId} vanished`);
    }
    const added = await this.alerts.addEvidence(tx, live.id, finding.evidence, now);
    if (added === 0) return null;
    // New evidence of a high-severity alert that a counselor already acknowledged (the child asks
    // for help again, distress persists) must not sit quietly on a handled alert: it opens again,
    // with a new due time and its own escalation, and the owner is told.
    const reopen = live.status === 'acknowledged' && finding.severity === 'high';
    const dueBy = reopen ? dueByFor(now, hub, finding) : null;
    await this.alerts.joinEvidence(tx, live.id, finding.reason, now, dueBy);
    await this.audit.record(tx, {
      action: 'alert.evidence_add',
      objectType: 'alert',
      objectId: live.id,
      childId: live.child_id,
      hubId: live.hub_id,
      details: { rule: finding.ruleId, added, checkIds: finding.evidence.checkIds, sessionIds: finding.evidence.sessionIds, reopened: reopen },
    });
    const alert = (await this.alerts.find(tx, live.id))!;
    if (dueBy) {
      await this.jobs.send(tx, 'alert.escalate', { alertId: live.id }, { ...ALERT_JOB_RETRIES, startAfter: dueBy, singletonKey: `${live.id}/${dueBy.toISOString()}` });
      await this.tellOwner(tx, alert, finding, dueBy, context.hubTimeZone);
    }
    return { event: 'alert.updated', alert: toAlertView(alert) };
  }

  /** The owner hears of a new (or reopened) alert through the outbox; with no counselor in the hub, the admins do. */
  private async tellOwner(tx: EntityManager, alert: AlertRow, finding: Finding, dueBy: Date, timeZone: string): Promise<void> {
    const recipients = alert.assigned_counselor_id ? [alert.assigned_counselor_id] : await this.alerts.activeAdminIds(tx);
    const params = { alertId: alert.id, childName: alert.child_name, rule: ruleLabel(finding.ruleId), severity: finding.severity, dueBy: whenInZone(dueBy, timeZone) };
    await this.notifications.enqueueMany(tx, recipients.map((id) => ({ recipient: { type: 'user', id }, template: 'alert_raised', params })));
  }
}

/** When an alert of this finding's severity escalates if nobody acknowledges it: now + the hub's SLA. */
function dueByFor(now: Date, hub: HubAlertSettings, finding: Finding): Date {
  return DateTime.fromJSDate(now).plus({ hours: hub.slaHours[finding.severity] }).toJSDate();
}
