import { Logger } from '@nestjs/common';
import { ConnectedSocket, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Ack, AlertView, CounselorsServerToClient, NAMESPACES } from '@app/realtime-protocol';
import type { Namespace, Socket } from 'socket.io';
import { AuthGuard } from '../common/auth/auth.guard';
import { AlertNotices, rooms } from './alert-notices';
import { AlertsService } from './alerts.service';
import { actorOf, socketAuth } from './socket-auth';

type CounselorSocket = Socket<Record<string, never>, CounselorsServerToClient>;

/**
 * /counselors: alert notices for counselors and admins. On connect the socket joins its rooms
 * (its own, its hubs', admins') and then gets the backlog, so nothing raised in between is missed
 * (at worst an alert arrives twice: clients key alerts by id).
 */
@WebSocketGateway({ namespace: NAMESPACES.counselors })
export class CounselorsGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(CounselorsGateway.name);

  constructor(
    private readonly guard: AuthGuard,
    private readonly notices: AlertNotices,
    private readonly alerts: AlertsService,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use(socketAuth(this.guard, ['counselor', 'admin']));
    this.notices.attach(namespace);
  }

  async handleConnection(socket: CounselorSocket): Promise<void> {
    const actor = actorOf(socket);
    await socket.join(actor.role === 'admin' ? [rooms.admins, rooms.counselor(actor.id)] : [rooms.counselor(actor.id), ...actor.hubIds.map(rooms.hubCounselors)]);
    try {
      socket.emit('alert.backlog', { alerts: await this.alerts.backlog(actor) });
    } catch (error) {
      this.logger.error(`backlog for ${actor.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      socket.emit('problem', { code: 'INTERNAL', detail: 'The backlog could not be read; ask again with "backlog"' });
    }
  }

  @SubscribeMessage('backlog')
  async backlog(@ConnectedSocket() socket: CounselorSocket): Promise<Ack<{ alerts: AlertView[] }>> {
    try {
      return { ok: true, alerts: await this.alerts.backlog(actorOf(socket)) };
    } catch {
      return { ok: false, problem: { code: 'INTERNAL', detail: 'The backlog could not be read', event: 'backlog' } };
    }
  }
}
