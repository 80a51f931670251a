import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { RevokedLinkCalls } from '../calls/revoked-link-calls';
import type { Actor } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { Transactions } from '../database/transaction';
import { SessionChanges } from '../realtime/session-changes';
import { SessionsService } from '../sessions/sessions.service';
import { ChildScope } from './child-scope';
import { CreateLinkDto, LinkDto, LinkQuery, LinkStatus, RevokeLinkDto } from './dto/link.dto';
import { LinksRepository } from './links.repository';

/** Why a revoked link's sessions are cancelled (told to every party). */
export const LINK_REVOKED_REASON = "the parent's link was revoked";

/** Which states each link action may start from. */
const ALLOWED_FROM: Record<'approve' | 'revoke', LinkStatus[]> = {
  approve: ['pending'],
  revoke: ['pending', 'approved'],
};

@Injectable()
export class LinksService {
  constructor(
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: ChildScope,
    private readonly links: LinksRepository,
    private readonly sessions: SessionsService,
    private readonly changes: SessionChanges,
    private readonly calls: RevokedLinkCalls,
  ) {}

  create(actor: Actor, childId: string, input: CreateLinkDto): Promise<LinkDto> {
    return this.transactions.run(async (tx) => {
      // The child's row lock serialises link changes per child, so the existence check below is reliable.
      const child = await this.scope.findVisibleChild(tx, actor, childId, { lock: 'update' });
      if (!(await this.links.isGuardianVisible(tx, actor, input.guardianId))) throw notFound('Guardian');
      const existing = await this.links.lockLink(tx, child.id, input.guardianId);
      if (existing && existing.status !== 'revoked') {
        throw new DomainError('LINK_EXISTS', undefined, { currentStatus: existing.status });
      }
      const now = this.clock.now();
      let id: string;
      if (existing) {
        id = existing.id;
        await this.links.reopen(tx, id, input.relationship, actor.id, now);
      } else {
        id = await this.links.insert(tx, { childId: child.id, guardianId: input.guardianId, relationship: input.relationship, createdBy: actor.id }, now);
      }
      await this.audit.record(tx, {
        action: 'link.create',
        objectType: 'link',
        objectId: id,
        childId: child.id,
        hubId: child.hubId,
        details: { guardianId: input.guardianId, relationship: input.relationship, ...(existing && { reopenedFrom: 'revoked' }) },
      });
      return this.links.findById(tx, id);
    });
  }

  /** Staff see every link of the child; a guardian only their own. */
  list(actor: Actor, childId: string, query: LinkQuery): Promise<Page<LinkDto>> {
    return this.transactions.run(async (tx) => {
      const child = await this.scope.findVisibleChild(tx, actor, childId);
      const { rows, total } = await this.links.listForChild(
        tx,
        child.id,
        { guardianId: actor.type === 'guardian' ? actor.id : undefined, status: query.status },
        query.pageSize,
        offsetOf(query),
      );
      await this.audit.record(tx, {
        action: 'link.list',
        objectType: 'child',
        objectId: child.id,
        childId: child.id,
        hubId: child.hubId,
        details: { linkIds: rows.map((link) => link.id) },
      });
      return pageOf(rows, total, query);
    });
  }

  async approve(actor: Actor, childId: string, guardianId: string): Promise<LinkDto> {
    return (await this.transition(actor, childId, guardianId, 'approve')).link;
  }

  /**
   * The reason is free text about a family: it goes on the link, and the audit log only says
   * whether one was given. The pair's sessions that have not taken place (booked, or checked in
   * even past their start) are cancelled in the same transaction, every party told, pending
   * reschedule requests closed, and a call already running ends at once
   * (`link_revoked`); the hub view and the call room hear of it after commit.
   */
  async revoke(actor: Actor, childId: string, guardianId: string, input: RevokeLinkDto): Promise<LinkDto> {
    const { link, cancelled } = await this.transition(actor, childId, guardianId, 'revoke', input.reason ?? null);
    await this.changes.changedMany(cancelled);
    return link;
  }

  private transition(
    actor: Actor,
    childId: string,
    guardianId: string,
    action: 'approve' | 'revoke',
    reason: string | null = null,
  ): Promise<{ link: LinkDto; cancelled: string[] }> {
    return this.transactions.run(async (tx) => {
      const child = await this.scope.findVisibleChild(tx, actor, childId);
      const link = await this.links.lockLink(tx, child.id, guardianId);
      if (!link) throw notFound('Link');
      if (!ALLOWED_FROM[action].includes(link.status)) {
        throw new DomainError('INVALID_TRANSITION', `A ${link.status} link cannot be ${action === 'approve' ? 'approved' : 'revoked'}`, {
          currentStatus: link.status,
        });
      }
      const now = this.clock.now();
      if (action === 'approve') await this.links.approve(tx, link.id, actor.id, now);
      else await this.links.revoke(tx, link.id, actor.id, reason, now);
      await this.audit.record(tx, {
        action: `link.${action}`,
        objectType: 'link',
        objectId: link.id,
        childId: child.id,
        hubId: child.hubId,
        details: { guardianId, from: link.status, ...(action === 'revoke' && { reasonGiven: reason !== null }) },
      });
      const cancelled: string[] = [];
      if (action === 'revoke') {
        const pair = { childId: child.id, guardianId };
        // Every session of the pair that has not taken place, a checked-in one whose call has not started included …
        const notHeld = await this.sessions.cancelFuture(tx, { ...pair, statuses: ['booked', 'checked_in'], includeStarted: true }, LINK_REVOKED_REASON, {
          via: 'link_revoked',
        });
        cancelled.push(...notHeld);
        // … and the call running now ends.
        cancelled.push(...(await this.calls.endRunning(tx, pair)));
      }
      return { link: await this.links.findById(tx, link.id), cancelled };
    });
  }
}
