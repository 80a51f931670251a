import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import type { StaffRole } from '../common/auth/actor';
import type { Locale } from '../notifications/templates';
import type { LoginState } from './lockout';

export interface UserCredentials {
  id: string;
  passwordHash: string;
  disabled: boolean;
  state: LoginState;
}

export interface UserProfile {
  id: string;
  email: string;
  role: StaffRole;
  displayName: string;
  locale: Locale;
  hubIds: string[];
  /** Signed into access tokens as `ver` (see AuthGuard). */
  tokenVersion: number;
}

/** Failures of sign-ins for emails without an account (see `phantomState`). */
const UNKNOWN_EMAIL_BUCKET = 'login.unknown-email';
const UNKNOWN_EMAIL_MEMORY = { days: 1 };

type Runner = EntityManager | DataSource;

/** SQL for password sign-in: credentials, lockout counters and profiles of users. */
@Injectable()
export class CredentialsRepository {
  async findByEmail(db: Runner, email: string): Promise<UserCredentials | undefined> {
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT id, password_hash, disabled_at, failed_logins, locked_until FROM users WHERE email = $1`,
      [email],
    );
    return rows.length ? toCredentials(rows[0]) : undefined;
  }

  /** Re-reads the lockout state under a row lock, so concurrent attempts count one after another. */
  async lockForUpdate(tx: EntityManager, id: string): Promise<UserCredentials | undefined> {
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT id, password_hash, disabled_at, failed_logins, locked_until FROM users WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows.length ? toCredentials(rows[0]) : undefined;
  }

  async saveState(tx: EntityManager, id: string, state: LoginState): Promise<void> {
    await tx.query(`UPDATE users SET failed_logins = $2, locked_until = $3::timestamptz WHERE id = $1`, [
      id,
      state.failures,
      state.lockedUntil?.toISO() ?? null,
    ]);
  }

  async profile(db: Runner, id: string): Promise<UserProfile | undefined> {
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT u.id, u.email, u.role, u.display_name, u.locale, u.token_version,
              coalesce(array_agg(uh.hub_id ORDER BY uh.hub_id) FILTER (WHERE uh.hub_id IS NOT NULL), '{}') AS hub_ids
         FROM users u LEFT JOIN user_hubs uh ON uh.user_id = u.id
        WHERE u.id = $1
        GROUP BY u.id`,
      [id],
    );
    if (!rows.length) return undefined;
    const row = rows[0];
    return {
      id: row.id as string,
      email: row.email as string,
      role: row.role as StaffRole,
      displayName: row.display_name as string,
      locale: row.locale as Locale,
      hubIds: row.hub_ids as string[],
      tokenVersion: row.token_version as number,
    };
  }

  /** Recorded failures of an email that has no account, within the last day. */
  async unknownEmailFailures(db: Runner, email: string, now: DateTime): Promise<{ count: number; lastAt?: DateTime }> {
    const [row]: { count: number; last_at: Date | null }[] = await db.query(
      `SELECT count(*)::int AS count, max(at) AS last_at FROM rate_limit_events
        WHERE bucket = $1 AND key = $2 AND at > $3::timestamptz AND at <= $4::timestamptz`,
      [UNKNOWN_EMAIL_BUCKET, email, now.minus(UNKNOWN_EMAIL_MEMORY).toISO(), now.toISO()],
    );
    return { count: row.count, lastAt: row.last_at ? DateTime.fromJSDate(row.last_at, { zone: 'utc' }) : undefined };
  }

  /** Serializes attempts on one unknown email (there is no row to lock). */
  async lockUnknownEmail(tx: EntityManager, email: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${UNKNOWN_EMAIL_BUCKET}:${email}`]);
  }

  async recordUnknownEmailFailure(tx: EntityManager, email: string, now: DateTime): Promise<void> {
    await tx.query(`DELETE FROM rate_limit_events WHERE bucket = $1 AND key = $2 AND at <= $3::timestamptz`, [
      UNKNOWN_EMAIL_BUCKET,
      email,
      now.minus(UNKNOWN_EMAIL_MEMORY).toISO(),
    ]);
    await tx.query(`INSERT INTO rate_limit_events (bucket, key, at) VALUES ($1, $2, $3::timestamptz)`, [
      UNKNOWN_EMAIL_BUCKET,
      email,
      now.toISO(),
    ]);
  }

  async activeAdminExists(db: Runner): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1`);
    return rows.length > 0;
  }

  /** Inserts an admin unless the email is taken; returns the new id, or undefined when taken. */
  async insertAdmin(tx: EntityManager, email: string, passwordHash: string, displayName: string): Promise<string | undefined> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO users (email, password_hash, display_name, role) VALUES ($1, $2, $3, 'admin')
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [email, passwordHash, displayName],
    );
    return rows[0]?.id;
  }
}

function toCredentials(row: Record<string, unknown>): UserCredentials {
  const lockedUntil = row.locked_until as Date | null;
  return {
    id: row.id as string,
    passwordHash: row.password_hash as string,
    disabled: row.disabled_at !== null,
    state: {
      failures: row.failed_logins as number,
      lockedUntil: lockedUntil ? DateTime.fromJSDate(lockedUntil, { zone: 'utc' }) : undefined,
    },
  };
}
