import type { IceCandidate, SessionDescription, SignalPayload } from '@app/realtime-protocol';
import { invalid, objectPayload, uuidField } from '../realtime/payloads';

/** Generous bounds: a real SDP is a few kB, a candidate a few hundred bytes. */
const MAX_SDP = 64 * 1024;
const MAX_CANDIDATE = 2048;

/** A `signal` payload, checked field by field (it is the hot path: no class-transformer). */
export function parseSignal(payload: unknown): Required<Pick<SignalPayload, 'to'>> & ({ description: SessionDescription } | { candidate: IceCandidate }) {
  const body = objectPayload(payload, ['to', 'description', 'candidate']);
  const to = uuidField(body, 'to');
  const hasDescription = body.description !== undefined;
  const hasCandidate = body.candidate !== undefined;
  if (hasDescription === hasCandidate) throw invalid([{ field: 'description', messages: ['send exactly one of description and candidate'] }]);
  if (hasDescription) {
    const description = objectPayload(body.description, ['type', 'sdp']);
    if (description.type !== 'offer' && description.type !== 'answer') throw invalid([{ field: 'description.type', messages: ['must be offer or answer'] }]);
    if (typeof description.sdp !== 'string' || description.sdp.length === 0 || description.sdp.length > MAX_SDP) {
      throw invalid([{ field: 'description.sdp', messages: [`must be a string of 1 to ${MAX_SDP} characters`] }]);
    }
    return { to, description: { type: description.type, sdp: description.sdp } };
  }
  const raw = objectPayload(body.candidate, ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment']);
  if (typeof raw.candidate !== 'string' || raw.candidate.length > MAX_CANDIDATE) {
    throw invalid([{ field: 'candidate.candidate', messages: [`must be a string of at most ${MAX_CANDIDATE} characters`] }]);
  }
  const candidate: IceCandidate = { candidate: raw.candidate };
  if (raw.sdpMid !== undefined) {
    if (raw.sdpMid !== null && (typeof raw.sdpMid !== 'string' || raw.sdpMid.length > 64)) throw invalid([{ field: 'candidate.sdpMid', messages: ['must be a short string or null'] }]);
    candidate.sdpMid = raw.sdpMid;
  }
  if (raw.sdpMLineIndex !== undefined) {
    const index = raw.sdpMLineIndex;
    if (index !== null && (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 1023)) {
      throw invalid([{ field: 'candidate.sdpMLineIndex', messages: ['must be a whole number from 0 to 1023 or null'] }]);
    }
    candidate.sdpMLineIndex = index;
  }
  if (raw.usernameFragment !== undefined) {
    const fragment = raw.usernameFragment;
    if (fragment !== null && (typeof fragment !== 'string' || fragment.length > 256)) {
      throw invalid([{ field: 'candidate.usernameFragment', messages: ['must be a short string or null'] }]);
    }
    candidate.usernameFragment = fragment;
  }
  return { to, candidate };
}

/** `{ participantId }` of admit and remove. */
export function parseParticipantTarget(payload: unknown): string {
  return uuidField(objectPayload(payload, ['participantId']), 'participantId');
}

/** `leave` and `end` carry nothing (an empty object, or no payload at all). */
export function parseEmpty(payload: unknown): void {
  objectPayload(payload, [], { optional: true });
}
