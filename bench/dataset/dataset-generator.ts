import type {
  ActionType,
  ConnectionStatus,
} from '../../src/host-connections/entities/host-connection.entity.js';
import { aCompany, anOwnerEmail } from './company-names.js';
import type { DatasetShape } from './dataset-shape.js';
import { SeededRandom } from './seeded-random.js';
import { formatMicros, MICROS_PER_DAY, microsOf } from './timestamps.js';

export interface OrganizationRecord {
  id: string;
  name: string;
  email: string;
}

/** One connection in the contract's import format (host_name/host_email come from triggers). */
export interface ConnectionRecord {
  host_organization_id: string;
  guest_organization_id: string;
  status: ConnectionStatus;
  owner_email: string;
  archived: boolean;
  archived_at: string | null;
  active_action_type: ActionType | null;
  active_action_updated_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlannedGuest {
  organization: number;
  hosts: number;
}

const FIRST_CREATED = microsOf('2021-01-01T00:00:00Z');
const LAST_CREATED = microsOf('2025-06-30T00:00:00Z');

/**
 * Draws the organizations and each guest's host count up front (small: one entry per
 * organization), then yields the connections one at a time so a million of them never
 * sit in memory together. Same shape, same seed: same records, in the same order.
 */
export class DatasetGenerator {
  readonly organizations: OrganizationRecord[];
  readonly guests: PlannedGuest[];
  private readonly random: SeededRandom;

  constructor(private readonly shape: DatasetShape) {
    this.random = new SeededRandom(shape.seed);
    this.organizations = Array.from({ length: shape.organizations }, (_, index) => ({
      id: this.random.uuid(),
      ...aCompany(this.random, index),
    }));
    this.guests = this.planGuests();
  }

  *connections(): Generator<ConnectionRecord> {
    for (const guest of this.guests) yield* this.connectionsOf(guest);
  }

  private planGuests(): PlannedGuest[] {
    const { shape, random } = this;
    const order = shuffledIndexes(shape.organizations, random);
    const sizes = [...shape.bigGuestHosts];
    for (let i = 0; i < shape.midGuests; i++)
      sizes.push(random.int(shape.midGuestHosts.min, shape.midGuestHosts.max));
    let remaining = shape.connections - sizes.reduce((sum, size) => sum + size, 0);
    if (remaining < 0) throw new Error('big and mid guests alone exceed the connection count');
    while (remaining > 0) {
      const size = Math.min(
        remaining,
        random.int(shape.smallGuestHosts.min, shape.smallGuestHosts.max),
      );
      sizes.push(size);
      remaining -= size;
    }
    if (sizes.length > order.length) throw new Error('more guests than organizations');
    if (sizes.some((size) => size >= shape.organizations))
      throw new Error('a guest cannot have more hosts than there are other organizations');
    return sizes.map((hosts, i) => ({ organization: order[i], hosts }));
  }

  // Hosts are start, start + stride, start + 2·stride, ... modulo the organization count:
  // a stride coprime with that count never repeats, so the hosts are distinct without a set.
  private *connectionsOf(guest: PlannedGuest): Generator<ConnectionRecord> {
    const { random } = this;
    const total = this.shape.organizations;
    const start = random.int(0, total - 1);
    let stride = random.int(1, total - 1);
    while (greatestCommonDivisor(stride, total) !== 1) stride = random.int(1, total - 1);
    let emitted = 0;
    for (let step = 0; emitted < guest.hosts; step++) {
      const host = (start + step * stride) % total;
      if (host === guest.organization) continue;
      emitted += 1;
      yield this.connection(this.organizations[host], this.organizations[guest.organization]);
    }
  }

  private connection(host: OrganizationRecord, guest: OrganizationRecord): ConnectionRecord {
    const { random, shape } = this;
    const created = random.int(FIRST_CREATED, LAST_CREATED);
    const archived = random.chance(shape.archivedShare);
    const archivedAt = archived ? created + random.int(0, 180 * MICROS_PER_DAY) : null;
    const action: ActionType | null = random.chance(shape.withActionShare)
      ? random.pick(['documents_update_request', 'analytics_request'] as const)
      : null;
    const actionAt = action === null ? null : created + random.int(0, 365 * MICROS_PER_DAY);
    const updated =
      Math.max(created, archivedAt ?? 0, actionAt ?? 0) + random.int(0, 30 * MICROS_PER_DAY);
    return {
      host_organization_id: host.id,
      guest_organization_id: guest.id,
      status: random.chance(shape.disconnectedShare) ? 'disconnected' : 'connected',
      owner_email: anOwnerEmail(random, host.email),
      archived,
      archived_at: archivedAt === null ? null : formatMicros(archivedAt),
      active_action_type: action,
      active_action_updated_at: actionAt === null ? null : formatMicros(actionAt),
      created_at: formatMicros(created),
      updated_at: formatMicros(updated),
    };
  }
}

function shuffledIndexes(count: number, random: SeededRandom): Int32Array {
  const indexes = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(0, i);
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  return indexes;
}

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}
