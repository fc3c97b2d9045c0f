import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { getManyValues, type Many, none } from 'stream-chain/defs.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import { verifier, type VerifierError } from 'stream-json/utils/verifier.js';
import type { ImportIssue } from './import-issue.js';

/** Where an import document comes from; opened a second time only to locate a syntax error. */
export interface ImportSource {
  open(): Readable;
}

const READ_CHUNK_BYTES = 1 << 20;

export function fileSource(path: string): ImportSource {
  return { open: () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) };
}

export function textSource(text: string): ImportSource {
  return { open: () => Readable.from([Buffer.from(text, 'utf8')]) };
}

/** The document is not well-formed JSON (or not UTF-8); nothing after this point was read. */
export class InvalidJsonError extends Error {
  constructor(readonly issue: ImportIssue) {
    super(`${issue.position}: ${issue.message}`);
  }
}

/**
 * Feeds every token of the document to `consume`, chunk by chunk, and awaits `afterChunk`
 * between chunks: that is where the caller writes what it has collected, so memory stays
 * bounded by the chunk size and the caller's batch size whatever the file size.
 */
export async function forEachToken(
  source: ImportSource,
  consume: (token: Token) => void,
  afterChunk: () => Promise<void>,
): Promise<void> {
  const decoder = new StrictUtf8Decoder();
  // A stream-chain flushable: called with `none` once more at the end to flush.
  const parse = jsonParser({ packValues: true, streamValues: false }) as (
    input: string | typeof none,
  ) => Many<Token> | typeof none;
  const feed = (input: string | typeof none) => {
    const output = parse(input);
    if (output !== none) for (const token of getManyValues(output)) consume(token);
  };
  try {
    for await (const chunk of source.open()) {
      feed(decoder.decode(chunk as Buffer));
      await afterChunk();
    }
    decoder.end();
    feed(none);
  } catch (error) {
    if (error instanceof InvalidJsonError || !isParserError(error)) throw error;
    throw new InvalidJsonError(await locateSyntaxError(source, error.message));
  }
}

function isParserError(error: unknown): error is Error {
  return error instanceof Error && error.message.startsWith('Parser ');
}

/** Reads the document again with stream-json's verifier, which knows line and column. */
async function locateSyntaxError(
  source: ImportSource,
  parserMessage: string,
): Promise<ImportIssue> {
  try {
    await new Promise<void>((resolve, reject) => {
      source.open().pipe(verifier.asStream()).on('error', reject).on('finish', resolve).resume();
    });
  } catch (error) {
    const located = error as Partial<VerifierError>;
    if (typeof located.line === 'number' && typeof located.pos === 'number') {
      return {
        position: `line ${located.line}, column ${located.pos}`,
        message: `invalid JSON: ${reasonOf(located.message ?? '')}`,
      };
    }
  }
  return { position: 'document', message: `invalid JSON: ${reasonOf(parserMessage)}` };
}

// "ERROR at 13 (2, 4): Verifier cannot parse input: expected a value" -> "expected a value"
function reasonOf(message: string): string {
  return /(?:cannot parse input: |has )(.*)$/.exec(message)?.[1] ?? message;
}

/** UTF-8 decoding that refuses malformed bytes instead of replacing them with U+FFFD. */
class StrictUtf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private offset = 0;
  private carried: Uint8Array = new Uint8Array(0);

  decode(chunk: Uint8Array): string {
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      this.offset += chunk.length;
      this.carried = incompleteTail(chunk, this.carried);
      return text;
    } catch {
      throw this.invalid(chunk);
    }
  }

  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw new InvalidJsonError({
        position: `byte offset ${this.offset - this.carried.length}`,
        message: 'the file ends inside a UTF-8 character',
      });
    }
  }

  private invalid(chunk: Uint8Array): InvalidJsonError {
    const bytes = Buffer.concat([this.carried, chunk]);
    const start = this.offset - this.carried.length;
    return new InvalidJsonError({
      position: `byte offset ${start + firstInvalidByte(bytes)}`,
      message: 'the file is not valid UTF-8',
    });
  }
}

/** The bytes at the end of `chunk` that start a character the next chunk completes. */
function incompleteTail(chunk: Uint8Array, carried: Uint8Array): Uint8Array {
  const bytes = chunk.length >= 3 ? chunk : Buffer.concat([carried, chunk]);
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.slice(bytes.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

// Decoding a prefix in streaming mode fails exactly when the prefix holds a malformed
// sequence, so the shortest failing prefix ends at the first bad byte.
function firstInvalidByte(bytes: Uint8Array): number {
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, middle), {
        stream: true,
      });
      good = middle;
    } catch {
      bad = middle;
    }
  }
  return bad - 1;
}
