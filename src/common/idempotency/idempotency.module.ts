import { Module } from '@nestjs/common';
import { IdempotencyStore } from './idempotency';

/** Stored answers for Idempotency-Key requests: import it where a route is made idempotent. */
@Module({ providers: [IdempotencyStore], exports: [IdempotencyStore] })
export class IdempotencyModule {}
