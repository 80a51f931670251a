import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from './metrics.service';

/** Times every request; the route label is the matched route's template, or "unmatched". */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = response.statusCode;
      this.metrics.httpDuration.observe({ method: request.method, route: routeTemplateOf(request, status), status: String(status) }, seconds);
    });
    next();
  }
}

/**
 * Express sets `request.route` once a route matches; it stays set after the handler ran.
 * Nest answers unknown paths under the global prefix from a catch-all `*path` route: a
 * wildcard route that answered 404 counts as unmatched too.
 */
export function routeTemplateOf(request: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }, status: number): string {
  const path = request.route?.path;
  if (typeof path !== 'string' || (status === 404 && path.includes('*'))) return 'unmatched';
  return `${request.baseUrl ?? ''}${path}`;
}
