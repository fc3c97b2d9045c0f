import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { builtFile, ensureBuilt } from './support/build.js';
import { anOrganization, aConnection } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TEST_JWT_SECRET } from './support/tokens.js';

const tokenCli = (args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)(process.execPath, [builtFile('src/tools/token/token.cli.ts'), ...args], {
    env,
  });

describe('token tool (npm run token)', () => {
  let t: TestApp;

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should print on stdout a token the running service accepts', async () => {
    const guest = await anOrganization(t.db);
    await aConnection(t.db, await anOrganization(t.db), guest);

    const { stdout } = await tokenCli(['--org', guest.id, '--ttl', '5m'], {
      PATH: process.env.PATH,
      JWT_SECRET: TEST_JWT_SECRET,
    });

    const response = await t.http
      .get('/host-connections?statuses=connected&limit=10&offset=0')
      .set('Authorization', `Bearer ${stdout.trim()}`)
      .set('Requester-Organization-ID', guest.id)
      .set('Target-Organization-ID', guest.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total_items: 1 });
  });

  it('should exit 1 with the reason and the usage on a bad argument', async () => {
    const error = (await tokenCli(['--org', 'nope'], {
      PATH: process.env.PATH,
      JWT_SECRET: TEST_JWT_SECRET,
    }).catch((caught: unknown) => caught)) as { code: number; stdout: string; stderr: string };

    expect(error.code).toBe(1);
    expect(error.stdout).toBe('');
    expect(error.stderr).toMatch(
      /^--org must be an organization UUID, got "nope"\nUsage: npm run token/,
    );
  });
});
