import { pino } from 'pino';
import { LogCapture } from '../../../test/support/log-capture.js';
import { PinoLoggerService } from './pino-logger.service.js';

const STACK = 'Error: boom\n    at handler (/app/dist/src/x.js:1:1)\n    at next (/app/y.js:2:2)';

function loggerAt(level: string): { service: PinoLoggerService; capture: LogCapture } {
  const capture = new LogCapture();
  return { service: new PinoLoggerService(pino({ level }, capture)), capture };
}

describe('PinoLoggerService', () => {
  it('should write Nest messages as JSON with their context', () => {
    const { service, capture } = loggerAt('info');

    service.log('Nest application successfully started', 'NestApplication');

    expect(capture.records()).toEqual([
      expect.objectContaining({
        level: 30,
        context: 'NestApplication',
        msg: 'Nest application successfully started',
      }),
    ]);
  });

  it('should merge the fields of an object message, as the error filter writes them', () => {
    const { service, capture } = loggerAt('info');

    service.warn({ msg: 'database unavailable', requestId: 'req-1' }, 'ApiExceptionFilter');

    expect(capture.records()).toEqual([
      expect.objectContaining({
        level: 40,
        context: 'ApiExceptionFilter',
        requestId: 'req-1',
        msg: 'database unavailable',
      }),
    ]);
  });

  it('should leave stack traces out of error lines below debug level', () => {
    const { service, capture } = loggerAt('info');

    service.error('TypeError: x is undefined', STACK, 'ApiExceptionFilter');

    expect(capture.records()).toEqual([
      expect.objectContaining({
        level: 50,
        context: 'ApiExceptionFilter',
        msg: 'TypeError: x is undefined',
      }),
    ]);
    expect(capture.lines.join('\n')).not.toContain('    at ');
  });

  it('should keep stack traces at debug level', () => {
    const { service, capture } = loggerAt('debug');

    service.error('TypeError: x is undefined', STACK, 'ApiExceptionFilter');

    expect(capture.records()[0]).toMatchObject({ stack: STACK, context: 'ApiExceptionFilter' });
  });

  it('should honour the level', () => {
    const { service, capture } = loggerAt('warn');

    service.log('mapped route', 'RouterExplorer');
    service.debug('detail', 'X');
    service.verbose('more detail', 'X');
    service.warn('careful', 'X');
    service.fatal('down', 'X');

    expect(capture.records().map((record) => record.msg)).toEqual(['careful', 'down']);
  });

  it.each(['InstanceLoader', 'RoutesResolver', 'RouterExplorer'])(
    "should write Nest's start-up report from %s at debug level only",
    (context) => {
      const atInfo = loggerAt('info');
      const atDebug = loggerAt('debug');

      atInfo.service.log('Mapped {/host-connections, GET} route', context);
      atDebug.service.log('Mapped {/host-connections, GET} route', context);

      expect(atInfo.capture.lines).toEqual([]);
      expect(atDebug.capture.records()).toEqual([
        expect.objectContaining({
          level: 20,
          context,
          msg: 'Mapped {/host-connections, GET} route',
        }),
      ]);
    },
  );

  it('should log an Error by its name and message', () => {
    const { service, capture } = loggerAt('info');

    service.error(new RangeError('out of range'), 'X');

    expect(capture.records()[0]).toMatchObject({
      msg: 'out of range',
      error: 'RangeError',
      context: 'X',
    });
    expect(capture.lines[0]).not.toContain('    at ');
  });
});
