import { ConfigurationError, validateEnvironment } from './env.schema.js';

const BASE = { JWT_SECRET: 'a-development-secret-of-at-least-32-chars' };

describe('operations configuration', () => {
  it('should default to JSON logs, a 10 s grace period, no replicas and CORS closed', () => {
    const config = validateEnvironment(BASE);

    expect(config).toMatchObject({
      LOG_FORMAT: 'json',
      SHUTDOWN_GRACE_PERIOD_MS: 10_000,
      DATABASE_REPLICA_URLS: [],
      CORS_ORIGINS: [],
    });
  });

  it('should read comma-separated replica URLs and origins', () => {
    const config = validateEnvironment({
      ...BASE,
      DATABASE_REPLICA_URLS: 'postgres://r1.example:5432/db , postgresql://r2.example/db,',
      CORS_ORIGINS: 'https://App.example.com,http://localhost:5173',
      LOG_FORMAT: 'pretty',
      SHUTDOWN_GRACE_PERIOD_MS: '25000',
    });

    expect(config).toMatchObject({
      DATABASE_REPLICA_URLS: ['postgres://r1.example:5432/db', 'postgresql://r2.example/db'],
      CORS_ORIGINS: ['https://app.example.com', 'http://localhost:5173'],
      LOG_FORMAT: 'pretty',
      SHUTDOWN_GRACE_PERIOD_MS: 25_000,
    });
  });

  it('should treat empty lists as unset', () => {
    const config = validateEnvironment({ ...BASE, DATABASE_REPLICA_URLS: '', CORS_ORIGINS: ' ' });

    expect(config).toMatchObject({ DATABASE_REPLICA_URLS: [], CORS_ORIGINS: [] });
  });

  it.each([
    ['DATABASE_REPLICA_URLS', 'mysql://replica/db', 'DATABASE_REPLICA_URLS must be'],
    ['CORS_ORIGINS', '*', 'CORS_ORIGINS must be'],
    ['CORS_ORIGINS', 'https://app.example.com/path', 'CORS_ORIGINS must be'],
    ['LOG_FORMAT', 'xml', 'LOG_FORMAT must be one of'],
    ['SHUTDOWN_GRACE_PERIOD_MS', '10s', 'SHUTDOWN_GRACE_PERIOD_MS must'],
    ['SHUTDOWN_GRACE_PERIOD_MS', '600001', 'SHUTDOWN_GRACE_PERIOD_MS must not be greater than'],
  ])('should refuse %s=%s naming the variable', (name, value, message) => {
    const validate = () => validateEnvironment({ ...BASE, [name]: value });

    expect(validate).toThrow(ConfigurationError);
    expect(validate).toThrow(message);
  });
});
