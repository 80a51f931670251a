import { DomainError } from '../common/errors/domain-error';
import { parseEmpty, parseParticipantTarget, parseSignal } from './call-messages';

const TO = '6f1c2d3e-0000-4000-8000-000000000001';
const fieldsOf = (work: () => unknown): string[] => {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') return (error.extensions.errors as { field: string }[]).map((e) => e.field);
    throw error;
  }
  throw new Error('accepted');
};

describe('socket payloads of /calls', () => {
  it('keeps exactly the fields of a description or a candidate', () => {
    expect(parseSignal({ to: TO, description: { type: 'answer', sdp: 'v=0' } })).toEqual({ to: TO, description: { type: 'answer', sdp: 'v=0' } });
    expect(parseSignal({ to: TO, candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null, usernameFragment: null } })).toEqual({
      to: TO,
      candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null, usernameFragment: null },
    });
    expect(parseSignal({ to: TO, candidate: { candidate: 'c' } })).toEqual({ to: TO, candidate: { candidate: 'c' } });
  });

  it.each<[unknown, string[]]>([
    [undefined, ['(payload)']],
    ['text', ['(payload)']],
    [[TO], ['(payload)']],
    [{ to: TO }, ['description']],
    [{ to: TO, description: { type: 'offer', sdp: 'x' }, candidate: { candidate: 'c' } }, ['description']],
    [{ to: 'x', description: { type: 'offer', sdp: 'x' } }, ['to']],
    [{ to: TO, description: { type: 'rollback', sdp: 'x' } }, ['description.type']],
    [{ to: TO, description: { type: 'offer', sdp: '' } }, ['description.sdp']],
    [{ to: TO, description: { type: 'offer', sdp: 'x', extra: 1 } }, ['extra']],
    [{ to: TO, candidate: 'c' }, ['(payload)']],
    [{ to: TO, candidate: { candidate: 5 } }, ['candidate.candidate']],
    [{ to: TO, candidate: { candidate: 'c', sdpMLineIndex: 1.5 } }, ['candidate.sdpMLineIndex']],
    [{ to: TO, candidate: { candidate: 'c', sdpMid: 7 } }, ['candidate.sdpMid']],
    [{ to: TO, candidate: { candidate: 'c', usernameFragment: 'u'.repeat(300) } }, ['candidate.usernameFragment']],
    [{ to: TO, candidate: { candidate: 'c' }, from: TO }, ['from']],
  ])('refuses %j naming %j', (payload, fields) => {
    expect(fieldsOf(() => parseSignal(payload))).toEqual(fields);
  });

  it('reads admit/remove targets and empty payloads', () => {
    expect(parseParticipantTarget({ participantId: TO })).toBe(TO);
    expect(fieldsOf(() => parseParticipantTarget({ participantId: TO, role: 'admin' }))).toEqual(['role']);
    expect(() => parseEmpty(undefined)).not.toThrow();
    expect(() => parseEmpty({})).not.toThrow();
    expect(fieldsOf(() => parseEmpty({ all: true }))).toEqual(['all']);
  });
});
