import { runCli } from '../run-cli.js';
import { runImportCommand, USAGE } from './import-command.js';

const HELP = `${USAGE}

Loads organizations and connections from an import document (docs/contract.md, "Data
import") into the database. Every record is checked first and every problem is printed on
stderr with its position; if there is any, nothing is written and the exit code is 1.
Otherwise organizations are upserted by id and connections by their host-guest pair, in
one transaction: all or nothing. Importing the same file again changes nothing.

Environment: DATABASE_URL (required).`;

runCli(HELP, runImportCommand);
