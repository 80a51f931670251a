import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { notFound } from '../common/errors/domain-error';
import { NotificationsService } from '../notifications/notifications.service';
import type { Locale, TemplateName } from '../notifications/templates';
import { pickPrompts } from './conversation-prompts';
import { SessionFacts, SessionFactsRepository } from './session-facts.repository';
import { describeTime } from './session-time';

export type ReminderKind = '24h' | '1h';

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

  async booked(tx: EntityManager, sessionId: string): Promise<void> {
    const session = await this.load(tx, sessionId);
    await this.toGuardian(tx, session, 'session_booked', {});
    await this.toStaff(tx, session, 'session_booked_staff', () => ({}));
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

  private async toGuardian(tx: EntityManager, session: SessionFacts, template: TemplateName, extra: Record<string, string>): Promise<void> {
    await this.notifications.enqueue(tx, {
      recipient: { type: 'guardian', id: session.guardianId, locale: session.guardianLocale },
      template,
      params: {
        ...commonParams(session),
        when: describeTime(session.startsAt, session.guardianTimeZone, session.guardianLocale),
        timeZone: session.guardianTimeZone,
        ...extra,
      },
    });
  }

  private async toStaff(
    tx: EntityManager,
    session: SessionFacts,
    template: TemplateName,
    extra: (locale: Locale) => Record<string, string>,
    options: { supervisorOnly?: boolean } = {},
  ): Promise<void> {
    const recipients = [session.supervisorId];
    if (!options.supervisorOnly && session.counselorId && session.counselorId !== session.supervisorId) recipients.push(session.counselorId);
    const locales = await this.facts.userLocales(tx, recipients);
    for (const userId of recipients) {
      const locale = locales.get(userId) ?? 'zh-CN';
      await this.notifications.enqueue(tx, {
        recipient: { type: 'user', id: userId, locale },
        template,
        params: {
          ...commonParams(session),
          when: describeTime(session.startsAt, session.hubTimeZone, locale),
          timeZone: session.hubTimeZone,
          ...extra(locale),
        },
      });
    }
  }
}

function commonParams(session: SessionFacts): Record<string, string> {
  return {
    sessionId: session.id,
    childName: session.childName,
    guardianName: session.guardianName,
    hubName: session.hubName,
    stationName: session.stationName,
    minutes: String(Math.round((session.endsAt.getTime() - session.startsAt.getTime()) / 60_000)),
  };
}
