import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export type RedisStatus = 'up' | 'down' | 'not_configured';

/**
 * The Redis connection pair socket.io's Redis adapter needs (one client publishes, one subscribes),
 * when REDIS_URL is set. Redis only carries realtime notices between instances: everything durable
 * lives in PostgreSQL. So a Redis outage must not stop this instance — local rooms keep working,
 * /health says "degraded", and the clients reconnect on their own.
 */
@Injectable()
export class RedisLink implements OnModuleDestroy {
  private readonly logger = new Logger(RedisLink.name);
  private clients?: { pub: RedisClientType; sub: RedisClientType };
  private lastError?: string;
  private outage = false;
  private readonly reconnectListeners: (() => void)[] = [];

  private readonly url?: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.url = config.redisUrl;
  }

  /** Connects both clients; resolves even when Redis is down at start (they keep retrying). */
  async connect(): Promise<{ pub: RedisClientType; sub: RedisClientType } | undefined> {
    if (!this.url) return undefined;
    if (this.clients) return this.clients;
    const make = (role: string) => {
      const client = createClient({
        url: this.url,
        // Retry for ever, at most every 5 s: Redis coming back must heal the instance by itself.
        socket: { reconnectStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5_000), connectTimeout: 2_000 },
      }) as RedisClientType;
      client.on('error', (error: Error) => {
        if (this.clients) this.outage = true;
        if (this.lastError !== error.message) this.logger.warn(`redis ${role}: ${error.message}`);
        this.lastError = error.message;
      });
      client.on('ready', () => {
        if (this.lastError) this.logger.log(`redis ${role}: connected again`);
        this.lastError = undefined;
        if (this.outage && this.status() === 'up') {
          this.outage = false;
          for (const listener of this.reconnectListeners) listener();
        }
      });
      return client;
    };
    const pub = make('publisher');
    const sub = make('subscriber');
    this.clients = { pub: guardPublishes(pub), sub };
    // Not awaited to the end: with Redis down at start, the instance still starts (degraded).
    await Promise.race([Promise.allSettled([pub.connect(), sub.connect()]), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    return this.clients;
  }

  /** Called once each time Redis is back after an outage (both clients ready again). */
  onReconnected(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  status(): RedisStatus {
    if (!this.url) return 'not_configured';
    return this.clients?.pub.isReady && this.clients.sub.isReady ? 'up' : 'down';
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.clients) return;
    const { pub, sub } = this.clients;
    this.clients = undefined;
    await Promise.allSettled([pub.isOpen ? pub.quit() : undefined, sub.isOpen ? sub.quit() : undefined]);
  }
}

/**
 * The adapter publishes without awaiting or catching. While Redis is down a publish would sit in
 * the offline queue and flood it (and a late flush would replay stale notices); drop them instead:
 * notices are only notices, and each page re-reads its rows on reconnect.
 */
function guardPublishes(client: RedisClientType): RedisClientType {
  const publish = client.publish.bind(client);
  return Object.assign(client, {
    publish: ((...args: Parameters<typeof publish>) => (client.isReady ? publish(...args) : Promise.resolve(0))) as typeof publish,
  });
}
