import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import type { Logger } from 'pino';
import { LogCapture } from '../../../test/support/log-capture.js';
import { createRootLogger } from './root-logger.js';

describe('createRootLogger', () => {
  it('should write JSON lines with the level name and an ISO time', async () => {
    const capture = new LogCapture();
    const logger = await createRootLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, capture);

    logger.info({ context: 'Test' }, 'hello');
    logger.debug('below the level');

    expect(capture.records()).toEqual([
      expect.objectContaining({
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        context: 'Test',
        msg: 'hello',
      }),
    ]);
  });

  it('should redact credentials should a log call ever carry them', async () => {
    const capture = new LogCapture();
    const logger = await createRootLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, capture);

    logger.info(
      { req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1' } } },
      'x',
    );
    logger.info({ token: 'abc.def.ghi', password: 'hunter2' }, 'y');

    expect(capture.lines.join('\n')).not.toMatch(/abc\.def\.ghi|sid=1|hunter2/);
    expect(capture.records()[1]).toMatchObject({ token: '[redacted]', password: '[redacted]' });
  });

  it('should print human-readable lines in the pretty format', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const logger = await createRootLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, output);

    logger.info({ context: 'Test' }, 'hello there');
    // pino-pretty may hand its output on from the next tick.
    await new Promise(setImmediate);

    expect(text).toContain('hello there');
    expect(text).toMatch(/INFO/);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });
});

describe('the pretty format', () => {
  async function prettyLines(write: (logger: Logger) => void): Promise<string[]> {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const logger = await createRootLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, output);
    write(logger);
    await new Promise(setImmediate);
    // Colours are on only on a terminal; strip them anyway to read the text.
    return stripVTControlCharacters(text)
      .split('\n')
      .filter((line) => line !== '');
  }

  it('should print a request on one line: method, path, status and duration, then its id', async () => {
    const lines = await prettyLines((logger) =>
      logger.info(
        {
          requestId: 'req-1',
          method: 'GET',
          route: '/host-connections',
          path: '/host-connections',
          status: 200,
          durationMs: 3,
          requesterOrganizationId: 'a7d3c4a0-0000-4000-8000-000000000001',
          targetOrganizationId: 'a7d3c4a0-0000-4000-8000-000000000001',
        },
        'request completed',
      ),
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*GET \/host-connections 200 3 ms.*"requestId":"req-1"/);
    expect(lines[0]).not.toContain('a7d3c4a0');
  });

  it('should put the context before the message of other lines', async () => {
    const lines = await prettyLines((logger) =>
      logger.warn({ context: 'ApiExceptionFilter', requestId: 'req-2' }, 'database unavailable'),
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /WARN.*\[ApiExceptionFilter\] database unavailable.*"requestId":"req-2"/,
    );
  });
});
