import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The app's Prometheus metrics. A registry of its own (not prom-client's global one), so that
 * several app instances in one process (the e2e tests) do not register the same names twice.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  /** Labelled by route template (e.g. /api/v1/children/:id), never the raw path, to bound cardinality. */
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly notificationsDelivered = new Counter({
    name: 'notifications_delivered_total',
    help: 'Notifications delivered, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  /** Failed attempts; each may still be retried. */
  readonly notificationAttemptsFailed = new Counter({
    name: 'notification_delivery_errors_total',
    help: 'Failed notification delivery attempts (retried until the attempts run out), by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  readonly notificationsFailed = new Counter({
    name: 'notifications_failed_total',
    help: 'Notifications given up on after their last attempt, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
