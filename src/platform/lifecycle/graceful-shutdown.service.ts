import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { onRequestEnd } from '../http/request-end.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { DatabaseStatements } from '../../database/database-statements.js';
import { ShutdownState } from './shutdown-state.js';

/**
 * Drains HTTP on shutdown, before Nest closes the server and TypeORM the pool: readiness
 * turns 503, the listener stops accepting connections, idle keep-alive sockets close, and
 * requests in flight get up to SHUTDOWN_GRACE_PERIOD_MS to finish. Their responses carry
 * `Connection: close`, so no client reuses a socket that is about to go away. Requests
 * still running after that lose their connections, and their statements their database
 * connections, so that closing the pool cannot wait for them.
 */
@Injectable()
export class GracefulShutdown implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private readonly inFlight = new Set<ServerResponse>();
  private onDrained?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly state: ShutdownState,
    private readonly statements: DatabaseStatements,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Ahead of Express, so a response is tracked (and marked) before any handler runs.
    this.server().prependListener('request', (request: IncomingMessage, response: ServerResponse) =>
      this.track(request, response),
    );
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.state.begin();
    const server = this.server();
    for (const response of this.inFlight) closeAfter(response);
    if (server.listening) server.close();
    this.logger.log(
      `Shutting down (${signal ?? 'close'}): not ready, draining ${this.inFlight.size} request(s)`,
    );
    const drained = await this.waitForInFlight(this.config.SHUTDOWN_GRACE_PERIOD_MS);
    if (drained) {
      server.closeIdleConnections();
    } else {
      this.logger.warn(
        `Grace period over: closing ${this.inFlight.size} connection(s) with a request still running`,
      );
      server.closeAllConnections();
      this.statements.abandonRunning();
    }
  }

  private track(request: IncomingMessage, response: ServerResponse): void {
    if (this.state.isShuttingDown) closeAfter(response);
    this.inFlight.add(response);
    onRequestEnd(request, response, () => {
      this.inFlight.delete(response);
      if (this.inFlight.size === 0) this.onDrained?.();
    });
  }

  private waitForInFlight(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.onDrained = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private server(): Server {
    return this.adapterHost.httpAdapter.getHttpServer() as Server;
  }
}

function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('Connection', 'close');
}
