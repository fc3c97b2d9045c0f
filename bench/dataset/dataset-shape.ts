/** The benchmark dataset the issue describes: one seed, one shape, one file layout. */
export interface DatasetShape {
  seed: number;
  organizations: number;
  connections: number;
  bigGuestHosts: readonly number[];
  midGuests: number;
  midGuestHosts: HostRange;
  smallGuestHosts: HostRange;
  disconnectedShare: number;
  archivedShare: number;
  withActionShare: number;
}

export interface HostRange {
  min: number;
  max: number;
}

export const DATASET_SHAPE: DatasetShape = {
  seed: 20251212,
  organizations: 100_000,
  connections: 1_000_000,
  bigGuestHosts: [50_000, 40_000, 25_000, 15_000, 10_000],
  midGuests: 1_500,
  midGuestHosts: { min: 21, max: 500 },
  smallGuestHosts: { min: 1, max: 20 },
  disconnectedShare: 0.1,
  archivedShare: 0.15,
  withActionShare: 0.4,
};

export interface GuestSummary {
  id: string;
  hosts: number;
}

/** What the generator tells the loader and the benchmark about the file it wrote. */
export interface DatasetManifest {
  seed: number;
  organizations: number;
  connections: number;
  dataFile: string;
  bigGuests: GuestSummary[];
  smallGuest: GuestSummary;
  // A host with a connected connection to smallGuest, for the cross-organization scenario.
  crossRequesterId: string;
  search: { text: string; hitsInBiggestGuest: number };
}
