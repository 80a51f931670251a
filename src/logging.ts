import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config/app-config';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/** A caller-supplied X-Request-Id is kept when it is sane; otherwise we mint one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Calendar subscription URLs carry a secret token: keep it out of the logs. */
export function withoutSecrets(url: string): string {
  return url.replace(/([?&]token=)[^&]*/gi, '$1[redacted]');
}

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (request: IncomingMessage) => (request as IncomingMessage & { id: string }).id ?? requestIdOf(request),
      customProps: (request: IncomingMessage) => ({
        actorId: (request as IncomingMessage & { actor?: { id: string } }).actor?.id,
      }),
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: withoutSecrets(request.url) }),
        res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
      },
      autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health' || request.url === '/metrics' },
    },
  };
}
