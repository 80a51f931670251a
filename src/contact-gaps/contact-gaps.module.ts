import { Module } from '@nestjs/common';
import { ContactGapsController } from './contact-gaps.controller';
import { ContactGapsRepository } from './contact-gaps.repository';
import { ContactGapsService } from './contact-gaps.service';

@Module({
  controllers: [ContactGapsController],
  providers: [ContactGapsService, ContactGapsRepository],
})
export class ContactGapsModule {}
