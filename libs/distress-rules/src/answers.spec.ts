import { parseAnswers, parseObservation } from './index';

const valid = { feelingNow: 3, callFeeling: 5, thermometer: 0, wantsToTalk: false };

describe('parseAnswers', () => {
  it('accepts v1 answers after a call', () => {
    expect(parseAnswers(valid)).toEqual({ ok: true, answers: valid });
    expect(parseAnswers({ ...valid, feelingNow: 1, callFeeling: 1, thermometer: 10, wantsToTalk: true })).toMatchObject({ ok: true });
  });

  it('after a decline, callFeeling is not asked (absent or null)', () => {
    const { callFeeling: _, ...rest } = valid;
    expect(parseAnswers(rest, { afterDecline: true })).toEqual({ ok: true, answers: { ...rest, callFeeling: null } });
    expect(parseAnswers({ ...rest, callFeeling: null }, { afterDecline: true })).toMatchObject({ ok: true });
    expect(parseAnswers(valid, { afterDecline: true })).toEqual({
      ok: false,
      errors: [{ field: 'answers.callFeeling', message: 'is not asked after a declined session; leave it out' }],
    });
  });

  it.each([
    { name: 'face 0', raw: { ...valid, feelingNow: 0 }, field: 'answers.feelingNow' },
    { name: 'face 6', raw: { ...valid, feelingNow: 6 }, field: 'answers.feelingNow' },
    { name: 'face 2.5', raw: { ...valid, callFeeling: 2.5 }, field: 'answers.callFeeling' },
    { name: 'face as a string', raw: { ...valid, feelingNow: '3' }, field: 'answers.feelingNow' },
    { name: 'callFeeling missing after a call', raw: { ...valid, callFeeling: undefined }, field: 'answers.callFeeling' },
    { name: 'callFeeling null after a call', raw: { ...valid, callFeeling: null }, field: 'answers.callFeeling' },
    { name: 'thermometer −1', raw: { ...valid, thermometer: -1 }, field: 'answers.thermometer' },
    { name: 'thermometer 11', raw: { ...valid, thermometer: 11 }, field: 'answers.thermometer' },
    { name: 'thermometer NaN', raw: { ...valid, thermometer: NaN }, field: 'answers.thermometer' },
    { name: 'wantsToTalk "yes"', raw: { ...valid, wantsToTalk: 'yes' }, field: 'answers.wantsToTalk' },
    { name: 'an unknown question', raw: { ...valid, favouriteColour: 'red' }, field: 'answers.favouriteColour' },
  ])('refuses $name', ({ raw, field }) => {
    const result = parseAnswers(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual([field]);
  });

  it.each([null, undefined, 3, 'answers', [valid]])('refuses a non-object (%p)', (raw) => {
    expect(parseAnswers(raw)).toEqual({ ok: false, errors: [{ field: 'answers', message: 'must be an object' }] });
  });

  it('reports every problem at once', () => {
    const result = parseAnswers({ extra: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field)).toEqual(['answers.extra', 'answers.feelingNow', 'answers.callFeeling', 'answers.thermometer', 'answers.wantsToTalk']);
    }
  });
});

describe('parseObservation', () => {
  it('accepts an observation, trimming the note and dropping a blank one', () => {
    expect(parseObservation({ distressSeen: true, safetyConcern: false, note: ' cried at the end ' })).toEqual({
      ok: true,
      observation: { distressSeen: true, safetyConcern: false, note: 'cried at the end' },
    });
    expect(parseObservation({ distressSeen: false, safetyConcern: false, note: '  ' })).toEqual({
      ok: true,
      observation: { distressSeen: false, safetyConcern: false },
    });
  });

  it.each([
    { raw: { safetyConcern: false }, field: 'observation.distressSeen' },
    { raw: { distressSeen: false, safetyConcern: 1 }, field: 'observation.safetyConcern' },
    { raw: { distressSeen: false, safetyConcern: false, note: 5 }, field: 'observation.note' },
    { raw: { distressSeen: false, safetyConcern: false, note: 'x'.repeat(2001) }, field: 'observation.note' },
    { raw: { distressSeen: false, safetyConcern: false, mood: 'ok' }, field: 'observation.mood' },
    { raw: 'fine', field: 'observation' },
  ])('refuses $field', ({ raw, field }) => {
    const result = parseObservation(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual([field]);
  });
});
