import { Global, Module } from '@nestjs/common';
import { RedisLink } from './redis-link';

/** Redis, when REDIS_URL is set: only the socket.io adapter's transport between instances. */
@Global()
@Module({ providers: [RedisLink], exports: [RedisLink] })
export class RedisModule {}
