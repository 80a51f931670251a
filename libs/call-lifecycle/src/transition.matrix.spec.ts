import { SESSION_EVENT_TYPES, SESSION_STATUSES, type SessionStatus, transition, type TransitionErrorCode } from './index';
import { type EventVariant, eventOf, permissive } from './test-fixtures';

/*
 * The full expected matrix, written by hand from the product rules, over every status ×
 * event (assent split by response) × role (counselor split by session kind), with every
 * guard satisfied (see `permissive`). A status name is a successful transition to it;
 * ROLE = NOT_ALLOWED_FOR_ROLE; ---- = INVALID_TRANSITION. Roles are checked before the
 * graph, so a role that may never trigger an event gets ROLE in every status.
 */
const MATRIX = `
status            event                    hub_staff         admin      counselor/sup  counselor/med     guardian  system
booked            check_in                 checked_in        ROLE       ROLE           ROLE              ROLE      ROLE
booked            record_assent:yes        ----              ROLE       ROLE           ROLE              ROLE      ROLE
booked            record_assent:not_today  ----              ROLE       ROLE           ROLE              ROLE      ROLE
booked            record_assent:no         ----              ROLE       ROLE           ROLE              ROLE      ROLE
booked            start_call               ----              ROLE       ROLE           ROLE              ROLE      ROLE
booked            end_call                 ----              ROLE       ROLE           ----              ROLE      ----
booked            cancel                   cancelled         cancelled  cancelled      cancelled         ROLE      cancelled
booked            mark_no_show_guardian    no_show_guardian  ROLE       ROLE           ROLE              ROLE      no_show_guardian
booked            mark_no_show_child       no_show_child     ROLE       ROLE           ROLE              ROLE      no_show_child

checked_in        check_in                 ----              ROLE       ROLE           ROLE              ROLE      ROLE
checked_in        record_assent:yes        checked_in        ROLE       ROLE           ROLE              ROLE      ROLE
checked_in        record_assent:not_today  declined          ROLE       ROLE           ROLE              ROLE      ROLE
checked_in        record_assent:no         declined          ROLE       ROLE           ROLE              ROLE      ROLE
checked_in        start_call               in_call           ROLE       ROLE           ROLE              ROLE      ROLE
checked_in        end_call                 ----              ROLE       ROLE           ----              ROLE      ----
checked_in        cancel                   cancelled         cancelled  cancelled      cancelled         ROLE      cancelled
checked_in        mark_no_show_guardian    no_show_guardian  ROLE       ROLE           ROLE              ROLE      no_show_guardian
checked_in        mark_no_show_child       ----              ROLE       ROLE           ROLE              ROLE      ----

in_call           check_in                 ----              ROLE       ROLE           ROLE              ROLE      ROLE
in_call           record_assent:yes        ----              ROLE       ROLE           ROLE              ROLE      ROLE
in_call           record_assent:not_today  ----              ROLE       ROLE           ROLE              ROLE      ROLE
in_call           record_assent:no         ----              ROLE       ROLE           ROLE              ROLE      ROLE
in_call           start_call               ----              ROLE       ROLE           ROLE              ROLE      ROLE
in_call           end_call                 completed         ROLE       ROLE           completed         ROLE      completed
in_call           cancel                   ----              ----       ----           ----              ROLE      ----
in_call           mark_no_show_guardian    ----              ROLE       ROLE           ROLE              ROLE      ----
in_call           mark_no_show_child       ----              ROLE       ROLE           ROLE              ROLE      ----

declined          check_in                 ----              ROLE       ROLE           ROLE              ROLE      ROLE
declined          record_assent:yes        ----              ROLE       ROLE           ROLE              ROLE      ROLE
declined          record_assent:not_today  ----              ROLE       ROLE           ROLE              ROLE      ROLE
declined          record_assent:no         ----              ROLE       ROLE           ROLE              ROLE      ROLE
declined          start_call               ----              ROLE       ROLE           ROLE              ROLE      ROLE
declined          end_call                 ----              ROLE       ROLE           ----              ROLE      ----
declined          cancel                   ----              ----       ----           ----              ROLE      ----
declined          mark_no_show_guardian    ----              ROLE       ROLE           ROLE              ROLE      ----
declined          mark_no_show_child       ----              ROLE       ROLE           ROLE              ROLE      ----

completed         check_in                 ----              ROLE       ROLE           ROLE              ROLE      ROLE
completed         record_assent:yes        ----              ROLE       ROLE           ROLE              ROLE      ROLE
completed         record_assent:not_today  ----              ROLE       ROLE           ROLE              ROLE      ROLE
completed         record_assent:no         ----              ROLE       ROLE           ROLE              ROLE      ROLE
completed         start_call               ----              ROLE       ROLE           ROLE              ROLE      ROLE
completed         end_call                 ----              ROLE       ROLE           ----              ROLE      ----
completed         cancel                   ----              ----       ----           ----              ROLE      ----
completed         mark_no_show_guardian    ----              ROLE       ROLE           ROLE              ROLE      ----
completed         mark_no_show_child       ----              ROLE       ROLE           ROLE              ROLE      ----

cancelled         check_in                 ----              ROLE       ROLE           ROLE              ROLE      ROLE
cancelled         record_assent:yes        ----              ROLE       ROLE           ROLE              ROLE      ROLE
cancelled         record_assent:not_today  ----              ROLE       ROLE           ROLE              ROLE      ROLE
cancelled         record_assent:no         ----              ROLE       ROLE           ROLE              ROLE      ROLE
cancelled         start_call               ----              ROLE       ROLE           ROLE              ROLE      ROLE
cancelled         end_call                 ----              ROLE       ROLE           ----              ROLE      ----
cancelled         cancel                   ----              ----       ----           ----              ROLE      ----
cancelled         mark_no_show_guardian    ----              ROLE       ROLE           ROLE              ROLE      ----
cancelled         mark_no_show_child       ----              ROLE       ROLE           ROLE              ROLE      ----

no_show_guardian  check_in                 ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_guardian  record_assent:yes        ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_guardian  record_assent:not_today  ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_guardian  record_assent:no         ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_guardian  start_call               ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_guardian  end_call                 ----              ROLE       ROLE           ----              ROLE      ----
no_show_guardian  cancel                   ----              ----       ----           ----              ROLE      ----
no_show_guardian  mark_no_show_guardian    ----              ROLE       ROLE           ROLE              ROLE      ----
no_show_guardian  mark_no_show_child       ----              ROLE       ROLE           ROLE              ROLE      ----

no_show_child     check_in                 ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_child     record_assent:yes        ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_child     record_assent:not_today  ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_child     record_assent:no         ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_child     start_call               ----              ROLE       ROLE           ROLE              ROLE      ROLE
no_show_child     end_call                 ----              ROLE       ROLE           ----              ROLE      ----
no_show_child     cancel                   ----              ----       ----           ----              ROLE      ----
no_show_child     mark_no_show_guardian    ----              ROLE       ROLE           ROLE              ROLE      ----
no_show_child     mark_no_show_child       ----              ROLE       ROLE           ROLE              ROLE      ----
`;

const COLUMNS = [
  { role: 'hub_staff', kind: 'supervised' },
  { role: 'admin', kind: 'supervised' },
  { role: 'counselor', kind: 'supervised' },
  { role: 'counselor', kind: 'mediated' },
  { role: 'guardian', kind: 'supervised' },
  { role: 'system', kind: 'supervised' },
] as const;

const VARIANTS: EventVariant[] = [
  'check_in',
  'record_assent:yes',
  'record_assent:not_today',
  'record_assent:no',
  'start_call',
  'end_call',
  'cancel',
  'mark_no_show_guardian',
  'mark_no_show_child',
];

interface Case {
  status: SessionStatus;
  variant: EventVariant;
  role: (typeof COLUMNS)[number]['role'];
  kind: (typeof COLUMNS)[number]['kind'];
  expected: string;
}

const rows = MATRIX.trim()
  .split('\n')
  .slice(1)
  .filter((line) => line.trim() !== '')
  .map((line) => line.trim().split(/\s+/));

const cases: Case[] = rows.flatMap(([status, variant, ...outcomes]) =>
  COLUMNS.map((col, i) => ({ status: status as SessionStatus, variant: variant as EventVariant, ...col, expected: outcomes[i] })),
);

describe('transition: the full status × event × role matrix', () => {
  it('has exactly one row per status × event variant and one cell per role column', () => {
    expect(rows.every((r) => r.length === 2 + COLUMNS.length)).toBe(true);
    const keys = rows.map(([s, v]) => `${s} ${v}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(SESSION_STATUSES.flatMap((s) => VARIANTS.map((v) => `${s} ${v}`)).sort());
    expect(new Set(VARIANTS.map((v) => v.split(':')[0]))).toEqual(new Set(SESSION_EVENT_TYPES));
    expect(cases).toHaveLength(8 * 9 * 6);
  });

  it.each(cases)('$status + $variant by $role ($kind) → $expected', ({ status, variant, role, kind, expected }) => {
    const result = transition(status, eventOf(variant), { ...permissive(variant, kind), role });
    if (expected === 'ROLE' || expected === '----') {
      const code: TransitionErrorCode = expected === 'ROLE' ? 'NOT_ALLOWED_FOR_ROLE' : 'INVALID_TRANSITION';
      expect(result).toMatchObject({ ok: false, code, currentStatus: status });
      if (!result.ok) expect(result.detail).not.toBe('');
    } else {
      expect(result).toMatchObject({ ok: true, next: expected });
    }
  });
});
