import { Injectable } from '@nestjs/common';
import { NAMESPACES } from '@app/realtime-protocol';
import type { Namespace } from 'socket.io';
import { RedisLink } from '../redis/redis-link';
import { rooms } from './rooms';

/**
 * The socket.io namespaces, registered by their gateways when they start, so services can emit
 * after a commit without depending on a gateway. Holds no per-connection state.
 */
@Injectable()
export class RealtimeServers {
  private readonly namespaces = new Map<string, Namespace>();

  constructor(redis: RedisLink) {
    // While Redis was down, cuts asked for on other instances (an account disabled, its hubs changed)
    // never reached this one: once it is back, this instance's access-token sockets reconnect and are
    // authorised afresh.
    redis.onReconnected(() => {
      for (const name of [NAMESPACES.hubs, NAMESPACES.counselors]) this.namespaces.get(name)?.local.disconnectSockets(true);
    });
  }

  register(namespace: Namespace): void {
    this.namespaces.set(namespace.name, namespace);
  }

  get(name: string): Namespace | undefined {
    return this.namespaces.get(name);
  }

  /**
   * Cuts every socket of an account on the access-token namespaces (on every instance): after a
   * change of hubs, a disabled account or a sign-out everywhere, rooms joined under the old scope
   * must not keep receiving. The pages reconnect and are scoped afresh (or refused).
   */
  disconnectAccount(accountId: string): void {
    for (const name of [NAMESPACES.hubs, NAMESPACES.counselors]) this.namespaces.get(name)?.in(rooms.account(accountId)).disconnectSockets(true);
  }
}
