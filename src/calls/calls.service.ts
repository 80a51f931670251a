import { type ActorRole, mayTrigger } from '@app/call-lifecycle';
import type { CallRole } from '@app/realtime-protocol';
import { NAMESPACES } from '@app/realtime-protocol';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AlertEvaluations } from '../alerts/alert-evaluations';
import { AuditService } from '../audit/audit.service';
import { Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, invalidField, notFound } from '../common/errors/domain-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { SessionChanges } from '../realtime/session-changes';
import { assertJoinable, assertLinkApproved } from './call-guards';
import { CallSession, CallSessionsRepository } from './call-sessions.repository';
import type { AssentDto, CallSessionDto, JoinTokenDto } from './dto/call.dto';
import { iceServersFor } from './ice-servers';
import { JoinTokenService } from './join-token.service';
import { SessionTransitions } from './session-transitions';

/** TURN credentials outlive the scheduled end a little, so a call ending on time is not cut mid-sentence. */
const TURN_MARGIN_SECONDS = 5 * 60;

/**
 * The REST side of a call: check-in, the child's assent, join tokens and ending. Every change
 * locks the session row, goes through the lifecycle (SessionTransitions), is audited, and is
 * announced to the hub view and the call room after commit.
 */
@Injectable()
export class CallsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly sessions: CallSessionsRepository,
    private readonly transitions: SessionTransitions,
    private readonly joinTokens: JoinTokenService,
    private readonly changes: SessionChanges,
    private readonly audit: AuditService,
    private readonly evaluations: AlertEvaluations,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async checkIn(actor: Actor, sessionId: string): Promise<CallSessionDto> {
    const session = await this.transactions.run(async (tx) => {
      const current = await this.visible(tx, actor, sessionId);
      const checkedIn = await this.transitions.apply(tx, current, { type: 'check_in' }, { role: actor.role, accountId: actor.id });
      // Closes the session at its scheduled end should the call never start.
      await this.transitions.scheduleCallEnd(tx, checkedIn);
      return checkedIn;
    });
    await this.changes.changed(session.id);
    return toCallSessionDto(session);
  }

  async recordAssent(actor: Actor, sessionId: string, input: AssentDto): Promise<CallSessionDto> {
    if (input.response === 'yes' && input.reason !== undefined) throw invalidField('reason', 'reason is only given with not_today or no');
    const { recorded: session, notices } = await this.transactions.run(async (tx) => {
      const current = await this.visible(tx, actor, sessionId);
      // Link and consent are judged for whoever may record an assent at all (others get the lifecycle's 403).
      if (mayTrigger(actor.role, 'record_assent', current.kind)) {
        assertLinkApproved(current);
        if (!(await this.sessions.hasVideoCallConsent(tx, current.childId, current.guardianId))) {
          throw new DomainError('CONSENT_REQUIRED', 'The guardian has no active consent covering video_call for this child');
        }
      }
      const recorded = await this.transitions.apply(tx, current, { type: 'record_assent', response: input.response, reason: input.reason ?? null }, {
        role: actor.role,
        accountId: actor.id,
      });
      // A decline counts towards `repeated_declines` even when no wellbeing check follows it.
      if (recorded.status !== 'declined') return { recorded, notices: [] };
      await this.evaluations.queue(tx, { subject: 'decline', id: recorded.id });
      return { recorded, notices: await this.evaluations.evaluateWithin(tx, { subject: 'decline', id: recorded.id }) };
    });
    this.evaluations.announce(notices);
    await this.changes.changed(session.id);
    return toCallSessionDto(session);
  }

  /**
   * Ends a running call for everyone: its supervisor, or the counselor of a mediated call (the
   * lifecycle refuses everyone else's role, admins included), as the socket `end` does.
   */
  async end(actor: Actor, sessionId: string): Promise<CallSessionDto> {
    const session = await this.transactions.run(async (tx) => {
      const current = await this.visible(tx, actor, sessionId);
      if (actor.role === 'hub_staff' && current.supervisorId !== actor.id) {
        throw new DomainError('FORBIDDEN', 'Only the supervising staff member ends the call');
      }
      if (actor.role === 'counselor' && current.kind === 'mediated' && current.counselorId !== actor.id) {
        throw new DomainError('FORBIDDEN', 'Only the mediating counselor of this call may end it');
      }
      return this.endIn(tx, current, actor.role, actor);
    });
    await this.changes.changed(session.id);
    return toCallSessionDto(session);
  }

  /** in_call → completed on the caller's transaction (REST and the socket `end`); everyone's presence is cleared. */
  endIn(tx: EntityManager, current: CallSession, role: ActorRole, actor: Actor): Promise<CallSession> {
    return this.transitions.apply(tx, current, { type: 'end_call' }, { role, accountId: actor.id, actor });
  }

  /**
   * A join token for the caller's part in this call: the session's guardian, its supervisor, or
   * the counselor of a mediated session. Out of scope → 404; in scope without a part (another staff
   * member of the hub, an admin, a counselor of a supervised call) → 403. A session that can no
   * longer be joined, or whose child–guardian link is no longer approved → 409.
   */
  joinToken(actor: Actor, sessionId: string): Promise<JoinTokenDto> {
    return this.transactions.run(async (tx) => {
      const session = await this.visible(tx, actor, sessionId, { lock: false });
      const role = callRoleOf(actor, session);
      if (!role) throw new DomainError('FORBIDDEN', 'You have no part in this call (it is joined by its guardian, its supervisor and, when mediated, its counselor)');
      assertJoinable(session, this.clock.now().toMillis());
      assertLinkApproved(session);
      const { token, expiresAt } = this.joinTokens.sign({ sub: actor.id, sessionId: session.id, role }, session.endsAt);
      await this.audit.record(tx, {
        action: 'call.join_token',
        objectType: 'session',
        objectId: session.id,
        childId: session.childId,
        hubId: session.hubId,
        details: { role },
      });
      const turnExpiry = Math.floor(session.endsAt.getTime() / 1000) + TURN_MARGIN_SECONDS;
      return {
        token,
        expiresAt: expiresAt.toISOString(),
        iceServers: iceServersFor(this.config.ice, actor.id, turnExpiry),
        sessionId: session.id,
        role,
        participantId: actor.id,
        namespace: NAMESPACES.calls,
      };
    });
  }

  /** The session if the actor may see it (their hub; a guardian their own), locked for a change by default; else 404. */
  private async visible(tx: EntityManager, actor: Actor, sessionId: string, options: { lock?: boolean } = {}): Promise<CallSession> {
    const session = await this.sessions.find(tx, sessionId, { lock: options.lock ?? true });
    const sees = session && (actor.type === 'guardian' ? session.guardianId === actor.id : canSeeHub(actor, session.hubId) || session.counselorId === actor.id);
    if (!session || !sees) throw notFound('Session');
    return session;
  }
}

/** The actor's part in the call, if any. */
export function callRoleOf(actor: Actor, session: Pick<CallSession, 'guardianId' | 'supervisorId' | 'counselorId' | 'kind'>): CallRole | undefined {
  if (actor.type === 'guardian') return session.guardianId === actor.id ? 'guardian' : undefined;
  if (actor.role === 'hub_staff' && session.supervisorId === actor.id) return 'supervisor';
  if (actor.role === 'counselor' && session.kind === 'mediated' && session.counselorId === actor.id) return 'counselor';
  return undefined;
}

export function toCallSessionDto(session: CallSession): CallSessionDto {
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return {
    id: session.id,
    hubId: session.hubId,
    childId: session.childId,
    guardianId: session.guardianId,
    kind: session.kind,
    status: session.status,
    startsAt: session.startsAt.toISOString(),
    endsAt: session.endsAt.toISOString(),
    checkedInAt: iso(session.checkedInAt),
    assent: session.assent,
    assentReason: session.assentReason,
    assentAt: iso(session.assentAt),
    guardianJoinedAt: iso(session.guardianJoinedAt),
    counselorJoinedAt: iso(session.counselorJoinedAt),
    callStartedAt: iso(session.callStartedAt),
    callEndedAt: iso(session.callEndedAt),
    endReason: session.endReason,
  };
}
