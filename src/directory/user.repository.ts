import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { StaffRole } from '../common/auth/actor';
import type { Locale } from '../notifications/templates';
import { escapeLike } from '../database/sql-like';

/** A staff account as the API shows it: never the password hash. */
export interface User {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  hubIds: string[];
  locale: Locale;
  disabled: boolean;
  createdAt: string;
}

export interface NewUser {
  email: string;
  passwordHash: string;
  displayName: string;
  role: StaffRole;
  locale: Locale;
}

export interface UserChanges {
  displayName?: string;
  locale?: Locale;
  passwordHash?: string;
  /** A date disables the account, null enables it. */
  disabledAt?: Date | null;
}

export interface UserFilter {
  role?: StaffRole;
  hubId?: string;
  q?: string;
}

/** `all` for admins; otherwise users sharing at least one of these hubs. */
export type UserScope = 'all' | string[];

const SELECT = `
  SELECT u.id, u.email, u.display_name, u.role, u.locale, u.disabled_at, u.created_at,
         coalesce((SELECT array_agg(uh.hub_id::text ORDER BY uh.hub_id) FROM user_hubs uh WHERE uh.user_id = u.id), '{}') AS hub_ids
    FROM users u`;

@Injectable()
export class UserRepository {
  async insert(db: EntityManager, user: NewUser, now: Date): Promise<string> {
    const [row] = await db.query(
      `INSERT INTO users (email, password_hash, display_name, role, locale, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
      [user.email, user.passwordHash, user.displayName, user.role, user.locale, now],
    );
    return row.id as string;
  }

  async find(db: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<User | undefined> {
    const rows = await db.query(`${SELECT} WHERE u.id = $1 ${options.lock ? 'FOR UPDATE OF u' : ''}`, [id]);
    return rows.length ? toUser(rows[0]) : undefined;
  }

  /** Whether a user in `scope` can see the user `id` (both share a hub), checked without loading it. */
  async visible(db: EntityManager, id: string, scope: UserScope): Promise<boolean> {
    if (scope === 'all') return true;
    const rows = await db.query(`SELECT 1 FROM user_hubs WHERE user_id = $1 AND hub_id = ANY($2::uuid[]) LIMIT 1`, [id, scope]);
    return rows.length > 0;
  }

  async list(db: EntityManager, scope: UserScope, filter: UserFilter, page: { limit: number; offset: number }): Promise<{ items: User[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (scope !== 'all') add('EXISTS (SELECT 1 FROM user_hubs s WHERE s.user_id = u.id AND s.hub_id = ANY(?::uuid[]))', scope);
    if (filter.hubId) add('EXISTS (SELECT 1 FROM user_hubs f WHERE f.user_id = u.id AND f.hub_id = ?)', filter.hubId);
    if (filter.role) add('u.role = ?', filter.role);
    if (filter.q !== undefined) add(`(u.display_name ILIKE '%' || ? || '%' OR u.email ILIKE '%' || ? || '%')`, escapeLike(filter.q));
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM users u ${clause}`, params);
    const rows = await db.query(`${SELECT} ${clause} ORDER BY lower(u.display_name), u.id LIMIT ${page.limit} OFFSET ${page.offset}`, params);
    return { items: rows.map(toUser), total };
  }

  async update(db: EntityManager, id: string, changes: UserChanges, now: Date): Promise<void> {
    const sets = ['updated_at = $2'];
    const params: unknown[] = [id, now];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (changes.displayName !== undefined) set('display_name', changes.displayName);
    if (changes.locale !== undefined) set('locale', changes.locale);
    if (changes.disabledAt !== undefined) set('disabled_at', changes.disabledAt);
    if (changes.passwordHash !== undefined) {
      set('password_hash', changes.passwordHash);
      // a new password set by an admin also lifts a sign-in lock
      sets.push('failed_logins = 0', 'locked_until = NULL');
    }
    await db.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async replaceHubs(db: EntityManager, userId: string, hubIds: string[]): Promise<void> {
    await db.query(`DELETE FROM user_hubs WHERE user_id = $1`, [userId]);
    if (hubIds.length === 0) return;
    await db.query(`INSERT INTO user_hubs (user_id, hub_id) SELECT $1, unnest($2::uuid[])`, [userId, hubIds]);
  }
}

function toUser(row: Record<string, unknown>): User {
  return {
    id: row.id as string,
    email: row.email as string,
    displayName: row.display_name as string,
    role: row.role as StaffRole,
    hubIds: row.hub_ids as string[],
    locale: row.locale as Locale,
    disabled: row.disabled_at !== null,
    createdAt: (row.created_at as Date).toISOString(),
  };
}
