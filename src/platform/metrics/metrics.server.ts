import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

const PLAIN_TEXT = 'text/plain; charset=utf-8';

/**
 * GET /metrics on METRICS_PORT, a plain node:http server of its own: the series (routes,
 * pool sizes, process details) are for Prometheus, not for whoever reaches the API port.
 * It listens from the start of the application to its very end, so a draining pod can
 * still be scraped.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private readonly server: Server;

  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.server = createServer((request, response) => void this.answer(request, response));
  }

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.METRICS_PORT, this.config.HOST, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.logger.log(`Metrics on http://${this.config.HOST}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The port it listens on (METRICS_PORT=0 picks a free one). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return plain(response, 404, 'Not Found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return plain(response, 405, 'Method Not Allowed\n');
    }
    try {
      const body = await this.registry.metrics();
      response.writeHead(200, {
        'Content-Type': Registry.PROMETHEUS_CONTENT_TYPE,
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error(`Collecting metrics failed: ${String(error)}`);
      plain(response, 500, 'Internal Server Error\n');
    }
  }
}

function plain(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': PLAIN_TEXT,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(body);
}
