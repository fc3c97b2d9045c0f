import { chmod, lstat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterDirectory } from './demo-database.js';

const asRoot = process.getuid?.() === 0;

describe('clusterDirectory', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'host-connections-cluster-'));
    await chmod(root, 0o755);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should keep the cluster in .data/postgres where everyone can reach it', async () => {
    const data = join(root, 'project', '.data');

    expect(await clusterDirectory(data, join(root, 'outside'))).toBe(join(data, 'postgres'));
  });

  (asRoot ? it : it.skip)(
    'should place it outside, behind a symlink, when the postgres user cannot reach .data',
    async () => {
      const home = join(root, 'home');
      await mkdir(home, { mode: 0o700 });
      const data = join(home, 'project', '.data');
      const outside = join(root, 'outside');

      const first = await clusterDirectory(data, outside);

      expect(first.startsWith(join(outside, 'cluster-'))).toBe(true);
      expect((await lstat(join(data, 'postgres'))).isSymbolicLink()).toBe(true);
      expect(await clusterDirectory(data, outside)).toBe(first);
      await rm(data, { recursive: true });
      expect(await clusterDirectory(data, outside)).not.toBe(first);
    },
  );
});
