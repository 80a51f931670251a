import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import type { Locale } from '../notifications/templates';

export interface GuardianProfile {
  id: string;
  hubId: string | null;
  displayName: string;
  phone: string;
  timeZone: string;
  locale: Locale;
  /** A disabled guardian cannot sign in; OTP treats their phone like an unknown one. */
  disabled: boolean;
  /** Signed into access tokens as `ver` (see AuthGuard). */
  tokenVersion: number;
}

export interface LiveOtp {
  id: string;
  codeHash: string;
  attempts: number;
}

type Runner = EntityManager | DataSource;

/** SQL for guardian one-time codes (`otp_codes`) and the guardians they sign in. */
@Injectable()
export class OtpRepository {
  async guardianByPhone(db: Runner, phone: string): Promise<GuardianProfile | undefined> {
    const rows: Record<string, unknown>[] = await db.query(`${GUARDIAN_SELECT} WHERE phone = $1`, [phone]);
    return rows.length ? toGuardian(rows[0]) : undefined;
  }

  async guardianById(db: Runner, id: string): Promise<GuardianProfile | undefined> {
    const rows: Record<string, unknown>[] = await db.query(`${GUARDIAN_SELECT} WHERE id = $1`, [id]);
    return rows.length ? toGuardian(rows[0]) : undefined;
  }

  /** A new code replaces the earlier ones: they expire now, and codes older than a day are deleted. */
  async replace(tx: EntityManager, phone: string, codeHash: string, now: DateTime, expiresAt: DateTime): Promise<void> {
    await tx.query(`DELETE FROM otp_codes WHERE phone = $1 AND created_at < $2::timestamptz`, [phone, now.minus({ days: 1 }).toISO()]);
    await tx.query(
      `UPDATE otp_codes SET expires_at = $2::timestamptz
        WHERE phone = $1 AND consumed_at IS NULL AND expires_at > $2::timestamptz`,
      [phone, now.toISO()],
    );
    await tx.query(
      `INSERT INTO otp_codes (phone, code_hash, created_at, expires_at) VALUES ($1, $2, $3::timestamptz, $4::timestamptz)`,
      [phone, codeHash, now.toISO(), expiresAt.toISO()],
    );
  }

  /** The newest unexpired, unconsumed code of a phone, locked so concurrent tries count one by one. */
  async lockLatestLive(tx: EntityManager, phone: string, now: DateTime): Promise<LiveOtp | undefined> {
    const rows: { id: string; code_hash: string; attempts: number }[] = await tx.query(
      `SELECT id, code_hash, attempts FROM otp_codes
        WHERE phone = $1 AND consumed_at IS NULL AND expires_at > $2::timestamptz
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [phone, now.toISO()],
    );
    return rows.length ? { id: rows[0].id, codeHash: rows[0].code_hash, attempts: rows[0].attempts } : undefined;
  }

  async countFailure(tx: EntityManager, id: string): Promise<void> {
    await tx.query(`UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1`, [id]);
  }

  async consume(tx: EntityManager, id: string, now: DateTime): Promise<void> {
    await tx.query(`UPDATE otp_codes SET consumed_at = $2::timestamptz WHERE id = $1`, [id, now.toISO()]);
  }
}

const GUARDIAN_SELECT = `SELECT id, hub_id, display_name, phone, time_zone, locale, disabled_at, token_version FROM guardians`;

function toGuardian(row: Record<string, unknown>): GuardianProfile {
  return {
    id: row.id as string,
    hubId: row.hub_id as string | null,
    displayName: row.display_name as string,
    phone: row.phone as string,
    timeZone: row.time_zone as string,
    locale: row.locale as Locale,
    disabled: row.disabled_at !== null,
    tokenVersion: row.token_version as number,
  };
}
