import type { AddressInfo } from 'node:net';
import { io, Socket } from 'socket.io-client';
import type { TestApp } from './test-app';

/** A socket.io client that records every event it receives, so a test can await one it may already have got. */
export class TestSocket {
  readonly received: { event: string; payload: unknown }[] = [];
  private waiters: { event: string; match: (payload: unknown) => boolean; resolve: (payload: unknown) => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event, payload });
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.event !== event || !waiter.match(payload)) return true;
        waiter.resolve(payload);
        return false;
      });
    });
  }

  /** The first `event` received (earlier or later) that matches. */
  next<T = any>(event: string, match: (payload: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    const earlier = this.received.find((entry) => entry.event === event && match(entry.payload as T));
    if (earlier) return Promise.resolve(earlier.payload as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms; got ${this.received.map((e) => e.event).join(', ')}`)), timeoutMs);
      this.waiters.push({
        event,
        match: (payload) => match(payload as T),
        resolve: (payload) => {
          clearTimeout(timer);
          resolve(payload as T);
        },
      });
    });
  }

  count(event: string): number {
    return this.received.filter((entry) => entry.event === event).length;
  }

  /** Emits and resolves with the acknowledgement. */
  ask<T = any>(event: string, ...args: unknown[]): Promise<T> {
    return this.socket.timeout(10_000).emitWithAck(event, ...args) as Promise<T>;
  }

  /** Resolves when the server closes this socket. */
  closed(timeoutMs = 10_000): Promise<string> {
    if (!this.socket.connected) return Promise.resolve('already disconnected');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket still connected')), timeoutMs);
      this.socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}

export function socketUrl(t: TestApp, namespace: string): string {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}${namespace}`;
}

/** Connects (websocket only, no reconnection); rejects with the `connect_error` (its `data` carries `code`). */
export async function connectSocket(t: TestApp, namespace: string, auth: Record<string, unknown> | undefined): Promise<TestSocket> {
  const socket = io(socketUrl(t, namespace), { auth, transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false });
  const client = new TestSocket(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
    socket.connect();
  });
  return client;
}

/** The `connect_error` data of a refused connection. */
export async function refusal(t: TestApp, namespace: string, auth: Record<string, unknown> | undefined): Promise<{ code: string; detail: string }> {
  try {
    const client = await connectSocket(t, namespace, auth);
    client.close();
  } catch (error) {
    return (error as { data: { code: string; detail: string } }).data;
  }
  throw new Error('the connection was accepted');
}
