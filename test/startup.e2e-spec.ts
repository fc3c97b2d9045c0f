import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const VALID = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
  JWT_SECRET: 'a-development-secret-of-at-least-32-chars',
};

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

// The production entry point, as built by `npm test`'s pretest step.
async function start(env: Record<string, string>): Promise<Exit> {
  try {
    await run(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout: '', stderr: '' };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('start-up configuration', () => {
  it.each([
    ['PORT', { PORT: 'abc' }, 'PORT must be an integer number'],
    ['PORT', { PORT: '70000' }, 'PORT must not be greater than 65535'],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// URL'],
    [
      'DATABASE_POOL_SIZE',
      { DATABASE_POOL_SIZE: '0' },
      'DATABASE_POOL_SIZE must not be less than 1',
    ],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of the following values'],
    ['JWT_SECRET', { JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters long'],
    [
      'JWT_PUBLIC_KEY',
      { JWT_SECRET: '', JWT_PUBLIC_KEY: 'not a key' },
      'JWT_PUBLIC_KEY must be a PEM public key',
    ],
  ])(
    'should exit 1 with one line naming %s when it is invalid',
    async (_name, overrides, message) => {
      const exit = await start({ ...VALID, ...overrides });

      expect(exit.code).toBe(1);
      const lines = exit.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
    },
  );

  it('should name every key source variable when none is configured', async () => {
    const exit = await start({ DATABASE_URL: VALID.DATABASE_URL });

    expect(exit.code).toBe(1);
    expect(exit.stderr.trim()).toBe(
      'Invalid configuration: exactly one of JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URL must be set (found none)',
    );
  });

  it('should refuse two key sources at once', async () => {
    const exit = await start({ ...VALID, JWKS_URL: 'https://idp.example/.well-known/jwks.json' });

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('(found JWT_SECRET, JWKS_URL)');
  });

  it('should require DATABASE_URL in production mode', async () => {
    const exit = await start({ JWT_SECRET: VALID.JWT_SECRET });

    expect(exit.code).toBe(1);
    expect(exit.stderr.trim()).toBe('Invalid configuration: DATABASE_URL is required');
  });

  it('should never echo a secret value in the error', async () => {
    const secret = 'super-secret-value';

    const exit = await start({ ...VALID, JWT_SECRET: secret, PORT: 'x' });

    expect(exit.stderr).not.toContain(secret);
  });
});
