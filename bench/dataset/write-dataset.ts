import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SEARCHED_BRAND } from './company-names.js';
import { DatasetGenerator } from './dataset-generator.js';
import type { DatasetManifest, DatasetShape } from './dataset-shape.js';
import { JsonLinesDocumentWriter } from './json-lines-writer.js';

export const DATA_FILE = 'dataset.json';
export const MANIFEST = 'manifest.json';
// The small guest the default-list scenario reads: a full first page of a few rows.
const SMALL_GUEST_MIN_HOSTS = 10;

/** Mixed case, so the benchmark exercises the case-insensitive match. */
function mixedCase(text: string): string {
  return [...text].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join('');
}

/**
 * Writes the dataset of `shape` to `directory` in the import format, streaming the
 * connections, and a manifest naming the guests and organizations the scenarios use.
 */
export async function writeDataset(
  shape: DatasetShape,
  directory: string,
): Promise<DatasetManifest> {
  const generator = new DatasetGenerator(shape);
  const { organizations, guests } = generator;
  const bigGuests = guests.slice(0, shape.bigGuestHosts.length);
  const smallGuest = guests
    .slice(bigGuests.length + shape.midGuests)
    .find((g) => g.hosts >= SMALL_GUEST_MIN_HOSTS);
  if (smallGuest === undefined) throw new Error('the shape has no small guest to benchmark');
  const biggest = organizations[bigGuests[0].organization].id;
  const small = organizations[smallGuest.organization].id;

  const writer = new JsonLinesDocumentWriter(join(directory, DATA_FILE));
  await writer.startArray('organizations');
  for (const organization of organizations) await writer.write(organization);
  await writer.startArray('connections');
  const names = new Map(organizations.map((o) => [o.id, o.name]));
  let written = 0;
  let searchHits = 0;
  let crossRequesterId: string | undefined;
  for (const connection of generator.connections()) {
    await writer.write(connection);
    written += 1;
    const guestId = connection.guest_organization_id;
    const hostName = names.get(connection.host_organization_id) ?? '';
    if (guestId === biggest && hostName.includes(SEARCHED_BRAND)) searchHits += 1;
    if (guestId === small && connection.status === 'connected')
      crossRequesterId ??= connection.host_organization_id;
  }
  await writer.close();
  if (crossRequesterId === undefined) throw new Error('the small guest has no connected host');

  const manifest: DatasetManifest = {
    seed: shape.seed,
    organizations: organizations.length,
    connections: written,
    dataFile: DATA_FILE,
    bigGuests: bigGuests.map((g) => ({ id: organizations[g.organization].id, hosts: g.hosts })),
    smallGuest: { id: small, hosts: smallGuest.hosts },
    crossRequesterId,
    search: { text: mixedCase(SEARCHED_BRAND), hitsInBiggestGuest: searchHits },
  };
  await writeFile(join(directory, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
