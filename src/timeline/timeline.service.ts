import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { offsetOf, Page, PageQuery, pageOf } from '../common/pagination';
import { ChildScope } from '../children/child-scope';
import { Transactions } from '../database/transaction';
import type { TimelineItemDto } from './dto/timeline.dto';
import { TimelineRepository } from './timeline.repository';

@Injectable()
export class TimelineService {
  constructor(
    private readonly transactions: Transactions,
    private readonly scope: ChildScope,
    private readonly timeline: TimelineRepository,
    private readonly audit: AuditService,
  ) {}

  read(actor: Actor, childId: string, query: PageQuery): Promise<Page<TimelineItemDto>> {
    return this.transactions.run(async (tx) => {
      const child = await this.scope.findVisibleChild(tx, actor, childId);
      const page = await this.timeline.page(tx, child.id, query.pageSize, offsetOf(query));
      const items = actor.role === 'hub_staff' ? page.items.map(withoutCounselorNotes) : page.items;
      const total = page.total;
      await this.audit.record(tx, {
        action: 'child.timeline_read',
        objectType: 'child',
        objectId: child.id,
        childId: child.id,
        hubId: child.hubId,
        details: { page: query.page, pageSize: query.pageSize, items: items.length },
      });
      return pageOf(items, total, query);
    });
  }
}

/**
 * Hub staff see what happened to the child (sessions, assents, checks, that an alert exists and its
 * state, plan changes) but not the counselors' own words: follow-up notes and resolution outcomes.
 */
function withoutCounselorNotes(item: TimelineItemDto): TimelineItemDto {
  if (item.type === 'follow_up') return { ...item, data: { ...item.data, note: null } };
  if (item.type === 'alert') return { ...item, data: { ...item.data, outcome: null } };
  return item;
}
