import { CONSOLE_OUTPUT, exitWith } from '../run-cli.js';
import { runMigrationCommand } from './migrate-command.js';

exitWith(runMigrationCommand(process.argv.slice(2), process.env, CONSOLE_OUTPUT));
