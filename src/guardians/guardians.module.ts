import { Module } from '@nestjs/common';
import { GuardianRepository } from './guardian.repository';
import { GuardiansController } from './guardians.controller';
import { GuardiansService } from './guardians.service';

@Module({
  controllers: [GuardiansController],
  providers: [GuardiansService, GuardianRepository],
  exports: [GuardianRepository],
})
export class GuardiansModule {}
