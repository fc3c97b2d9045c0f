import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type ObjectLiteral, type ReplicationMode } from 'typeorm';

/**
 * Runs one SQL statement on a TypeORM QueryRunner: `'slave'` is TypeORM's own routing to a
 * random read replica (the primary when there is none), `'master'` always the primary.
 * The statements in flight are tracked, so that shutdown can abandon them.
 */
@Injectable()
export class DatabaseStatements {
  // The connection each running statement holds, once the runner has one.
  private readonly running = new Map<symbol, pg.Client | null>();

  constructor(private readonly dataSource: DataSource) {}

  async query<T extends ObjectLiteral>(
    mode: ReplicationMode,
    sql: string,
    parameters: readonly unknown[],
  ): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner(mode);
    const handle = Symbol('statement');
    this.running.set(handle, null);
    try {
      // connect() hands out the pg connection the runner checked out of its pool.
      const client = (await runner.connect()) as pg.Client;
      if (this.running.has(handle)) this.running.set(handle, client);
      else throw new Error('abandoned at shutdown');
      return (await runner.query(sql, [...parameters])) as T[];
    } finally {
      this.running.delete(handle);
      await runner.release();
    }
  }

  /**
   * Closes the connections of the statements still running, which then fail. For shutdown
   * once the grace period is over: closing a pool waits for every connection checked out
   * of it, and a statement blocked in PostgreSQL would keep the process alive. pg destroys
   * the socket of a connection ended with a query active, and its pool then discards it.
   */
  abandonRunning(): void {
    for (const client of this.running.values()) void client?.end();
    this.running.clear();
  }
}
