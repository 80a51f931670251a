import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TokenService } from '../common/auth/token.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors/domain-error';
import { clientIp } from '../common/rate-limit/client-ip';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { NotificationsService } from '../notifications/notifications.service';
import { OtpLoginResponseDto, OtpRequestedDto } from './dto/auth-responses.dto';
import { OtpRequestDto, OtpVerifyDto } from './dto/otp.dto';
import { generateOtp, hashOtp, OTP_MAX_ATTEMPTS, OTP_TTL_MINUTES, otpMatches } from './otp-code';
import { OtpRepository } from './otp.repository';

export const OTP_LIMITS = {
  requestPerPhone: { limit: 3, windowSeconds: 15 * 60 },
  requestPerPhoneDaily: { limit: 10, windowSeconds: 24 * 3600 },
  requestPerIp: { limit: 20, windowSeconds: 3600 },
  verifyPerIp: { limit: 30, windowSeconds: 15 * 60 },
} as const;

/** Guardians sign in with their phone and a one-time code sent through the notification outbox. */
@Injectable()
export class OtpService {
  private readonly secret: string;

  constructor(
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly otps: OtpRepository,
    private readonly notifications: NotificationsService,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (!config.jwtSecret) throw new Error('The JWT secret must be known before the auth module starts');
    this.secret = config.jwtSecret;
  }

  /**
   * Answers the same whether or not a (not disabled) guardian has this phone, and counts the per-phone limits
   * for unknown phones too, so neither the answer nor the limits reveal who is registered.
   */
  async request(input: OtpRequestDto): Promise<OtpRequestedDto> {
    const { phone } = input;
    await this.transactions.run(async (tx) => {
      const { requestPerIp, requestPerPhone, requestPerPhoneDaily } = OTP_LIMITS;
      // All three in one transaction: a request refused by one limit is counted by none.
      await this.limiter.hit(tx, 'otp.request.ip', clientIp(), requestPerIp.limit, requestPerIp.windowSeconds);
      await this.limiter.hit(tx, 'otp.request.phone', phone, requestPerPhone.limit, requestPerPhone.windowSeconds);
      await this.limiter.hit(tx, 'otp.request.phone.daily', phone, requestPerPhoneDaily.limit, requestPerPhoneDaily.windowSeconds);

      const guardian = await this.otps.guardianByPhone(tx, phone);
      // A disabled guardian gets the answer of an unknown phone (and no code).
      if (!guardian || guardian.disabled) return;
      const now = this.clock.now();
      const code = generateOtp();
      await this.otps.replace(tx, phone, hashOtp(this.secret, phone, code), now, now.plus({ minutes: OTP_TTL_MINUTES }));
      await this.notifications.enqueue(tx, {
        recipient: { type: 'guardian', id: guardian.id, locale: guardian.locale },
        template: 'otp_code',
        params: { code, minutes: String(OTP_TTL_MINUTES) },
      });
      await this.audit.record(tx, { action: 'auth.otp_request', objectType: 'guardian', objectId: guardian.id, hubId: guardian.hubId ?? undefined });
    });
    return { status: 'sent', expiresInSeconds: OTP_TTL_MINUTES * 60 };
  }

  async verify(input: OtpVerifyDto): Promise<OtpLoginResponseDto> {
    const { phone, code } = input;
    await this.limiter.hit(this.db, 'otp.verify.ip', clientIp(), OTP_LIMITS.verifyPerIp.limit, OTP_LIMITS.verifyPerIp.windowSeconds);
    // A wrong try must be counted even though the request fails, so the transaction returns instead of throwing.
    const guardian = await this.transactions.run(async (tx) => {
      const now = this.clock.now();
      // A disabled guardian's phone is treated as unknown: a code sent before they were disabled is not even tried.
      const found = await this.otps.guardianByPhone(tx, phone);
      if (!found || found.disabled) return undefined;
      const live = await this.otps.lockLatestLive(tx, phone, now);
      if (!live || live.attempts >= OTP_MAX_ATTEMPTS) return undefined;
      if (!otpMatches(this.secret, phone, code, live.codeHash)) {
        await this.otps.countFailure(tx, live.id);
        return undefined;
      }
      await this.otps.consume(tx, live.id, now);
      await this.audit.record(tx, {
        action: 'auth.otp_verify',
        objectType: 'guardian',
        objectId: found.id,
        hubId: found.hubId ?? undefined,
        actor: { type: 'guardian', id: found.id, role: 'guardian', hubIds: [] },
      });
      return found;
    });
    if (!guardian) throw new DomainError('INVALID_OTP', 'The code is wrong, expired or already used; request a new one');
    const { id, displayName, timeZone, locale } = guardian;
    return {
      ...this.tokens.signAccessToken(id, 'guardian', 'guardian', guardian.tokenVersion),
      guardian: { id, displayName, phone: guardian.phone, timeZone, locale },
    };
  }
}
