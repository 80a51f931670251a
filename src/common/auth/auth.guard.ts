import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { queryPrepared } from '../../database/prepared-query';
import { DomainError } from '../errors/domain-error';
import { requestContext } from '../http/request-context';
import type { Actor, Role } from './actor';
import { IS_PUBLIC, ROLES } from './auth.decorators';
import { TokenService } from './token.service';

/**
 * Global guard: every route needs a valid access token unless marked @Public(). The actor is
 * re-read from the database on each request so a disabled account, a changed hub assignment
 * or a revoked token (the account's `token_version` moved past the token's `ver`) takes effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly db: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const actor = await this.authenticate(request.headers.authorization);
    request.actor = actor;
    const store = requestContext.get();
    if (store) store.actor = actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(actor.role)) {
      throw new DomainError('FORBIDDEN', `This action is not available to the ${actor.role} role`);
    }
    return true;
  }

  async authenticate(authorization: string | undefined): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const claims = match ? this.tokens.verifyAccessToken(match[1]) : undefined;
    if (!claims) throw new DomainError('UNAUTHENTICATED', 'Send a valid access token as "Authorization: Bearer <token>"');
    const account = await this.loadActor(claims.sub, claims.typ);
    if (!account) throw new DomainError('UNAUTHENTICATED', 'The account of this token no longer exists or is disabled');
    if (account.tokenVersion !== claims.ver) {
      throw new DomainError('UNAUTHENTICATED', 'This token was signed out (new password, new phone or "log out everywhere"); sign in again');
    }
    return account.actor;
  }

  /** One query per request: the live account (not disabled) with its current token version. */
  private async loadActor(id: string, type: 'user' | 'guardian'): Promise<{ actor: Actor; tokenVersion: number } | undefined> {
    if (type === 'guardian') {
      const rows: { token_version: number }[] = await queryPrepared(
        this.db,
        'SELECT token_version FROM guardians WHERE id = $1 AND disabled_at IS NULL',
        [id],
      );
      return rows.length ? { actor: { type, id, role: 'guardian', hubIds: [] }, tokenVersion: rows[0].token_version } : undefined;
    }
    // Prepared: every authenticated request runs it.
    const rows: { role: Role; hub_ids: string[]; token_version: number }[] = await queryPrepared(
      this.db,
      `SELECT u.role, u.token_version,
              coalesce(array_agg(uh.hub_id) FILTER (WHERE uh.hub_id IS NOT NULL), '{}') AS hub_ids
         FROM users u LEFT JOIN user_hubs uh ON uh.user_id = u.id
        WHERE u.id = $1 AND u.disabled_at IS NULL
        GROUP BY u.id`,
      [id],
    );
    return rows.length ? { actor: { type, id, role: rows[0].role, hubIds: rows[0].hub_ids }, tokenVersion: rows[0].token_version } : undefined;
  }
}
