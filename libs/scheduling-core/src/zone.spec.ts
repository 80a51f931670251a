import { isValidTimeZone } from './index';
import { ZoneTimeline } from './zone';
import { at, DAY, HOUR, utc } from './test-fixtures';

describe('ZoneTimeline', () => {
  it.each([
    { zone: 'Europe/Berlin', around: '2026-03-28T12:00Z', transition: '2026-03-29T01:00:00.000Z', from: 1, to: 2 },
    { zone: 'Europe/Berlin', around: '2026-10-24T12:00Z', transition: '2026-10-25T01:00:00.000Z', from: 2, to: 1 },
    { zone: 'America/New_York', around: '2026-03-07T12:00Z', transition: '2026-03-08T07:00:00.000Z', from: -5, to: -4 },
    { zone: 'America/New_York', around: '2026-10-31T12:00Z', transition: '2026-11-01T06:00:00.000Z', from: -4, to: -5 },
    { zone: 'Australia/Lord_Howe', around: '2026-04-04T00:00Z', transition: '2026-04-04T15:00:00.000Z', from: 11, to: 10.5 },
  ])('finds the $zone transition at $transition', ({ zone, around, transition, from, to }) => {
    const timeline = ZoneTimeline.build(zone, utc(around), utc(around) + 2 * DAY);
    expect(timeline.segments).toHaveLength(2);
    const [a, b] = timeline.segments;
    expect(new Date(a.end).toISOString()).toBe(transition);
    expect(b.start).toBe(a.end);
    expect([a.offsetMs / HOUR, b.offsetMs / HOUR]).toEqual([from, to]);
  });

  it('has a single segment for zones without DST', () => {
    for (const zone of ['Asia/Shanghai', 'Asia/Dubai']) {
      expect(ZoneTimeline.build(zone, utc('2026-01-01T00:00Z'), utc('2027-01-01T00:00Z')).segments).toHaveLength(1);
    }
  });

  it('resolves local times: exact, gap (offset before the gap), ambiguous (earlier first)', () => {
    const zone = 'America/New_York';
    const timeline = ZoneTimeline.build(zone, utc('2026-03-01T00:00Z'), utc('2026-11-10T00:00Z'));
    const local = (iso: string) => utc(`${iso}Z`);
    expect(timeline.resolveLocal(local('2026-06-01T12:00'))).toEqual({ kind: 'exact', instant: at('2026-06-01T12:00', zone) });
    expect(timeline.resolveLocal(local('2026-03-08T02:30'))).toEqual({ kind: 'gap', instant: utc('2026-03-08T07:30Z') });
    expect(timeline.resolveLocal(local('2026-11-01T01:30'))).toEqual({
      kind: 'ambiguous',
      instant: utc('2026-11-01T05:30Z'),
      later: utc('2026-11-01T06:30Z'),
    });
  });

  it('validates zone names without throwing', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    for (const bad of ['', 'Asia/Beijing', 'x'.repeat(100), 42, null, undefined]) expect(isValidTimeZone(bad)).toBe(false);
  });
});
