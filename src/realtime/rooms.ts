/**
 * socket.io room names. Rooms (not in-process maps) carry every membership, so a socket.io
 * adapter that spans instances (issue #6) sees the same rooms everywhere.
 */
export const rooms = {
  /** Everyone connected to a session's call. */
  call: (sessionId: string) => `call:${sessionId}`,
  /** The one live socket of a participant (a rejoin replaces the previous one). */
  participant: (sessionId: string, participantId: string) => `call:${sessionId}:p:${participantId}`,
  /** Participants the supervisor admitted: signaling flows only between them. */
  admitted: (sessionId: string) => `call:${sessionId}:admitted`,
  /** Participants in the waiting room. A socket is in exactly one of `admitted` and `waiting`. */
  waiting: (sessionId: string) => `call:${sessionId}:waiting`,
  /** Staff watching a hub's day. */
  hub: (hubId: string) => `hub:${hubId}`,
};
