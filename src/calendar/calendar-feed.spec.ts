import { buildCalendarFeed, FeedSession } from './calendar-feed';

const session = (overrides: Partial<FeedSession> = {}): FeedSession => ({
  id: '6f1c2d3e-0000-4000-8000-000000000001',
  status: 'booked',
  kind: 'supervised',
  startsAt: new Date('2026-03-29T11:30:00Z'),
  endsAt: new Date('2026-03-29T12:00:00Z'),
  sequence: 2,
  updatedAt: new Date('2026-03-20T08:00:00Z'),
  cancelReason: null,
  childName: '小明',
  hubName: '青山学校, 二楼; 东侧',
  ...overrides,
});

const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');

describe('buildCalendarFeed', () => {
  it('writes CRLF lines of at most 75 octets, folded and escaped', () => {
    const text = buildCalendarFeed('zh-CN', [session({ hubName: '很长的学校名字'.repeat(10) })]);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(unfold(buildCalendarFeed('zh-CN', [session()]))).toContain('青山学校\\, 二楼\\; 东侧');
  });

  it('gives each session a stable UID, its SEQUENCE, UTC times and a status', () => {
    const text = unfold(buildCalendarFeed('en', [session(), session({ id: 'x', status: 'cancelled', cancelReason: 'Ill; resting', sequence: 3 })]));
    expect(text).toContain('UID:6f1c2d3e-0000-4000-8000-000000000001@kinbridge\r\n');
    expect(text).toContain('SEQUENCE:2\r\n');
    expect(text).toContain('DTSTART:20260329T113000Z\r\n');
    expect(text).toContain('DTEND:20260329T120000Z\r\n');
    expect(text).toContain('DTSTAMP:20260320T080000Z\r\n');
    expect(text).toContain('STATUS:CONFIRMED\r\n');
    expect(text).toContain('UID:x@kinbridge\r\nSEQUENCE:3');
    expect(text).toContain('STATUS:CANCELLED\r\n');
    expect(text).toContain('SUMMARY:Cancelled: Video call with 小明\r\n');
    expect(text).toContain('Reason: Ill\\; resting');
  });

  it('is an empty but valid calendar without sessions', () => {
    const text = buildCalendarFeed('en', []);
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2.0\r\n/);
    expect(text).not.toContain('BEGIN:VEVENT');
  });
});
