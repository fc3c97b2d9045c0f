import { NAME_WORDS, SEARCHED_BRAND } from './company-names.js';
import { type ConnectionRecord, DatasetGenerator } from './dataset-generator.js';
import { DATASET_SHAPE, type DatasetShape } from './dataset-shape.js';

const SHAPE: DatasetShape = {
  ...DATASET_SHAPE,
  seed: 7,
  organizations: 2_000,
  connections: 12_000,
  bigGuestHosts: [1_500, 1_000],
  midGuests: 20,
  midGuestHosts: { min: 21, max: 300 },
};
const MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

function generate(shape: DatasetShape = SHAPE) {
  const generator = new DatasetGenerator(shape);
  return { generator, connections: [...generator.connections()] };
}

const share = (rows: ConnectionRecord[], test: (row: ConnectionRecord) => boolean) =>
  rows.filter(test).length / rows.length;

describe('DatasetGenerator', () => {
  const { generator, connections } = generate();

  it('should write the same dataset for the same seed, and another for another seed', () => {
    const again = generate();
    const other = generate({ ...SHAPE, seed: 8 });

    expect(again.generator.organizations).toEqual(generator.organizations);
    expect(again.connections).toEqual(connections);
    expect(other.connections.slice(0, 10)).not.toEqual(connections.slice(0, 10));
  });

  it('should give the big guests exactly their host counts and every guest a count in its range', () => {
    const perGuest = new Map<string, number>();
    for (const c of connections)
      perGuest.set(c.guest_organization_id, (perGuest.get(c.guest_organization_id) ?? 0) + 1);
    const sizes = generator.guests.map((g) =>
      perGuest.get(generator.organizations[g.organization].id),
    );
    const mid = sizes.slice(2, 22);
    const small = sizes.slice(22);

    expect(connections).toHaveLength(SHAPE.connections);
    expect(sizes.slice(0, 2)).toEqual([1_500, 1_000]);
    expect(mid.every((n) => n !== undefined && n >= 21 && n <= 300)).toBe(true);
    expect(small.every((n) => n !== undefined && n >= 1 && n <= 20)).toBe(true);
  });

  it('should connect distinct organizations of the file, each pair once', () => {
    const ids = new Set(generator.organizations.map((o) => o.id));
    const pairs = new Set(
      connections.map((c) => `${c.guest_organization_id}/${c.host_organization_id}`),
    );

    expect(connections.every((c) => c.guest_organization_id !== c.host_organization_id)).toBe(true);
    expect(
      connections.every((c) => ids.has(c.guest_organization_id) && ids.has(c.host_organization_id)),
    ).toBe(true);
    expect(pairs.size).toBe(connections.length);
    expect(ids.size).toBe(SHAPE.organizations);
  });

  it("should satisfy the schema's CHECKs and keep microsecond timestamps in order", () => {
    const broken = connections.filter(
      (c) =>
        c.archived !== (c.archived_at !== null) ||
        (c.active_action_type === null) !== (c.active_action_updated_at === null) ||
        [c.created_at, c.updated_at, c.archived_at, c.active_action_updated_at].some(
          (at) => at !== null && !MICROS.test(at),
        ) ||
        c.updated_at < c.created_at ||
        (c.archived_at !== null && c.archived_at < c.created_at),
    );

    expect(broken).toEqual([]);
  });

  it('should make about the shares the issue asks for', () => {
    expect(share(connections, (c) => c.status === 'disconnected')).toBeCloseTo(0.1, 1);
    expect(share(connections, (c) => c.archived)).toBeCloseTo(0.15, 1);
    expect(share(connections, (c) => c.active_action_type !== null)).toBeCloseTo(0.4, 1);
  });

  it('should name about 1 % of the companies with the searched brand, and no other word contains it', () => {
    const named = generator.organizations.filter((o) => o.name.includes(SEARCHED_BRAND)).length;
    const containing = NAME_WORDS.filter((w) =>
      w.toLowerCase().includes(SEARCHED_BRAND.toLowerCase()),
    );

    expect(named / SHAPE.organizations).toBeGreaterThan(0.005);
    expect(named / SHAPE.organizations).toBeLessThan(0.02);
    expect(containing).toEqual([SEARCHED_BRAND]);
  });
});
