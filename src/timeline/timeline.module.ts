import { Module } from '@nestjs/common';
import { ChildrenModule } from '../children/children.module';
import { TimelineController } from './timeline.controller';
import { TimelineRepository } from './timeline.repository';
import { TimelineService } from './timeline.service';

/** GET /children/:id/timeline: what happened to a child, across calls, checks, alerts and the call plan. */
@Module({
  imports: [ChildrenModule],
  controllers: [TimelineController],
  providers: [TimelineRepository, TimelineService],
})
export class TimelineModule {}
