import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { HubRepository } from './hub.repository';
import { HubsController } from './hubs.controller';
import { HubsService } from './hubs.service';
import { StationRepository } from './station.repository';
import { StationsController } from './stations.controller';
import { StationsService } from './stations.service';
import { UserRepository } from './user.repository';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [SessionsModule],
  controllers: [HubsController, StationsController, UsersController],
  providers: [HubRepository, HubsService, StationRepository, StationsService, UserRepository, UsersService],
  exports: [HubRepository, HubsService, StationRepository, StationsService],
})
export class DirectoryModule {}
