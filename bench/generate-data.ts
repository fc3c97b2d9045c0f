import { mkdir } from 'node:fs/promises';
import { DATA_DIRECTORY } from './bench-paths.js';
import { DATASET_SHAPE } from './dataset/dataset-shape.js';
import { writeDataset } from './dataset/write-dataset.js';

const started = Date.now();
await mkdir(DATA_DIRECTORY, { recursive: true });
const manifest = await writeDataset(DATASET_SHAPE, DATA_DIRECTORY);
console.log(
  `bench:data wrote ${manifest.organizations} organizations and ${manifest.connections} ` +
    `connections to bench/data/${manifest.dataFile} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
