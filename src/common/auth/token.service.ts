import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Role } from './actor';

export interface AccessTokenClaims {
  sub: string;
  typ: 'user' | 'guardian';
  role: Role;
}

export const ACCESS_TOKEN_TTL_SECONDS = { user: 12 * 3600, guardian: 7 * 24 * 3600 } as const;

/** Access tokens: HS256 only (the algorithm is pinned on verify, so `alg: none` and friends are refused). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  signAccessToken(sub: string, typ: 'user' | 'guardian', role: Role): { accessToken: string; expiresAt: string } {
    const ttl = ACCESS_TOKEN_TTL_SECONDS[typ];
    const accessToken = this.jwt.sign({ typ, role } satisfies Omit<AccessTokenClaims, 'sub'>, {
      subject: sub,
      expiresIn: ttl,
      audience: 'kinbridge-api',
    });
    return { accessToken, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
  }

  verifyAccessToken(token: string): AccessTokenClaims | undefined {
    try {
      const claims = this.jwt.verify<AccessTokenClaims & { aud: string }>(token, {
        algorithms: ['HS256'],
        audience: 'kinbridge-api',
      });
      return claims.typ === 'user' || claims.typ === 'guardian' ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
