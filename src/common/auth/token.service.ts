import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Role } from './actor';

export interface AccessTokenClaims {
  sub: string;
  typ: 'user' | 'guardian';
  role: Role;
  /**
   * The account's `token_version` when the token was issued; the guard refuses the token once the
   * version moved on. Tokens issued before versions existed carry none and count as version 0.
   */
  ver: number;
}

export const ACCESS_TOKEN_TTL_SECONDS = { user: 12 * 3600, guardian: 7 * 24 * 3600 } as const;

/** Access tokens: HS256 only (the algorithm is pinned on verify, so `alg: none` and friends are refused). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  signAccessToken(sub: string, typ: 'user' | 'guardian', role: Role, ver = 0): { accessToken: string; expiresAt: string } {
    const ttl = ACCESS_TOKEN_TTL_SECONDS[typ];
    const accessToken = this.jwt.sign({ typ, role, ver } satisfies Omit<AccessTokenClaims, 'sub'>, {
      subject: sub,
      expiresIn: ttl,
      audience: 'kinbridge-api',
    });
    return { accessToken, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
  }

  verifyAccessToken(token: string): AccessTokenClaims | undefined {
    try {
      const claims = this.jwt.verify<Omit<AccessTokenClaims, 'ver'> & { ver?: unknown; aud: string }>(token, {
        algorithms: ['HS256'],
        audience: 'kinbridge-api',
      });
      if (claims.typ !== 'user' && claims.typ !== 'guardian') return undefined;
      const ver = claims.ver === undefined ? 0 : claims.ver;
      if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) return undefined;
      return { sub: claims.sub, typ: claims.typ, role: claims.role, ver };
    } catch {
      return undefined;
    }
  }
}
