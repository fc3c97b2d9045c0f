import 'reflect-metadata';
import { readQuery } from '../src/common/validation/query-decorators.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parse as parseQueryString } from 'node:querystring';
import { DataSource, type ObjectLiteral, type ReplicationMode } from 'typeorm';
import { OrganizationAccessService } from '../src/auth/organization-access.service.js';
import type { OrganizationContext } from '../src/auth/principal.js';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { DatabaseStatements } from '../src/database/database-statements.js';
import { ListHostConnectionsQueryDto } from '../src/host-connections/dto/list-host-connections.query.dto.js';
import { HostConnection } from '../src/host-connections/entities/host-connection.entity.js';
import { HostConnectionsService } from '../src/host-connections/host-connections.service.js';
import { MANIFEST_FILE, RESULTS_DIRECTORY } from './bench-paths.js';
import { openBenchDatabase } from './bench-database.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';
import { benchScenarios } from './scenarios.js';

/*
 * Database time of each scenario's statements, exactly as the service builds them:
 * one EXPLAIN (ANALYZE, BUFFERS) for the plan, then repeated EXPLAIN ANALYZE runs without
 * per-node timing, whose minimum is the least noisy figure on a shared machine.
 * --generic also times each statement under a generic plan.
 */

interface Statement {
  name: string;
  sql: string;
  parameters: unknown[];
}

/** Runs the service's statements on one client, and keeps them for the report. */
class RecordingStatements extends DatabaseStatements {
  readonly recorded: Statement[] = [];

  constructor(
    dataSource: DataSource,
    private readonly client: pg.Client,
  ) {
    super(dataSource);
  }

  override async query<T extends ObjectLiteral>(
    mode: ReplicationMode,
    sql: string,
    parameters: readonly unknown[],
  ): Promise<T[]> {
    const name = `statement ${this.recorded.length + 1} (${mode === 'master' ? 'primary' : 'replica or primary'})`;
    this.recorded.push({ name, sql, parameters: [...parameters] });
    return (await this.client.query<T>(sql, [...parameters])).rows;
  }
}

async function databaseMilliseconds(client: pg.Client, statement: Statement): Promise<number> {
  const { rows } = await client.query<{ 'QUERY PLAN': [Record<string, number>] }>(
    `EXPLAIN (ANALYZE, TIMING OFF, SUMMARY, FORMAT JSON) ${statement.sql}`,
    statement.parameters,
  );
  const [plan] = rows[0]['QUERY PLAN'];
  return plan['Planning Time'] + plan['Execution Time'];
}

let prepared = 0;

// node-postgres (so TypeORM) sends unnamed statements, which PostgreSQL plans for the
// values bound each time; a named prepared statement may switch to one generic plan for all
// values, sized for an average guest. Minimum wall times of each.
async function customAndGenericPlans(
  client: pg.Client,
  statement: Statement,
  repeat: number,
): Promise<[number, number]> {
  const wall = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    return Math.min(...times);
  };
  const custom = await wall(() => client.query(statement.sql, statement.parameters));
  await client.query('SET plan_cache_mode = force_generic_plan');
  const named = {
    name: `generic_${++prepared}`,
    text: statement.sql,
    values: statement.parameters,
  };
  const generic = await wall(() => client.query(named));
  await client.query('RESET plan_cache_mode');
  return [custom, generic];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenarios: { type: 'string' },
      repeat: { type: 'string', default: '30' },
      generic: { type: 'boolean', default: false },
    },
  });
  const repeat = Number(values.repeat);
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const wanted = values.scenarios?.split(',');
  const scenarios = benchScenarios(manifest).filter((s) => !wanted || wanted.includes(s.id));
  const database = await openBenchDatabase();
  const dataSource = new DataSource(
    buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: database.url }),
  );
  await dataSource.initialize();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const report: string[] = [];
  try {
    const connections = dataSource.getRepository(HostConnection);
    const recorder = new RecordingStatements(dataSource, client);
    const service = new HostConnectionsService(connections, recorder);
    const access = new OrganizationAccessService(connections, recorder);
    for (const scenario of scenarios) {
      const cross = scenario.requesterId !== scenario.targetId;
      const org: OrganizationContext = {
        requesterId: scenario.requesterId,
        targetId: scenario.targetId,
        mode: cross ? 'cross' : 'self',
        partyId: cross ? scenario.requesterId : null,
      };
      // The statements a request runs, recorded while the service's own logic runs them.
      recorder.recorded.length = 0;
      if (cross) await access.hasConnectedLink(org.requesterId, org.targetId);
      await service.list(
        org,
        readQuery(ListHostConnectionsQueryDto, parseQueryString(scenario.query)),
      );
      const statements = [...recorder.recorded];
      report.push(`### ${scenario.id}: ${scenario.description}\n\n\`?${scenario.query}\`\n`);
      let total = 0;
      for (const statement of statements) {
        for (let i = 0; i < 3; i++) await client.query(statement.sql, statement.parameters);
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
          statement.parameters,
        );
        const timings: number[] = [];
        for (let i = 0; i < repeat; i++)
          timings.push(await databaseMilliseconds(client, statement));
        timings.sort((a, b) => a - b);
        const [min, median] = [timings[0], timings[Math.floor(timings.length / 2)]];
        total += min;
        if (values.generic) {
          const [custom, generic] = await customAndGenericPlans(client, statement, repeat);
          report.push(
            `${statement.name}, wall time with the round trip: custom plan (unnamed statement, ` +
              `as the service runs it) ${custom.toFixed(2)} ms, generic plan (named prepared ` +
              `statement, plan_cache_mode=force_generic_plan) ${generic.toFixed(2)} ms\n`,
          );
        }
        report.push(
          `${statement.name}: min ${min.toFixed(2)} ms, median ${median.toFixed(2)} ms over ${repeat} runs\n`,
          '```',
          statement.sql,
          '',
          ...plan.rows.map((row) => row['QUERY PLAN']),
          '```\n',
        );
      }
      report.push(`**${scenario.id} database time (sum of minima): ${total.toFixed(2)} ms**\n`);
      console.log(`${scenario.id}: ${total.toFixed(2)} ms`);
    }
    await mkdir(RESULTS_DIRECTORY, { recursive: true });
    const file = join(
      RESULTS_DIRECTORY,
      `explain-${new Date().toISOString().replace(/[:.]/g, '-')}.md`,
    );
    await writeFile(file, `${report.join('\n')}\n`);
    console.log(`plans saved to ${file}`);
  } finally {
    await client.end();
    await dataSource.destroy();
    await database.stop();
  }
}

await main();
