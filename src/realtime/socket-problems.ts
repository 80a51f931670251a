import { Logger } from '@nestjs/common';
import type { Ack, SocketProblem } from '@app/realtime-protocol';
import type { Socket } from 'socket.io';
import { DomainError } from '../common/errors/domain-error';
import { domainErrorFromDatabase } from '../database/pg-errors';

const logger = new Logger('Sockets');

/** Any error as the problem a client is shown: domain errors as they are, the rest logged and generic. */
export function toSocketProblem(error: unknown, event?: string): SocketProblem {
  const domain = toDomainError(error);
  if (domain.status >= 500) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { code: domain.code, detail: domain.detail ?? domain.message, ...(event === undefined ? {} : { event }) };
}

/** The error a namespace middleware passes to `next`: the client gets `connect_error` with `data.code`. */
export function connectError(error: unknown): Error & { data: SocketProblem } {
  const problem = toSocketProblem(error);
  return Object.assign(new Error(problem.detail), { data: problem });
}

/** A handler answers the payload with the ack's extra fields, or throws a DomainError. */
export type EventHandler = (payload: unknown) => Promise<Record<string, unknown> | void>;

/**
 * Binds the namespace's events on one socket. Every event gets an `Ack`; a refusal is also sent
 * as a `problem` event. A handler's failure never escapes (no crash, no disconnect), and an event
 * the namespace does not know is answered UNKNOWN_EVENT the same way.
 */
export function bindEvents(socket: Socket, handlers: Record<string, EventHandler>): void {
  const known = new Set(Object.keys(handlers));
  for (const [event, handler] of Object.entries(handlers)) {
    socket.on(event, (...args: unknown[]) => void run(socket, event, args, handler));
  }
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && known.has(event)) return;
    const name = typeof event === 'string' ? event.slice(0, 100) : String(event);
    void run(socket, name, args, async () => {
      throw new DomainError('UNKNOWN_EVENT', `Unknown event "${name}"; this namespace takes ${[...known].join(', ')}`);
    });
  });
}

async function run(socket: Socket, event: string, args: unknown[], handler: EventHandler): Promise<void> {
  const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (result: Ack<Record<string, unknown>>) => void) : undefined;
  try {
    const result = await handler(args[0]);
    ack?.({ ok: true, ...(result ?? {}) });
  } catch (error) {
    const problem = toSocketProblem(error, event);
    if (socket.connected) socket.emit('problem', problem);
    ack?.({ ok: false, problem });
  }
}

function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return domainErrorFromDatabase(error) ?? new DomainError('INTERNAL', 'An unexpected error occurred; it has been logged');
}
