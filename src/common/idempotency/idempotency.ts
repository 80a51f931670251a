import { createHash } from 'node:crypto';
import { applyDecorators, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { EntityManager } from 'typeorm';
import { runWrites, SqlStatement } from '../../database/combined-writes';
import { queryPrepared } from '../../database/prepared-query';
import { Clock } from '../clock';
import { DomainError } from '../errors/domain-error';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** 1–200 visible ASCII characters (no spaces or control characters), as the column allows. */
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** Where a stored answer lives: keys are per caller and per route, so two callers never share one. */
export interface IdempotencyScope {
  actorId: string;
  /** e.g. 'POST /api/v1/sessions' */
  route: string;
  key: string;
}

/** What the work of an idempotent request answers. */
export interface IdempotentAnswer<T> {
  statusCode: number;
  body: T;
  /** Writes of the work whose results nobody reads: sent in the same round trip as the stored answer (runWrites). */
  writes?: readonly SqlStatement[];
}

/** A response as sent: fresh (`replayed: false`) or the stored first answer to the same key and body. */
export interface IdempotentOutcome<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

/**
 * Idempotent writes (RFC draft "The Idempotency-Key HTTP Header Field"), inside the caller's
 * transaction:
 * 1. the key is claimed first with INSERT … ON CONFLICT DO NOTHING. A concurrent request with
 *    the same key blocks on the primary key until the first transaction ends; then it either
 *    claims the key (the first rolled back) or finds the stored answer (it committed);
 * 2. `work` runs on the same transaction;
 * 3. its answer is stored on the claimed row (in one statement with the writes the work handed
 *    back, if any) and commits with the write it describes.
 * A refused request (an exception) rolls back together with its claim, so only successful
 * answers are ever stored and a retry of a refused request is judged afresh.
 * The same key with another body (sha256 over canonical JSON) is 422 IDEMPOTENCY_KEY_REUSED.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly clock: Clock) {}

  async run<T>(
    tx: EntityManager,
    scope: IdempotencyScope,
    request: unknown,
    work: () => Promise<IdempotentAnswer<T>>,
  ): Promise<IdempotentOutcome<T>> {
    const requestHash = hashRequest(request);
    // Both statements of every idempotent write are named prepared statements (parsed and planned once per connection).
    const claimed: unknown[] = await queryPrepared(
      tx,
      `INSERT INTO idempotency_keys (actor_id, route, key, request_hash, status_code, response, created_at)
       VALUES ($1, $2, $3, $4, 0, 'null'::jsonb, $5)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [scope.actorId, scope.route, scope.key, requestHash, this.clock.now().toJSDate()],
    );
    if (claimed.length === 0) return this.replay<T>(tx, scope, requestHash);

    const { statusCode, body, writes = [] } = await work();
    await runWrites(tx, [
      ...writes,
      {
        text: `UPDATE idempotency_keys SET status_code = $4, response = $5 WHERE actor_id = $1 AND route = $2 AND key = $3`,
        values: [scope.actorId, scope.route, scope.key, statusCode, JSON.stringify(body)],
      },
    ]);
    return { statusCode, body, replayed: false };
  }

  private async replay<T>(tx: EntityManager, scope: IdempotencyScope, requestHash: string): Promise<IdempotentOutcome<T>> {
    // A new statement, so under READ COMMITTED it sees the row the blocking transaction committed.
    const rows: { request_hash: string; status_code: number; response: T }[] = await tx.query(
      `SELECT request_hash, status_code, response FROM idempotency_keys WHERE actor_id = $1 AND route = $2 AND key = $3`,
      [scope.actorId, scope.route, scope.key],
    );
    const stored = rows[0];
    // Only possible if a sweeper deleted the row between the two statements, or the claim is still open on another
    // connection of this very transaction (never): ask the client to retry rather than guess.
    if (!stored || stored.status_code === 0) {
      throw new DomainError('IDEMPOTENCY_KEY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly', {
        retryAfterSeconds: 1,
      });
    }
    if (stored.request_hash !== requestHash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        `This ${IDEMPOTENCY_HEADER} was already used with a different request body; use a new key for a new request`,
      );
    }
    return { statusCode: stored.status_code, body: stored.response, replayed: true };
  }
}

/** sha256 (hex) of the request as canonical JSON: object keys sorted at every level, `undefined` members dropped. */
export function hashRequest(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
}

/** Checks an Idempotency-Key header value; a missing or malformed key is 400 VALIDATION_FAILED naming the header. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string {
  const fail = (message: string) =>
    new DomainError('VALIDATION_FAILED', message, { errors: [{ field: IDEMPOTENCY_HEADER, messages: [message] }] });
  if (raw === undefined || raw === '') throw fail(`The ${IDEMPOTENCY_HEADER} header is required: send a unique key (e.g. a UUID) per new request`);
  if (Array.isArray(raw)) throw fail(`Send the ${IDEMPOTENCY_HEADER} header once`);
  if (!KEY_PATTERN.test(raw)) throw fail(`The ${IDEMPOTENCY_HEADER} header must be 1–200 visible ASCII characters (no spaces)`);
  return raw;
}

/** The validated Idempotency-Key header of the request. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  parseIdempotencyKey(context.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_HEADER.toLowerCase()]),
);

/** OpenAPI for a route that takes @IdempotencyKey(). */
export const ApiIdempotencyKey = () =>
  applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]{1,200}$' },
      description:
        'A unique key per new request (e.g. a UUID), 1–200 visible ASCII characters, per caller and route. A retry with the same key ' +
        'and the same body returns the first response again (with `Idempotent-Replayed: true`) and creates nothing; the same key with ' +
        'another body is 422 IDEMPOTENCY_KEY_REUSED. Only successful responses are stored: a refused request keeps nothing, so a retry ' +
        'with its key is judged afresh.',
    }),
  );

/** Sets the status (and the replay header) of an idempotent answer on the response; returns the body. */
export function sendIdempotent<T>(response: Response, outcome: IdempotentOutcome<T>): T {
  response.status(outcome.statusCode);
  if (outcome.replayed) response.setHeader(REPLAYED_HEADER, 'true');
  return outcome.body;
}
