import { generateKeyPairSync } from 'node:crypto';
import { ConfigurationError, validateEnvironment } from './env.schema.js';

const SECRET = 'a-secret-that-is-long-enough-0123456789';
const RSA_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

// The problems of a refused configuration, one entry each, or the accepted configuration.
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    validateEnvironment(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    expect(error.message).toMatch(/^Invalid configuration: /);
    expect(error.message).not.toContain('\n');
    return error.message.replace(/^Invalid configuration: /, '').split('; ');
  }
}

describe('validateEnvironment', () => {
  it('should apply the defaults when only a key source is set', () => {
    const config = validateEnvironment({ JWT_SECRET: SECRET });

    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_POOL_SIZE: 10,
      DATABASE_STATEMENT_TIMEOUT_MS: 5000,
      DATABASE_CONNECT_TIMEOUT_MS: 2000,
      LOG_LEVEL: 'info',
      JWKS_COOLDOWN_MS: 30_000,
      JWT_ORG_CLAIM: 'org_id',
      JWT_SECRET: SECRET,
      JWT_ALLOW_GENERIC_TYP: false,
      METRICS_PORT: 9464,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
      HTTP_HEADERS_TIMEOUT_MS: 66_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
    });
  });

  it.each([
    [{ HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000' }, 'HTTP_HEADERS_TIMEOUT_MS'],
    [
      { HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '5000' },
      'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    ],
    [{ PORT: '9464' }, 'METRICS_PORT'],
  ])('should refuse timeouts or ports that contradict each other: %j', (env, name) => {
    const problems = problemsOf({ JWT_SECRET: SECRET, ...env });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('should turn digit strings into numbers', () => {
    const config = validateEnvironment({ JWT_SECRET: SECRET, PORT: '8080', JWKS_COOLDOWN_MS: '0' });

    expect(config).toMatchObject({ PORT: 8080, JWKS_COOLDOWN_MS: 0 });
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '1e3'],
    ['PORT', '0x50'],
    ['PORT', '70000'],
    ['HOST', ''],
    ['DATABASE_URL', 'mysql://db/hc'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '-1'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '10'],
    ['LOG_LEVEL', 'verbose'],
    ['JWKS_COOLDOWN_MS', 'soon'],
    ['JWT_ORG_CLAIM', ''],
    ['JWT_SECRET', 'too-short'],
    ['JWT_ALLOW_GENERIC_TYP', 'yes'],
    ['METRICS_PORT', '70000'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '0'],
    ['HTTP_REQUEST_TIMEOUT_MS', '0'],
    ['HTTP_REQUEST_TIMEOUT_MS', '30s'],
  ])('should give one problem naming %s when it is %j', (name, value) => {
    const problems = problemsOf({ JWT_SECRET: SECRET, [name]: value });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it.each([
    ['JWT_PUBLIC_KEY', 'not a key'],
    ['JWKS_URL', 'ftp://keys.example.com/jwks.json'],
    ['JWKS_URL', 'keys.example.com/jwks.json'],
  ])('should give one problem naming %s when it is the key source and %j', (name, value) => {
    const problems = problemsOf({ [name]: value });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('should give one problem for each bad variable', () => {
    const problems = problemsOf({ JWT_SECRET: SECRET, PORT: 'http', LOG_LEVEL: 'loud' });

    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('PORT');
    expect(problems[1]).toContain('LOG_LEVEL');
  });

  it('should never echo a secret it refuses', () => {
    const problems = problemsOf({ JWT_SECRET: 'hunter2-but-short' });

    expect(problems).toStrictEqual(['JWT_SECRET must be at least 32 characters long']);
  });

  it.each([
    ['none', {}, 'none'],
    [
      'two',
      { JWT_SECRET: SECRET, JWKS_URL: 'https://id.example.com/jwks' },
      'JWT_SECRET, JWKS_URL',
    ],
    [
      'all three',
      { JWT_SECRET: SECRET, JWT_PUBLIC_KEY: RSA_PEM, JWKS_URL: 'https://id.example.com/jwks' },
      'JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URL',
    ],
  ])('should require exactly one key source when %s are set', (_, env, found) => {
    const problems = problemsOf(env);

    expect(problems).toStrictEqual([
      `exactly one of JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URL must be set (found ${found})`,
    ]);
  });

  it.each([
    ['JWT_SECRET', { JWT_SECRET: SECRET }],
    ['JWT_PUBLIC_KEY', { JWT_PUBLIC_KEY: RSA_PEM }],
    ['JWKS_URL', { JWKS_URL: 'http://127.0.0.1:8080/.well-known/jwks.json' }],
  ])('should accept %s alone as the key source', (_, env) => {
    const problems = problemsOf(env);

    expect(problems).toStrictEqual([]);
  });

  it('should treat empty key sources as unset', () => {
    const problems = problemsOf({
      JWT_SECRET: '',
      JWT_PUBLIC_KEY: '',
      JWKS_URL: 'https://id.example.com/jwks',
    });

    expect(problems).toStrictEqual([]);
  });

  it('should accept a PEM written on one line with literal \\n separators', () => {
    const config = validateEnvironment({ JWT_PUBLIC_KEY: RSA_PEM.replaceAll('\n', '\\n') });

    expect(config.JWT_PUBLIC_KEY).toBe(RSA_PEM);
  });

  it('should refuse a PEM that holds no usable public key', () => {
    const problems = problemsOf({
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----',
    });

    expect(problems).toStrictEqual([
      'JWT_PUBLIC_KEY must be an RSA, EC (P-256/384/521) or Ed25519 public key in PEM form',
    ]);
  });
});
