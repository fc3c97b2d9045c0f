import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * Runs query-builder statements on the pg pools TypeORM opened, with the same routing as
 * TypeORM: reads on a random read replica when there are any, else on the primary. It
 * skips the QueryRunner, broadcaster and result wrapping TypeORM sets up for every
 * statement, about 15–25 µs of CPU per statement on the hot path (docs/benchmarks.md). The SQL and its parameters still travel separately.
 */
@Injectable()
export class PooledStatements {
  // Checked out for a statement still running: shutdown may have to abandon them.
  private readonly running = new Set<pg.PoolClient>();

  constructor(private readonly dataSource: DataSource) {}

  /** On a read replica if there is one: for reads that may lag the primary a little. */
  read<T extends ObjectLiteral>(statement: SelectQueryBuilder<ObjectLiteral>): Promise<T[]> {
    const { master, slaves } = this.driver();
    const pool = slaves.length === 0 ? master : slaves[Math.floor(Math.random() * slaves.length)];
    return this.run<T>(pool, statement);
  }

  /** Always on the primary: for reads that must see the latest commit. */
  readPrimary<T extends ObjectLiteral>(statement: SelectQueryBuilder<ObjectLiteral>): Promise<T[]> {
    return this.run<T>(this.driver().master, statement);
  }

  /**
   * Closes the connections of the statements still running, which then fail. For shutdown
   * once the grace period is over: closing a pool waits for every connection checked out
   * of it, and a statement blocked in PostgreSQL would keep the process alive.
   */
  abandonRunning(): void {
    for (const client of this.running) client.release(new Error('abandoned at shutdown'));
    this.running.clear();
  }

  private async run<T extends ObjectLiteral>(
    pool: pg.Pool,
    statement: SelectQueryBuilder<ObjectLiteral>,
  ): Promise<T[]> {
    const [sql, parameters] = statement.getQueryAndParameters();
    const client = await pool.connect();
    this.running.add(client);
    try {
      return (await client.query<T>(sql, parameters)).rows;
    } finally {
      if (this.running.delete(client)) client.release();
    }
  }

  private driver(): { master: pg.Pool; slaves: pg.Pool[] } {
    return this.dataSource.driver as PostgresDriver;
  }
}
