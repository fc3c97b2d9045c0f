import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFile, ensureBuilt } from './support/build.js';
import { runNode } from './support/processes.js';

// No database, key or data directory: a help request needs none, and creates none.
const DATA_DIRECTORY = join(tmpdir(), `host-connections-help-${process.pid}`);
const BARE_ENV = { PATH: process.env.PATH, DEMO_DATA_DIR: DATA_DIRECTORY };

const TOOLS = [
  ['import', 'src/tools/import/import.cli.ts', 'Usage: npm run db:import -- <file.json>'],
  ['token', 'src/tools/token/token.cli.ts', 'Usage: npm run token -- --org <uuid>'],
  [
    'migrate',
    'src/tools/migrate/migrate.cli.ts',
    'Usage: node dist/src/tools/migrate/migrate.cli.js migrate|revert',
  ],
  ['demo', 'src/tools/demo/demo.cli.ts', 'Usage: npm start'],
  ['openapi', 'src/tools/openapi/openapi.cli.ts', 'Usage: npm run openapi'],
] as const;

describe('command-line tools', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  describe.each(TOOLS)('%s', (_name, source, usage) => {
    it.each(['--help', '-h'])(
      'should print its usage and exit 0 for %s, doing nothing else',
      async (flag) => {
        const tool = runNode([builtFile(source), flag], BARE_ENV);

        const exit = await tool.exited;

        expect(exit).toEqual({ code: 0, signal: null });
        expect(tool.output().startsWith(`${usage}`)).toBe(true);
        expect(tool.output()).toMatch(/Environment|environment|\.env\.example/);
        expect(tool.output()).not.toMatch(/failed/i);
        expect(existsSync(DATA_DIRECTORY)).toBe(false);
      },
      30_000,
    );

    it('should answer --help after other arguments too', async () => {
      const tool = runNode([builtFile(source), 'migrate', '--help'], BARE_ENV);

      expect(await tool.exited).toEqual({ code: 0, signal: null });
      expect(tool.output().startsWith(usage)).toBe(true);
    }, 30_000);
  });
});
