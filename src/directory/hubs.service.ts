import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, isAdmin } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { toWeeklyRules, validateWeeklyRules, WeeklyRule } from '../common/weekly-rules';
import { Transactions } from '../database/transaction';
import { CreateHubDto, HUB_LIMITS, HUB_SETTINGS, HubQuery, UpdateHubDto } from './dto/hub.dto';
import { ReplaceOpeningHoursDto } from './dto/opening-hours.dto';
import { Hub, HubRepository, HubScope, HubValues } from './hub.repository';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface OpeningHours {
  timeZone: string;
  rules: WeeklyRule[];
}

@Injectable()
export class HubsService {
  constructor(
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly hubs: HubRepository,
  ) {}

  create(dto: CreateHubDto): Promise<Hub> {
    const values: HubValues = {
      name: dto.name,
      timeZone: dto.timeZone ?? DEFAULT_TIME_ZONE,
      bufferMinutes: dto.bufferMinutes ?? HUB_LIMITS.bufferMinutes.default,
      minimumNoticeMinutes: dto.minimumNoticeMinutes ?? HUB_LIMITS.minimumNoticeMinutes.default,
      horizonDays: dto.horizonDays ?? HUB_LIMITS.horizonDays.default,
    };
    return this.transactions.run(async (tx) => {
      const hub = await this.hubs.insert(tx, values, this.now());
      await this.audit.record(tx, { action: 'hub.create', objectType: 'hub', objectId: hub.id, hubId: hub.id, details: { ...values } });
      return hub;
    });
  }

  async list(actor: Actor, query: HubQuery): Promise<Page<Hub>> {
    const { items, total } = await this.hubs.list(this.db.manager, scopeOf(actor), { q: query.q }, { limit: query.pageSize, offset: offsetOf(query) });
    return pageOf(items, total, query);
  }

  get(actor: Actor, id: string): Promise<Hub> {
    return this.visibleHub(this.db.manager, actor, id);
  }

  async update(actor: Actor, id: string, dto: UpdateHubDto): Promise<Hub> {
    const requested = (Object.keys(dto) as (keyof UpdateHubDto)[]).filter((key) => dto[key] !== undefined);
    if (requested.length === 0) {
      throw new DomainError('VALIDATION_FAILED', 'Send at least one field to change');
    }
    return this.transactions.run(async (tx) => {
      const current = await this.visibleHub(tx, actor, id, { lock: true });
      const adminOnly = requested.filter((key) => !(HUB_SETTINGS as readonly string[]).includes(key));
      if (!isAdmin(actor) && adminOnly.length > 0) {
        throw new DomainError('FORBIDDEN', `Only an admin may change ${adminOnly.join(', ')}; hub staff may change ${HUB_SETTINGS.join(', ')}`);
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of requested) {
        if (current[key] !== dto[key]) changes[key] = { from: current[key], to: dto[key] };
      }
      if (Object.keys(changes).length === 0) return current;
      const hub = await this.hubs.update(tx, id, dto, this.now());
      await this.audit.record(tx, { action: 'hub.update', objectType: 'hub', objectId: id, hubId: id, details: { changes } });
      return hub;
    });
  }

  async openingHours(actor: Actor, id: string): Promise<OpeningHours> {
    const hub = await this.visibleHub(this.db.manager, actor, id);
    return { timeZone: hub.timeZone, rules: toWeeklyRules(await this.hubs.openingHours(this.db.manager, id)) };
  }

  replaceOpeningHours(actor: Actor, id: string, dto: ReplaceOpeningHoursDto): Promise<OpeningHours> {
    const intervals = validateWeeklyRules(dto.rules, 'rules');
    return this.transactions.run(async (tx) => {
      // the row lock serialises concurrent replacements of one hub's schedule
      const hub = await this.visibleHub(tx, actor, id, { lock: true });
      await this.hubs.replaceOpeningHours(tx, id, intervals);
      const rules = toWeeklyRules(intervals);
      await this.audit.record(tx, { action: 'opening_hours.replace', objectType: 'hub', objectId: id, hubId: id, details: { rules } });
      return { timeZone: hub.timeZone, rules };
    });
  }

  /** The hub if the actor works in it (admins: any hub); otherwise NOT_FOUND, exactly like an unknown id. */
  async visibleHub(db: EntityManager, actor: Actor, id: string, options: { lock?: boolean } = {}): Promise<Hub> {
    const scope = scopeOf(actor);
    if (scope !== 'all' && !scope.includes(id)) throw notFound('Hub');
    const hub = await this.hubs.find(db, id, options);
    if (!hub) throw notFound('Hub');
    return hub;
  }

  private now(): Date {
    return this.clock.now().toJSDate();
  }
}

/** Guardians never reach these routes (role guard); for them the scope would be empty anyway. */
export function scopeOf(actor: Actor): HubScope {
  if (isAdmin(actor)) return 'all';
  return actor.type === 'user' ? actor.hubIds : [];
}
