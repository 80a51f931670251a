import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { Actor } from '../common/auth/actor';
import { AuthGuard } from '../common/auth/auth.guard';
import { DomainError } from '../common/errors/domain-error';

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
}
