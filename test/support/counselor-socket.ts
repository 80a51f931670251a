import type { AddressInfo } from 'node:net';
import type { AlertView, CounselorsClientToServer, CounselorsServerToClient } from '@app/realtime-protocol';
import { io, Socket } from 'socket.io-client';
import type { TestApp } from './test-app';

export type CounselorClient = Socket<CounselorsServerToClient, CounselorsClientToServer>;
type AlertEvent = 'alert.created' | 'alert.updated' | 'alert.escalated';

export interface ConnectedCounselor {
  socket: CounselorClient;
  backlog: AlertView[];
  /** Every alert notice received, in order. */
  received: { event: AlertEvent; alert: AlertView }[];
  /** Resolves with the first notice (already received or to come) matching. */
  next(event: AlertEvent, match?: (alert: AlertView) => boolean, timeoutMs?: number): Promise<AlertView>;
  close(): void;
}

export const urlOf = (t: TestApp): string => `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;

/** Connects to /counselors and waits for the backlog (sent on every connect). */
export async function connectCounselor(t: TestApp, token: string): Promise<ConnectedCounselor> {
  const socket: CounselorClient = io(`${urlOf(t)}/counselors`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const received: ConnectedCounselor['received'] = [];
  const waiters: { event: AlertEvent; match: (a: AlertView) => boolean; resolve: (a: AlertView) => void }[] = [];
  for (const event of ['alert.created', 'alert.updated', 'alert.escalated'] as const) {
    socket.on(event, ({ alert }: { alert: AlertView }) => {
      received.push({ event, alert });
      for (const waiter of [...waiters]) {
        if (waiter.event === event && waiter.match(alert)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(alert);
        }
      }
    });
  }
  const backlog = await new Promise<AlertView[]>((resolve, reject) => {
    socket.once('alert.backlog', ({ alerts }) => resolve(alerts));
    socket.once('connect_error', (error) => reject(error));
  });
  return {
    socket,
    backlog,
    received,
    next: (event, match = () => true, timeoutMs = 10_000) => {
      const seen = received.find((r) => r.event === event && match(r.alert));
      if (seen) return Promise.resolve(seen.alert);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ event, match, resolve: (a) => (clearTimeout(timer), resolve(a)) });
      });
    },
    close: () => void socket.disconnect(),
  };
}

/** The connect_error a refused handshake gets. */
export function refusedConnection(t: TestApp, auth: Record<string, unknown>): Promise<{ message: string; data?: { code: string } }> {
  const socket = io(`${urlOf(t)}/counselors`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => {
      socket.disconnect();
      resolve({ message: error.message, data: error.data });
    });
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('the handshake was accepted'));
    });
  });
}
