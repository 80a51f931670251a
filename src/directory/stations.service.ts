import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, PageQuery, pageOf } from '../common/pagination';
import { Transactions } from '../database/transaction';
import { SessionChanges } from '../realtime/session-changes';
import { SessionsService } from '../sessions/sessions.service';
import { CreateStationDto, UpdateStationDto } from './dto/station.dto';
import { HubsService } from './hubs.service';
import { Station, StationRepository } from './station.repository';

@Injectable()
export class StationsService {
  constructor(
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly hubs: HubsService,
    private readonly stations: StationRepository,
    private readonly sessions: SessionsService,
    private readonly changes: SessionChanges,
  ) {}

  create(actor: Actor, hubId: string, dto: CreateStationDto): Promise<Station> {
    return this.transactions.run(async (tx) => {
      await this.hubs.visibleHub(tx, actor, hubId);
      const station = await this.stations.insert(tx, hubId, dto.name, this.now());
      await this.audit.record(tx, { action: 'station.create', objectType: 'station', objectId: station.id, hubId, details: { name: station.name } });
      return station;
    });
  }

  async list(actor: Actor, hubId: string, query: PageQuery): Promise<Page<Station>> {
    await this.hubs.visibleHub(this.db.manager, actor, hubId);
    const { items, total } = await this.stations.list(this.db.manager, hubId, { limit: query.pageSize, offset: offsetOf(query) });
    return pageOf(items, total, query);
  }

  async update(actor: Actor, hubId: string, stationId: string, dto: UpdateStationDto): Promise<Station> {
    checkServiceChange(dto);
    const { station: updated, cancelled } = await this.transactions.run(async (tx) => {
      await this.hubs.visibleHub(tx, actor, hubId);
      let station = await this.stations.findInHub(tx, hubId, stationId, { lock: true });
      if (!station) throw notFound('Station');
      if (dto.name !== undefined && dto.name !== station.name) {
        const from = station.name;
        station = await this.stations.update(tx, station.id, { name: dto.name }, this.now());
        await this.audit.record(tx, {
          action: 'station.update',
          objectType: 'station',
          objectId: station.id,
          hubId,
          details: { changes: { name: { from, to: station.name } } },
        });
      }
      if (dto.inService === undefined) return { station, cancelled: [] };
      return this.setInService(tx, station, dto.inService, dto.outOfServiceReason ?? null);
    });
    // The hub's live view and the rooms of the cancelled calls hear of it after commit.
    await this.changes.changedMany(cancelled);
    return updated;
  }

  /**
   * Takes a station out of service (a reason is required and kept) or puts it back (the reason
   * is cleared). Runs on the caller's transaction, with the station row already locked; returns
   * the sessions it cancelled, for the caller to announce after commit.
   */
  private async setInService(tx: EntityManager, station: Station, inService: boolean, reason: string | null): Promise<{ station: Station; cancelled: string[] }> {
    const base = { objectType: 'station', objectId: station.id, hubId: station.hubId };
    if (!inService) {
      if (!reason) throw new DomainError('VALIDATION_FAILED', 'A reason is required to take a station out of service');
      if (!station.inService) {
        if (reason === station.outOfServiceReason) return { station, cancelled: [] };
        const updated = await this.stations.update(tx, station.id, { outOfServiceReason: reason }, this.now());
        await this.audit.record(tx, { ...base, action: 'station.update', details: { changes: { outOfServiceReason: { from: station.outOfServiceReason, to: reason } } } });
        return { station: updated, cancelled: [] };
      }
      const updated = await this.stations.update(tx, station.id, { inService: false, outOfServiceReason: reason }, this.now());
      await this.audit.record(tx, { ...base, action: 'station.out_of_service', details: { reason } });
      // Scheduling hooks in here: cancel the station's future sessions with this reason, on this transaction.
      return { station: updated, cancelled: await this.sessions.cancelFutureAtStation(tx, station.id, reason) };
    }
    if (station.inService) return { station, cancelled: [] };
    const updated = await this.stations.update(tx, station.id, { inService: true, outOfServiceReason: null }, this.now());
    await this.audit.record(tx, { ...base, action: 'station.in_service', details: { previousReason: station.outOfServiceReason } });
    return { station: updated, cancelled: [] };
  }

  private now(): Date {
    return this.clock.now().toJSDate();
  }
}

/** A reason goes with taking a station out of service, and only with that. */
function checkServiceChange(dto: UpdateStationDto): void {
  if (dto.name === undefined && dto.inService === undefined && dto.outOfServiceReason === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Send at least one field to change');
  }
  if (dto.inService === false && dto.outOfServiceReason === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'A reason is required to take a station out of service', {
      errors: [{ field: 'outOfServiceReason', messages: ['outOfServiceReason is required when inService is false'] }],
    });
  }
  if (dto.outOfServiceReason !== undefined && dto.inService !== false) {
    throw new DomainError('VALIDATION_FAILED', 'outOfServiceReason goes only with inService: false', {
      errors: [{ field: 'outOfServiceReason', messages: ['outOfServiceReason is only allowed together with inService: false'] }],
    });
  }
}
