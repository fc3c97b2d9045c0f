// Preloaded into the service under soak (node --import ./scripts/soak-probe.mjs
// dist/src/main.js): answers the soak's IPC requests with this process's resident memory
// and event-loop delay, so the service itself needs no debug endpoint. Run with --expose-gc,
// a full collection precedes each memory reading: growth then means retained memory, not
// garbage that has not been collected yet.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

const milliseconds = (nanoseconds) => Math.round(nanoseconds / 1e4) / 100;

process.on('message', (message) => {
  if (message?.type !== 'sample') return;
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({
    type: 'sample',
    rss,
    heapUsed,
    eventLoopDelay: {
      p50: milliseconds(delay.percentile(50)),
      p99: milliseconds(delay.percentile(99)),
      max: milliseconds(delay.max),
    },
  });
  if (message.reset) delay.reset();
});
