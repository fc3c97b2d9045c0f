import { Inject, Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { InFlightRequests } from '../limits/in-flight-requests.js';
import { ShutdownState } from '../lifecycle/shutdown-state.js';

// Below the readiness probe's timeoutSeconds (deploy/kubernetes/base/deployment.yaml), so a
// slow database turns into a 503 the kubelet reads, not into a probe timeout.
export const READINESS_DATABASE_TIMEOUT_MS = 1000;

const UNDEFINED_TABLE = '42P01';

/**
 * The checks of GET /health/ready. Failures are reported by name only: the probe's body
 * never carries a driver message (host names, ports, user names).
 */
@Injectable()
export class ReadinessIndicators {
  // Migrations are never un-applied while the process runs, so once they are all in, the
  // check stops querying the migrations table on every probe.
  private migrationsApplied = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly shutdown: ShutdownState,
    private readonly inFlight: InFlightRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // No request takes twice the request timeout: a slot held that long was never given
  // back, and a pod that keeps losing them must leave the load balancer, not turn away
  // ever more of its traffic with 503s.
  requestsProgressing(): HealthIndicatorResult<'requests'> {
    const indicator = this.indicators.check('requests');
    const stuck = this.inFlight.oldestAgeMs() > 2 * this.config.HTTP_REQUEST_TIMEOUT_MS;
    return stuck ? indicator.down('a request has been in flight too long') : indicator.up();
  }

  acceptingTraffic(): HealthIndicatorResult<'shutdown'> {
    const indicator = this.indicators.check('shutdown');
    return this.shutdown.isShuttingDown ? indicator.down('shutting down') : indicator.up();
  }

  // dataSource.query() always runs on the primary, also when read replicas are set.
  database(): PromiseLike<HealthIndicatorResult<'database'>> {
    return this.indicators
      .check('database')
      .attempt(async () => {
        try {
          await this.dataSource.query('SELECT 1');
        } catch {
          throw new Error('unreachable');
        }
      })
      .withTimeout(READINESS_DATABASE_TIMEOUT_MS);
  }

  migrations(): PromiseLike<HealthIndicatorResult<'migrations'>> {
    return this.indicators
      .check('migrations')
      .attempt(async () => {
        if (this.migrationsApplied) return;
        const pending = await this.pendingMigrationCount();
        if (pending > 0) throw new Error(`${pending} pending`);
        this.migrationsApplied = true;
      })
      .withTimeout(READINESS_DATABASE_TIMEOUT_MS);
  }

  private async pendingMigrationCount(): Promise<number> {
    const table = this.dataSource.driver.escape(
      this.dataSource.options.migrationsTableName ?? 'migrations',
    );
    let applied: Array<{ name: string }>;
    try {
      applied = await this.dataSource.query<Array<{ name: string }>>(`SELECT name FROM ${table}`);
    } catch (error) {
      if (sqlState(error) !== UNDEFINED_TABLE) throw new Error('unreachable');
      applied = [];
    }
    const names = new Set(applied.map((row) => row.name));
    return this.dataSource.migrations.filter(
      (migration) => !names.has(migration.name ?? migration.constructor.name),
    ).length;
  }
}

function sqlState(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
