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
      const { items, total } = await this.timeline.page(tx, child.id, query.pageSize, offsetOf(query));
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
