import { scoreSeries, timelineEntry, type TimelineItem } from './timeline-model';

const check = (at: string, data: Record<string, unknown>): TimelineItem => ({ type: 'wellbeing_check', id: at, at, data });

describe('timeline model', () => {
  it('plots answered checks oldest first and ignores skipped checks and other entries', () => {
    const series = scoreSeries([
      check('2026-11-20T10:00:00Z', { status: 'answered', feelingNow: 2, callFeeling: null, thermometer: 7, wantsToTalk: true }),
      { type: 'session', id: 's', at: '2026-11-19T10:00:00Z', data: { status: 'completed' } },
      check('2026-11-18T10:00:00Z', { status: 'answered', feelingNow: 4, callFeeling: 5, thermometer: 1, wantsToTalk: false }),
      check('2026-11-17T10:00:00Z', { status: 'skipped', feelingNow: null, skipReason: 'no_time' }),
    ]);
    expect(series.points).toEqual([
      { at: Date.parse('2026-11-18T10:00:00Z'), feelingNow: 4, callFeeling: 5, thermometer: 1 },
      { at: Date.parse('2026-11-20T10:00:00Z'), feelingNow: 2, callFeeling: null, thermometer: 7 },
    ]);
  });

  it('summarises an entry in one line', () => {
    expect(timelineEntry({ type: 'follow_up', id: 'f', at: '2026-11-20T10:00:00Z', data: { action: 'met_child', note: 'talked at lunch', by: 'x' } }).summary).toBe(
      'met_child · talked at lunch',
    );
    expect(timelineEntry(check('2026-11-20T10:00:00Z', { status: 'answered', distress: 'high', score: 1.5 })).summary).toBe('answered · high · 1.5');
  });
});
