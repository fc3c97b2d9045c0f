import autocannon from 'autocannon';
import type pg from 'pg';
import type { DatasetManifest } from './dataset/dataset-shape.js';
import type { LoadResult, LoadSettings } from './load-test.js';
import type { ServerProcess } from './server-process.js';

/**
 * The single-connection scenarios. No baseline server implements them: S7 is compared with
 * S1 (the same small guest's list) on the service, S8 has absolute targets.
 */
export interface ResourceScenario {
  id: 'S7' | 'S8';
  description: string;
  guestId: string;
  hostIds: string[];
  method: 'GET' | 'PATCH';
}

// S8's connections: one per autocannon connection, so every PATCH toggles a row no other
// client is touching and each one is an effective change.
const S8_CONNECTIONS = 32;

export const S7_MAX_SLOWDOWN_VS_S1 = 0.1;
export const S8_MIN_REQUESTS_PER_SECOND = 500;
export const S8_MAX_P99_MS = 50;

export async function resourceScenarios(
  manifest: DatasetManifest,
  client: pg.Client,
): Promise<ResourceScenario[]> {
  const hostsOf = async (guestId: string, limit: number) =>
    (
      await client.query<{ id: string }>(
        `SELECT host_organization_id AS id FROM host_connections
          WHERE guest_organization_id = $1 ORDER BY host_organization_id LIMIT $2`,
        [guestId, limit],
      )
    ).rows.map((row) => row.id);
  const small = manifest.smallGuest.id;
  const biggest = manifest.bigGuests[0].id;
  return [
    {
      id: 'S7',
      description: `small guest (${manifest.smallGuest.hosts} hosts), one connection, self`,
      guestId: small,
      hostIds: await hostsOf(small, 1),
      method: 'GET',
    },
    {
      id: 'S8',
      description: `50k guest, PATCH toggling archived on ${S8_CONNECTIONS} connections in parallel`,
      guestId: biggest,
      hostIds: await hostsOf(biggest, S8_CONNECTIONS),
      method: 'PATCH',
    },
  ];
}

interface ClientState {
  hostId?: string;
  archived?: boolean;
}

/** One bounded autocannon run of a resource scenario against the service. */
export async function loadResource(
  server: ServerProcess,
  scenario: ResourceScenario,
  headers: Record<string, string>,
  settings: LoadSettings,
): Promise<LoadResult> {
  let nextHost = 0;
  const cpuBefore = await server.cpuMilliseconds();
  const result = await autocannon({
    url: server.baseUrl,
    connections: settings.connections,
    duration: settings.seconds,
    requests: [
      {
        method: scenario.method,
        headers:
          scenario.method === 'PATCH'
            ? { ...headers, 'content-type': 'application/json' }
            : headers,
        // Each client keeps its own connection and flips its archive flag every request.
        setupRequest: (request, context: ClientState) => {
          context.hostId ??= scenario.hostIds[nextHost++ % scenario.hostIds.length];
          const path = `/host-connections/${context.hostId}`;
          if (scenario.method === 'GET') return { ...request, path };
          context.archived = !(context.archived ?? false);
          return { ...request, path, body: JSON.stringify({ archived: context.archived }) };
        },
      },
    ],
  });
  const cpu = (await server.cpuMilliseconds()) - cpuBefore;
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    cpuMsPerRequest: cpu / Math.max(1, result.requests.total),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

// The counter rows that differ from a recount of the guest's connections.
export async function counterDrift(client: pg.Client, guestId: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM (
       (SELECT status, archived, active_action_type, connections FROM host_connection_counts
         WHERE guest_organization_id = $1 AND connections <> 0
        EXCEPT
        SELECT status, archived, active_action_type, count(*) FROM host_connections
         WHERE guest_organization_id = $1 GROUP BY 1, 2, 3)
       UNION ALL
       (SELECT status, archived, active_action_type, count(*) FROM host_connections
         WHERE guest_organization_id = $1 GROUP BY 1, 2, 3
        EXCEPT
        SELECT status, archived, active_action_type, connections FROM host_connection_counts
         WHERE guest_organization_id = $1)) AS drift`,
    [guestId],
  );
  return Number(rows[0].n);
}

/**
 * Runs `work`, then puts S8's rows back as they were (archived, archived_at, updated_at),
 * so the dataset the other scenarios measure stays the generated one.
 */
export async function preservingRows<T>(
  client: pg.Client,
  scenario: ResourceScenario,
  work: () => Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{
    host: string;
    archived: boolean;
    archived_at: string | null;
    updated_at: string;
  }>(
    `SELECT host_organization_id AS host, archived, archived_at::text, updated_at::text
       FROM host_connections WHERE guest_organization_id = $1 AND host_organization_id = ANY($2)`,
    [scenario.guestId, scenario.hostIds],
  );
  try {
    return await work();
  } finally {
    await client.query(
      `UPDATE host_connections AS c
          SET archived = o.archived, archived_at = o.archived_at::timestamptz, updated_at = o.updated_at::timestamptz
         FROM jsonb_to_recordset($2::jsonb) AS o(host uuid, archived boolean, archived_at text, updated_at text)
        WHERE c.guest_organization_id = $1 AND c.host_organization_id = o.host`,
      [scenario.guestId, JSON.stringify(rows)],
    );
  }
}
