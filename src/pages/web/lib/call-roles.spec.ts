import type { CallParticipant } from '@app/realtime-protocol';
import fc from 'fast-check';
import { isOfferer, peersToConnect } from './call-roles';

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

  it('connects only admitted, connected others, and nobody while this side waits', () => {
    const everyone = [person('s', 'supervisor'), person('g', 'guardian'), person('c', 'counselor', 'waiting'), person('x', 'guardian', 'admitted', false)];
    expect(peersToConnect('s', everyone).map((p) => p.participantId)).toEqual(['g']);
    expect(peersToConnect('c', everyone)).toEqual([]);
    expect(peersToConnect('nobody', everyone)).toEqual([]);
  });
});
