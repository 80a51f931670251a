import { Module } from '@nestjs/common';
import { ChildrenModule } from '../children/children.module';
import { GuardiansModule } from '../guardians/guardians.module';
import { ConsentController } from './consent.controller';
import { ConsentRepository } from './consent.repository';
import { ConsentService } from './consent.service';

@Module({
  imports: [ChildrenModule, GuardiansModule],
  controllers: [ConsentController],
  providers: [ConsentService, ConsentRepository],
  exports: [ConsentService],
})
export class ConsentModule {}
