import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

const FLUSH_AT = 1 << 20;

/**
 * Writes `{"a": [...], "b": [...]}` with one record per line, buffered and honouring the
 * stream's back-pressure, so memory stays flat whatever the record count. One record per
 * line also lets a loader split the file without a streaming JSON parser.
 */
export class JsonLinesDocumentWriter {
  private readonly stream: WriteStream;
  private buffer = '{\n';
  private arrays = 0;
  private recordsInArray = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  async startArray(key: string): Promise<void> {
    this.buffer += `${this.arrays > 0 ? '\n],\n' : ''}${JSON.stringify(key)}: [`;
    this.arrays += 1;
    this.recordsInArray = 0;
    await this.flushIfFull();
  }

  async write(record: object): Promise<void> {
    this.buffer += `${this.recordsInArray > 0 ? ',' : ''}\n${JSON.stringify(record)}`;
    this.recordsInArray += 1;
    await this.flushIfFull();
  }

  async close(): Promise<void> {
    this.buffer += `${this.arrays > 0 ? '\n]' : ''}\n}\n`;
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }

  private async flushIfFull(): Promise<void> {
    if (this.buffer.length >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
