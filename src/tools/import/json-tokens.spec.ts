import { Readable } from 'node:stream';
import type { Token } from 'stream-json/parser.js';
import { forEachToken, type ImportSource, InvalidJsonError, textSource } from './json-tokens.js';

function chunked(...chunks: Array<string | number[]>): ImportSource {
  return {
    open: () =>
      Readable.from(
        chunks.map((chunk) =>
          typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk),
        ),
      ),
  };
}

async function stringsOf(source: ImportSource): Promise<string[]> {
  const strings: string[] = [];
  await forEachToken(
    source,
    (token: Token) => {
      if (token.name === 'stringValue') strings.push(token.value);
    },
    () => Promise.resolve(),
  );
  return strings;
}

async function issueOf(source: ImportSource): Promise<unknown> {
  const error: unknown = await stringsOf(source).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidJsonError);
  return (error as InvalidJsonError).issue;
}

describe('forEachToken', () => {
  it('should decode characters whose bytes are split across chunks', async () => {
    const bytes = [...Buffer.from('["é😀"]', 'utf8')];

    const strings = await stringsOf(chunked(bytes.slice(0, 3), bytes.slice(3, 6), bytes.slice(6)));

    expect(strings).toEqual(['é😀']);
  });

  it('should skip a byte-order mark', async () => {
    expect(await stringsOf(textSource('\ufeff["a"]'))).toEqual(['a']);
  });

  it('should call afterChunk once per chunk', async () => {
    const calls: number[] = [];
    let tokens = 0;

    await forEachToken(
      chunked('["a", ', '"b"]'),
      () => (tokens += 1),
      () => {
        calls.push(tokens);
        return Promise.resolve();
      },
    );

    expect(calls).toEqual([2, 4]);
  });

  it('should give the line and column of a syntax error', async () => {
    expect(await issueOf(textSource('{"organizations": [\n  {"id": 1,}\n]}'))).toEqual({
      position: 'line 2, column 12',
      message: "invalid JSON: unexpected token '}'",
    });
  });

  it('should say when the document is empty', async () => {
    expect(await issueOf(textSource(''))).toEqual({
      position: 'line 1, column 1',
      message: 'invalid JSON: expected a value',
    });
  });

  it('should refuse text after the document', async () => {
    expect(await issueOf(textSource('{}\n{}'))).toEqual({
      position: 'line 2, column 1',
      message: 'invalid JSON: unexpected characters',
    });
  });

  it('should give the byte offset of malformed UTF-8, also in a later chunk', async () => {
    const source = chunked('["ab', [0x63, 0xc3], [0xa9, 0x64, 0xff, 0x22, 0x5d]);

    expect(await issueOf(source)).toEqual({
      position: 'byte offset 8',
      message: 'the file is not valid UTF-8',
    });
  });

  it('should refuse a file that ends inside a character', async () => {
    expect(await issueOf(chunked('["a"]', [0xe2, 0x82]))).toEqual({
      position: 'byte offset 5',
      message: 'the file ends inside a UTF-8 character',
    });
  });

  it('should pass other errors through unchanged', async () => {
    const failure = new Error('database gone');

    const error: unknown = await forEachToken(
      textSource('[1]'),
      () => undefined,
      () => Promise.reject(failure),
    ).catch((caught: unknown) => caught);

    expect(error).toBe(failure);
  });
});
