import type { Socket } from 'socket.io';
import type { Actor, Role } from '../common/auth/actor';
import { AuthGuard } from '../common/auth/auth.guard';
import { DomainError } from '../common/errors/domain-error';

/**
 * Handshake authentication for a socket.io namespace: `auth.token` is the REST access token,
 * checked by the same AuthGuard logic as HTTP (signature, live account, token version). A refusal
 * reaches the client as `connect_error` with `data.code`. The actor lands in `socket.data.actor`.
 * (Kept separate so it can merge with the calls feature's src/realtime/ socket auth.)
 */
export function socketAuth(guard: AuthGuard, roles: readonly Role[]) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const token: unknown = socket.handshake.auth?.token;
    guard
      .authenticate(typeof token === 'string' ? `Bearer ${token}` : undefined)
      .then((actor) => {
        if (!roles.includes(actor.role)) throw new DomainError('FORBIDDEN', `This namespace is not available to the ${actor.role} role`);
        (socket.data as { actor?: Actor }).actor = actor;
        next();
      })
      .catch((error: unknown) => {
        const code = error instanceof DomainError ? error.code : 'UNAUTHENTICATED';
        const detail = error instanceof DomainError ? (error.detail ?? error.message) : 'Authentication failed';
        next(Object.assign(new Error(detail), { data: { code, detail } }));
      });
  };
}

export function actorOf(socket: Socket): Actor {
  const actor = (socket.data as { actor?: Actor }).actor;
  if (!actor) throw new Error('socket without an authenticated actor');
  return actor;
}
