// A socket.io handshake refused by the server carries `data: { code, detail }` (SocketProblem);
// a transport failure carries none. Refusals are not retried blindly.
import type { SocketProblem } from '@app/realtime-protocol';

export function refusalOf(error: unknown): SocketProblem | undefined {
  const data = (error as { data?: unknown } | null)?.data as Partial<SocketProblem> | undefined;
  return data && typeof data.code === 'string' ? { code: data.code, detail: String(data.detail ?? data.code) } : undefined;
}

/** The access token is no good any more: sign in again. */
export const isSignedOut = (problem: SocketProblem): boolean => problem.code === 'UNAUTHENTICATED';
