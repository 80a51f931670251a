import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, ErrorCode, problemType } from '../errors/domain-error';

/**
 * Requests Node's HTTP parser refuses (a URL or headers over 16 kB, broken syntax) never reach
 * Express; Node would answer with an empty body. Answer them with problem+json like the rest.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex & { bytesWritten?: number }) => {
    // As Node itself does: answer only on a socket that has sent nothing yet (a keep-alive socket
    // midway through a response gets cut instead), and say nothing to a peer that is gone.
    if (!socket.writable || error.code === 'ECONNRESET' || (socket.bytesWritten ?? 0) > 0) {
      socket.destroy();
      return;
    }
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_REQUEST_TIMEOUT';
    const code: ErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : timedOut ? 'REQUEST_TIMEOUT' : 'UNPARSABLE_REQUEST';
    const { status, title } = ERROR_CODES[code];
    const detail = code === 'HEADERS_TOO_LARGE' ? 'The URL and headers must stay under 16 kB; send long input in a JSON body' : title;
    const body = JSON.stringify({ type: problemType(code), title, status, code, detail });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
