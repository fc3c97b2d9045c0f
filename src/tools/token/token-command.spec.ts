import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { runRecorded } from '../../../test/support/commands.js';
import { validateEnvironment } from '../../config/env.schema.js';
import { readOrCreateDevSecret } from './dev-tokens.js';
import { runTokenCommand } from './token-command.js';
import { TokenVerifier } from '../../auth/token-verifier.js';

const ORG = '3f1c2b7a-9d4e-4c1a-8b2f-6e5d4c3b2a19';
const SECRET = 'a-secret-of-at-least-thirty-two-characters!';

const run = (args: string[], env: NodeJS.ProcessEnv) => runRecorded(runTokenCommand, args, env);

function verifierFor(env: Record<string, string>): TokenVerifier {
  return new TokenVerifier(validateEnvironment({ DATABASE_URL: 'postgres://x@h/d', ...env }));
}

describe('npm run token', () => {
  let dataDirectory: string;

  beforeEach(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'host-connections-token-'));
  });

  afterEach(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('should print a token the service accepts for JWT_SECRET, with the read scope for an hour', async () => {
    const before = Math.floor(Date.now() / 1000);

    const result = await run(['--org', ORG.toUpperCase()], { JWT_SECRET: SECRET });

    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const [token] = result.out;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(await verifierFor({ JWT_SECRET: SECRET }).verify(token)).toEqual({
      subject: 'dev-token',
      organizationId: ORG,
      scopes: new Set(['host_connections:read']),
    });
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
      exp: number;
    };
    expect(exp - before).toBeGreaterThanOrEqual(3600);
    expect(exp - before).toBeLessThanOrEqual(3601);
    expect(result.err).toEqual([
      expect.stringMatching(
        new RegExp(
          `^HS256 token for organization ${ORG}, scope "host_connections:read", subject "dev-token", valid until `,
        ),
      ),
    ]);
  });

  it('should honour --scope, --ttl, --sub and the service claim settings', async () => {
    const env = {
      JWT_SECRET: SECRET,
      JWT_ORG_CLAIM: 'tenant',
      JWT_ISSUER: 'https://issuer.example',
      JWT_AUDIENCE: 'host-connections',
    };

    const result = await run(
      [
        '--org',
        ORG,
        '--scope',
        'host_connections:read other:write',
        '--ttl',
        '90s',
        '--sub',
        'ci bot',
      ],
      env,
    );

    expect(await verifierFor(env).verify(result.out[0])).toEqual({
      subject: 'ci bot',
      organizationId: ORG,
      scopes: new Set(['host_connections:read', 'other:write']),
    });
  });

  it.each([
    ['read', ['host_connections:read']],
    ['write', ['host_connections:write']],
    ['read write', ['host_connections:read', 'host_connections:write']],
    ['write other:read', ['host_connections:write', 'other:read']],
    ['constructor', ['constructor']],
  ])('should mint the scopes of --scope %s', async (scope, scopes) => {
    const result = await run(['--org', ORG, '--scope', scope], { JWT_SECRET: SECRET });

    expect(result.code).toBe(0);
    expect((await verifierFor({ JWT_SECRET: SECRET }).verify(result.out[0])).scopes).toEqual(
      new Set(scopes),
    );
    expect(result.err[0]).toContain(`scope "${scopes.join(' ')}"`);
  });

  it('should sign with the dev secret of npm start when JWT_SECRET is not set', async () => {
    const secret = await readOrCreateDevSecret(dataDirectory);

    const result = await run(['--org', ORG], { DEMO_DATA_DIR: dataDirectory });

    expect(result.code).toBe(0);
    expect((await verifierFor({ JWT_SECRET: secret }).verify(result.out[0])).organizationId).toBe(
      ORG,
    );
  });

  it.each<[string, string[], NodeJS.ProcessEnv, string]>([
    ['a missing --org', [], { JWT_SECRET: SECRET }, '--org is required'],
    [
      'a bad UUID',
      ['--org', 'acme'],
      { JWT_SECRET: SECRET },
      '--org must be an organization UUID, got "acme"',
    ],
    [
      'a zero ttl',
      ['--org', ORG, '--ttl', '0s'],
      { JWT_SECRET: SECRET },
      '--ttl must be a duration such as 90s, 15m, 1h or 7d, at most 30d',
    ],
    [
      'a ttl in weeks',
      ['--org', ORG, '--ttl', '1w'],
      { JWT_SECRET: SECRET },
      '--ttl must be a duration',
    ],
    [
      'a ttl over 30 days',
      ['--org', ORG, '--ttl', '31d'],
      { JWT_SECRET: SECRET },
      '--ttl must be a duration',
    ],
    [
      'an unknown option',
      ['--org', ORG, '--role', 'admin'],
      { JWT_SECRET: SECRET },
      "Unknown option '--role'",
    ],
    [
      'a quote in the scope',
      ['--org', ORG, '--scope', 'a"b'],
      { JWT_SECRET: SECRET },
      '--scope must be scope names',
    ],
    [
      'a short JWT_SECRET',
      ['--org', ORG],
      { JWT_SECRET: 'short' },
      'JWT_SECRET must be at least 32 characters long',
    ],
    [
      'a public key setup',
      ['--org', ORG],
      { JWKS_URL: 'https://idp.example/jwks' },
      'its tokens come from the identity provider',
    ],
  ])('should refuse %s with exit code 1', async (_, args, env, message) => {
    const result = await run(args, env);

    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toContain(message);
  });

  it('should say how to get a secret when there is none', async () => {
    const result = await run(['--org', ORG], { DEMO_DATA_DIR: dataDirectory });

    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `JWT_SECRET is not set and there is no dev secret in ${join(dataDirectory, 'dev-jwt-secret')} yet: run npm start once, or set JWT_SECRET.`,
      ],
    });
  });
});
