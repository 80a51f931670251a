import { transition } from '@app/call-lifecycle';
import type { CallParticipant, CallRole, CallsClientToServer, CallsServerToClient } from '@app/realtime-protocol';
import { NAMESPACES } from '@app/realtime-protocol';
import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { Transactions } from '../database/transaction';
import { callSessionView, HubSessionsRepository } from '../realtime/hub-sessions.repository';
import { RealtimeServers } from '../realtime/realtime-servers';
import { rooms } from '../realtime/rooms';
import { SessionChanges } from '../realtime/session-changes';
import { GuardianPresenceService } from '../reminders/guardian-presence.service';
import { parseEmpty, parseParticipantTarget, parseSignal } from './call-messages';
import { CallSession, CallSessionsRepository, factsOf } from './call-sessions.repository';
import { CallsService, callRoleOf, JOIN_OPENS_BEFORE_MS, JOINABLE_STATUSES } from './calls.service';
import { JoinTokenService } from './join-token.service';
import { lifecycleError } from './lifecycle-errors';
import { SessionTransitions } from './session-transitions';

/** What a /calls socket is, set by the handshake. */
export interface CallSocketData {
  sessionId: string;
  participantId: string;
  role: CallRole;
  displayName: string;
  /** The account behind the socket, for the audit trail. */
  actor: Actor;
}

export type CallSocket = Socket<CallsClientToServer, CallsServerToClient, Record<string, never>, CallSocketData>;
type CallsNamespace = Namespace<CallsClientToServer, CallsServerToClient, Record<string, never>, CallSocketData>;

/**
 * The rules of a call room. Admission and presence live in `call_participants` rows, membership
 * in socket.io rooms: nothing another instance needs is kept in this process. Every change locks
 * the session row, so admissions, joins and the end are serialised per session.
 */
@Injectable()
export class CallRoomService {
  constructor(
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly sessions: CallSessionsRepository,
    private readonly transitions: SessionTransitions,
    private readonly calls: CallsService,
    private readonly joinTokens: JoinTokenService,
    private readonly presence: GuardianPresenceService,
    private readonly live: HubSessionsRepository,
    private readonly changes: SessionChanges,
    private readonly servers: RealtimeServers,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Handshake: a valid join token for a session that can still be joined, by someone who still has that part in it. */
  async authenticate(socket: CallSocket): Promise<void> {
    const claims = this.joinTokens.verify(socket.handshake.auth?.token);
    if (!claims) throw new DomainError('UNAUTHENTICATED', 'Connect with { auth: { token } }: a valid join token from POST /sessions/:id/join-token');
    const session = await this.sessions.find(this.db, claims.sessionId);
    if (!session) throw notFound('Session');
    const type = claims.role === 'guardian' ? 'guardian' : 'user';
    const actor: Actor = { type, id: claims.sub, role: claims.role === 'guardian' ? 'guardian' : claims.role === 'supervisor' ? 'hub_staff' : 'counselor', hubIds: [] };
    if (callRoleOf(actor, session) !== claims.role) throw new DomainError('FORBIDDEN', 'This token’s holder no longer has that part in the call');
    assertJoinable(session, this.clock.now().toMillis());
    const displayName = await this.sessions.displayNameOf(this.db, { type, id: claims.sub });
    if (displayName === undefined) throw new DomainError('UNAUTHENTICATED', 'The account of this token no longer exists or is disabled');
    socket.data = { sessionId: session.id, participantId: claims.sub, role: claims.role, displayName, actor };
  }

  /**
   * After the handshake: replaces the participant's previous socket, records the join (the
   * guardian's first join is what the no-show check looks at), joins the rooms — admitted if the
   * supervisor admitted them before and did not remove them — and says welcome.
   */
  async joined(socket: CallSocket): Promise<void> {
    const { sessionId, participantId, role, displayName, actor } = socket.data;
    const ns = this.namespace();
    ns.in(rooms.participant(sessionId, participantId)).disconnectSockets(true);
    const now = this.clock.now();
    const participant = await this.transactions.run(async (tx) => {
      const session = await this.lockedSession(tx, sessionId);
      assertJoinable(session, now.toMillis());
      const joined = await this.sessions.connect(tx, { sessionId, participantId, role, displayName, socketId: socket.id, now: now.toJSDate() });
      if (role === 'guardian' && session.guardianJoinedAt === null) await this.presence.markGuardianJoined(tx, sessionId);
      if (role === 'counselor' && session.counselorJoinedAt === null) await this.sessions.markCounselorJoined(tx, sessionId, now.toJSDate());
      await this.audit.record(tx, {
        action: 'call.join',
        objectType: 'session',
        objectId: sessionId,
        childId: session.childId,
        hubId: session.hubId,
        actor,
        details: { role, firstJoin: joined.firstJoin, state: joined.participant.state },
      });
      // Rooms are joined while the row is locked: an admission (which takes the lock) then finds this socket in its room.
      socket.join([rooms.call(sessionId), rooms.participant(sessionId, participantId), joined.participant.state === 'admitted' ? rooms.admitted(sessionId) : rooms.waiting(sessionId)]);
      return joined.participant;
    });
    const [live, participants] = await Promise.all([this.live.one(this.db, sessionId), this.sessions.participants(this.db, sessionId)]);
    if (!live) throw notFound('Session');
    socket.emit('welcome', { self: participant, session: callSessionView(live.view, role === 'guardian'), participants });
    ns.to(rooms.call(sessionId)).except(rooms.participant(sessionId, participantId)).emit('presence', { participants });
    if (role === 'guardian') await this.changes.changed(sessionId, { call: false });
  }

  /** A socket went away (dropped, left, replaced or closed at the end): only its own row changes. */
  async disconnected(socket: CallSocket): Promise<void> {
    const { sessionId, participantId, role } = socket.data ?? {};
    if (!sessionId || !participantId) return;
    const changed = await this.sessions.disconnect(this.db, sessionId, participantId, socket.id, this.clock.now().toJSDate());
    if (!changed) return;
    await this.announcePresence(sessionId);
    if (role === 'guardian') await this.changes.changed(sessionId, { call: false });
  }

  /**
   * Supervisor: let a participant in. Only after the child said yes, so admitted participants
   * (between whom signals flow) exist only once assent is yes. Admitting the guardian (and, for a
   * mediated call, the counselor as well) starts the call: `start_call` → in_call, and the
   * scheduled-end job.
   */
  async admit(socket: CallSocket, payload: unknown): Promise<void> {
    const targetId = parseParticipantTarget(payload);
    const { sessionId } = this.requireSupervisor(socket, 'admit');
    const now = this.clock.now();
    const { target, started } = await this.transactions.run(async (tx) => {
      const session = await this.lockedSession(tx, sessionId);
      if (session.status !== 'checked_in' && session.status !== 'in_call') {
        throw new DomainError('INVALID_TRANSITION', `Participants are admitted once the child is checked in and said yes; the session is ${session.status}`, {
          currentStatus: session.status,
        });
      }
      if (session.assent !== 'yes') throw new DomainError('ASSENT_REQUIRED', 'Participants are admitted only after the child said yes', { currentStatus: session.status });
      const target = await this.sessions.findParticipant(tx, sessionId, targetId);
      if (!target) throw notFound('Participant');
      await this.sessions.setState(tx, sessionId, targetId, 'admitted', now.toJSDate());
      let started = false;
      if (session.status === 'checked_in') {
        const admitted = new Set((await this.sessions.participants(tx, sessionId)).filter((p) => p.state === 'admitted').map((p) => p.role));
        const everyone = admitted.has('guardian') && (session.kind === 'supervised' || admitted.has('counselor'));
        if (everyone) {
          await this.transitions.apply(tx, session, { type: 'start_call' }, { role: 'hub_staff', accountId: socket.data.participantId, actor: socket.data.actor });
          started = true;
        } else {
          assertCallCouldStart(session, now.toMillis());
        }
      }
      await this.audit.record(tx, {
        action: 'call.admit',
        objectType: 'session',
        objectId: sessionId,
        childId: session.childId,
        hubId: session.hubId,
        actor: socket.data.actor,
        details: { participantId: targetId, role: target.role, started },
      });
      return { target, started };
    });
    const ns = this.namespace();
    const targetRoom = rooms.participant(sessionId, targetId);
    ns.in(targetRoom).socketsLeave(rooms.waiting(sessionId));
    ns.in(targetRoom).socketsJoin(rooms.admitted(sessionId));
    ns.to(targetRoom).emit('admitted', { participantId: targetId });
    await this.announcePresence(sessionId);
    if (started) await this.changes.changed(sessionId);
    else if (target.role === 'guardian') await this.changes.changed(sessionId, { call: false });
  }

  /** Supervisor: send a participant back to the waiting room (they stay connected and may be admitted again). */
  async remove(socket: CallSocket, payload: unknown): Promise<void> {
    const targetId = parseParticipantTarget(payload);
    const { sessionId, participantId } = this.requireSupervisor(socket, 'remove');
    if (targetId === participantId) throw new DomainError('VALIDATION_FAILED', 'The supervisor cannot remove themself; end the call instead');
    const target = await this.transactions.run(async (tx) => {
      const session = await this.lockedSession(tx, sessionId);
      assertJoinable(session, this.clock.now().toMillis());
      const target = await this.sessions.findParticipant(tx, sessionId, targetId);
      if (!target) throw notFound('Participant');
      await this.sessions.setState(tx, sessionId, targetId, 'waiting', this.clock.now().toJSDate());
      await this.audit.record(tx, {
        action: 'call.remove',
        objectType: 'session',
        objectId: sessionId,
        childId: session.childId,
        hubId: session.hubId,
        actor: socket.data.actor,
        details: { participantId: targetId, role: target.role },
      });
      return target;
    });
    const ns = this.namespace();
    const targetRoom = rooms.participant(sessionId, targetId);
    ns.in(targetRoom).socketsLeave(rooms.admitted(sessionId));
    ns.in(targetRoom).socketsJoin(rooms.waiting(sessionId));
    ns.to(targetRoom).emit('removed', { reason: 'removed_by_supervisor' });
    await this.announcePresence(sessionId);
    if (target.role === 'guardian') await this.changes.changed(sessionId, { call: false });
  }

  /**
   * Relays an SDP description or ICE candidate. The sender must be admitted (this socket's own
   * rooms); delivery goes to the target's socket only if it is not in the waiting room, wherever
   * that socket lives. Admitted ⇒ the child said yes, so no signal flows before assent.
   */
  signal(socket: CallSocket, payload: unknown): void {
    const message = parseSignal(payload);
    const { sessionId, participantId } = socket.data;
    if (!socket.rooms.has(rooms.admitted(sessionId))) throw new DomainError('NOT_ADMITTED', 'Wait until the supervisor admits you before signaling');
    if (message.to === participantId) throw new DomainError('VALIDATION_FAILED', 'A signal goes to another participant');
    const { to, ...body } = message;
    this.namespace()
      .to(rooms.participant(sessionId, to))
      .except(rooms.waiting(sessionId))
      .emit('signal', { from: participantId, ...body });
  }

  /** Leave (the participant may come back with a fresh token until the scheduled end). */
  leave(socket: CallSocket, payload: unknown): void {
    parseEmpty(payload);
    // After the ack has gone out; the disconnect handler records the departure.
    setImmediate(() => socket.disconnect(true));
  }

  /** Supervisor, or the counselor of a mediated call (the lifecycle judges): end for everyone. */
  async end(socket: CallSocket, payload: unknown): Promise<void> {
    parseEmpty(payload);
    const { sessionId, role, actor } = socket.data;
    const lifecycleRole = role === 'supervisor' ? 'hub_staff' : role;
    await this.transactions.run(async (tx) => this.calls.endIn(tx, await this.lockedSession(tx, sessionId), lifecycleRole, actor));
    // After the ack: the announcement closes every socket of the room, this one included.
    setImmediate(() => void this.changes.changed(sessionId));
  }

  private requireSupervisor(socket: CallSocket, what: string): CallSocketData {
    if (socket.data.role !== 'supervisor') throw new DomainError('FORBIDDEN', `Only the supervisor may ${what} participants`);
    return socket.data;
  }

  private async lockedSession(tx: EntityManager, sessionId: string): Promise<CallSession> {
    const session = await this.sessions.find(tx, sessionId, { lock: true });
    if (!session) throw notFound('Session');
    return session;
  }

  private async announcePresence(sessionId: string): Promise<void> {
    const participants: CallParticipant[] = await this.sessions.participants(this.db, sessionId);
    this.namespace().to(rooms.call(sessionId)).emit('presence', { participants });
  }

  private namespace(): CallsNamespace {
    const ns = this.servers.get(NAMESPACES.calls);
    if (!ns) throw new Error('the /calls namespace is not initialised');
    return ns as unknown as CallsNamespace;
  }
}

/** The same window as join tokens: from 30 min before the start until the scheduled end, while the session can happen. */
function assertJoinable(session: CallSession, now: number): void {
  if (!JOINABLE_STATUSES.has(session.status)) {
    throw new DomainError('CALL_NOT_JOINABLE', `The session is ${session.status}; its call can no longer be joined`, { currentStatus: session.status });
  }
  if (now < session.startsAt.getTime() - JOIN_OPENS_BEFORE_MS || now >= session.endsAt.getTime()) {
    throw new DomainError('CALL_NOT_JOINABLE', 'The call can be joined from 30 minutes before its start until its scheduled end', {
      currentStatus: session.status,
    });
  }
}

/**
 * Admitting the first of two needed participants (a mediated call) does not start the call yet,
 * but is held to the same guards as the start (time window, assent), with the joins taken as done.
 */
function assertCallCouldStart(session: CallSession, now: number): void {
  const facts = factsOf(session);
  const probe = transition(session.status, { type: 'start_call' }, {
    now,
    role: 'hub_staff',
    session: { ...facts, guardianJoinedAt: facts.guardianJoinedAt ?? now, counselorJoinedAt: facts.counselorJoinedAt ?? now },
  });
  if (!probe.ok) throw lifecycleError(probe);
}
