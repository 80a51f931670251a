import { Injectable } from '@nestjs/common';
import { findSlots, type NoSlotsReason, type Slot } from '@app/scheduling-core';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { invalidField, DomainError, notFound } from '../common/errors/domain-error';
import { ChildScope } from '../children/child-scope';
import { Transactions } from '../database/transaction';
import { assertCallAllowed, assertInService, assertPerson, BookingContextLoader, LoadedBookingContext } from './booking-context.loader';
import { parseIsoInstant } from '../common/validation/field-rules';
import { MAX_SEARCH_DAYS, MAX_SLOTS, SlotQuery } from './dto/slot-query.dto';
import { SlotDto, SlotListDto } from './dto/slot.dto';
import { wallClockFormatter } from './wall-clock';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Free slots for one child and guardian: the same rules and the same refusals as booking
 * (scope, link, consent, station in service), so staff never see a time they could not book.
 */
@Injectable()
export class SlotsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly children: ChildScope,
    private readonly loader: BookingContextLoader,
    private readonly audit: AuditService,
  ) {}

  search(actor: Actor, query: SlotQuery): Promise<SlotListDto> {
    // The DTO has validated both; a null here would be a bug, reported as the field.
    const from = parseIsoInstant(query.from) ?? undefined;
    const to = parseIsoInstant(query.to) ?? undefined;
    if (from === undefined) throw invalidField('from', 'from must be an ISO 8601 date-time with an offset');
    if (to === undefined) throw invalidField('to', 'to must be an ISO 8601 date-time with an offset');
    if (to <= from) throw invalidField('to', 'to must be after from');
    if (to - from > MAX_SEARCH_DAYS * DAY_MS) throw invalidField('to', `to must be at most ${MAX_SEARCH_DAYS} days after from`);
    if (actor.type === 'guardian') {
      // A parent may look for times for their own child (to propose one); whose calendars the
      // staff are busy with is not theirs to probe.
      if (query.supervisorId !== undefined || query.counselorId !== undefined) {
        throw new DomainError('FORBIDDEN', 'Guardians cannot search by supervisor or counselor');
      }
    }
    const kind = query.kind ?? 'supervised';
    const durationMs = query.durationMinutes * MINUTE_MS;

    return this.transactions.run(async (tx) => {
      const child = await this.children.findVisibleChild(tx, actor, query.childId);
      if (actor.type === 'guardian' && query.guardianId !== actor.id) throw notFound('Guardian');
      const supervisorId = query.supervisorId ?? (actor.role === 'hub_staff' ? actor.id : undefined);
      const counselorId = query.counselorId ?? (kind === 'mediated' ? (child.counselorId ?? undefined) : undefined);
      if (kind === 'mediated' && counselorId === undefined) {
        throw invalidField('counselorId', 'a mediated call needs a counselor and the child has none; name one with counselorId');
      }

      const loaded = await this.loader.load(tx, {
        childId: child.id,
        guardianId: query.guardianId,
        kind,
        from,
        to: to + durationMs,
        stationId: query.stationId,
        supervisorId,
        counselorId,
      });
      this.assertBookable(loaded);

      const result = findSlots({ ...loaded.context, from, to, durationMinutes: query.durationMinutes });
      if (!result.ok) {
        // The request was checked above, so this is stored data the engine refuses (e.g. a zone name).
        throw new DomainError('CONFLICT', `The hub's or guardian's scheduling settings are not usable: ${result.detail}`);
      }
      const slots = result.slots.slice(0, MAX_SLOTS);
      await this.audit.record(tx, {
        action: 'slots.search',
        objectType: 'child',
        objectId: child.id,
        childId: child.id,
        hubId: child.hubId,
        details: {
          guardianId: query.guardianId,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          durationMinutes: query.durationMinutes,
          kind,
          stationId: query.stationId ?? null,
          supervisorId: supervisorId ?? null,
          counselorId: counselorId ?? null,
          slots: result.slots.length,
          blockedBy: result.blockedBy,
        },
      });
      return this.toList(loaded, slots, result.slots.length > MAX_SLOTS, result.blockedBy);
    });
  }

  /** The refusals booking gives (SessionBooker.prepare), in the same order. */
  private assertBookable(loaded: LoadedBookingContext): void {
    assertCallAllowed(loaded);
    if (loaded.supervisor) assertPerson(loaded.supervisor, 'hub_staff');
    if (loaded.counselor) assertPerson(loaded.counselor, 'counselor');
    if (loaded.stations.length === 1) assertInService(loaded.stations[0]);
  }

  private toList(loaded: LoadedBookingContext, slots: Slot[], truncated: boolean, blockedBy: NoSlotsReason | null): SlotListDto {
    const hubZone = loaded.hub.timeZone;
    const guardianZone = loaded.guardian.timeZone;
    const names = new Map(loaded.stations.map((s) => [s.id, s.name]));
    let items: SlotDto[] = [];
    if (slots.length > 0) {
      const span: [number, number] = [slots[0].start, slots[slots.length - 1].end + 1];
      const hubWall = wallClockFormatter(hubZone, ...span);
      const guardianWall = wallClockFormatter(guardianZone, ...span);
      items = slots.map((slot) => ({
        startsAt: new Date(slot.start).toISOString(),
        endsAt: new Date(slot.end).toISOString(),
        stationId: slot.stationId,
        stationName: names.get(slot.stationId) ?? '',
        hubLocal: { start: hubWall(slot.start), end: hubWall(slot.end), timeZone: hubZone },
        guardianLocal: { start: guardianWall(slot.start), end: guardianWall(slot.end), timeZone: guardianZone },
      }));
    }
    return { items, truncated, blockedBy, timeZones: { hub: hubZone, guardian: guardianZone } };
  }
}


