import type { HubsClientToServer, HubsServerToClient, HubSessionView } from '@app/realtime-protocol';
import { NAMESPACES } from '@app/realtime-protocol';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { notFound } from '../common/errors/domain-error';
import { Transactions } from '../database/transaction';
import { HubSessionsRepository } from './hub-sessions.repository';
import { objectPayload, uuidField } from './payloads';
import { RealtimeServers } from './realtime-servers';
import { rooms } from './rooms';
import { SocketAuth } from './socket-auth';
import { bindEvents } from './socket-problems';

type HubsSocket = Socket<HubsClientToServer, HubsServerToClient, Record<string, never>, { actor: Actor }>;

/**
 * /hubs: staff of a hub (and its counselors, and admins) watch the hub's day. `watch` answers
 * today's sessions (hub-local day) and joins the hub's room; SessionChanges pushes
 * `session.changed` there after every committed change of one of its sessions.
 */
@WebSocketGateway({ namespace: NAMESPACES.hubs })
export class HubsGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(
    private readonly auth: SocketAuth,
    private readonly servers: RealtimeServers,
    private readonly live: HubSessionsRepository,
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  afterInit(namespace: Namespace): void {
    this.servers.register(namespace);
    namespace.use(this.auth.admit(['hub_staff', 'counselor', 'admin'], 'The hub view is for hub staff, counselors and admins'));
  }

  handleConnection(socket: HubsSocket): void {
    bindEvents(socket, {
      watch: (payload) => this.watch(socket, payload),
      unwatch: async (payload) => {
        await socket.leave(rooms.hub(uuidField(objectPayload(payload, ['hubId']), 'hubId')));
      },
    });
  }

  /**
   * Joins the hub's room first, then reads the day: a change committed after the read is pushed,
   * so nothing after the answer is missed (a push may also arrive just before the answer; the
   * page re-watches on reconnect).
   */
  private async watch(socket: HubsSocket, payload: unknown): Promise<{ day: string; timeZone: string; sessions: HubSessionView[] }> {
    const hubId = uuidField(objectPayload(payload, ['hubId']), 'hubId');
    // Re-read the account: a disabled account or a changed hub assignment counts from the next watch.
    const actor = await this.auth.actorOf(socket);
    socket.data.actor = actor;
    if (!canSeeHub(actor, hubId)) throw notFound('Hub');
    const timeZone = await this.live.hubTimeZone(this.db, hubId);
    if (!timeZone) throw notFound('Hub');
    await socket.join(rooms.hub(hubId));
    return this.transactions.run(async (tx) => {
      const day = this.clock.now().setZone(timeZone).startOf('day');
      const sessions = await this.live.between(tx, hubId, day.toJSDate(), day.plus({ days: 1 }).toJSDate());
      await this.audit.recordMany(
        tx,
        sessions.map((session) => ({
          action: 'session.read',
          objectType: 'session',
          objectId: session.id,
          childId: session.childId,
          hubId,
          actor,
          details: { via: 'hub_watch' },
        })),
      );
      return { day: day.toISODate() as string, timeZone, sessions };
    });
  }
}
