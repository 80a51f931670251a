import { allowedEvents, type SessionEvent, type SessionStatus, transition, type TransitionErrorCode, type TransitionContext } from './index';
import { ctx, END, lifecycle, MIN, START } from './test-fixtures';

const joined = { guardianJoinedAt: START - MIN };
const ready = { assent: 'yes' as const, ...joined };

describe('transition guards', () => {
  const refusals: Array<{ name: string; status: SessionStatus; event: SessionEvent; context: TransitionContext; code: TransitionErrorCode }> = [
    // Check-in window: [start − 30 min, start + 10 min).
    { name: 'check-in 1 ms before the window opens', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', {}, START - 30 * MIN - 1), code: 'OUTSIDE_CHECK_IN_WINDOW' },
    { name: 'check-in as the window closes', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', {}, START + 10 * MIN), code: 'OUTSIDE_CHECK_IN_WINDOW' },
    { name: 'check-in the day before', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', {}, START - 24 * 60 * MIN), code: 'OUTSIDE_CHECK_IN_WINDOW' },
    // Assent: one per session.
    { name: 'a second assent', status: 'checked_in', event: { type: 'record_assent', response: 'no' }, context: ctx('hub_staff', { assent: 'yes' }), code: 'ASSENT_ALREADY_RECORDED' },
    // Start: assent yes, inside [start, end), guardian joined, counselor joined for mediated.
    { name: 'start before assent', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', joined), code: 'ASSENT_REQUIRED' },
    { name: 'start before assent even when all joined', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', { ...joined, kind: 'mediated', counselorJoinedAt: START }), code: 'ASSENT_REQUIRED' },
    { name: 'start 1 ms before the scheduled start', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', ready, START - 1), code: 'OUTSIDE_CALL_WINDOW' },
    { name: 'start at the scheduled end', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', ready, END), code: 'OUTSIDE_CALL_WINDOW' },
    { name: 'start without the guardian', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', { assent: 'yes' }), code: 'GUARDIAN_NOT_JOINED' },
    { name: 'mediated start without the counselor', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', { ...ready, kind: 'mediated' }), code: 'COUNSELOR_NOT_JOINED' },
    // End: the system only at the scheduled end, unless the link was revoked.
    { name: 'system end 1 ms before the scheduled end', status: 'in_call', event: { type: 'end_call' }, context: ctx('system', ready, END - 1), code: 'NOT_YET_DUE' },
    { name: 'an early end for a link revoked when no call runs', status: 'checked_in', event: { type: 'end_call', reason: 'link_revoked' }, context: ctx('system', ready, START + MIN), code: 'INVALID_TRANSITION' },
    { name: 'an early end with an unknown reason', status: 'in_call', event: { type: 'end_call', reason: 'bored' } as unknown as SessionEvent, context: ctx('system', ready, START + MIN), code: 'INVALID_EVENT' },
    { name: 'a guardian ending the call, even for a revoked link', status: 'in_call', event: { type: 'end_call', reason: 'link_revoked' }, context: ctx('guardian', ready, START + MIN), code: 'NOT_ALLOWED_FOR_ROLE' },
    // Cancel needs a reason.
    { name: 'cancel with a blank reason', status: 'booked', event: { type: 'cancel', reason: '  ' }, context: ctx('hub_staff'), code: 'REASON_REQUIRED' },
    // No-shows.
    { name: 'guardian no-show 1 ms early', status: 'checked_in', event: { type: 'mark_no_show_guardian' }, context: ctx('system', {}, START + 10 * MIN - 1), code: 'NOT_YET_DUE' },
    { name: 'guardian no-show for a guardian who joined late', status: 'checked_in', event: { type: 'mark_no_show_guardian' }, context: ctx('system', { guardianJoinedAt: START + 12 * MIN }, START + 20 * MIN), code: 'GUARDIAN_JOINED' },
    { name: 'child no-show while check-in is open', status: 'booked', event: { type: 'mark_no_show_child' }, context: ctx('system', {}, START + 10 * MIN - 1), code: 'NOT_YET_DUE' },
    // Malformed input.
    { name: 'an unknown assent response', status: 'checked_in', event: { type: 'record_assent', response: 'maybe' } as unknown as SessionEvent, context: ctx('hub_staff'), code: 'INVALID_EVENT' },
    { name: 'an unknown event', status: 'booked', event: { type: 'teleport' } as unknown as SessionEvent, context: ctx('hub_staff'), code: 'INVALID_EVENT' },
    { name: 'a cancellation without a reason', status: 'booked', event: { type: 'cancel' } as unknown as SessionEvent, context: ctx('hub_staff'), code: 'INVALID_EVENT' },
    { name: 'end not after start', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', { endsAt: START }), code: 'INVALID_CONTEXT' },
    { name: 'a NaN clock', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', {}, NaN), code: 'INVALID_CONTEXT' },
    { name: 'an unknown role', status: 'booked', event: { type: 'check_in' }, context: { ...ctx('hub_staff'), role: 'janitor' } as unknown as TransitionContext, code: 'INVALID_CONTEXT' },
    { name: 'a negative setting', status: 'booked', event: { type: 'check_in' }, context: { ...ctx('hub_staff'), settings: { checkInOpensBeforeMinutes: -5 } }, code: 'INVALID_CONTEXT' },
  ];
  it.each(refusals)('refuses $name with $code', ({ status, event, context, code }) => {
    const result = transition(status, event, context);
    expect(result).toMatchObject({ ok: false, code, currentStatus: status });
    if (!result.ok) expect(result.detail.length).toBeGreaterThan(5);
  });

  const accepted: Array<{ name: string; status: SessionStatus; event: SessionEvent; context: TransitionContext; next: SessionStatus }> = [
    { name: 'check-in as the window opens', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', {}, START - 30 * MIN), next: 'checked_in' },
    { name: 'check-in 1 ms before the window closes', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', {}, START + 10 * MIN - 1), next: 'checked_in' },
    { name: 'a late start (the end stays where it was booked)', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', ready, END - 1), next: 'in_call' },
    { name: 'a supervised start with no counselor', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', ready, START), next: 'in_call' },
    { name: 'a mediated start once the counselor joined', status: 'checked_in', event: { type: 'start_call' }, context: ctx('hub_staff', { ...ready, kind: 'mediated', counselorJoinedAt: START }, START), next: 'in_call' },
    { name: 'the supervisor ending a call early', status: 'in_call', event: { type: 'end_call' }, context: ctx('hub_staff', ready, START + MIN), next: 'completed' },
    { name: 'the mediating counselor ending a call early', status: 'in_call', event: { type: 'end_call' }, context: ctx('counselor', { ...ready, kind: 'mediated' }, START + MIN), next: 'completed' },
    { name: 'the system ending a call at the scheduled end', status: 'in_call', event: { type: 'end_call' }, context: ctx('system', ready, END), next: 'completed' },
    { name: 'the system ending a call it missed', status: 'in_call', event: { type: 'end_call' }, context: ctx('system', ready, END + 60 * MIN), next: 'completed' },
    { name: 'the system ending a call at once when the link is revoked', status: 'in_call', event: { type: 'end_call', reason: 'link_revoked' }, context: ctx('system', ready, START + MIN), next: 'completed' },
    { name: 'a guardian no-show from a checked-in session', status: 'checked_in', event: { type: 'mark_no_show_guardian' }, context: ctx('system', { assent: 'yes' }, START + 10 * MIN), next: 'no_show_guardian' },
    { name: 'a check-in window widened by settings', status: 'booked', event: { type: 'check_in' }, context: { ...ctx('hub_staff', {}, START - 45 * MIN), settings: { checkInOpensBeforeMinutes: 60 } }, next: 'checked_in' },
    { name: 'not today after a late check-in, past the start', status: 'checked_in', event: { type: 'record_assent', response: 'not_today' }, context: ctx('hub_staff', {}, START + 15 * MIN), next: 'declined' },
  ];
  it.each(accepted)('accepts $name → $next', ({ status, event, context, next }) => {
    expect(transition(status, event, context)).toMatchObject({ ok: true, next });
  });

  it('checks the role before the graph and the graph before the guards', () => {
    // A guardian trying to check in a completed session outside the window: the role answers.
    expect(transition('completed', { type: 'check_in' }, ctx('guardian', {}, 0))).toMatchObject({ code: 'NOT_ALLOWED_FOR_ROLE' });
    // Staff on a completed session outside the window: the graph answers.
    expect(transition('completed', { type: 'check_in' }, ctx('hub_staff', {}, 0))).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'completed' });
  });

  it('names the current status and the event in INVALID_TRANSITION', () => {
    expect(transition('declined', { type: 'start_call' }, ctx('hub_staff', ready))).toEqual({
      ok: false,
      code: 'INVALID_TRANSITION',
      currentStatus: 'declined',
      detail: 'cannot start call a session that is declined',
    });
  });
});

describe('transition effects', () => {
  const at = START + 3 * MIN;
  const cases: Array<{ name: string; status: SessionStatus; event: SessionEvent; context: TransitionContext; effects: unknown[] }> = [
    { name: 'check-in', status: 'booked', event: { type: 'check_in' }, context: ctx('hub_staff', {}, at), effects: [{ type: 'stamp', field: 'checkedInAt', at }] },
    {
      name: 'assent yes (the reason trimmed away when blank)',
      status: 'checked_in',
      event: { type: 'record_assent', response: 'yes', reason: ' ' },
      context: ctx('hub_staff', {}, at),
      effects: [{ type: 'save_assent', response: 'yes', reason: null, at }],
    },
    {
      name: 'not today: one gentle notice, and the check opens',
      status: 'checked_in',
      event: { type: 'record_assent', response: 'not_today', reason: 'tired ' },
      context: ctx('hub_staff', {}, at),
      effects: [
        { type: 'save_assent', response: 'not_today', reason: 'tired', at },
        { type: 'notify', audience: 'guardian', notice: 'child_not_ready_today' },
        { type: 'open_wellbeing_check' },
      ],
    },
    {
      name: 'no: the same notice as not today',
      status: 'checked_in',
      event: { type: 'record_assent', response: 'no' },
      context: ctx('hub_staff', {}, at),
      effects: [
        { type: 'save_assent', response: 'no', reason: null, at },
        { type: 'notify', audience: 'guardian', notice: 'child_not_ready_today' },
        { type: 'open_wellbeing_check' },
      ],
    },
    {
      name: 'a late start still ends at the booked end',
      status: 'checked_in',
      event: { type: 'start_call' },
      context: ctx('hub_staff', ready, START + 20 * MIN),
      effects: [
        { type: 'stamp', field: 'callStartedAt', at: START + 20 * MIN },
        { type: 'schedule_call_end', at: END },
      ],
    },
    {
      name: 'end',
      status: 'in_call',
      event: { type: 'end_call' },
      context: ctx('system', ready, END),
      effects: [{ type: 'stamp', field: 'callEndedAt', at: END }, { type: 'open_wellbeing_check' }],
    },
    {
      name: 'cancel: reason, who, and every party told',
      status: 'booked',
      event: { type: 'cancel', reason: ' Child is ill ' },
      context: ctx('counselor', {}, at),
      effects: [
        { type: 'save_cancellation', reason: 'Child is ill', byRole: 'counselor', at },
        { type: 'notify', audience: 'all_parties', notice: 'session_cancelled' },
      ],
    },
    { name: 'guardian no-show', status: 'checked_in', event: { type: 'mark_no_show_guardian' }, context: ctx('system', {}, START + 10 * MIN), effects: [{ type: 'notify', audience: 'guardian', notice: 'call_missed' }] },
    { name: 'child no-show', status: 'booked', event: { type: 'mark_no_show_child' }, context: ctx('system', {}, START + 10 * MIN), effects: [{ type: 'notify', audience: 'guardian', notice: 'call_missed' }] },
  ];
  it.each(cases)('$name', ({ status, event, context, effects }) => {
    const result = transition(status, event, context);
    expect(result.ok && result.effects).toEqual(effects);
  });
});

describe('allowedEvents', () => {
  it.each([
    { status: 'booked' as const, role: 'hub_staff' as const, context: lifecycle({}, START - 60 * MIN), events: ['cancel'] },
    { status: 'booked' as const, role: 'hub_staff' as const, context: lifecycle({}, START - 5 * MIN), events: ['check_in', 'cancel'] },
    { status: 'booked' as const, role: 'hub_staff' as const, context: lifecycle({}, START + 10 * MIN), events: ['cancel', 'mark_no_show_guardian', 'mark_no_show_child'] },
    { status: 'booked' as const, role: 'guardian' as const, context: lifecycle({}, START), events: [] },
    { status: 'booked' as const, role: 'admin' as const, context: lifecycle({}, START), events: ['cancel'] },
    { status: 'checked_in' as const, role: 'hub_staff' as const, context: lifecycle({}, START), events: ['record_assent', 'cancel'] },
    { status: 'checked_in' as const, role: 'hub_staff' as const, context: lifecycle(ready, START), events: ['start_call', 'cancel'] },
    { status: 'checked_in' as const, role: 'hub_staff' as const, context: lifecycle({ ...ready, kind: 'mediated' }, START), events: ['cancel'] },
    { status: 'in_call' as const, role: 'system' as const, context: lifecycle(ready, END - 1), events: [] },
    { status: 'in_call' as const, role: 'system' as const, context: lifecycle(ready, END), events: ['end_call'] },
    { status: 'in_call' as const, role: 'counselor' as const, context: lifecycle(ready, START), events: [] },
    { status: 'in_call' as const, role: 'counselor' as const, context: lifecycle({ ...ready, kind: 'mediated' }, START), events: ['end_call'] },
    { status: 'completed' as const, role: 'hub_staff' as const, context: lifecycle(ready, END), events: [] },
  ])('$status, $role → $events', ({ status, role, context, events }) => {
    expect(allowedEvents(status, role, context)).toEqual(events);
  });
});
