import type { CallParticipant } from '@app/realtime-protocol';
import fc from 'fast-check';
import { isOfferer, needOffer, peersToKeep } from './call-roles';

const person = (participantId: string, role: CallParticipant['role'], state: CallParticipant['state'] = 'admitted', connected = true): CallParticipant => ({
  participantId,
  role,
  displayName: participantId,
  state,
  connected,
});

describe('call roles', () => {
  it.each([
    ['supervisor', 'guardian', true],
    ['guardian', 'supervisor', false],
    ['supervisor', 'counselor', true],
    ['counselor', 'guardian', true],
    ['guardian', 'counselor', false],
  ] as const)('%s offers to %s: %s', (self, other, expected) => {
    expect(isOfferer(person('a', self), person('b', other))).toBe(expected);
  });

  it('exactly one side of every pair offers (no glare, no silence)', () => {
    const role = fc.constantFrom<CallParticipant['role']>('supervisor', 'counselor', 'guardian');
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), role, role, (a, b, ra, rb) => {
        fc.pre(a !== b);
        expect(isOfferer(person(a, ra), person(b, rb))).toBe(!isOfferer(person(b, rb), person(a, ra)));
      }),
    );
  });

  it('keeps admitted others (a dropped one too), and nobody while this side waits', () => {
    const everyone = [person('s', 'supervisor'), person('g', 'guardian'), person('c', 'counselor', 'waiting'), person('x', 'guardian', 'admitted', false)];
    expect(peersToKeep('s', everyone).map((p) => p.participantId)).toEqual(['g', 'x']);
    expect(peersToKeep('c', everyone)).toEqual([]);
    expect(peersToKeep('nobody', everyone)).toEqual([]);
  });

  it('offers again to a peer that came back, not to one that stayed', () => {
    const self = person('s', 'supervisor');
    const kept = [person('g', 'guardian'), person('h', 'guardian'), person('x', 'guardian', 'admitted', false)];
    const offered = needOffer(self, kept, new Set(['g', 'x']), (id) => id === 'g');
    expect(offered.map((p) => p.participantId)).toEqual(['h']);
    expect(needOffer(self, kept, new Set(['g', 'h']), () => false).map((p) => p.participantId)).toEqual(['g', 'h']);
    expect(needOffer(person('g', 'guardian'), [person('s', 'supervisor')], new Set(), () => false)).toEqual([]);
  });
});
