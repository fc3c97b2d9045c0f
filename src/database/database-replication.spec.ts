import type { DataSourceOptions } from 'typeorm';
import { buildDataSourceOptions, DEFAULT_DATABASE_SETTINGS } from './database.options.js';

type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

const PRIMARY = 'postgres://app@primary.example:5432/hc';

function optionsFor(settings: object): PostgresConnectionOptions {
  return buildDataSourceOptions({
    ...DEFAULT_DATABASE_SETTINGS,
    DATABASE_URL: PRIMARY,
    ...settings,
  }) as PostgresConnectionOptions;
}

describe('buildDataSourceOptions', () => {
  it('should connect to DATABASE_URL alone without replicas', () => {
    const options = optionsFor({ DATABASE_REPLICA_URLS: [] });

    expect(options.url).toBe(PRIMARY);
    expect(options.replication).toBeUndefined();
  });

  it('should make DATABASE_URL the primary and each replica URL a read replica', () => {
    const options = optionsFor({
      DATABASE_REPLICA_URLS: ['postgres://r1.example/hc', 'postgres://r2.example/hc'],
    });

    expect(options.url).toBeUndefined();
    expect(options.replication).toEqual({
      master: { url: PRIMARY },
      slaves: [{ url: 'postgres://r1.example/hc' }, { url: 'postgres://r2.example/hc' }],
    });
  });

  it('should send statement_timeout as a startup parameter when it is set', () => {
    expect(optionsFor({ DATABASE_STATEMENT_TIMEOUT_MS: 5000 }).extra).toMatchObject({
      statement_timeout: 5000,
    });
  });

  // PgBouncer refuses the startup parameter; the timeout is then set on the role.
  it('should not send statement_timeout when DATABASE_STATEMENT_TIMEOUT_MS is 0', () => {
    expect(optionsFor({ DATABASE_STATEMENT_TIMEOUT_MS: 0 }).extra).not.toHaveProperty(
      'statement_timeout',
    );
  });
});
