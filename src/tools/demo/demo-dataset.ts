import { createHash } from 'node:crypto';
import {
  ACTION_TYPES,
  type ActionType,
  type ConnectionStatus,
} from '../../host-connections/entities/host-connection.entity.js';

// Fictional companies (the .example domain is reserved for examples).
const HOSTS: ReadonlyArray<readonly [name: string, domain: string]> = [
  ['Acme Freight', 'acme-freight.example'],
  ['Bluebird Logistics', 'bluebird-logistics.example'],
  ['Cedar & Stone Builders', 'cedarstone.example'],
  ['Delta Marine Supply', 'deltamarine.example'],
  ['Evergreen Organics', 'evergreen-organics.example'],
  ['Falcon Aerospace Parts', 'falcon-aero.example'],
  ['Granite Peak Mining', 'granitepeak.example'],
  ['Helios Solar', 'helios-solar.example'],
  ['Ironbridge Steel', 'ironbridge.example'],
  ['Juniper Textiles', 'juniper-textiles.example'],
  ['Kestrel Software', 'kestrel.example'],
  ['Lighthouse Pharmaceuticals', 'lighthouse-pharma.example'],
  ['Maple Leaf Foods', 'mapleleaf-foods.example'],
  ['Nimbus Cloud Services', 'nimbus.example'],
  ['Orchard Valley Farms', 'orchardvalley.example'],
  ['Pioneer Tools', 'pioneer-tools.example'],
  ['Quartz Electronics', 'quartz-electronics.example'],
  ['Redwood Furniture', 'redwood-furniture.example'],
  ['Silverline Rail', 'silverline-rail.example'],
  ['Tidewater Shipping', 'tidewater.example'],
  ['Umbra Optics', 'umbra-optics.example'],
  ['Vantage Medical Devices', 'vantage-medical.example'],
  ['Willow Creek Dairy', 'willowcreek.example'],
  ['Xenon Lighting', 'xenon-lighting.example'],
  ['Yellowstone Outfitters', 'yellowstone-outfitters.example'],
  ['Zephyr Wind Energy', 'zephyr-wind.example'],
  ['Atlas Packaging', 'atlas-packaging.example'],
  ['Beacon Chemicals', 'beacon-chem.example'],
  ['Copperfield Wire & Cable', 'copperfield.example'],
  ['Driftwood Hospitality', 'driftwood.example'],
  ['Ember Ceramics', 'ember-ceramics.example'],
  ['Frontier Auto Parts', 'frontier-auto.example'],
  ['Golden Harvest Mills', 'goldenharvest.example'],
  ['Harborview Seafood', 'harborview.example'],
  ['Indigo Paper Co.', 'indigo-paper.example'],
  ['Jasper Glassworks', 'jasper-glass.example'],
  ['Müller Präzisionstechnik GmbH', 'mueller-praezision.example'],
  ['Lumière Cosmetics', 'lumiere.example'],
  ['Østfold Timber AS', 'ostfold-timber.example'],
  ['Sakura Robotics', 'sakura-robotics.example'],
];

// Guests are lenders; each sees a different slice of the hosts: [first, count].
const GUESTS: ReadonlyArray<readonly [name: string, domain: string, first: number, count: number]> =
  [
    ['Northwind Capital', 'northwind-capital.example', 0, 36],
    ['Harbor Credit Union', 'harbor-cu.example', 10, 24],
    ['Summit Trade Finance', 'summit-tf.example', 28, 12],
  ];

const OWNERS = ['jane.doe', 'omar.haddad', 'li.wei', 'maria.garcia', 'sven.larsen', 'aisha.khan'];

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2024, 0, 15, 9, 0, 0);

/** A stable UUID (v4 layout) per organization name, so restarts and tests see the same ids. */
function demoUuid(name: string): string {
  const hex = createHash('sha256').update(`host-connections demo ${name}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * RFC 3339 with microseconds, spread over the second by `salt`. A JS Date holds only
 * milliseconds, so the last three digits are appended as text.
 */
function timestamp(ms: number, salt: number): string {
  const microseconds = (salt * 7919 + 104_729) % 1_000_000;
  const iso = new Date(ms + Math.floor(microseconds / 1000)).toISOString();
  return `${iso.slice(0, -1)}${String(microseconds % 1000).padStart(3, '0')}Z`;
}

export interface DemoOrganization {
  id: string;
  name: string;
  email: string;
}

export const DEMO_GUEST: DemoOrganization = {
  id: demoUuid(GUESTS[0][0]),
  name: GUESTS[0][0],
  email: `credit@${GUESTS[0][1]}`,
};

// Host 0 of the first guest: its connection (index 0) is `connected` by the rule below.
export const DEMO_CONNECTED_HOST: DemoOrganization = {
  id: demoUuid(HOSTS[0][0]),
  name: HOSTS[0][0],
  email: `ops@${HOSTS[0][1]}`,
};

/**
 * The built-in demo data: three guests with 36, 24 and 12 hosts, cycling through every
 * status, archive state and action type, with microsecond timestamps.
 */
export function demoDocument(): { organizations: unknown[]; connections: unknown[] } {
  const organizations = [
    ...GUESTS.map(([name, domain]) => ({ id: demoUuid(name), name, email: `credit@${domain}` })),
    ...HOSTS.map(([name, domain]) => ({ id: demoUuid(name), name, email: `ops@${domain}` })),
  ];
  const connections = GUESTS.flatMap(([guestName, , first, count], guestIndex) =>
    Array.from({ length: count }, (_, k) => {
      const [hostName, hostDomain] = HOSTS[first + k];
      const seed = guestIndex * 1000 + k;
      const created = START_MS + seed * 3.7 * DAY_MS;
      const status: ConnectionStatus = k % 4 === 3 ? 'disconnected' : 'connected';
      const archived = k % 5 === 2;
      const action: ActionType | null = k % 3 === 0 ? null : ACTION_TYPES[k % 2];
      return {
        host_organization_id: demoUuid(hostName),
        guest_organization_id: demoUuid(guestName),
        status,
        owner_email: `${OWNERS[seed % OWNERS.length]}@${hostDomain}`,
        archived,
        archived_at: archived ? timestamp(created + 40 * DAY_MS, seed * 7 + 11) : null,
        active_action_type: action,
        active_action_updated_at:
          action === null ? null : timestamp(created + 20 * DAY_MS + k * 3_600_000, seed * 3 + 5),
        created_at: timestamp(created, seed * 13 + 1),
        updated_at: timestamp(created + (k + 1) * 1.5 * DAY_MS, seed * 17 + 2),
      };
    }),
  );
  return { organizations, connections };
}
