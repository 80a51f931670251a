import fc from 'fast-check';
import { isTerminal, JOINABLE_STATUSES, joinVerdict, SESSION_STATUSES, type SessionStatus } from './index';
import { END, MIN, START } from './test-fixtures';

describe('joinVerdict', () => {
  const session = { startsAt: START, endsAt: END };
  it.each([
    { status: 'booked', now: START - 30 * MIN - 1, verdict: 'window' },
    { status: 'booked', now: START - 30 * MIN, verdict: 'ok' },
    { status: 'checked_in', now: START + 10 * MIN, verdict: 'ok' },
    { status: 'in_call', now: END - 1, verdict: 'ok' },
    { status: 'in_call', now: END, verdict: 'window' },
    { status: 'cancelled', now: START, verdict: 'status' },
    { status: 'declined', now: START, verdict: 'status' },
    { status: 'no_show_guardian', now: END + 60 * MIN, verdict: 'status' },
  ] as { status: SessionStatus; now: number; verdict: string }[])('$status at $now → $verdict', ({ status, now, verdict }) => {
    const result = joinVerdict(status, { now, session });
    expect(result.ok ? 'ok' : result.reason).toBe(verdict);
    if (!result.ok) expect(result).toMatchObject({ opensAt: START - 30 * MIN, closesAt: END });
  });

  it('follows the check-in opening setting', () => {
    expect(joinVerdict('booked', { now: START - 45 * MIN, session, settings: { checkInOpensBeforeMinutes: 60 } }).ok).toBe(true);
  });

  it('is open exactly for a status that is not terminal (nor declined) inside [start − 30 min, end)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SESSION_STATUSES),
        fc.integer({ min: -120 * MIN, max: 300 * MIN }),
        fc.integer({ min: 5, max: 240 }),
        (status, offset, minutes) => {
          const s = { startsAt: START, endsAt: START + minutes * MIN };
          const now = START + offset;
          const open = joinVerdict(status, { now, session: s }).ok;
          const expected = !isTerminal(status) && JOINABLE_STATUSES.includes(status) && now >= START - 30 * MIN && now < s.endsAt;
          expect(open).toBe(expected);
          if (isTerminal(status)) expect(open).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
