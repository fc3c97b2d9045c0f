import { runCli } from '../run-cli.js';
import { runMigrationCommand, USAGE } from './migrate-command.js';

const HELP = `${USAGE}

  migrate   applies every pending migration (npm run db:migrate)
  revert    undoes the most recent migration (npm run db:revert)

Holds a PostgreSQL advisory lock while it works, so concurrent runs (several pods, a
Job run twice) apply each migration once.

Environment: DATABASE_URL (required).`;

runCli(HELP, runMigrationCommand);
