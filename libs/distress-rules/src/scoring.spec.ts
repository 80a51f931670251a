import { type AnswersV1, DEFAULT_DISTRESS_SETTINGS, type Distress, type Face, scoreAnswers, scoreCheck } from './index';
import { answered, skipped } from './test-fixtures';

const calm: AnswersV1 = { feelingNow: 4, callFeeling: 4, thermometer: 0, wantsToTalk: false };

describe('scoreAnswers', () => {
  it.each<{ thermometer: number; distress: Distress }>([
    { thermometer: 0, distress: 'none' },
    { thermometer: 2, distress: 'none' },
    { thermometer: 3, distress: 'mild' }, // the paediatric cut-off
    { thermometer: 6, distress: 'mild' },
    { thermometer: 7, distress: 'high' },
    { thermometer: 10, distress: 'high' },
  ])('thermometer $thermometer → $distress', ({ thermometer, distress }) => {
    expect(scoreAnswers({ ...calm, thermometer }).distress).toBe(distress);
  });

  it.each<{ face: Face; distress: Distress }>([
    { face: 1, distress: 'high' },
    { face: 2, distress: 'mild' },
    { face: 3, distress: 'none' },
    { face: 5, distress: 'none' },
  ])('a face of $face on either item → $distress', ({ face, distress }) => {
    expect(scoreAnswers({ ...calm, feelingNow: face }).distress).toBe(distress);
    expect(scoreAnswers({ ...calm, callFeeling: face }).distress).toBe(distress);
  });

  it('takes the worse of the thermometer and the faces', () => {
    expect(scoreAnswers({ ...calm, thermometer: 4, feelingNow: 1 }).distress).toBe('high');
    expect(scoreAnswers({ ...calm, thermometer: 8, feelingNow: 5 }).distress).toBe('high');
  });

  it.each([
    { answers: { ...calm, feelingNow: 2 as Face, callFeeling: 5 as Face }, score: 3.5 },
    { answers: { ...calm, feelingNow: 1 as Face, callFeeling: 1 as Face }, score: 1 },
    { answers: { ...calm, feelingNow: 3 as Face, callFeeling: null }, score: 3 }, // after a decline
  ])('score = mean of the asked faces: $score', ({ answers, score }) => {
    expect(scoreAnswers(answers).score).toBe(score);
  });

  it('counts observed distress as mild only when the setting is on', () => {
    const seen = { distressSeen: true, safetyConcern: false };
    expect(scoreAnswers(calm, DEFAULT_DISTRESS_SETTINGS.scoring, seen).distress).toBe('none');
    const on = { ...DEFAULT_DISTRESS_SETTINGS.scoring, observedDistressCountsAsMild: true };
    expect(scoreAnswers(calm, on, seen).distress).toBe('mild');
    expect(scoreAnswers({ ...calm, thermometer: 9 }, on, seen).distress).toBe('high');
  });

  it('follows overridden thresholds', () => {
    const strict = { ...DEFAULT_DISTRESS_SETTINGS.scoring, mildThermometerAtLeast: 2, highThermometerAtLeast: 5 };
    expect(scoreAnswers({ ...calm, thermometer: 2 }, strict).distress).toBe('mild');
    expect(scoreAnswers({ ...calm, thermometer: 5 }, strict).distress).toBe('high');
  });

  it('does not score a skipped check', () => {
    expect(scoreCheck(skipped())).toBeNull();
    expect(scoreCheck(answered({ thermometer: 3 }))).toEqual({ distress: 'mild', score: 4 });
  });
});
