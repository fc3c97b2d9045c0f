import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CONNECTED_HOST, DEMO_GUEST } from '../src/tools/demo/demo-dataset.js';
import { builtFile, ensureBuilt } from './support/build.js';
import { runNode, type RunningProcess, unusedPort } from './support/processes.js';
import { createTestDatabase } from './support/test-database.js';
import { TEST_JWT_SECRET } from './support/tokens.js';

const START_TIMEOUT_MS = 90_000;
const READY = 'Stop with Ctrl-C.';

// A curl command as the demo prints it, run with fetch: proves the printed text works.
interface PrintedRequest {
  url: string;
  headers: Record<string, string>;
}

function printedRequests(output: string): PrintedRequest[] {
  return [...output.matchAll(/curl -s '([^']+)'((?:\s*\\\s*-H '[^']+')+)/g)].map((match) => ({
    url: match[1],
    headers: Object.fromEntries(
      [...match[2].matchAll(/-H '([^:]+): ([^']+)'/g)].map((header) => [header[1], header[2]]),
    ),
  }));
}

async function send(request: PrintedRequest) {
  const response = await fetch(request.url, { headers: request.headers });
  return {
    status: response.status,
    body: (await response.json()) as {
      items: Array<{ host_organization_id: string; guest_organization_id: string }>;
      total_items: number;
    },
  };
}

/** The status of the first answer from `url`, polling while the process starts. */
async function firstAnswer(url: string, process: RunningProcess): Promise<number> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      return (await fetch(url)).status;
    } catch (error) {
      if (Date.now() > deadline || process.child.exitCode !== null) {
        throw new Error(`${String(error)}; output:\n${process.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

// The demo is what `npm start` runs when DATABASE_URL is not set.
const NOT_INHERITED = new Set(['DATABASE_URL', 'JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWKS_URL']);

function withoutDatabaseOrKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !NOT_INHERITED.has(name)));
}

describe('demo mode (npm start without DATABASE_URL)', () => {
  let dataDirectory: string;
  let env: NodeJS.ProcessEnv;
  let postgresPort: number;
  let running: RunningProcess | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    dataDirectory = await mkdtemp(join(tmpdir(), 'host-connections-demo-'));
    // mkdtemp makes it private; as root the cluster would then be placed outside it.
    await chmod(dataDirectory, 0o755);
    postgresPort = await unusedPort();
    env = {
      ...withoutDatabaseOrKeys(process.env),
      DEMO_DATA_DIR: dataDirectory,
      PORT: String(await unusedPort()),
      EMBEDDED_POSTGRES_PORT: String(postgresPort),
      LOG_LEVEL: 'warn',
    };
  }, START_TIMEOUT_MS);

  afterEach(async () => {
    // A failed test must not leave the service or its PostgreSQL running.
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    running = undefined;
  });

  afterAll(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  const start = async () => {
    running = runNode([builtFile('src/tools/demo/demo.cli.ts')], env);
    await running.waitFor(READY, START_TIMEOUT_MS);
    return running;
  };

  it(
    'should load the demo data, answer the printed requests and stop cleanly on SIGTERM',
    async () => {
      const demo = await start();

      expect(demo.output()).toContain('Loaded the demo data: 43 organizations, 72 connections.');
      expect(demo.output()).toContain(`Swagger UI:  http://localhost:${env.PORT}/docs`);
      const [self, cross] = printedRequests(demo.output());
      const own = await send(self);
      expect(own.status).toBe(200);
      expect(own.body.items.length).toBeGreaterThan(0);
      expect(new Set(own.body.items.map((item) => item.guest_organization_id))).toEqual(
        new Set([DEMO_GUEST.id]),
      );
      const asHost = await send(cross);
      expect(asHost.status).toBe(200);
      expect(asHost.body.items.map((item) => item.host_organization_id)).toEqual([
        DEMO_CONNECTED_HOST.id,
      ]);
      expect((await stat(join(dataDirectory, 'dev-jwt-secret'))).mode & 0o777).toBe(0o600);

      demo.child.kill('SIGTERM');

      expect(await demo.exited).toEqual({ code: 0, signal: null });
      expect((await lstat(join(dataDirectory, 'postgres'))).isDirectory()).toBe(true);
      expect(existsSync(join(dataDirectory, 'postgres', 'postmaster.pid'))).toBe(false);
      expect(await refusesConnections(postgresPort)).toBe(true);
    },
    START_TIMEOUT_MS * 2,
  );

  it(
    'should reuse the data directory on a restart without importing again',
    async () => {
      const secret = await readFile(join(dataDirectory, 'dev-jwt-secret'), 'utf8');

      const demo = await start();

      expect(demo.output()).toContain('Demo data already loaded (43 organizations)');
      expect(demo.output()).not.toContain('Loaded the demo data');
      expect(await readFile(join(dataDirectory, 'dev-jwt-secret'), 'utf8')).toBe(secret);
      expect((await send(printedRequests(demo.output())[0])).status).toBe(200);
      demo.child.kill('SIGINT');
      expect(await demo.exited).toEqual({ code: 0, signal: null });
    },
    START_TIMEOUT_MS * 2,
  );

  it(
    'should keep the terminal to the banner and one line per request, with Swagger UI set for the demo',
    async () => {
      running = runNode([builtFile('src/tools/demo/demo.cli.ts')], { ...env, LOG_LEVEL: 'info' });
      const demo = running;
      await demo.waitFor(READY, START_TIMEOUT_MS);
      const [self] = printedRequests(demo.output());
      const served = (await (await fetch(`http://localhost:${env.PORT}/docs-json`)).json()) as {
        paths: Record<string, { get: { parameters: Array<{ in: string; schema: object }> } }>;
      };
      const headers = served.paths['/host-connections'].get.parameters.filter(
        (parameter) => parameter.in === 'header',
      );
      await demo.waitFor('GET /docs-json 200', START_TIMEOUT_MS);
      const before = demo.output();

      // What Swagger UI sends on Try it out with the printed token and the examples.
      const tryItOut = await fetch(self.url, {
        headers: {
          Authorization: self.headers.Authorization,
          'Requester-Organization-ID': DEMO_GUEST.id,
          'Target-Organization-ID': DEMO_GUEST.id,
        },
      });
      await demo.waitFor('GET /host-connections 200', START_TIMEOUT_MS);
      const requestLines = demo.output().slice(before.length).split('\n').filter(Boolean);

      expect(before).not.toMatch(/InstanceLoader|RoutesResolver|RouterExplorer/);
      expect(before).toContain(`${DEMO_GUEST.id}  ${DEMO_GUEST.name}`);
      expect(before).toContain(`${DEMO_CONNECTED_HOST.id}  ${DEMO_CONNECTED_HOST.name}`);
      expect(headers.map((header) => header.schema)).toEqual([
        expect.objectContaining({ example: DEMO_GUEST.id }),
        expect.objectContaining({ example: DEMO_GUEST.id }),
      ]);
      expect(tryItOut.status).toBe(200);
      expect(requestLines).toHaveLength(1);
      expect(requestLines[0]).toMatch(/GET \/host-connections 200 \d+ ms/);
      demo.child.kill('SIGTERM');
      expect(await demo.exited).toEqual({ code: 0, signal: null });
    },
    START_TIMEOUT_MS * 2,
  );

  it(
    'should stop with one line when the embedded port is taken',
    async () => {
      const holder = runNode(
        [
          '-e',
          `require('net').createServer().listen(${postgresPort}, '127.0.0.1', () => console.log('listening'))`,
        ],
        env,
      );
      await holder.waitFor('listening', START_TIMEOUT_MS);

      const demo = runNode([builtFile('src/tools/demo/demo.cli.ts')], env);
      const { code } = await demo.exited;
      holder.child.kill('SIGTERM');
      await holder.exited;

      expect(code).toBe(1);
      expect(demo.output()).toMatch(
        new RegExp(
          `^Start-up failed: the embedded PostgreSQL did not start on port ${postgresPort}`,
          'm',
        ),
      );
    },
    START_TIMEOUT_MS,
  );

  it(
    'should run the service on DATABASE_URL without starting anything embedded',
    async () => {
      const database = await createTestDatabase();
      const emptyDirectory = join(dataDirectory, 'unused');
      try {
        running = runNode([builtFile('src/tools/demo/demo.cli.ts')], {
          ...env,
          DEMO_DATA_DIR: emptyDirectory,
          DATABASE_URL: database.url,
          JWT_SECRET: TEST_JWT_SECRET,
          LOG_LEVEL: 'info',
        });

        const status = await firstAnswer(`http://localhost:${env.PORT}/docs-json`, running);

        expect(status).toBe(200);
        expect(existsSync(emptyDirectory)).toBe(false);
      } finally {
        running?.child.kill('SIGTERM');
        await running?.exited;
        await database.drop();
      }
    },
    START_TIMEOUT_MS * 2,
  );
});
