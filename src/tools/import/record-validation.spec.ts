import { type FieldValue, OtherValue, type RawRecord } from './raw-record.js';
import { validateConnection, validateOrganization } from './record-validation.js';

const HOST = '11111111-1111-4111-8111-111111111111';
const GUEST = '22222222-2222-4222-8222-222222222222';

function raw(fields: Record<string, FieldValue>, repeatedKeys: string[] = []): RawRecord {
  return { fields: new Map(Object.entries(fields)), repeatedKeys };
}

const organization = { id: HOST, name: 'Acme Freight', email: 'ops@acme.example' };

const connection: Record<string, FieldValue> = {
  host_organization_id: HOST,
  guest_organization_id: GUEST,
  status: 'connected',
  owner_email: 'jane@acme.example',
  archived: false,
  archived_at: null,
  active_action_type: null,
  active_action_updated_at: null,
  created_at: '2025-12-12T12:00:00.123456Z',
  updated_at: '2025-12-12T12:00:00.123456Z',
};

describe('validateOrganization', () => {
  it('should accept a complete organization and lower-case its id', () => {
    const result = validateOrganization(raw({ ...organization, id: HOST.toUpperCase() }));

    expect(result).toEqual({ ok: true, record: organization });
  });

  it.each<[string, Record<string, FieldValue>, string]>([
    ['a bad UUID', { id: 'acme' }, 'id must be a UUID, got "acme"'],
    ['a number id', { id: OtherValue.NUMBER }, 'id must be a UUID string, got a number'],
    ['an empty name', { name: '' }, 'name must not be empty'],
    ['a blank name', { name: '   ' }, 'name must not be empty'],
    ['a long name', { name: 'x'.repeat(256) }, 'name must be at most 255 characters long'],
    [
      'a NUL in the name',
      { name: 'Ac\u0000me' },
      'name must not contain NUL characters or unpaired surrogates',
    ],
    [
      'a lone surrogate',
      { name: 'Acme \ud800' },
      'name must not contain NUL characters or unpaired surrogates',
    ],
    [
      'an email without a domain',
      { email: 'ops@acme' },
      'email must be an email address such as ops@acme.example',
    ],
    [
      'an email with a space',
      { email: 'o ps@acme.example' },
      'email must be an email address such as ops@acme.example',
    ],
    ['a null email', { email: null }, 'email must be an email address string, got null'],
  ])('should refuse %s', (_, change, problem) => {
    expect(validateOrganization(raw({ ...organization, ...change }))).toEqual({
      ok: false,
      problems: [problem],
    });
  });

  it('should accept a name of 255 characters outside the basic plane', () => {
    const name = '😀'.repeat(255);

    expect(validateOrganization(raw({ ...organization, name }))).toEqual({
      ok: true,
      record: { ...organization, name },
    });
  });

  it('should report a missing, an unknown and a repeated key together', () => {
    const fields = { id: HOST, name: 'Acme', mail: 'ops@acme.example' };

    expect(validateOrganization(raw(fields, ['name']))).toEqual({
      ok: false,
      problems: ['email is required', 'unknown key "mail"', 'key "name" appears more than once'],
    });
  });

  it.each([
    ['a string', 'acme', 'must be an object, got a string'],
    ['null', null, 'must be an object, got null'],
    ['an array', OtherValue.ARRAY, 'must be an object, got an array'],
  ])('should refuse %s in place of a record', (_, value, problem) => {
    expect(validateOrganization(value)).toEqual({ ok: false, problems: [problem] });
  });
});

describe('validateConnection', () => {
  it('should accept a complete connection', () => {
    expect(validateConnection(raw(connection))).toEqual({ ok: true, record: connection });
  });

  it('should read absent nullable fields as null', () => {
    const { archived_at, active_action_type, active_action_updated_at, ...required } = connection;

    expect(validateConnection(raw(required))).toEqual({
      ok: true,
      record: { ...required, archived_at, active_action_type, active_action_updated_at },
    });
  });

  it('should accept an archived connection with an action', () => {
    const archived = {
      ...connection,
      archived: true,
      archived_at: '2025-12-13T00:00:00.000001Z',
      active_action_type: 'documents_update_request',
      active_action_updated_at: '2025-12-14T00:00:00+02:00',
    };

    expect(validateConnection(raw(archived))).toEqual({ ok: true, record: archived });
  });

  it.each<[string, Record<string, FieldValue>, string]>([
    [
      'an unknown status',
      { status: 'pending' },
      `status must be 'connected' or 'disconnected', got "pending"`,
    ],
    [
      'an upper-case status',
      { status: 'CONNECTED' },
      `status must be 'connected' or 'disconnected', got "CONNECTED"`,
    ],
    [
      'an unknown action type',
      { active_action_type: 'call_me', active_action_updated_at: '2025-12-12T12:00:00Z' },
      `active_action_type must be 'documents_update_request' or 'analytics_request', got "call_me"`,
    ],
    [
      'a string archived flag',
      { archived: 'false' },
      'archived must be true or false, got a string',
    ],
    ['a null archived flag', { archived: null }, 'archived must be true or false, got null'],
    [
      'seven fractional digits',
      { created_at: '2025-12-12T12:00:00.1234567Z' },
      'created_at must have at most 6 fractional digits (microseconds), got "2025-12-12T12:00:00.1234567Z"',
    ],
    [
      'a timestamp without a zone',
      { updated_at: '2025-12-12T12:00:00' },
      'updated_at must be an RFC 3339 timestamp such as 2025-12-12T12:00:00.123456Z, got "2025-12-12T12:00:00"',
    ],
    [
      'a numeric timestamp',
      { created_at: OtherValue.NUMBER },
      'created_at must be an RFC 3339 timestamp string, got a number',
    ],
    [
      'archived without archived_at',
      { archived: true },
      'archived_at must be a timestamp when archived is true',
    ],
    [
      'archived_at on an unarchived connection',
      { archived_at: '2025-12-12T12:00:00Z' },
      'archived_at must be null when archived is false',
    ],
    [
      'an action without its time',
      { active_action_type: 'analytics_request' },
      'active_action_updated_at must be a timestamp when active_action_type is set',
    ],
    [
      'an action time without an action',
      { active_action_updated_at: '2025-12-12T12:00:00Z' },
      'active_action_updated_at must be null when active_action_type is null',
    ],
    [
      'a connection to itself',
      { guest_organization_id: HOST.toUpperCase() },
      'host_organization_id and guest_organization_id must differ',
    ],
    [
      'a nested object',
      { owner_email: OtherValue.OBJECT },
      'owner_email must be an email address string, got an object',
    ],
  ])('should refuse %s', (_, change, problem) => {
    expect(validateConnection(raw({ ...connection, ...change }))).toEqual({
      ok: false,
      problems: [problem],
    });
  });
});
