import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { notFound } from '../common/errors/domain-error';
import { NotificationsService, OutboxWrites, OutgoingMessage } from '../notifications/notifications.service';
import type { Locale, TemplateName } from '../notifications/templates';
import { pickPrompts } from './conversation-prompts';
import { SessionFacts, SessionFactsRepository } from './session-facts.repository';
import { describeTime } from './session-time';

export type ReminderKind = '24h' | '1h';

/** What a notice says about a session (a subset of SessionFacts: a booking has it without reading the row back). */
export type NoticeFacts = Pick<
  SessionFacts,
  | 'id'
  | 'guardianId'
  | 'supervisorId'
  | 'counselorId'
  | 'startsAt'
  | 'endsAt'
  | 'childName'
  | 'hubName'
  | 'hubTimeZone'
  | 'stationName'
  | 'guardianName'
  | 'guardianTimeZone'
  | 'guardianLocale'
>;

/**
 * Messages about a session to every party, written to the outbox on the caller's transaction.
 * The guardian reads times in their own zone and locale; the supervisor and the counselor (if
 * any) in the hub's zone and their own locale. Call these after the change, on the same
 * transaction, so the message says what was committed.
 */
@Injectable()
export class SessionNotices {
  constructor(
    private readonly facts: SessionFactsRepository,
    private readonly notifications: NotificationsService,
  ) {}

  /** The new session told to every party. Given an id, it reads the facts first. */
  async booked(tx: EntityManager, sessionOrId: NoticeFacts | string): Promise<void> {
    const session = typeof sessionOrId === 'string' ? await this.load(tx, sessionOrId) : sessionOrId;
    await this.notifications.enqueueMany(tx, await this.bookedMessages(tx, session));
  }

  /**
   * The same messages as `booked`, not yet sent, from facts the caller already holds (the booking's
   * context): for a booking, which sends them together with its other writes. `staffLocales` saves
   * the staff locale lookup for the recipients it names.
   */
  async bookedWrites(tx: EntityManager, session: NoticeFacts, staffLocales?: ReadonlyMap<string, Locale>): Promise<OutboxWrites> {
    return this.notifications.outboxWrites(tx, await this.bookedMessages(tx, session, staffLocales));
  }

  private async bookedMessages(tx: EntityManager, session: NoticeFacts, staffLocales?: ReadonlyMap<string, Locale>): Promise<OutgoingMessage[]> {
    const staff = await this.staffMessages(tx, session, 'session_booked_staff', () => ({}), { locales: staffLocales });
    return [this.guardianMessage(session, 'session_booked', {}), ...staff];
  }

  async rescheduled(tx: EntityManager, sessionId: string, previousStartsAt: Date): Promise<void> {
    const session = await this.load(tx, sessionId);
    await this.toGuardian(tx, session, 'session_rescheduled', {
      previousWhen: describeTime(previousStartsAt, session.guardianTimeZone, session.guardianLocale),
    });
    await this.toStaff(tx, session, 'session_rescheduled_staff', (locale) => ({
      previousWhen: describeTime(previousStartsAt, session.hubTimeZone, locale),
    }));
  }

  async cancelled(tx: EntityManager, sessionId: string, reason: string): Promise<void> {
    const session = await this.load(tx, sessionId);
    await this.toGuardian(tx, session, 'session_cancelled', { reason });
    await this.toStaff(tx, session, 'session_cancelled_staff', () => ({ reason }));
  }

  /** The supervisor (and counselor) learn that the guardian never joined. */
  async guardianNoShow(tx: EntityManager, sessionId: string): Promise<void> {
    const session = await this.load(tx, sessionId);
    await this.toStaff(tx, session, 'session_no_show_staff', () => ({}));
  }

  /**
   * The 24 h / 1 h reminder to the guardian: a few open conversation prompts and the counselor's
   * advice for this child. Carries sessionId/startsAt/reminder in its params so a retried job can
   * see it was already sent.
   */
  async reminder(tx: EntityManager, session: SessionFacts, kind: ReminderKind): Promise<void> {
    const locale = session.guardianLocale;
    await this.toGuardian(tx, session, 'session_reminder', {
      prompts: pickPrompts(locale, `${session.id}/${kind}`)
        .map((prompt) => `· ${prompt}`)
        .join('\n'),
      advice: session.adviceForParent?.trim() ?? '',
      reminder: kind,
      startsAt: session.startsAt.toISOString(),
    });
  }

  /** The guardian is told, kindly, that their reschedule request could not be met. */
  async rescheduleDeclined(tx: EntityManager, sessionId: string, note: string | undefined): Promise<void> {
    const session = await this.load(tx, sessionId);
    await this.toGuardian(tx, session, 'reschedule_declined', { note: note?.trim() ?? '' });
  }

  /** The supervisor is asked to look at a guardian's reschedule request. */
  async rescheduleRequested(tx: EntityManager, sessionId: string, request: { proposedStartsAt: Date | null; note: string | null }): Promise<void> {
    const session = await this.load(tx, sessionId);
    await this.toStaff(
      tx,
      session,
      'reschedule_requested_staff',
      (locale) => ({
        proposedWhen: request.proposedStartsAt ? describeTime(request.proposedStartsAt, session.hubTimeZone, locale) : '',
        note: request.note?.trim() ?? '',
      }),
      { supervisorOnly: true },
    );
  }

  private async load(tx: EntityManager, sessionId: string): Promise<SessionFacts> {
    const session = await this.facts.find(tx, sessionId);
    if (!session) throw notFound('Session');
    return session;
  }

  private async toGuardian(tx: EntityManager, session: NoticeFacts, template: TemplateName, extra: Record<string, string>): Promise<void> {
    await this.notifications.enqueue(tx, this.guardianMessage(session, template, extra));
  }

  private guardianMessage(session: NoticeFacts, template: TemplateName, extra: Record<string, string>): OutgoingMessage {
    return {
      recipient: { type: 'guardian', id: session.guardianId, locale: session.guardianLocale },
      template,
      params: {
        ...commonParams(session),
        when: describeTime(session.startsAt, session.guardianTimeZone, session.guardianLocale),
        timeZone: session.guardianTimeZone,
        ...extra,
      },
    };
  }

  private async toStaff(
    tx: EntityManager,
    session: NoticeFacts,
    template: TemplateName,
    extra: (locale: Locale) => Record<string, string>,
    options: { supervisorOnly?: boolean } = {},
  ): Promise<void> {
    await this.notifications.enqueueMany(tx, await this.staffMessages(tx, session, template, extra, options));
  }

  /** The supervisor's (and counselor's) messages, each in their locale: `locales` when it names them all, else one lookup. */
  private async staffMessages(
    tx: EntityManager,
    session: NoticeFacts,
    template: TemplateName,
    extra: (locale: Locale) => Record<string, string>,
    options: { supervisorOnly?: boolean; locales?: ReadonlyMap<string, Locale> } = {},
  ): Promise<OutgoingMessage[]> {
    const recipients = [session.supervisorId];
    if (!options.supervisorOnly && session.counselorId && session.counselorId !== session.supervisorId) recipients.push(session.counselorId);
    const known = options.locales;
    const locales = known && recipients.every((id) => known.has(id)) ? known : await this.facts.userLocales(tx, recipients);
    return recipients.map((userId) => {
      const locale = locales.get(userId) ?? 'zh-CN';
      return {
        recipient: { type: 'user', id: userId, locale },
        template,
        params: {
          ...commonParams(session),
          when: describeTime(session.startsAt, session.hubTimeZone, locale),
          timeZone: session.hubTimeZone,
          ...extra(locale),
        },
      };
    });
  }
}

function commonParams(session: NoticeFacts): Record<string, string> {
  return {
    sessionId: session.id,
    childName: session.childName,
    guardianName: session.guardianName,
    hubName: session.hubName,
    stationName: session.stationName,
    minutes: String(Math.round((session.endsAt.getTime() - session.startsAt.getTime()) / 60_000)),
  };
}
