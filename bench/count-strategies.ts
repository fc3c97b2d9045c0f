import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { MANIFEST_FILE } from './bench-paths.js';
import { openBenchDatabase } from './bench-database.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';

/*
 * How to get total_items, measured: database time (minimum of EXPLAIN ANALYZE runs) of
 * each way of counting a scenario's matches, next to the page's own keys query.
 * Usage: npm run bench:build && node dist/bench/count-strategies.js [runs]
 */

interface Case {
  id: string;
  where: string;
  parameters: unknown[];
  order: string;
  // Searches cannot be counted from the counters.
  search?: boolean;
}

function strategies(c: Case): Array<[string, string]> {
  const keys = `SELECT host_organization_id FROM host_connections WHERE ${c.where}`;
  return [
    ['page keys alone (ordered index scan)', `${keys} ORDER BY ${c.order} LIMIT 100`],
    ...(c.search
      ? ['', ', count(*) OVER ()'].map((total): [string, string] => [
          `page keys${total ? ' + count(*) OVER ()' : ' alone'} (matches first)`,
          `SELECT host_organization_id${total} FROM (${keys.replace('SELECT host_organization_id', 'SELECT host_organization_id, host_name')} OFFSET 0) m
           ORDER BY ${c.order} LIMIT 100`,
        ])
      : []),
    [
      'page keys + count(*) OVER ()',
      `${keys.replace('host_organization_id', 'host_organization_id, count(*) OVER ()')}
       ORDER BY ${c.order} LIMIT 100`,
    ],
    ['separate count(*)', `SELECT count(*) FROM host_connections WHERE ${c.where}`],
    ...(c.search
      ? []
      : [
          [
            'counters (host_connection_counts)',
            `SELECT COALESCE(SUM(connections), 0) FROM host_connection_counts WHERE ${c.where}`,
          ] as [string, string],
        ]),
  ];
}

async function databaseTime(client: pg.Client, sql: string, parameters: unknown[], runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { rows } = await client.query<{ 'QUERY PLAN': [Record<string, number>] }>(
      `EXPLAIN (ANALYZE, TIMING OFF, SUMMARY, FORMAT JSON) ${sql}`,
      parameters,
    );
    const [plan] = rows[0]['QUERY PLAN'];
    times.push(plan['Planning Time'] + plan['Execution Time']);
  }
  return Math.min(...times);
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? '20');
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const biggest = manifest.bigGuests[0].id;
  const status = `guest_organization_id = $1 AND status = ANY(CAST($2 AS connection_status[]))`;
  const cases: Case[] = [
    {
      id: 'S1',
      where: status,
      parameters: [manifest.smallGuest.id, ['connected']],
      order: 'host_name, host_organization_id',
    },
    {
      id: 'S2a',
      where: status,
      parameters: [biggest, ['connected']],
      order: 'host_name, host_organization_id',
    },
    {
      id: 'S3',
      search: true,
      where: `${status} AND host_name ILIKE $3`,
      parameters: [biggest, ['connected'], `%${manifest.search.text}%`],
      order: 'host_name, host_organization_id',
    },
    {
      id: 'S6',
      where: `${status} AND archived = false AND active_action_type = ANY(CAST($3 AS action_type[]))`,
      parameters: [biggest, ['connected'], ['analytics_request']],
      order: 'archived_at DESC NULLS LAST, host_organization_id',
    },
  ];
  const database = await openBenchDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const c of cases) {
      for (const [name, sql] of strategies(c)) {
        const ms = await databaseTime(client, sql, c.parameters, runs);
        console.log(`${c.id.padEnd(4)} ${name.padEnd(36)} ${ms.toFixed(2).padStart(7)} ms`);
      }
    }
  } finally {
    await client.end();
    await database.stop();
  }
}

await main();
