import { Module } from '@nestjs/common';
import { ChildScope } from './child-scope';
import { ChildrenController } from './children.controller';
import { ChildrenRepository } from './children.repository';
import { ChildrenService } from './children.service';
import { LinksController } from './links.controller';
import { LinksRepository } from './links.repository';
import { LinksService } from './links.service';

/** Children, their guardian links and call plan. Exports ChildScope: the one answer to "may this actor see this child?". */
@Module({
  controllers: [ChildrenController, LinksController],
  providers: [ChildScope, ChildrenRepository, ChildrenService, LinksRepository, LinksService],
  exports: [ChildScope],
})
export class ChildrenModule {}
