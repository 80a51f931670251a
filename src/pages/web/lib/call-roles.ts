// Pure rules of the page-side call, kept apart from the DOM so they read (and test) on their own.
import type { CallParticipant, CallRole } from '@app/realtime-protocol';

const RANK: Record<CallRole, number> = { supervisor: 0, counselor: 1, guardian: 2 };

/**
 * Who sends the offer between two admitted participants: the supervisor, then the counselor,
 * then the guardian (ties by id). A fixed offerer means offers never collide ("glare").
 */
export function isOfferer(self: Pick<CallParticipant, 'participantId' | 'role'>, other: Pick<CallParticipant, 'participantId' | 'role'>): boolean {
  if (RANK[self.role] !== RANK[other.role]) return RANK[self.role] < RANK[other.role];
  return self.participantId < other.participantId;
}

/**
 * The participants this page may hold a peer connection with: the other admitted ones. One whose
 * socket dropped keeps their connection (the media path may well be fine) until they are back.
 */
export function peersToKeep(selfId: string, participants: readonly CallParticipant[]): CallParticipant[] {
  const self = participants.find((p) => p.participantId === selfId);
  if (!self || self.state !== 'admitted') return [];
  return participants.filter((p) => p.participantId !== selfId && p.state === 'admitted');
}

/** Who needs a fresh offer from this side: admitted peers that are connected now but were not before (or have no connection). */
export function needOffer(
  self: CallParticipant,
  kept: readonly CallParticipant[],
  connectedBefore: ReadonlySet<string>,
  hasPeer: (participantId: string) => boolean,
): CallParticipant[] {
  return kept.filter((other) => other.connected && isOfferer(self, other) && (!connectedBefore.has(other.participantId) || !hasPeer(other.participantId)));
}
