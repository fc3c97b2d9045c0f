import {
  ACTION_TYPES,
  CONNECTION_STATUSES,
} from '../../host-connections/entities/host-connection.entity.js';
import {
  bool,
  email,
  type FieldCheck,
  name,
  nullable,
  oneOf,
  Problem,
  quote,
  timestamp,
  uuid,
} from './field-checks.js';
import { describeValue, type FieldValue, type RawRecord } from './raw-record.js';

interface FieldSpec<T> {
  check: FieldCheck<T>;
  /** An absent optional field reads as null. */
  optional?: true;
}

type RecordSpec = Record<string, FieldSpec<unknown>>;
type RecordOf<S extends RecordSpec> = {
  [K in keyof S]: S[K] extends FieldSpec<infer T> ? T : never;
};

const ORGANIZATION = {
  id: { check: uuid },
  name: { check: name },
  email: { check: email },
} satisfies RecordSpec;

const CONNECTION = {
  host_organization_id: { check: uuid },
  guest_organization_id: { check: uuid },
  status: { check: oneOf(CONNECTION_STATUSES) },
  owner_email: { check: email },
  archived: { check: bool },
  archived_at: { check: nullable(timestamp), optional: true },
  active_action_type: { check: nullable(oneOf(ACTION_TYPES)), optional: true },
  active_action_updated_at: { check: nullable(timestamp), optional: true },
  created_at: { check: timestamp },
  updated_at: { check: timestamp },
} satisfies RecordSpec;

export type OrganizationRecord = RecordOf<typeof ORGANIZATION>;
export type ConnectionRecord = RecordOf<typeof CONNECTION>;

export type Validated<T> = { ok: true; record: T } | { ok: false; problems: string[] };

function readRecord<S extends RecordSpec>(
  value: RawRecord | FieldValue,
  spec: S,
): Validated<RecordOf<S>> {
  if (value === null || typeof value !== 'object' || !('fields' in value)) {
    return { ok: false, problems: [`must be an object, got ${describeValue(value)}`] };
  }
  const problems: string[] = [];
  const record: Record<string, unknown> = {};
  let known = 0;
  for (const key in spec) {
    const field = spec[key];
    const raw = value.fields.get(key);
    if (raw === undefined) {
      if (field.optional) record[key] = null;
      else problems.push(`${key} is required`);
      continue;
    }
    known += 1;
    const checked = field.check(raw);
    if (checked instanceof Problem) problems.push(`${key} ${checked.reason}`);
    else record[key] = checked;
  }
  if (value.fields.size > known) {
    for (const key of value.fields.keys()) {
      if (!Object.hasOwn(spec, key)) problems.push(`unknown key ${quote(key)}`);
    }
  }
  for (const key of value.repeatedKeys) problems.push(`key ${quote(key)} appears more than once`);
  return problems.length === 0
    ? { ok: true, record: record as RecordOf<S> }
    : { ok: false, problems };
}

export function validateOrganization(value: RawRecord | FieldValue): Validated<OrganizationRecord> {
  return readRecord(value, ORGANIZATION);
}

// The schema's CHECK constraints, checked here so that a violation is reported with the
// record's position instead of aborting the import with a database error.
export function validateConnection(value: RawRecord | FieldValue): Validated<ConnectionRecord> {
  const read = readRecord(value, CONNECTION);
  if (!read.ok) return read;
  const connection = read.record;
  const problems: string[] = [];
  if (connection.host_organization_id === connection.guest_organization_id) {
    problems.push('host_organization_id and guest_organization_id must differ');
  }
  if (connection.archived !== (connection.archived_at !== null)) {
    problems.push(
      connection.archived
        ? 'archived_at must be a timestamp when archived is true'
        : 'archived_at must be null when archived is false',
    );
  }
  if ((connection.active_action_type === null) !== (connection.active_action_updated_at === null)) {
    problems.push(
      connection.active_action_type === null
        ? 'active_action_updated_at must be null when active_action_type is null'
        : 'active_action_updated_at must be a timestamp when active_action_type is set',
    );
  }
  return problems.length === 0 ? read : { ok: false, problems };
}
