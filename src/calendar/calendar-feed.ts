import ical, { ICalEventStatus } from 'ical-generator';
import type { Locale } from '../notifications/templates';

export interface FeedSession {
  id: string;
  status: string;
  kind: 'supervised' | 'mediated';
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  updatedAt: Date;
  cancelReason: string | null;
  childName: string;
  hubName: string;
}

/** Calendar apps re-fetch a subscription roughly this often (REFRESH-INTERVAL / X-PUBLISHED-TTL). */
const REFRESH_SECONDS = 3600;

const TEXT: Record<
  Locale,
  { calendar: string; summary: (s: FeedSession) => string; cancelled: string; description: (s: FeedSession) => string }
> = {
  'zh-CN': {
    calendar: 'Kinbridge 视频通话',
    summary: (s) => `和${s.childName}视频通话`,
    cancelled: '已取消：',
    description: (s) =>
      [
        `${s.hubName}的视频通话。老师会陪在孩子身边。`,
        s.kind === 'mediated' ? '辅导老师也会参加。' : '',
        s.status === 'cancelled' ? `已取消，原因：${s.cancelReason ?? ''}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  },
  en: {
    calendar: 'Kinbridge video calls',
    summary: (s) => `Video call with ${s.childName}`,
    cancelled: 'Cancelled: ',
    description: (s) =>
      [
        `Video call at ${s.hubName}. The staff member will be beside your child.`,
        s.kind === 'mediated' ? 'A counselor will join too.' : '',
        s.status === 'cancelled' ? `Cancelled. Reason: ${s.cancelReason ?? ''}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  },
};

/**
 * An RFC 5545 feed of a guardian's sessions. ical-generator does the folding (75 octets), the
 * TEXT escaping and the CRLFs. Per event: UID `<session id>@kinbridge` (stable, so a client
 * updates the event instead of duplicating it), SEQUENCE from the row (bumped on every change),
 * times in UTC, DTSTAMP/LAST-MODIFIED = the row's last change, and cancelled sessions kept as
 * STATUS:CANCELLED so subscribed phones remove them.
 */
export function buildCalendarFeed(locale: Locale, sessions: FeedSession[]): string {
  const text = TEXT[locale];
  const calendar = ical({
    name: text.calendar,
    prodId: { company: 'Kinbridge', product: 'Kinbridge Calendar', language: locale === 'zh-CN' ? 'ZH' : 'EN' },
    ttl: REFRESH_SECONDS,
  });
  for (const session of sessions) {
    const cancelled = session.status === 'cancelled';
    calendar.createEvent({
      id: `${session.id}@kinbridge`,
      sequence: session.sequence,
      start: session.startsAt,
      end: session.endsAt,
      stamp: session.updatedAt,
      lastModified: session.updatedAt,
      summary: `${cancelled ? text.cancelled : ''}${text.summary(session)}`,
      description: text.description(session),
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  // ical-generator ends the last line without CRLF; RFC 5545 ends every content line with one.
  return `${calendar.toString()}\r\n`;
}
