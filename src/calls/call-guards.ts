import { joinVerdict } from '@app/call-lifecycle';
import { DomainError } from '../common/errors/domain-error';
import type { CallSession } from './call-sessions.repository';

/**
 * The call's room is open (join tokens, the /calls handshake and joins) from 30 minutes before
 * the start until the scheduled end, while the session can still take place (@app/call-lifecycle
 * `joinVerdict`); otherwise 409 CALL_NOT_JOINABLE.
 */
export function assertJoinable(session: Pick<CallSession, 'status' | 'startsAt' | 'endsAt'>, now: number): void {
  const verdict = joinVerdict(session.status, { now, session: { startsAt: session.startsAt.getTime(), endsAt: session.endsAt.getTime() } });
  if (verdict.ok) return;
  if (verdict.reason === 'status') {
    throw new DomainError('CALL_NOT_JOINABLE', `The session is ${session.status}; its call can no longer be joined`, { currentStatus: session.status });
  }
  const opensAt = new Date(verdict.opensAt).toISOString();
  const endsAt = new Date(verdict.closesAt).toISOString();
  throw new DomainError('CALL_NOT_JOINABLE', `The call can be joined from ${opensAt} until ${endsAt}`, { currentStatus: session.status, opensAt, endsAt });
}

/**
 * A call is held only on an approved child–guardian link: once revoked (or never approved) the
 * guardian may not be given a token, connect, be admitted, and no assent is taken for it → 409
 * LINK_NOT_APPROVED. The link's status is read with the session (CallSessionsRepository.find).
 */
export function assertLinkApproved(session: Pick<CallSession, 'linkStatus'>): void {
  if (session.linkStatus === 'approved') return;
  throw new DomainError('LINK_NOT_APPROVED', `The link between this child and guardian is ${session.linkStatus ?? 'missing'}; a call is held only on an approved link`, {
    linkStatus: session.linkStatus ?? 'missing',
  });
}
