import type { DataSourceOptions } from 'typeorm';
import { validateEnvironment } from '../config/env.schema.js';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
  QUERY_TIMEOUT_WITHOUT_STATEMENT_TIMEOUT_MS,
} from './database.options.js';

type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

function extraFor(env: Record<string, string>): Record<string, unknown> {
  const config = validateEnvironment({
    DATABASE_URL: 'postgres://app@primary.example:5432/hc',
    JWT_SECRET: 'x'.repeat(32),
    ...env,
  });
  return (buildDataSourceOptions(config) as PostgresConnectionOptions).extra as Record<
    string,
    unknown
  >;
}

describe('the client-side query timeout', () => {
  it('should default to the statement timeout plus the connect timeout', () => {
    expect(
      extraFor({ DATABASE_STATEMENT_TIMEOUT_MS: '3000', DATABASE_CONNECT_TIMEOUT_MS: '1500' }),
    ).toMatchObject({ statement_timeout: 3000, query_timeout: 4500 });
  });

  it('should default to the defaults of both when neither is set', () => {
    expect(extraFor({})).toMatchObject({
      statement_timeout: DEFAULT_DATABASE_SETTINGS.DATABASE_STATEMENT_TIMEOUT_MS,
      query_timeout:
        DEFAULT_DATABASE_SETTINGS.DATABASE_STATEMENT_TIMEOUT_MS +
        DEFAULT_DATABASE_SETTINGS.DATABASE_CONNECT_TIMEOUT_MS,
    });
  });

  // PgBouncer mode: the server-side timeout lives on the role, the client one stays.
  it('should stay in place with a fixed default when the statement timeout is 0', () => {
    const extra = extraFor({ DATABASE_STATEMENT_TIMEOUT_MS: '0' });

    expect(extra).not.toHaveProperty('statement_timeout');
    expect(extra.query_timeout).toBe(QUERY_TIMEOUT_WITHOUT_STATEMENT_TIMEOUT_MS);
  });

  it.each([
    ['with a statement timeout', '5000'],
    ['without a statement timeout', '0'],
  ])('should take DATABASE_QUERY_TIMEOUT_MS as given %s', (_case, statementTimeout) => {
    expect(
      extraFor({
        DATABASE_STATEMENT_TIMEOUT_MS: statementTimeout,
        DATABASE_QUERY_TIMEOUT_MS: '750',
      }).query_timeout,
    ).toBe(750);
  });

  it('should have no query timeout when DATABASE_QUERY_TIMEOUT_MS is 0', () => {
    expect(extraFor({ DATABASE_QUERY_TIMEOUT_MS: '0' })).not.toHaveProperty('query_timeout');
  });

  it('should treat an empty DATABASE_QUERY_TIMEOUT_MS as unset', () => {
    expect(
      extraFor({ DATABASE_STATEMENT_TIMEOUT_MS: '0', DATABASE_QUERY_TIMEOUT_MS: '' }).query_timeout,
    ).toBe(QUERY_TIMEOUT_WITHOUT_STATEMENT_TIMEOUT_MS);
  });

  it.each(['-1', '1e3', 'soon', '3600001'])(
    'should refuse DATABASE_QUERY_TIMEOUT_MS=%s at start-up',
    (value) => {
      expect(() => extraFor({ DATABASE_QUERY_TIMEOUT_MS: value })).toThrow(
        /DATABASE_QUERY_TIMEOUT_MS/,
      );
    },
  );
});
