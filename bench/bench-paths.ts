import { join } from 'node:path';
import { MANIFEST } from './dataset/write-dataset.js';

// npm runs scripts from the package root, so paths are relative to the working directory.
export const DATA_DIRECTORY = join(process.cwd(), 'bench', 'data');
export const MANIFEST_FILE = join(DATA_DIRECTORY, MANIFEST);
export const RESULTS_DIRECTORY = join(process.cwd(), 'bench', 'results');
