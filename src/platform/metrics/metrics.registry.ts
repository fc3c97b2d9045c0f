import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A registry of the application's own rather than prom-client's global one, so several
 * applications in one process (the end-to-end tests) never register a metric twice.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
