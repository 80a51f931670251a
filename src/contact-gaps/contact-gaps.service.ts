import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { notFound } from '../common/errors/domain-error';
import { Transactions } from '../database/transaction';
import { ContactGapsRepository } from './contact-gaps.repository';
import { ContactGapsDto } from './dto/contact-gaps.dto';

/** The law expects weekly contact between a left-behind child and their parents. */
const WEEKLY_CONTACT_DAYS = 7;

/**
 * The hub's "who needs attention" view: children without a completed call this week, and
 * children who keep saying "not today". The system does the remembering for a busy hub.
 */
@Injectable()
export class ContactGapsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly gaps: ContactGapsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  forHub(actor: Actor, hubId: string): Promise<ContactGapsDto> {
    return this.transactions.run(async (tx) => {
      if (!canSeeHub(actor, hubId) || !(await this.gaps.hubExists(tx, hubId))) throw notFound('Hub');
      const now = this.clock.now();
      const since = now.minus({ days: WEEKLY_CONTACT_DAYS });
      const noRecentCall = await this.gaps.noRecentCall(tx, hubId, since.toJSDate(), now.toJSDate());
      const repeatedDeclines = await this.gaps.repeatedDeclines(tx, hubId, now.toJSDate());

      const listed = new Map<string, string[]>();
      for (const child of noRecentCall) listed.set(child.childId, ['noRecentCall']);
      for (const child of repeatedDeclines) listed.set(child.childId, [...(listed.get(child.childId) ?? []), 'repeatedDeclines']);
      await this.audit.recordMany(
        tx,
        listed.size === 0
          ? [{ action: 'contact_gaps.read', objectType: 'hub', objectId: hubId, hubId, details: { children: 0 } }]
          : [...listed].map(([childId, lists]) => ({ action: 'contact_gaps.read', objectType: 'child', objectId: childId, childId, hubId, details: { lists } })),
      );

      return {
        hubId,
        asOf: now.toUTC().toISO()!,
        noRecentCall: noRecentCall.map((child) => ({
          childId: child.childId,
          displayName: child.displayName,
          lastCompletedCallAt: child.lastCompletedCallAt?.toISOString() ?? null,
          daysSince: child.lastCompletedCallAt ? Math.floor((now.toMillis() - child.lastCompletedCallAt.getTime()) / 86_400_000) : null,
          nextBookedAt: child.nextBookedAt?.toISOString() ?? null,
        })),
        repeatedDeclines,
      };
    });
  }
}
