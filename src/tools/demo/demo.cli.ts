import { asksForHelp, CONSOLE_OUTPUT } from '../run-cli.js';
import { ConfigurationError } from '../../config/env.schema.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const HELP = `Usage: npm start   (or: node dist/src/tools/demo/demo.cli.js)

Without DATABASE_URL (demo mode): starts an embedded PostgreSQL with its files in
DEMO_DATA_DIR (default .data) on EMBEDDED_POSTGRES_PORT (default 54329), applies the
migrations, loads the demo dataset and creates a dev JWT secret the first time, then serves
the API on PORT (default 3000; on 127.0.0.1 unless HOST is set) with readable logs, and
prints demo tokens and curl commands. Ctrl-C stops the service, then the database.

With DATABASE_URL: runs the service exactly as in production (node dist/src/main.js).
Every variable of .env.example applies in both modes.`;

async function main(): Promise<void> {
  if (process.env.DATABASE_URL) {
    // A real database is configured: this is the service exactly as in production. The
    // demo is not even loaded: embedded-postgres installs exit hooks when imported, which
    // would end the process on SIGTERM before Nest has drained the requests in flight.
    await import('../../main.js');
    return;
  }
  const { startDemo } = await import('./demo.js');
  const demo = await startDemo(process.env, CONSOLE_OUTPUT);
  // Nest and embedded-postgres each react to these signals on their own, in no set order,
  // and exit with 128 + the signal. The demo must close the service first, stop the
  // database last and then exit 0, so it takes the signals over.
  for (const signal of SIGNALS) process.removeAllListeners(signal);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping the service, then the embedded PostgreSQL.`);
    demo.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, stop);
}

if (asksForHelp(process.argv.slice(2))) {
  CONSOLE_OUTPUT.out(HELP);
} else {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof ConfigurationError ? message : `Start-up failed: ${message}`);
    process.exit(1);
  });
}
