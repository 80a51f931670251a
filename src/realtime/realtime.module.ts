import { Global, Module } from '@nestjs/common';
import { HubSessionsRepository } from './hub-sessions.repository';
import { HubsGateway } from './hubs.gateway';
import { RealtimeServers } from './realtime-servers';
import { SessionChanges } from './session-changes';
import { SocketAuth } from './socket-auth';

/**
 * Shared socket plumbing: the namespace registry, handshake auth with access tokens, and
 * SessionChanges (after-commit pushes to the hub view and the call room), plus the /hubs
 * namespace. Global, so any feature that changes a session can announce it in one line.
 */
@Global()
@Module({
  providers: [RealtimeServers, SocketAuth, HubSessionsRepository, SessionChanges, HubsGateway],
  exports: [RealtimeServers, SocketAuth, SessionChanges, HubSessionsRepository],
})
export class RealtimeModule {}
