import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ChildScopeModule } from './child-scope.module';
import { ChildrenController } from './children.controller';
import { ChildrenRepository } from './children.repository';
import { ChildrenService } from './children.service';
import { LinksController } from './links.controller';
import { LinksRepository } from './links.repository';
import { LinksService } from './links.service';

/**
 * Children, their guardian links and call plan. Re-exports ChildScope: the one answer to "may this
 * actor see this child?". A revoked link or a paused plan cancels sessions through SessionsModule;
 * a revoked link also ends the pair's running call (CallsModule).
 */
@Module({
  imports: [ChildScopeModule, SessionsModule, CallsModule],
  controllers: [ChildrenController, LinksController],
  providers: [ChildrenRepository, ChildrenService, LinksRepository, LinksService],
  exports: [ChildScopeModule],
})
export class ChildrenModule {}
