import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };

/** A span as OTLP/HTTP JSON carries it (kind: 2 server, 3 client). */
export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  status: { code?: number };
  resource: Record<string, string | number | boolean | undefined>;
}

interface OtlpKeyValue {
  key: string;
  value: AnyValue;
}

interface OtlpExport {
  resourceSpans: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans: Array<{
      spans: Array<Omit<ExportedSpan, 'attributes' | 'resource'> & { attributes?: OtlpKeyValue[] }>;
    }>;
  }>;
}

function valueOf(value: AnyValue): string | number | boolean | undefined {
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue;
}

function attributes(list: OtlpKeyValue[] = []): ExportedSpan['attributes'] {
  return Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));
}

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += (chunk as Buffer).toString('utf8');
  return text;
}

/** An OTLP/HTTP trace receiver on loopback that keeps every span it is sent. */
export class OtlpReceiver {
  readonly spans: ExportedSpan[] = [];
  readonly contentTypes: string[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      void body(request).then((text) => {
        if (request.method !== 'POST' || request.url !== '/v1/traces') {
          response.writeHead(404).end();
          return;
        }
        this.contentTypes.push(request.headers['content-type'] ?? '');
        this.record(JSON.parse(text) as OtlpExport);
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
  }

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    return receiver;
  }

  get endpoint(): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.server.close();
    await once(this.server, 'close');
  }

  private record(document: OtlpExport): void {
    for (const resourceSpans of document.resourceSpans) {
      const resource = attributes(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans)
        for (const span of scopeSpans.spans)
          this.spans.push({ ...span, attributes: attributes(span.attributes), resource });
    }
  }
}
