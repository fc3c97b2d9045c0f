import { CONSOLE_OUTPUT, exitWith } from '../run-cli.js';
import { runTokenCommand } from './token-command.js';

exitWith(runTokenCommand(process.argv.slice(2), process.env, CONSOLE_OUTPUT));
