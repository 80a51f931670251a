import { NAMESPACES } from '@app/realtime-protocol';
import { Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace } from 'socket.io';
import { RealtimeServers } from '../realtime/realtime-servers';
import { bindEvents, connectError, toSocketProblem } from '../realtime/socket-problems';
import { CallRoomService, CallSocket } from './call-room.service';

/**
 * /calls: one room per session. Connect with `auth: { token }` (a join token); wait for
 * `welcome`; the supervisor admits from the waiting room; admitted participants exchange
 * `signal`s. The rules are in CallRoomService; this only wires sockets to it.
 */
@WebSocketGateway({ namespace: NAMESPACES.calls })
export class CallsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(CallsGateway.name);

  constructor(
    private readonly room: CallRoomService,
    private readonly servers: RealtimeServers,
  ) {}

  afterInit(namespace: Namespace): void {
    this.servers.register(namespace);
    namespace.use((socket, next) => {
      this.room
        .authenticate(socket as CallSocket)
        .then(() => next())
        .catch((error: unknown) => next(connectError(error)));
    });
  }

  async handleConnection(socket: CallSocket): Promise<void> {
    bindEvents(socket, {
      admit: (payload) => this.room.admit(socket, payload),
      remove: (payload) => this.room.remove(socket, payload),
      signal: async (payload) => this.room.signal(socket, payload),
      leave: async (payload) => this.room.leave(socket, payload),
      end: (payload) => this.room.end(socket, payload),
    });
    try {
      await this.room.joined(socket);
    } catch (error) {
      // E.g. the call ended between the handshake and here: say why, then close.
      socket.emit('problem', toSocketProblem(error));
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: CallSocket): Promise<void> {
    try {
      await this.room.disconnected(socket);
    } catch (error) {
      this.logger.warn(`recording a disconnect failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
