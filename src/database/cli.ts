import { CONSOLE_OUTPUT, exitWith } from '../common/cli/run-cli.js';
import { runMigrationCommand } from './migration-command.js';

exitWith(runMigrationCommand(process.argv.slice(2), process.env, CONSOLE_OUTPUT));
