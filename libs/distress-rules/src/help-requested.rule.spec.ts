import { DEFAULT_DISTRESS_SETTINGS, evaluate, type WellbeingCheck } from './index';
import { answered, at, noHistory, NOW, skipped } from './test-fixtures';

const help = (check: WellbeingCheck, history = noHistory) =>
  evaluate(check, history, DEFAULT_DISTRESS_SETTINGS, NOW).filter((f) => f.ruleId === 'help_requested');

const concern = { distressSeen: false, safetyConcern: true };

describe('help_requested', () => {
  it.each([
    { name: 'the child wants to talk', check: answered({ wantsToTalk: true }), reason: 'The child asked to talk to a teacher (25 Nov)' },
    { name: 'a safety concern', check: answered({ observation: concern }), reason: 'The supervisor recorded a safety concern (25 Nov)' },
    {
      name: 'both',
      check: answered({ wantsToTalk: true, observation: concern }),
      reason: 'The child asked to talk to a teacher and the supervisor recorded a safety concern (25 Nov)',
    },
    { name: 'a safety concern on a skipped check', check: skipped({ observation: concern }), reason: 'The supervisor recorded a safety concern (25 Nov)' },
    { name: 'a child who wants to talk after a decline', check: answered({ outcome: 'declined', wantsToTalk: true }), reason: 'The child asked to talk to a teacher (25 Nov)' },
  ])('fires at once, high, on $name', ({ check, reason }) => {
    expect(help(check)).toEqual([
      {
        ruleId: 'help_requested',
        ruleVersion: 1,
        severity: 'high',
        childId: 'child-1',
        reason,
        evidence: { checkIds: ['k1'], sessionIds: ['s-k1'] },
      },
    ]);
  });

  it.each([
    { name: 'calm answers', check: answered() },
    { name: 'high distress alone (other rules see it)', check: answered({ thermometer: 10, feelingNow: 1 }) },
    { name: 'distress seen, no safety concern', check: answered({ observation: { distressSeen: true, safetyConcern: false } }) },
    { name: 'a skipped check without concern', check: skipped({ observation: { distressSeen: true, safetyConcern: false } }) },
  ])('stays quiet on $name', ({ check }) => {
    expect(help(check)).toEqual([]);
  });

  it('looks only at the check just recorded, not at earlier requests', () => {
    const earlier = answered({ id: 'k0', at: at('2026-11-20T16:00'), wantsToTalk: true, observation: concern });
    expect(help(answered(), { checks: [earlier], sessions: [] })).toEqual([]);
  });
});
