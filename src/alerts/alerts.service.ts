import { Injectable } from '@nestjs/common';
import type { AlertView } from '@app/realtime-protocol';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { type Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { Transactions } from '../database/transaction';
import { AlertNotice, AlertNotices } from './alert-notices';
import { AlertRow, AlertsRepository, toAlertView } from './alerts.repository';
import { AlertDetailDto, AlertDto, AlertQuery, FollowUpInputDto, ResolveAlertDto } from './dto/alert.dto';

/** Counselors' work on alerts: read, acknowledge, follow up, resolve. Every read and change is audited; out of scope is 404. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly alerts: AlertsRepository,
    private readonly notices: AlertNotices,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(actor: Actor, query: AlertQuery): Promise<Page<AlertDto>> {
    return this.transactions.run(async (tx) => {
      const { rows, total } = await this.alerts.list(
        tx,
        actor,
        {
          status: query.status,
          severity: query.severity,
          rule: query.rule,
          childId: query.childId,
          hubId: query.hubId,
          assignedTo: query.assignedToMe === 'true' ? actor.id : undefined,
        },
        query.pageSize,
        offsetOf(query),
      );
      await this.audit.recordMany(
        tx,
        rows.map((a) => ({ action: 'alert.read', objectType: 'alert', objectId: a.id, childId: a.child_id, hubId: a.hub_id, details: { via: 'list' } })),
      );
      return pageOf(rows.map(toDto), total, query);
    });
  }

  get(actor: Actor, id: string): Promise<AlertDetailDto> {
    return this.transactions.run(async (tx) => {
      const alert = await this.visible(tx, actor, id);
      await this.audit.record(tx, { action: 'alert.read', objectType: 'alert', objectId: alert.id, childId: alert.child_id, hubId: alert.hub_id });
      return this.detail(tx, alert);
    });
  }

  /** The /counselors backlog: open and acknowledged alerts the actor owns or can see. */
  backlog(actor: Actor): Promise<AlertView[]> {
    return this.transactions.run(async (tx) => {
      const rows = await this.alerts.backlog(tx, actor);
      await this.audit.recordMany(
        tx,
        rows.map((a) => ({ action: 'alert.read', objectType: 'alert', objectId: a.id, childId: a.child_id, hubId: a.hub_id, details: { via: 'backlog' }, actor })),
      );
      return rows.map(toAlertView);
    });
  }

  /** open → acknowledged; stops the escalation. A counselor acknowledging an unowned alert takes it. Acknowledging twice is a no-op. */
  acknowledge(actor: Actor, id: string): Promise<AlertDetailDto> {
    return this.change(actor, id, async (tx, alert, at) => {
      if (alert.status === 'resolved') throw resolvedError(alert);
      if (alert.status === 'acknowledged') return false;
      await this.alerts.acknowledge(tx, alert.id, actor.id, at, actor.role === 'counselor');
      await this.audit.record(tx, { action: 'alert.acknowledge', objectType: 'alert', objectId: alert.id, childId: alert.child_id, hubId: alert.hub_id });
      return true;
    });
  }

  /** A follow-up on an open alert also acknowledges it: someone is acting on it. */
  addFollowUp(actor: Actor, id: string, input: FollowUpInputDto): Promise<AlertDetailDto> {
    return this.change(actor, id, async (tx, alert, at) => {
      if (alert.status === 'resolved') throw resolvedError(alert);
      if (alert.status === 'open') await this.alerts.acknowledge(tx, alert.id, actor.id, at, actor.role === 'counselor');
      const followUpId = await this.alerts.addFollowUp(tx, alert, input, actor.id, at);
      await this.audit.record(tx, {
        action: 'alert.follow_up',
        objectType: 'alert',
        objectId: alert.id,
        childId: alert.child_id,
        hubId: alert.hub_id,
        // The note is free text about a child: it stays on the follow-up row, not in the append-only log.
        details: { followUpId, action: input.action, acknowledged: alert.status === 'open' },
      });
      return true;
    });
  }

  resolve(actor: Actor, id: string, input: ResolveAlertDto): Promise<AlertDetailDto> {
    return this.change(actor, id, async (tx, alert, at) => {
      if (alert.status === 'resolved') throw resolvedError(alert);
      await this.alerts.resolve(tx, alert.id, input.outcome, actor.id, at);
      await this.audit.record(tx, { action: 'alert.resolve', objectType: 'alert', objectId: alert.id, childId: alert.child_id, hubId: alert.hub_id, details: { from: alert.status } });
      return true;
    });
  }

  /** Locks the visible alert, applies the change, and after commit tells the sockets (`alert.updated`) when something changed. */
  private async change(actor: Actor, id: string, work: (tx: EntityManager, alert: AlertRow, at: Date) => Promise<boolean>): Promise<AlertDetailDto> {
    let notice: AlertNotice | undefined;
    const result = await this.transactions.run(async (tx) => {
      notice = undefined;
      const alert = await this.visible(tx, actor, id, { lock: true });
      const changed = await work(tx, alert, this.clock.now().toJSDate());
      const after = (await this.alerts.find(tx, alert.id))!;
      if (changed) notice = { event: 'alert.updated', alert: toAlertView(after) };
      return this.detail(tx, after);
    });
    if (notice) this.notices.emit([notice]);
    return result;
  }

  private async visible(tx: EntityManager, actor: Actor, id: string, options: { lock?: boolean } = {}): Promise<AlertRow> {
    const alert = await this.alerts.find(tx, id, options);
    if (!alert || !canSeeHub(actor, alert.hub_id)) throw notFound('Alert');
    return alert;
  }

  private async detail(tx: EntityManager, alert: AlertRow): Promise<AlertDetailDto> {
    const [evidence, followUps] = [await this.alerts.evidenceOf(tx, alert.id), await this.alerts.followUpsOf(tx, alert.id)];
    return {
      ...toDto(alert),
      evidence: evidence.map((e) => ({ ...e, addedAt: e.addedAt.toISOString() })),
      followUps: followUps.map((f) => ({ ...f, action: f.action as AlertDetailDto['followUps'][number]['action'], createdAt: f.createdAt.toISOString() })),
    };
  }
}

function toDto(row: AlertRow): AlertDto {
  return {
    ...toAlertView(row),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolvedBy: row.resolved_by,
    outcome: row.outcome,
  };
}

function resolvedError(alert: AlertRow): DomainError {
  return new DomainError('ALERT_RESOLVED', 'This alert is resolved; a new finding for the child opens a new alert', { currentStatus: alert.status });
}
