import { dueSystemEvent, NOT_STARTED_BY_SCHEDULED_END, type SessionFacts, type SessionStatus, transition } from './index';
import { END, lifecycle, MIN, START } from './test-fixtures';

describe('dueSystemEvent', () => {
  const joined = { guardianJoinedAt: START - MIN };
  const cases: Array<{ status: SessionStatus; facts?: Partial<SessionFacts>; now: number; due: string | null }> = [
    { status: 'booked', now: START + 10 * MIN - 1000, due: null },
    { status: 'booked', now: START + 10 * MIN, due: 'mark_no_show_child' },
    { status: 'booked', facts: joined, now: START + 10 * MIN, due: 'mark_no_show_child' },
    { status: 'checked_in', now: START + 10 * MIN - 1000, due: null },
    { status: 'checked_in', now: START + 10 * MIN, due: 'mark_no_show_guardian' },
    { status: 'checked_in', facts: joined, now: END - 1000, due: null },
    { status: 'checked_in', facts: joined, now: END, due: 'cancel' },
    { status: 'checked_in', facts: { endsAt: START + 5 * MIN }, now: START + 5 * MIN, due: null }, // 5-min call: wait for the no-show
    { status: 'checked_in', facts: { endsAt: START + 5 * MIN }, now: START + 10 * MIN, due: 'mark_no_show_guardian' },
    { status: 'in_call', facts: joined, now: END - 1000, due: null },
    { status: 'in_call', facts: joined, now: END, due: 'end_call' },
    { status: 'completed', now: END + 60 * MIN, due: null },
    { status: 'declined', now: END + 60 * MIN, due: null },
  ];
  const label = (ms: number) => `${Math.floor(ms / MIN)} min${ms % MIN ? ` ${(ms % MIN) / 1000} s` : ''}`;
  it.each(cases.map((c) => ({ ...c, when: label(c.now - START) })))('$status at start + $when → $due', ({ status, facts, now, due }) => {
    const context = lifecycle({ assent: status === 'in_call' ? 'yes' : null, ...facts }, now);
    const event = dueSystemEvent(status, context);
    expect(event?.type ?? null).toBe(due);
    if (event) expect(transition(status, event, { ...context, role: 'system' }).ok).toBe(true);
    if (event?.type === 'cancel') expect(event.reason).toBe(NOT_STARTED_BY_SCHEDULED_END);
  });
});
