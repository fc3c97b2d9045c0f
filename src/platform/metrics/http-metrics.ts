import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { InFlightRequests } from '../limits/in-flight-requests.js';

const LABELS = ['method', 'route', 'status'] as const;
export type HttpMetricLabels = Record<(typeof LABELS)[number], string>;

@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;

  constructor(@Inject(Registry) registry: Registry, inFlight: InFlightRequests) {
    // A pod whose slots never come back is saturated while its probes still answer: this
    // shows it, and how long the oldest request has been held.
    new Gauge({
      name: 'http_requests_in_flight',
      help: 'Requests being worked on, each holding one of MAX_IN_FLIGHT_REQUESTS slots',
      registers: [registry],
      collect() {
        this.set(inFlight.count);
      },
    });
    new Gauge({
      name: 'http_oldest_request_age_seconds',
      help: 'How long the oldest request in flight has been held, 0 when none is',
      registers: [registry],
      collect() {
        this.set(inFlight.oldestAgeMs() / 1000);
      },
    });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: LABELS,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to the end of its response',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  record(labels: HttpMetricLabels, seconds: number): void {
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
