import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { RedisLink } from './redis-link';

/**
 * socket.io for every gateway: messages up to 256 kB (an SDP offer is a few kB; larger payloads are refused by validation with a problem, beyond this the socket is cut),
 * and — with REDIS_URL — the Redis adapter, so rooms and broadcasts span every instance.
 */
export class SocketIoAdapter extends IoAdapter {
  private redisAdapter?: ReturnType<typeof createAdapter>;

  constructor(app: INestApplicationContext) {
    super(app);
  }

  static async create(app: INestApplicationContext): Promise<SocketIoAdapter> {
    const adapter = new SocketIoAdapter(app);
    const clients = await app.get(RedisLink).connect();
    if (clients) adapter.redisAdapter = createAdapter(clients.pub, clients.sub, { requestsTimeout: 2_000 });
    return adapter;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, { ...options, maxHttpBufferSize: 256 * 1024, serveClient: false } as ServerOptions);
    if (this.redisAdapter) server.adapter(this.redisAdapter);
    return server;
  }
}
