import type { RequestHandler } from 'express';
import type pg from 'pg';

export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

/** OpenTelemetry tracing, as the application wires it in. */
export interface Tracing {
  /** One server span per request, the parent of the request's SQL spans. */
  middleware: RequestHandler;
  /** A pg Client whose statements become spans; pg.Pool takes it as its `Client` option. */
  databaseClient: typeof pg.Client;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, else undefined. The OpenTelemetry SDK is
 * imported only then, so a service without tracing neither loads it nor pays for it.
 */
export async function loadTracing(settings: TracingSettings): Promise<Tracing | undefined> {
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return undefined;
  const { startOpenTelemetry } = await import('./opentelemetry.js');
  return startOpenTelemetry(settings.OTEL_EXPORTER_OTLP_ENDPOINT);
}
