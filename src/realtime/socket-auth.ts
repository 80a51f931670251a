import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { Actor, Role } from '../common/auth/actor';
import { AuthGuard } from '../common/auth/auth.guard';
import { DomainError } from '../common/errors/domain-error';
import { rooms } from './rooms';
import { connectError } from './socket-problems';

/**
 * The access token of a socket handshake (`auth: { token }`), checked exactly as the HTTP guard
 * checks a bearer token: signature, audience, live account, token version.
 */
@Injectable()
export class SocketAuth {
  constructor(private readonly guard: AuthGuard) {}

  actorOf(socket: Socket): Promise<Actor> {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string' || token === '' || token.length > 4096) {
      return Promise.reject(new DomainError('UNAUTHENTICATED', 'Connect with { auth: { token: <access token> } }'));
    }
    return this.guard.authenticate(`Bearer ${token}`);
  }

  /**
   * Namespace middleware: only `roles` connect, and the actor lands in `socket.data.actor`. A
   * refusal reaches the client as `connect_error` with `data.code`.
   */
  admit(roles: readonly Role[], refusal: string): (socket: Socket, next: (error?: Error) => void) => void {
    return (socket, next) => {
      this.actorOf(socket)
        .then((actor) => {
          if (!roles.includes(actor.role)) throw new DomainError('FORBIDDEN', refusal);
          (socket.data as { actor: Actor }).actor = actor;
          void socket.join(rooms.account(actor.id));
          next();
        })
        .catch((error: unknown) => next(connectError(error)));
    };
  }
}
