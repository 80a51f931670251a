import { NAMESPACES, type CounselorsServerToClient } from '@app/realtime-protocol';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { Actor } from '../common/auth/actor';
import { objectPayload } from '../realtime/payloads';
import { RealtimeServers } from '../realtime/realtime-servers';
import { SocketAuth } from '../realtime/socket-auth';
import { bindEvents, toSocketProblem } from '../realtime/socket-problems';
import { AlertNotices, rooms } from './alert-notices';
import { AlertsService } from './alerts.service';

type CounselorSocket = Socket<Record<string, never>, CounselorsServerToClient, Record<string, never>, { actor: Actor }>;

/**
 * /counselors: alert notices for counselors and admins. On connect the socket joins its rooms
 * (its own, its hubs', admins') and then gets the backlog, so nothing raised in between is missed
 * (at worst an alert arrives twice: clients key alerts by id).
 */
@WebSocketGateway({ namespace: NAMESPACES.counselors })
export class CounselorsGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(
    private readonly auth: SocketAuth,
    private readonly servers: RealtimeServers,
    private readonly notices: AlertNotices,
    private readonly alerts: AlertsService,
  ) {}

  afterInit(namespace: Namespace): void {
    this.servers.register(namespace);
    namespace.use(this.auth.admit(['counselor', 'admin'], 'The alert inbox is for counselors and admins'));
    this.notices.attach(namespace);
  }

  async handleConnection(socket: CounselorSocket): Promise<void> {
    const { actor } = socket.data;
    bindEvents(socket, {
      backlog: async (payload) => {
        objectPayload(payload, [], { optional: true });
        return { alerts: await this.alerts.backlog(socket.data.actor) };
      },
    });
    await socket.join(actor.role === 'admin' ? [rooms.admins, rooms.counselor(actor.id)] : [rooms.counselor(actor.id), ...actor.hubIds.map(rooms.hubCounselors)]);
    try {
      socket.emit('alert.backlog', { alerts: await this.alerts.backlog(actor) });
    } catch (error) {
      socket.emit('problem', { ...toSocketProblem(error), detail: 'The backlog could not be read; ask again with "backlog"' });
    }
  }
}
