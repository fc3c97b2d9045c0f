import 'reflect-metadata';
import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServer } from 'node:http';

/*
 * What answering GET /host-connections costs with no work at all: a constant body the size
 * of the small-guest page (13 rows), from node:http or from Nest on Express. The gap is the
 * least the framework adds to every request, whatever the service does.
 */

const ROW = {
  host_organization_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  guest_organization_id: '8f14e45f-ceea-467f-a8b5-0c1f6a0e4f2b',
  host_name: 'Acme Freight Inc',
  host_email: 'contact1@acmefreight.example',
  owner_email: 'jane.doe@acmefreight.example',
  status: 'connected',
  archived: false,
  created_at: '2025-12-12T12:00:00.123456Z',
  updated_at: '2025-12-12T12:00:00.123456Z',
  archived_at: null,
  active_action_type: null,
  active_action_updated_at: null,
};
const BODY = { items: Array.from({ length: 13 }, () => ROW), total_items: 13 };

@Controller('host-connections')
class ConstantController {
  @Get()
  @Header('Cache-Control', 'no-store')
  list(): typeof BODY {
    return BODY;
  }
}

@Module({ controllers: [ConstantController] })
class ConstantModule {}

const port = Number(process.env.PORT);
const host = process.env.HOST ?? '127.0.0.1';
const mode = process.argv[2];

if (mode === 'node') {
  createServer((_request, response) => {
    const body = JSON.stringify(BODY);
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    response.end(body);
  }).listen(port, host);
} else if (mode === 'nest' || mode === 'nest-without-body-parser') {
  const app = await NestFactory.create<NestExpressApplication>(ConstantModule, {
    logger: false,
    bodyParser: mode === 'nest',
  });
  app.set('etag', false);
  await app.listen(port, host);
} else {
  throw new Error('usage: floor-server node|nest|nest-without-body-parser');
}
