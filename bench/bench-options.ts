import { parseArgs } from 'node:util';

export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  scenarios: string[] | null;
  profile: boolean;
  logLevel: string;
  /** The Node binary both servers run on: the image's major is what users get. */
  node: string;
}

const USAGE = `npm run bench -- [--duration 3] [--warmup 1] [--connections 32] [--rounds 2]
                    [--scenarios S1,S2a,...] [--profile] [--log-level warn]
                    [--node /path/to/node]   (default: the node running the bench)`;

function positiveInteger(name: string, text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) === 0)
    throw new Error(`--${name} must be a positive whole number\n${USAGE}`);
  return Number(text);
}

/** Command-line options; the defaults keep a full run to a few minutes. */
export function readBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '2' },
      scenarios: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'warn' },
      node: { type: 'string', default: process.execPath },
    },
    strict: true,
  });
  return {
    durationSeconds: positiveInteger('duration', values.duration),
    warmupSeconds: values.warmup === '0' ? 0 : positiveInteger('warmup', values.warmup),
    connections: positiveInteger('connections', values.connections),
    rounds: positiveInteger('rounds', values.rounds),
    scenarios: values.scenarios === undefined ? null : values.scenarios.split(','),
    profile: values.profile,
    logLevel: values['log-level'],
    node: values.node,
  };
}
