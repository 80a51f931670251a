import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { Actor, isAdmin } from '../common/auth/actor';
import { AuthGuard } from '../common/auth/auth.guard';
import { Clock } from '../common/clock';
import { notFound } from '../common/errors/domain-error';
import { Transactions } from '../database/transaction';
import { buildCalendarFeed } from './calendar-feed';
import { CalendarGuardian, CalendarRepository } from './calendar.repository';
import { CalendarTokenDto } from './dto/calendar-token.dto';

/** How far back the feed reaches; everything ahead is included. */
const FEED_PAST_DAYS = 30;

export interface FeedAccess {
  /** `?token=` of a subscription URL. */
  token?: string;
  /** The Authorization header, when the caller sends one. */
  authorization?: string;
}

@Injectable()
export class CalendarService {
  constructor(
    private readonly transactions: Transactions,
    private readonly calendars: CalendarRepository,
    private readonly auth: AuthGuard,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * The guardian's iCalendar feed. Reachable with their secret token (phone calendars cannot send
   * a bearer token) or with a bearer token of the guardian or of staff in scope (who see only
   * their hubs' sessions). Without either, or with a wrong token, it is 404 like an unknown
   * guardian, so the URL confirms nothing.
   */
  async feed(guardianId: string, access: FeedAccess): Promise<string> {
    // A bearer token decides when sent (a bad one is 401, as everywhere); otherwise the secret token.
    const actor = access.authorization !== undefined ? await this.auth.authenticate(access.authorization) : undefined;
    return this.transactions.run(async (tx) => {
      let guardian: CalendarGuardian | undefined;
      let via: 'token' | 'bearer';
      let reader: Actor;
      if (actor) {
        guardian = await this.calendars.findVisibleGuardian(tx, actor, guardianId);
        via = 'bearer';
        reader = actor;
      } else {
        const candidate = access.token === undefined ? undefined : await this.calendars.findGuardian(tx, guardianId);
        guardian = candidate && sameSecret(access.token!, candidate.calendarToken) ? candidate : undefined;
        via = 'token';
        reader = { type: 'guardian', id: guardianId, role: 'guardian', hubIds: [] };
      }
      if (!guardian) throw notFound('Calendar');

      // Staff see the sessions of their own hubs only, even of a guardian linked to children elsewhere.
      const hubScope = reader.type === 'user' && !isAdmin(reader) ? reader.hubIds : null;
      const from = this.clock.now().minus({ days: FEED_PAST_DAYS }).toJSDate();
      const sessions = await this.calendars.feedSessions(tx, guardian.id, from, hubScope);

      // Sessions are child data: one audit row per child the feed showed (one without a child if none).
      const children = new Map(sessions.map((session) => [session.childId, session.hubId]));
      const base: AuditEvent = {
        action: 'calendar.read',
        objectType: 'guardian',
        objectId: guardian.id,
        actor: reader,
        details: { via, sessions: sessions.length, childIds: [...children.keys()] },
      };
      await this.audit.recordMany(
        tx,
        children.size === 0
          ? [{ ...base, hubId: guardian.hubId ?? undefined }]
          : [...children].map(([childId, hubId]) => ({ ...base, childId, hubId })),
      );
      return buildCalendarFeed(guardian.locale, sessions);
    });
  }

  /** A new secret: the old subscription URL stops working at once. */
  rotateToken(actor: Actor, guardianId: string, baseUrl: string): Promise<CalendarTokenDto> {
    return this.transactions.run(async (tx) => {
      const guardian = await this.calendars.findVisibleGuardian(tx, actor, guardianId, { lock: true });
      // The token opens every session of the guardian, in any hub: staff who merely see the
      // guardian through a link to one of their children must not obtain it.
      const staffOfOtherHub =
        actor.type === 'user' && !isAdmin(actor) && guardian?.hubId !== null && !actor.hubIds.includes(guardian?.hubId ?? '');
      if (!guardian || staffOfOtherHub) throw notFound('Guardian');
      const token = randomBytes(24).toString('hex');
      await this.calendars.setToken(tx, guardian.id, token, this.clock.now().toJSDate());
      await this.audit.record(tx, {
        action: 'calendar.token_rotate',
        objectType: 'guardian',
        objectId: guardian.id,
        hubId: guardian.hubId ?? undefined,
      });
      return { calendarToken: token, subscriptionUrl: subscriptionUrl(baseUrl, guardian.id, token) };
    });
  }
}

export function subscriptionUrl(baseUrl: string, guardianId: string, token: string): string {
  return `${baseUrl}/api/v1/guardians/${guardianId}/calendar.ics?token=${encodeURIComponent(token)}`;
}

/** Constant-time comparison; hashing first makes the lengths equal, so a wrong length leaks nothing either. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
