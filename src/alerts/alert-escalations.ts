import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { JobQueue } from '../jobs/job-queue.service';
import { NotificationsService } from '../notifications/notifications.service';
import { ALERT_JOB_RETRIES } from './alert-evaluations';
import { AlertNotice, AlertNotices } from './alert-notices';
import { ruleLabel, whenInZone } from './alert-wording';
import { AlertsRepository, toAlertView } from './alerts.repository';

export type EscalationOutcome = 'escalated' | 'not_due' | 'not_applicable';

/**
 * The job at an alert's `due_by`. Escalates only an alert still open (nobody acknowledged it)
 * and not escalated yet, by one conditional UPDATE: two workers, a retry or a duplicate job
 * escalate it once. Tells the hub's other counselors and the admins (outbox + socket notice).
 */
@Injectable()
export class AlertEscalations implements OnApplicationBootstrap {
  private readonly logger = new Logger(AlertEscalations.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly transactions: Transactions,
    private readonly alerts: AlertsRepository,
    private readonly notices: AlertNotices,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('alert.escalate', async (job) => void (await this.escalate(job.data.alertId)), { batchSize: 5 });
  }

  async escalate(alertId: string): Promise<EscalationOutcome> {
    let notice: AlertNotice | undefined;
    const outcome = await this.transactions.run(async (tx) => {
      notice = undefined;
      const now = this.clock.now().toJSDate();
      if (!(await this.alerts.markEscalated(tx, alertId, now))) {
        const alert = await this.alerts.find(tx, alertId);
        if (alert?.status === 'open' && alert.escalated_at === null && alert.due_by > now) {
          // Woken early (clock skew between the database and this process): come back at due_by.
          await this.jobs.send(tx, 'alert.escalate', { alertId }, { ...ALERT_JOB_RETRIES, startAfter: alert.due_by, singletonKey: alertId });
          return 'not_due' as const;
        }
        return 'not_applicable' as const;
      }
      const alert = (await this.alerts.find(tx, alertId))!;
      const recipients = await this.alerts.escalationRecipients(tx, alert.hub_id, alert.assigned_counselor_id);
      const params = { alertId: alert.id, childName: alert.child_name, rule: ruleLabel(alert.rule), severity: alert.severity, dueBy: whenInZone(alert.due_by, alert.hub_time_zone) };
      await this.notifications.enqueueMany(
        tx,
        recipients.map(({ id, locale }) => ({ recipient: { type: 'user', id, locale }, template: 'alert_escalated', params })),
      );
      await this.audit.record(tx, {
        action: 'alert.escalate',
        objectType: 'alert',
        objectId: alert.id,
        childId: alert.child_id,
        hubId: alert.hub_id,
        details: { dueBy: alert.due_by.toISOString(), notified: recipients.length },
      });
      notice = { event: 'alert.escalated', alert: toAlertView(alert) };
      return 'escalated' as const;
    });
    if (notice) {
      this.notices.emit([notice]);
      this.logger.log(`alert ${alertId} escalated: unacknowledged past its due time`);
    }
    return outcome;
  }
}
