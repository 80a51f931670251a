import type { CallRole } from '@app/realtime-protocol';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Clock } from '../common/clock';

export const JOIN_TOKEN_AUDIENCE = 'kinbridge-call';
/** A join token lives at most this long (and never past the scheduled end): a rejoin asks for a fresh one. */
export const JOIN_TOKEN_TTL_SECONDS = 15 * 60;

export interface JoinClaims {
  /** The participant: a user id (supervisor, counselor) or a guardian id. */
  sub: string;
  sessionId: string;
  role: CallRole;
}

/**
 * Join tokens for the /calls namespace: HS256 like access tokens but with their own audience, so
 * neither can stand in for the other. Issued-at and expiry come from the app's clock (and are
 * checked against it), so a test clock moves them consistently.
 */
@Injectable()
export class JoinTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
  ) {}

  sign(claims: JoinClaims, notAfter: Date): { token: string; expiresAt: Date } {
    const now = Math.floor(this.clock.now().toSeconds());
    const exp = Math.min(now + JOIN_TOKEN_TTL_SECONDS, Math.floor(notAfter.getTime() / 1000));
    const token = this.jwt.sign(
      { sid: claims.sessionId, crl: claims.role, iat: now, exp },
      { subject: claims.sub, audience: JOIN_TOKEN_AUDIENCE },
    );
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims, or undefined for anything but a valid, unexpired join token. */
  verify(token: unknown): JoinClaims | undefined {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return undefined;
    try {
      const claims = this.jwt.verify<{ sub?: unknown; sid?: unknown; crl?: unknown }>(token, {
        algorithms: ['HS256'],
        audience: JOIN_TOKEN_AUDIENCE,
        clockTimestamp: Math.floor(this.clock.now().toSeconds()),
      });
      const { sub, sid, crl } = claims;
      if (typeof sub !== 'string' || typeof sid !== 'string') return undefined;
      if (crl !== 'guardian' && crl !== 'supervisor' && crl !== 'counselor') return undefined;
      return { sub, sessionId: sid, role: crl };
    } catch {
      return undefined;
    }
  }
}
