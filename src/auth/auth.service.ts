import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { revokeAccessTokens } from '../common/auth/token-version';
import { TokenService } from '../common/auth/token.service';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { clientIp } from '../common/rate-limit/client-ip';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { Transactions } from '../database/transaction';
import { RealtimeServers } from '../realtime/realtime-servers';
import { CredentialsRepository, UserCredentials, UserProfile } from './credentials.repository';
import { LoginDto } from './dto/login.dto';
import { LoginResponseDto, MeDto } from './dto/auth-responses.dto';
import { afterFailure, isLocked, LoginState, phantomState, retryAfterSeconds } from './lockout';
import { OtpRepository } from './otp.repository';
import { hashPassword, verifyPassword } from './password';

export const LOGIN_IP_LIMIT = { limit: 30, windowSeconds: 15 * 60 };

type Attempt = { kind: 'ok'; profile: UserProfile } | { kind: 'failed' } | { kind: 'locked'; state: LoginState };

@Injectable()
export class AuthService {
  /** Verified against when the email has no account, so both cases cost one argon2 verification. */
  private readonly dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly credentials: CredentialsRepository,
    private readonly otps: OtpRepository,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly realtime: RealtimeServers,
  ) {}

  /**
   * Unknown email, wrong password and disabled account all give the same 401 after the same work;
   * unknown emails even lock like real accounts do (see `phantomState`), so no answer reveals an account.
   */
  async login(input: LoginDto): Promise<LoginResponseDto> {
    const email = input.email.toLowerCase();
    await this.limiter.hit(this.db, 'login.ip', clientIp(), LOGIN_IP_LIMIT.limit, LOGIN_IP_LIMIT.windowSeconds);
    const user = await this.credentials.findByEmail(this.db, email);
    const attempt = user ? await this.attempt(user, input.password) : await this.attemptUnknown(email, input.password);
    if (attempt.kind === 'locked') throw locked(attempt.state, this.clock);
    if (attempt.kind === 'failed') throw new DomainError('INVALID_CREDENTIALS', 'Email or password is wrong');
    const { profile } = attempt;
    return {
      ...this.tokens.signAccessToken(profile.id, 'user', profile.role, profile.tokenVersion),
      user: { id: profile.id, email: profile.email, role: profile.role, displayName: profile.displayName, hubIds: profile.hubIds },
    };
  }

  async me(actor: Actor): Promise<MeDto> {
    if (actor.type === 'guardian') {
      const guardian = await this.otps.guardianById(this.db, actor.id);
      if (!guardian) throw notFound('Guardian');
      const { id, displayName, phone, timeZone, locale } = guardian;
      return { type: 'guardian', id, role: 'guardian', displayName, hubIds: [], locale, phone, timeZone };
    }
    const user = await this.credentials.profile(this.db, actor.id);
    if (!user) throw notFound('User');
    const { id, email, role, displayName, hubIds, locale } = user;
    return { type: 'user', id, role, displayName, hubIds, locale, email };
  }

  /** Signs the caller out on every device: each access token issued so far stops working. */
  async logoutEverywhere(actor: Actor): Promise<void> {
    await this.transactions.run(async (tx) => {
      await revokeAccessTokens(tx, actor);
      await this.audit.record(tx, { action: 'auth.logout_everywhere', objectType: actor.type, objectId: actor.id });
    });
    this.realtime.disconnectAccount(actor.id);
  }

  private async attempt(user: UserCredentials, password: string): Promise<Attempt> {
    if (isLocked(user.state, this.clock.now())) return { kind: 'locked', state: user.state };
    const passwordOk = await verifyPassword(user.passwordHash, password);
    return this.transactions.run(async (tx): Promise<Attempt> => {
      const now = this.clock.now();
      const current = await this.credentials.lockForUpdate(tx, user.id);
      if (!current) return { kind: 'failed' };
      if (isLocked(current.state, now)) return { kind: 'locked', state: current.state };
      if (passwordOk && !current.disabled) {
        await this.credentials.saveState(tx, user.id, { failures: 0 });
        const profile = await this.credentials.profile(tx, user.id);
        if (!profile) return { kind: 'failed' };
        await this.audit.record(tx, {
          action: 'auth.login',
          objectType: 'user',
          objectId: user.id,
          actor: { type: 'user', id: profile.id, role: profile.role, hubIds: profile.hubIds },
        });
        return { kind: 'ok', profile };
      }
      const next = afterFailure(current.state, now);
      await this.credentials.saveState(tx, user.id, next);
      if (isLocked(next, now)) {
        await this.audit.record(tx, {
          action: 'auth.lockout',
          objectType: 'user',
          objectId: user.id,
          details: { lockedUntil: next.lockedUntil?.toISO() },
        });
      }
      return { kind: 'failed' };
    });
  }

  private async attemptUnknown(email: string, password: string): Promise<Attempt> {
    const before = await this.credentials.unknownEmailFailures(this.db, email, this.clock.now());
    const beforeState = phantomState(before.count, before.lastAt);
    if (isLocked(beforeState, this.clock.now())) return { kind: 'locked', state: beforeState };
    await verifyPassword(await this.dummyHash, password);
    return this.transactions.run(async (tx): Promise<Attempt> => {
      const now = this.clock.now();
      await this.credentials.lockUnknownEmail(tx, email);
      const failures = await this.credentials.unknownEmailFailures(tx, email, now);
      const state = phantomState(failures.count, failures.lastAt);
      if (isLocked(state, now)) return { kind: 'locked', state };
      await this.credentials.recordUnknownEmailFailure(tx, email, now);
      return { kind: 'failed' };
    });
  }
}

function locked(state: LoginState, clock: Clock): DomainError {
  const seconds = state.lockedUntil ? retryAfterSeconds(state.lockedUntil, clock.now()) : 1;
  return new DomainError('ACCOUNT_LOCKED', `Too many failed sign-ins; try again in ${Math.ceil(seconds / 60)} min`, {
    retryAfterSeconds: seconds,
  });
}
