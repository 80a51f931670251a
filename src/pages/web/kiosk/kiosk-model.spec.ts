import { parseAnswers, parseObservation } from '@app/distress-rules';
import { wellbeingBody } from './kiosk-model';

// The kiosk's body must be what the server's instrument accepts (libs/distress-rules).
describe('wellbeing body', () => {
  const observation = { distressSeen: false, safetyConcern: true, note: 'quiet today' };

  it('after a call carries all four answers and the observation', () => {
    const body = wellbeingBody({ answers: { feelingNow: 2, callFeeling: 1, thermometer: 8, wantsToTalk: true }, afterDecline: false, observation });
    expect(body).toEqual({ answers: { feelingNow: 2, callFeeling: 1, thermometer: 8, wantsToTalk: true }, observation });
    expect(parseAnswers(body.answers).ok).toBe(true);
    expect(parseObservation(body.observation).ok).toBe(true);
  });

  it('after a decline leaves the call question out', () => {
    const body = wellbeingBody({ answers: { feelingNow: 3, callFeeling: 4, thermometer: 0, wantsToTalk: false }, afterDecline: true, observation });
    expect(body.answers).toEqual({ feelingNow: 3, thermometer: 0, wantsToTalk: false });
    expect(parseAnswers(body.answers, { afterDecline: true }).ok).toBe(true);
  });

  it('a skip carries its reason, not answers', () => {
    expect(wellbeingBody({ skipReason: 'no_time', observation })).toEqual({ skipped: { reason: 'no_time' }, observation });
  });
});

describe('assent reasons', () => {
  it('are the server’s list', async () => {
    const { ASSENT_REASONS: server } = await import('../../../calls/dto/call.dto');
    const { ASSENT_REASONS: kiosk } = await import('./kiosk-model');
    expect([...kiosk]).toEqual([...server]);
  });
});
