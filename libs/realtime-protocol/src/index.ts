// @app/realtime-protocol: the socket.io event maps of the three namespaces, shared by the
// server gateways and the browser pages (bundled into them), so both sides are type-checked
// against one definition. Types only plus the namespace names: no runtime dependencies.
//
// Conventions
// - Handshake: `io(origin + namespace, { auth: { token } })`. `/calls` takes a join token from
//   `POST /sessions/:id/join-token`; `/hubs` and `/counselors` take the REST access token.
//   A connection without a valid token is refused (`connect_error` with `data.code`).
// - Every client→server event may carry an acknowledgement callback; the server answers
//   `Ack<T>`. A refused or malformed message is also reported as a `problem` event, never a crash.
// - Instants are ISO 8601 strings with offset (UTC `Z` from the server).

export const NAMESPACES = { calls: '/calls', hubs: '/hubs', counselors: '/counselors' } as const;

/** A refusal, the same codes as the REST problem+json `code`. */
export interface SocketProblem {
  code: string;
  detail: string;
  /** The inbound event that was refused, when there was one. */
  event?: string;
}

export type Ack<T = Record<string, never>> = ({ ok: true } & T) | { ok: false; problem: SocketProblem };

// ---------------------------------------------------------------------------------------------
// /calls — one room per session: waiting room, admission, signaling, presence, end.

export type CallRole = 'guardian' | 'supervisor' | 'counselor';

export type ParticipantState = 'waiting' | 'admitted';

export interface CallParticipant {
  /** The account id (user or guardian). One live socket per participant: a rejoin replaces the old one. */
  participantId: string;
  role: CallRole;
  displayName: string;
  state: ParticipantState;
  connected: boolean;
}

/** The session as the call page needs it. */
export interface CallSessionView {
  sessionId: string;
  kind: 'supervised' | 'mediated';
  status: string;
  /** `yes | not_today | no` or null before it is asked. Signaling needs `yes`. */
  assent: 'yes' | 'not_today' | 'no' | null;
  startsAt: string;
  endsAt: string;
}

export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** Exactly one of `description` or `candidate`. */
export interface SignalPayload {
  to: string;
  description?: SessionDescription;
  candidate?: IceCandidate;
}

/** Why a call that took place ended (stored on the session as `end_reason`). */
export const CALL_END_REASONS = ['ended_by_supervisor', 'ended_by_counselor', 'scheduled_end', 'link_revoked'] as const;
export type CallEndedReason = (typeof CALL_END_REASONS)[number];
/** Why a call room closed: a call that ended, or a session that ended without one. */
export type CallEndReason = CallEndedReason | 'declined' | 'cancelled';

export interface CallsClientToServer {
  /** Supervisor only: let a waiting participant into the call. */
  admit: (payload: { participantId: string }, ack?: (result: Ack) => void) => void;
  /** Supervisor only: send a participant back out (they may not re-enter unless admitted again). */
  remove: (payload: { participantId: string }, ack?: (result: Ack) => void) => void;
  /** Relay an SDP description or ICE candidate to another admitted participant. */
  signal: (payload: SignalPayload, ack?: (result: Ack) => void) => void;
  /** Leave the call (the participant may rejoin with a fresh token until the scheduled end). */
  leave: (payload: Record<string, never>, ack?: (result: Ack) => void) => void;
  /** Supervisor (or the counselor of a mediated call): end the call for everyone. */
  end: (payload: Record<string, never>, ack?: (result: Ack) => void) => void;
}

export interface CallsServerToClient {
  /** First message after connecting: who you are, the session and everyone in it. */
  welcome: (payload: { self: CallParticipant; session: CallSessionView; participants: CallParticipant[] }) => void;
  /** Someone joined, was admitted, left, or dropped. Always the full list. */
  presence: (payload: { participants: CallParticipant[] }) => void;
  /** You were admitted: you may now signal with the other admitted participants. */
  admitted: (payload: { participantId: string }) => void;
  /** You were sent back out by the supervisor. */
  removed: (payload: { reason: string }) => void;
  signal: (payload: { from: string; description?: SessionDescription; candidate?: IceCandidate }) => void;
  /** The session's status changed (e.g. `in_call`, `completed`). */
  status: (payload: { session: CallSessionView }) => void;
  /**
   * The session is over and the server then closes the socket: `ended_by_supervisor`,
   * `ended_by_counselor`, `scheduled_end` or `link_revoked` (the child–guardian link was revoked
   * during the call) after a call; `declined` when the child's answer was
   * not yes (the guardian's view shows `assent: 'not_today'` for both not_today and no);
   * `cancelled` for a cancellation or a no-show.
   */
  ended: (payload: { reason: CallEndReason; session: CallSessionView }) => void;
  problem: (payload: SocketProblem) => void;
}

// ---------------------------------------------------------------------------------------------
// /hubs — staff of a hub watch today's sessions (hub-local day) change live.

export interface HubSessionView {
  id: string;
  hubId: string;
  childId: string;
  childName: string;
  guardianId: string;
  guardianName: string;
  stationId: string;
  stationName: string;
  kind: 'supervised' | 'mediated';
  status: string;
  assent: 'yes' | 'not_today' | 'no' | null;
  startsAt: string;
  endsAt: string;
  checkedInAt: string | null;
  /** The guardian is connected to the call namespace and not yet admitted. */
  guardianWaiting: boolean;
}

export interface HubsClientToServer {
  /** Start watching a hub (staff of that hub, admins). Acks with today's sessions. */
  watch: (payload: { hubId: string }, ack?: (result: Ack<{ day: string; timeZone: string; sessions: HubSessionView[] }>) => void) => void;
  unwatch: (payload: { hubId: string }, ack?: (result: Ack) => void) => void;
}

export interface HubsServerToClient {
  'session.changed': (payload: { session: HubSessionView }) => void;
  problem: (payload: SocketProblem) => void;
}

// ---------------------------------------------------------------------------------------------
// /counselors — alert notices. The notice is only a notice: alerts are rows (GET /alerts).

export type AlertSeverity = 'normal' | 'high';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertView {
  id: string;
  childId: string;
  childName: string;
  hubId: string;
  rule: string;
  ruleVersion: number;
  severity: AlertSeverity;
  status: AlertStatus;
  reason: string;
  assignedCounselorId: string | null;
  dueBy: string;
  escalatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CounselorsClientToServer {
  /** Ask for the backlog again (it is also sent on every connect). */
  backlog: (payload: Record<string, never>, ack?: (result: Ack<{ alerts: AlertView[] }>) => void) => void;
}

export interface CounselorsServerToClient {
  /** Sent on connect: every open or acknowledged alert the counselor owns or can see. */
  'alert.backlog': (payload: { alerts: AlertView[] }) => void;
  'alert.created': (payload: { alert: AlertView }) => void;
  'alert.updated': (payload: { alert: AlertView }) => void;
  'alert.escalated': (payload: { alert: AlertView }) => void;
  problem: (payload: SocketProblem) => void;
}
