import { scoreSeries, timelineEntry } from './timeline-model';

describe('timeline model', () => {
  it('plots answered checks oldest first and ignores skipped checks and other entries', () => {
    const series = scoreSeries([
      { kind: 'wellbeing_check', at: '2026-11-20T10:00:00Z', answers: { feelingNow: 2, callFeeling: null, thermometer: 7, wantsToTalk: true } },
      { kind: 'session', at: '2026-11-19T10:00:00Z', status: 'completed' },
      { kind: 'wellbeing_check', at: '2026-11-18T10:00:00Z', answers: { feelingNow: 4, callFeeling: 5, thermometer: 1, wantsToTalk: false } },
      { kind: 'wellbeing_check', at: '2026-11-17T10:00:00Z', answers: null, skipReason: 'no_time' },
    ]);
    expect(series.points).toEqual([
      { at: Date.parse('2026-11-18T10:00:00Z'), feelingNow: 4, callFeeling: 5, thermometer: 1 },
      { at: Date.parse('2026-11-20T10:00:00Z'), feelingNow: 2, callFeeling: null, thermometer: 7 },
    ]);
  });

  it('summarises an entry in one line', () => {
    expect(timelineEntry({ kind: 'follow_up', at: '2026-11-20T10:00:00Z', action: 'met_child', note: 'talked at lunch' }).summary).toBe('follow up · met_child · talked at lunch');
  });
});
