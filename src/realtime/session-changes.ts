import { isTerminal } from '@app/call-lifecycle';
import { CALL_END_REASONS, type CallEndedReason, type CallEndReason, type CallsServerToClient, type HubsServerToClient, NAMESPACES } from '@app/realtime-protocol';
import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { DataSource } from 'typeorm';
import { callSessionView, HubSessionsRepository, LiveSession } from './hub-sessions.repository';
import { RealtimeServers } from './realtime-servers';
import { rooms } from './rooms';

/**
 * After a commit that changed a session, tells whoever is watching: the hub's live view
 * (`session.changed`), and the call room (`status`, or `ended` and every socket closed once the
 * session is over). Reads the committed row, so what it says is what was stored. Best effort: the
 * change is durable either way, and a page that missed a push gets the truth on its next
 * watch/welcome.
 */
@Injectable()
export class SessionChanges {
  private readonly logger = new Logger(SessionChanges.name);

  constructor(
    private readonly db: DataSource,
    private readonly live: HubSessionsRepository,
    private readonly servers: RealtimeServers,
  ) {}

  /** `call: false` when only the hub's view changed (e.g. presence: the call room has its own `presence` event). */
  async changed(sessionId: string, options: { call?: boolean } = {}): Promise<void> {
    await this.changedMany([sessionId], options);
  }

  /** The same for several sessions, read in one query. */
  async changedMany(sessionIds: Iterable<string>, options: { call?: boolean } = {}): Promise<void> {
    const ids = [...new Set(sessionIds)];
    if (ids.length === 0) return;
    try {
      for (const session of await this.live.many(this.db, ids)) {
        this.servers.get(NAMESPACES.hubs)?.to(rooms.hub(session.view.hubId)).emit('session.changed', { session: session.view } satisfies Parameters<HubsServerToClient['session.changed']>[0]);
        if (options.call !== false) this.toCallRoom(session);
      }
    } catch (error) {
      this.logger.warn(`could not announce the change of session(s) ${ids.join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private toCallRoom(session: LiveSession): void {
    const calls = this.servers.get(NAMESPACES.calls) as Namespace<Record<string, never>, CallsServerToClient> | undefined;
    if (!calls) return;
    const { id, guardianId } = session.view;
    const everyoneElse = calls.to(rooms.call(id)).except(rooms.participant(id, guardianId));
    const guardian = calls.to(rooms.participant(id, guardianId));
    if (!isTerminal(session.status)) {
      everyoneElse.emit('status', { session: callSessionView(session.view, false) });
      guardian.emit('status', { session: callSessionView(session.view, true) });
      return;
    }
    const reason = endReasonOf(session);
    everyoneElse.emit('ended', { reason, session: callSessionView(session.view, false) });
    guardian.emit('ended', { reason, session: callSessionView(session.view, true) });
    // Every instance closes its sockets of the room (their disconnect handlers mark them gone).
    calls.in(rooms.call(id)).disconnectSockets(true);
  }
}

function endReasonOf(session: LiveSession): CallEndReason {
  switch (session.status) {
    case 'completed':
      return (CALL_END_REASONS as readonly (string | null)[]).includes(session.endReason) ? (session.endReason as CallEndedReason) : 'ended_by_supervisor';
    case 'declined':
      return 'declined';
    default:
      return 'cancelled';
  }
}
