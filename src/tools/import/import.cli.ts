import { CONSOLE_OUTPUT, exitWith } from '../run-cli.js';
import { runImportCommand } from './import-command.js';

exitWith(runImportCommand(process.argv.slice(2), process.env, CONSOLE_OUTPUT));
