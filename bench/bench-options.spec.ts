import { readBenchOptions } from './bench-options.js';

describe('readBenchOptions', () => {
  it('should keep a full run short by default', () => {
    expect(readBenchOptions([])).toEqual({
      durationSeconds: 3,
      warmupSeconds: 1,
      connections: 32,
      rounds: 2,
      scenarios: null,
      profile: false,
      logLevel: 'warn',
      node: process.execPath,
    });
  });

  it('should read every option', () => {
    expect(
      readBenchOptions([
        '--duration',
        '10',
        '--warmup',
        '0',
        '--connections',
        '64',
        '--rounds',
        '3',
        '--scenarios',
        'S1,S4',
        '--profile',
        '--log-level',
        'info',
        '--node',
        '/opt/node24/bin/node',
      ]),
    ).toEqual({
      durationSeconds: 10,
      warmupSeconds: 0,
      connections: 64,
      rounds: 3,
      scenarios: ['S1', 'S4'],
      profile: true,
      logLevel: 'info',
      node: '/opt/node24/bin/node',
    });
  });

  it('should refuse a duration that is not a positive whole number', () => {
    expect(() => readBenchOptions(['--duration', '1.5'])).toThrow(
      '--duration must be a positive whole number',
    );
    expect(() => readBenchOptions(['--connections', '0'])).toThrow('--connections must be');
    expect(() => readBenchOptions(['--bogus'])).toThrow();
  });
});
