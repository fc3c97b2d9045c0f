import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DataSource } from 'typeorm';
import { createApp } from '../../app.setup.js';
import { readOrCreateDevSecret } from '../token/dev-tokens.js';
import type { CommandOutput } from '../run-cli.js';
import { demoDataDirectory } from '../../config/data-directory.js';
import { ConfigurationError, validateEnvironment } from '../../config/env.schema.js';
import { createCliDataSource } from '../cli-data-source.js';
import { migrateWithLock } from '../../database/migration-lock.js';
import { importDocument } from '../import/importer.js';
import { formatIssue } from '../import/import-issue.js';
import { textSource } from '../import/json-tokens.js';
import { demoBanner } from './demo-banner.js';
import { DEMO_GUEST, demoDocument } from './demo-dataset.js';
import { type DemoDatabase, startDemoDatabase } from './demo-database.js';

const DEFAULT_EMBEDDED_PORT = 54329;

export interface RunningDemo {
  app: NestExpressApplication;
  database: DemoDatabase;
  /** Closes the service, then stops the embedded PostgreSQL. */
  stop(): Promise<void>;
}

function embeddedPort(env: NodeJS.ProcessEnv): number {
  const text = env.EMBEDDED_POSTGRES_PORT || String(DEFAULT_EMBEDDED_PORT);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigurationError(
      'Invalid configuration: EMBEDDED_POSTGRES_PORT must be a port number between 1 and 65535',
    );
  }
  return port;
}

/** Migrates, then loads the demo data the first time only (when there is no organization). */
async function prepareDatabase(url: string, output: CommandOutput): Promise<void> {
  const dataSource: DataSource = createCliDataSource({ DATABASE_URL: url });
  await dataSource.initialize();
  try {
    await migrateWithLock(dataSource);
    const [{ count }] = await dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::integer AS count FROM organizations',
    );
    if (count > 0) {
      output.out(`Demo data already loaded (${count} organizations); not importing it again.`);
      return;
    }
    const result = await importDocument(dataSource, textSource(JSON.stringify(demoDocument())));
    if (!result.ok) {
      throw new Error(`the demo data was refused: ${result.issues.map(formatIssue).join('; ')}`);
    }
    output.out(
      `Loaded the demo data: ${result.organizations.inserted} organizations, ${result.connections.inserted} connections.`,
    );
  } finally {
    await dataSource.destroy();
  }
}

/**
 * `npm start` without DATABASE_URL: an embedded PostgreSQL with its files in `.data/`, the
 * schema, the demo data (once), a dev JWT secret (once, unless a key source is
 * configured), then the service itself.
 */
export async function startDemo(
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
): Promise<RunningDemo> {
  const dataDirectory = demoDataDirectory(env);
  const database = await startDemoDatabase(dataDirectory, embeddedPort(env));
  try {
    await prepareDatabase(database.url, output);
    const keyConfigured = Boolean(env.JWT_SECRET || env.JWT_PUBLIC_KEY || env.JWKS_URL);
    const config = validateEnvironment({
      ...env,
      // A demo with a generated secret answers this machine only, unless told otherwise.
      HOST: env.HOST || '127.0.0.1',
      // Someone is reading this terminal, not a log collector.
      LOG_FORMAT: env.LOG_FORMAT || 'pretty',
      DATABASE_URL: database.url,
      ...(!keyConfigured && { JWT_SECRET: await readOrCreateDevSecret(dataDirectory) }),
    });
    // Swagger UI's header examples then make the first Try it out, with the printed token of
    // the demo guest, a Self request that answers 200.
    const app = await createApp(config, { openApi: { organizationExample: DEMO_GUEST.id } });
    await app.listen(config.PORT, config.HOST);
    output.out(await demoBanner(config, database.url));
    return {
      app,
      database,
      stop: async () => {
        await app.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
