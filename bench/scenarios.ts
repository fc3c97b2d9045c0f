import type { DatasetManifest } from './dataset/dataset-shape.js';

export interface Scenario {
  id: string;
  description: string;
  requesterId: string;
  targetId: string;
  query: string;
  /** Database-bound scenarios have absolute targets; the others are compared to the baseline. */
  bound: 'database' | 'application';
  // The throughput target for database-bound scenarios, in requests per second.
  minRequestsPerSecond?: number;
  // For the others, the share of the lean baseline's throughput they must reach.
  minBaselineRatio?: number;
}

/** The scenarios, on the generated dataset's guests. */
export function benchScenarios(manifest: DatasetManifest): Scenario[] {
  const biggest = manifest.bigGuests[0].id;
  const small = manifest.smallGuest.id;
  const bigGuest = (
    id: string,
    description: string,
    query: string,
    minRequestsPerSecond: number,
  ): Scenario => ({
    id,
    description,
    requesterId: biggest,
    targetId: biggest,
    query,
    bound: 'database',
    minRequestsPerSecond,
  });
  return [
    {
      id: 'S1',
      description: `small guest (${manifest.smallGuest.hosts} hosts), default list, limit 20`,
      requesterId: small,
      targetId: small,
      query: 'statuses=connected&limit=20&offset=0',
      bound: 'application',
      minBaselineRatio: 0.55,
    },
    bigGuest(
      'S2a',
      '50k guest, first page by host_name asc, one status',
      'statuses=connected&order_by=host_name&limit=100&offset=0',
      130,
    ),
    bigGuest(
      'S2b',
      '50k guest, first page by host_name desc, one status',
      'statuses=connected&order_by=host_name&order_dir=desc&limit=100&offset=0',
      130,
    ),
    bigGuest(
      'S2c',
      '50k guest, first page by host_name asc, both statuses',
      'statuses=connected&statuses=disconnected&order_by=host_name&limit=100&offset=0',
      130,
    ),
    bigGuest(
      'S2d',
      '50k guest, first page by host_name desc, both statuses',
      'statuses=connected,disconnected&order_by=host_name&order_dir=desc&limit=100&offset=0',
      130,
    ),
    bigGuest(
      'S3',
      `50k guest, search_text=${manifest.search.text} on host_name (~1 % hits)`,
      `statuses=connected&search_field=host_name&search_text=${manifest.search.text}&limit=100&offset=0`,
      300,
    ),
    bigGuest(
      'S4',
      '50k guest, offset 40000, limit 100',
      'statuses=connected&limit=100&offset=40000',
      70,
    ),
    {
      id: 'S5',
      description: 'cross-organization: a host lists its row in a small guest',
      requesterId: manifest.crossRequesterId,
      targetId: small,
      query: 'statuses=connected&limit=20&offset=0',
      bound: 'application',
      minBaselineRatio: 0.5,
    },
    bigGuest(
      'S6',
      '50k guest, archived=false, analytics_request, by archived_at desc',
      'statuses=connected&archived=false&active_action_types=analytics_request&order_by=archived_at&order_dir=desc&limit=100&offset=0',
      190,
    ),
  ];
}
