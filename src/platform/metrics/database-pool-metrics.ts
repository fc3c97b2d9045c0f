import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** What node-postgres' Pool exposes about itself. */
interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

type PoolStat = keyof PoolStats;

/**
 * Pool usage of the primary and of each read replica, read from node-postgres when
 * Prometheus scrapes. Replicas are labelled by position: their URLs hold credentials.
 */
@Injectable()
export class DatabasePoolMetrics {
  constructor(@Inject(Registry) registry: Registry, dataSource: DataSource) {
    const gauge = (name: string, help: string, stat: PoolStat) =>
      new Gauge({
        name,
        help,
        labelNames: ['pool'],
        registers: [registry],
        collect() {
          for (const [pool, stats] of poolsOf(dataSource)) this.set({ pool }, stats[stat]);
        },
      });
    gauge('db_pool_connections', 'Open connections in the database pool', 'totalCount');
    gauge('db_pool_idle_connections', 'Open connections not serving a query', 'idleCount');
    gauge(
      'db_pool_waiting_requests',
      'Queries waiting for a connection because the pool is at its size',
      'waitingCount',
    );
  }
}

function poolsOf(dataSource: DataSource): Array<[string, PoolStats]> {
  // TypeORM types the PostgresDriver's pools as any; check the shape before trusting it.
  const { master, slaves } = dataSource.driver as unknown as { master?: unknown; slaves?: unknown };
  const pools: Array<[string, PoolStats]> = [];
  if (isPool(master)) pools.push(['primary', master]);
  if (Array.isArray(slaves)) {
    slaves.forEach((pool: unknown, index) => {
      if (isPool(pool)) pools.push([`replica_${index + 1}`, pool]);
    });
  }
  return pools;
}

function isPool(candidate: unknown): candidate is PoolStats {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const stats = candidate as Partial<Record<PoolStat, unknown>>;
  return (
    typeof stats.totalCount === 'number' &&
    typeof stats.idleCount === 'number' &&
    typeof stats.waitingCount === 'number'
  );
}
