// One participant's side of a call: the /calls socket (join token per (re)connect), the waiting
// room, and one RTCPeerConnection per other admitted participant. The supervisor (then counselor)
// always offers; the other side answers. A fresh offer replaces the whole peer connection, which
// is how a dropped side comes back (new socket → new offer → new ICE and DTLS).
import type {
  Ack,
  CallParticipant,
  CallSessionView,
  CallsClientToServer,
  CallsServerToClient,
  IceCandidate,
  SessionDescription,
  SocketProblem,
} from '@app/realtime-protocol';
import { NAMESPACES } from '@app/realtime-protocol';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError } from './api';
import { isOfferer, needOffer, peersToKeep } from './call-roles';
import { refusalOf } from './socket-refusal';

export interface JoinToken {
  token: string;
  iceServers: RTCIceServer[];
}

export type EndReason = Parameters<CallsServerToClient['ended']>[0]['reason'];

export interface CallEvents {
  welcome(self: CallParticipant, session: CallSessionView, participants: CallParticipant[]): void;
  presence(participants: CallParticipant[]): void;
  admitted(): void;
  removed(reason: string): void;
  status(session: CallSessionView): void;
  ended(reason: EndReason, session: CallSessionView | null): void;
  /** The join token could not be had (e.g. the session was declined or is over). */
  refused(error: ApiError): void;
  problem(problem: SocketProblem): void;
  remoteStream(participantId: string, stream: MediaStream | null): void;
  peerState(participantId: string, state: RTCPeerConnectionState): void;
  link(state: 'connecting' | 'online' | 'reconnecting'): void;
  media(stream: MediaStream | null, error?: unknown): void;
}

interface Peer {
  pc: RTCPeerConnection;
  remoteDescriptionSet: boolean;
  pending: RTCIceCandidateInit[];
  stream: MediaStream;
}

declare global {
  interface Window {
    /** For the browser tests: the live peer connections by participant id. */
    kinbridgeCall?: { peers: Map<string, RTCPeerConnection>; steps: [string, number][] };
  }
}

export class CallClient {
  private socket?: Socket<CallsServerToClient, CallsClientToServer>;
  private iceServers: RTCIceServer[] = [];
  private local: MediaStream | null = null;
  private readonly peers = new Map<string, Peer>();
  private selfId = '';
  private participants: CallParticipant[] = [];
  private connectedBefore = new Set<string>();
  private assent: CallSessionView['assent'] = null;
  private finished = false;
  private readonly debug: NonNullable<Window['kinbridgeCall']> = { peers: new Map(), steps: [] };

  constructor(
    private readonly sessionId: string,
    private readonly on: CallEvents,
  ) {
    window.kinbridgeCall = this.debug;
  }

  async start(): Promise<void> {
    let first: JoinToken;
    try {
      first = await this.joinToken();
    } catch (error) {
      if (error instanceof ApiError) this.on.refused(error);
      throw error;
    }
    await this.openMedia();
    let prefetched: JoinToken | undefined = first;
    this.on.link('connecting');
    const socket: Socket<CallsServerToClient, CallsClientToServer> = io(NAMESPACES.calls, {
      // Called on every (re)connect: a rejoin needs a fresh short-lived token.
      auth: (send) => {
        const ready = prefetched ? Promise.resolve(prefetched) : this.joinTokenPatiently();
        prefetched = undefined;
        ready.then(
          (join) => send({ token: join.token }),
          (error: unknown) => {
            if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
              this.finish();
              this.on.refused(error);
            }
            send({ token: '' });
          },
        );
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    this.socket = socket;
    let refusals = 0;
    socket.on('connect', () => {
      refusals = 0;
      this.on.link('online');
    });
    socket.on('disconnect', (reason) => {
      // The media path may outlive the signaling socket: peers stay until a fresh offer replaces them.
      if (this.finished) return;
      this.on.link('reconnecting');
      // The server closed us (not a network drop): socket.io does not retry on its own.
      if (reason === 'io server disconnect') setTimeout(() => !this.finished && socket.connect(), 1000);
    });
    socket.on('connect_error', (error) => {
      if (this.finished) return;
      const refused = refusalOf(error);
      // A refusal is retried with a fresh token a few times (it may have expired), then reported.
      if (refused && ++refusals > 3) {
        this.finish();
        this.on.refused(new ApiError(409, refused.code, refused.detail));
        return;
      }
      this.on.link('reconnecting');
      // A refused handshake is not retried by socket.io; a transport error is.
      if (!socket.active) setTimeout(() => !this.finished && socket.connect(), 1500);
    });
    socket.on('welcome', ({ self, session, participants }) => {
      this.selfId = self.participantId;
      // A (re)join: the offering side offers afresh to everyone; the answering side waits for those offers.
      this.connectedBefore = new Set();
      this.participants = participants;
      this.assent = session.assent;
      this.on.welcome(self, session, participants);
      this.sync();
    });
    socket.on('presence', ({ participants }) => {
      this.step('presence');
      this.participants = participants;
      this.on.presence(participants);
      this.sync();
    });
    socket.on('admitted', () => {
      this.step('admitted');
      this.on.admitted();
    });
    socket.on('removed', ({ reason }) => {
      this.closeAllPeers();
      this.on.removed(reason);
    });
    socket.on('status', ({ session }) => {
      const assentJustGiven = session.assent === 'yes' && this.assent !== 'yes';
      this.assent = session.assent;
      this.on.status(session);
      if (assentJustGiven) {
        this.connectedBefore = new Set();
        this.sync();
      }
    });
    socket.on('signal', (message) => void this.onSignal(message).catch((error: unknown) => console.warn('signal failed', error)));
    socket.on('ended', ({ reason, session }) => {
      this.finish();
      this.on.ended(reason, session);
    });
    socket.on('problem', (problem) => this.on.problem(problem));
  }

  admit(participantId: string): Promise<Ack> {
    return this.ask('admit', { participantId });
  }

  remove(participantId: string): Promise<Ack> {
    return this.ask('remove', { participantId });
  }

  end(): Promise<Ack> {
    return this.ask('end', {});
  }

  async leave(): Promise<void> {
    if (this.socket?.connected) await this.ask('leave', {}).catch(() => undefined);
    this.finish();
  }

  /** Another channel (the hub's live list) learnt that the child said yes: offer now. */
  assentGiven(): void {
    if (this.assent === 'yes') return;
    this.assent = 'yes';
    this.connectedBefore = new Set();
    this.sync();
  }

  setMicrophone(on: boolean): void {
    for (const track of this.local?.getAudioTracks() ?? []) track.enabled = on;
  }

  setCamera(on: boolean): void {
    for (const track of this.local?.getVideoTracks() ?? []) track.enabled = on;
  }

  /** Stops everything; the page shows its closing screen. */
  finish(): void {
    this.finished = true;
    this.closeAllPeers();
    this.socket?.disconnect();
    for (const track of this.local?.getTracks() ?? []) track.stop();
  }

  private ask<E extends 'admit' | 'remove' | 'end' | 'leave'>(event: E, payload: Parameters<CallsClientToServer[E]>[0]): Promise<Ack> {
    const socket = this.socket;
    if (!socket) return Promise.resolve({ ok: false, problem: { code: 'NOT_CONNECTED', detail: 'not connected' } });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, problem: { code: 'TIMEOUT', detail: 'no answer from the server' } }), 10_000);
      const emit = socket.emit.bind(socket) as (event: string, payload: unknown, ack: (result: Ack) => void) => void;
      emit(event, payload, (result: Ack) => {
        clearTimeout(timer);
        resolve(result);
      });
    });
  }

  /** On a weak network the token request itself may fail: try again until it works or is refused (4xx). */
  private async joinTokenPatiently(): Promise<JoinToken> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.joinToken();
      } catch (error) {
        const transient = error instanceof ApiError && (error.status === 0 || error.status >= 500);
        if (!transient || this.finished) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5000)));
      }
    }
  }

  private async joinToken(): Promise<JoinToken> {
    const join = await api<JoinToken>('POST', `/sessions/${this.sessionId}/join-token`);
    this.iceServers = join.iceServers ?? [];
    return join;
  }

  private async openMedia(): Promise<void> {
    try {
      this.local = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' },
      });
      this.on.media(this.local);
    } catch (error) {
      // Without a camera or permission the page still receives: a child can still see the parent.
      this.local = null;
      this.on.media(null, error);
    }
  }

  /** Drops peers that are no longer admitted; offers to admitted peers that (re)appeared. */
  private sync(): void {
    const kept = peersToKeep(this.selfId, this.participants);
    const keptIds = new Set(kept.map((p) => p.participantId));
    for (const id of [...this.peers.keys()]) if (!keptIds.has(id)) this.closePeer(id);
    const self = this.participants.find((p) => p.participantId === this.selfId);
    // The server relays signaling only once the child said yes.
    if (!self || this.assent !== 'yes') return;
    for (const other of needOffer(self, kept, this.connectedBefore, (id) => this.peers.has(id))) void this.offer(other.participantId);
    this.connectedBefore = new Set(kept.filter((p) => p.connected).map((p) => p.participantId));
  }

  private newPeer(participantId: string): Peer {
    this.closePeer(participantId);
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const peer: Peer = { pc, remoteDescriptionSet: false, pending: [], stream: new MediaStream() };
    this.peers.set(participantId, peer);
    this.debug.peers.set(participantId, pc);
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send(participantId, { candidate: candidate.toJSON() as IceCandidate });
    };
    pc.ontrack = ({ track }) => {
      peer.stream.addTrack(track);
      this.on.remoteStream(participantId, peer.stream);
    };
    pc.onconnectionstatechange = () => {
      if (this.peers.get(participantId)?.pc !== pc) return;
      this.on.peerState(participantId, pc.connectionState);
      this.step(`peer ${pc.connectionState}`);
      // A path that failed for good: the offering side starts over (new ICE, new DTLS).
      if (pc.connectionState === 'failed') this.restart(participantId);
    };
    return peer;
  }

  /** What happened when, for the browser tests' timing figures. */
  private step(name: string): void {
    this.debug.steps.push([name, Math.round(performance.now())]);
  }

  private restart(participantId: string): void {
    const self = this.participants.find((p) => p.participantId === this.selfId);
    const other = this.participants.find((p) => p.participantId === participantId);
    if (self && other && isOfferer(self, other) && !this.finished) setTimeout(() => void this.offer(participantId), 1000);
  }

  private async offer(participantId: string): Promise<void> {
    const peer = this.newPeer(participantId);
    for (const kind of ['audio', 'video'] as const) {
      const track = this.local?.getTracks().find((t) => t.kind === kind);
      if (track && this.local) peer.pc.addTransceiver(track, { direction: 'sendrecv', streams: [this.local] });
      else peer.pc.addTransceiver(kind, { direction: 'recvonly' });
    }
    const offer = await peer.pc.createOffer();
    await peer.pc.setLocalDescription(offer);
    this.step('offer sent');
    this.send(participantId, { description: { type: 'offer', sdp: offer.sdp ?? '' } });
  }

  private async onSignal(message: { from: string; description?: SessionDescription; candidate?: IceCandidate }): Promise<void> {
    const { from, description, candidate } = message;
    if (description?.type === 'offer') {
      this.step('offer received');
      const peer = this.newPeer(from);
      await peer.pc.setRemoteDescription(description);
      for (const transceiver of peer.pc.getTransceivers()) {
        const kind = transceiver.receiver.track.kind;
        const track = this.local?.getTracks().find((t) => t.kind === kind);
        if (track && this.local) {
          await transceiver.sender.replaceTrack(track);
          transceiver.sender.setStreams?.(this.local);
          transceiver.direction = 'sendrecv';
        }
      }
      await this.remoteReady(peer);
      const answer = await peer.pc.createAnswer();
      await peer.pc.setLocalDescription(answer);
      this.send(from, { description: { type: 'answer', sdp: answer.sdp ?? '' } });
    } else if (description?.type === 'answer') {
      const peer = this.peers.get(from);
      if (!peer || peer.pc.signalingState !== 'have-local-offer') return;
      this.step('answer received');
      await peer.pc.setRemoteDescription(description);
      await this.remoteReady(peer);
    } else if (candidate) {
      const peer = this.peers.get(from);
      if (!peer) return;
      // Candidates that arrive before the remote description wait for it.
      if (!peer.remoteDescriptionSet) peer.pending.push(candidate);
      else await peer.pc.addIceCandidate(candidate).catch(() => undefined);
    }
  }

  private async remoteReady(peer: Peer): Promise<void> {
    peer.remoteDescriptionSet = true;
    const pending = peer.pending.splice(0);
    for (const candidate of pending) await peer.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  private send(to: string, body: { description?: SessionDescription; candidate?: IceCandidate }): void {
    this.socket?.emit('signal', { to, ...body });
  }

  private closePeer(participantId: string): void {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    this.peers.delete(participantId);
    this.debug.peers.delete(participantId);
    peer.pc.close();
    this.on.remoteStream(participantId, null);
  }

  private closeAllPeers(): void {
    for (const id of [...this.peers.keys()]) this.closePeer(id);
  }
}
