import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

/**
 * The socket.io namespaces, registered by their gateways when they start, so services can emit
 * after a commit without depending on a gateway. Holds no per-connection state.
 */
@Injectable()
export class RealtimeServers {
  private readonly namespaces = new Map<string, Namespace>();

  register(namespace: Namespace): void {
    this.namespaces.set(namespace.name, namespace);
  }

  get(name: string): Namespace | undefined {
    return this.namespaces.get(name);
  }
}
