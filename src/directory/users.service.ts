import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hashPassword } from '../auth/password';
import { Actor, isAdmin, StaffRole } from '../common/auth/actor';
import { revokeAccessTokens } from '../common/auth/token-version';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { Transactions } from '../database/transaction';
import { RealtimeServers } from '../realtime/realtime-servers';
import { CreateUserDto, UpdateUserDto, UserQuery } from './dto/user.dto';
import { HubRepository } from './hub.repository';
import { User, UserChanges, UserRepository, UserScope } from './user.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly users: UserRepository,
    private readonly hubs: HubRepository,
    private readonly realtime: RealtimeServers,
  ) {}

  async create(dto: CreateUserDto): Promise<User> {
    checkHubCount(dto.role, dto.hubIds);
    // hashed before the transaction: argon2 is deliberately slow and needs no lock
    const passwordHash = await hashPassword(dto.password);
    return this.transactions.run(async (tx) => {
      await this.requireHubs(tx, dto.hubIds);
      const id = await this.users.insert(
        tx,
        { email: dto.email, passwordHash, displayName: dto.displayName, role: dto.role, locale: dto.locale ?? 'zh-CN' },
        this.now(),
      );
      await this.users.replaceHubs(tx, id, dto.hubIds);
      await this.audit.record(tx, {
        action: 'user.create',
        objectType: 'user',
        objectId: id,
        hubId: dto.hubIds.length === 1 ? dto.hubIds[0] : undefined,
        details: { email: dto.email, role: dto.role, hubIds: dto.hubIds },
      });
      return (await this.users.find(tx, id)) as User;
    });
  }

  async list(actor: Actor, query: UserQuery): Promise<Page<User>> {
    const { items, total } = await this.users.list(
      this.db.manager,
      scopeOf(actor),
      { role: query.role, hubId: query.hubId, q: query.q },
      { limit: query.pageSize, offset: offsetOf(query) },
    );
    return pageOf(items, total, query);
  }

  get(actor: Actor, id: string): Promise<User> {
    return this.visibleUser(this.db.manager, actor, id);
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<User> {
    const requested = (Object.keys(dto) as (keyof UpdateUserDto)[]).filter((key) => dto[key] !== undefined);
    if (requested.length === 0) throw new DomainError('VALIDATION_FAILED', 'Send at least one field to change');
    if (dto.disabled === true && id === actor.id) {
      throw new DomainError('CONFLICT', 'You cannot disable your own account');
    }
    const passwordHash = dto.password === undefined ? undefined : await hashPassword(dto.password);
    const { user, rescoped } = await this.transactions.run(async (tx) => {
      const current = await this.visibleUser(tx, actor, id, { lock: true });
      const changes: UserChanges = {};
      const details: Record<string, { from: unknown; to: unknown }> = {};
      if (dto.displayName !== undefined && dto.displayName !== current.displayName) {
        changes.displayName = dto.displayName;
        details.displayName = { from: current.displayName, to: dto.displayName };
      }
      if (dto.locale !== undefined && dto.locale !== current.locale) {
        changes.locale = dto.locale;
        details.locale = { from: current.locale, to: dto.locale };
      }
      if (dto.disabled !== undefined && dto.disabled !== current.disabled) {
        changes.disabledAt = dto.disabled ? this.now() : null;
        details.disabled = { from: current.disabled, to: dto.disabled };
      }
      if (passwordHash !== undefined) {
        changes.passwordHash = passwordHash;
        details.password = { from: '(hidden)', to: '(changed)' };
      }
      if (dto.hubIds !== undefined) {
        checkHubCount(current.role, dto.hubIds);
        const to = [...dto.hubIds].sort();
        if (to.join() !== [...current.hubIds].sort().join()) {
          await this.requireHubs(tx, to);
          await this.users.replaceHubs(tx, id, to);
          details.hubIds = { from: current.hubIds, to };
        }
      }
      if (Object.keys(details).length === 0) return { user: current, rescoped: false };
      await this.users.update(tx, id, changes, this.now());
      // A password reset or a disabled account signs out every session it had (re-enabling revives none).
      const signedOut = changes.passwordHash !== undefined || Boolean(changes.disabledAt);
      if (signedOut) await revokeAccessTokens(tx, { type: 'user', id });
      await this.audit.record(tx, {
        action: 'user.update',
        objectType: 'user',
        objectId: id,
        hubId: current.hubIds.length === 1 ? current.hubIds[0] : undefined,
        details: { changes: details, ...(signedOut && { signedOut: true }) },
      });
      return { user: (await this.users.find(tx, id)) as User, rescoped: signedOut || details.hubIds !== undefined };
    });
    if (rescoped) this.realtime.disconnectAccount(id);
    return user;
  }

  /** The user if they share a hub with the actor (admins: anyone); otherwise NOT_FOUND. */
  private async visibleUser(db: EntityManager, actor: Actor, id: string, options: { lock?: boolean } = {}): Promise<User> {
    const scope = scopeOf(actor);
    if (!(await this.users.visible(db, id, scope))) throw notFound('User');
    const user = await this.users.find(db, id, options);
    if (!user) throw notFound('User');
    return user;
  }

  private async requireHubs(tx: EntityManager, hubIds: string[]): Promise<void> {
    const missing = await this.hubs.missing(tx, hubIds);
    if (missing.length > 0) throw new DomainError('NOT_FOUND', `Hub ${missing.join(', ')} was not found`, { field: 'hubIds', missing });
  }

  private now(): Date {
    return this.clock.now().toJSDate();
  }
}

/** Hub staff work in exactly one hub, counselors in one or more, admins in none (they see all). */
export function checkHubCount(role: StaffRole, hubIds: string[]): void {
  const rule: Record<StaffRole, { ok: (n: number) => boolean; message: string }> = {
    hub_staff: { ok: (n) => n === 1, message: 'hub_staff must be assigned exactly one hub' },
    counselor: { ok: (n) => n >= 1, message: 'a counselor must be assigned at least one hub' },
    admin: { ok: (n) => n === 0, message: 'an admin is not assigned to hubs (admins see every hub)' },
  };
  if (!rule[role].ok(hubIds.length)) {
    throw new DomainError('VALIDATION_FAILED', rule[role].message, { errors: [{ field: 'hubIds', messages: [rule[role].message] }] });
  }
}

function scopeOf(actor: Actor): UserScope {
  if (isAdmin(actor)) return 'all';
  return actor.type === 'user' ? actor.hubIds : [];
}
