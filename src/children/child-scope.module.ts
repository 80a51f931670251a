import { Module } from '@nestjs/common';
import { ChildScope } from './child-scope';

/**
 * ChildScope alone, for the features that only ask "may this actor see this child?" (booking,
 * slots): ChildrenModule cancels sessions through SessionsModule, so those cannot import it back.
 */
@Module({
  providers: [ChildScope],
  exports: [ChildScope],
})
export class ChildScopeModule {}
