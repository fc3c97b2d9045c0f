import type { HostConnectionDto } from './dto/host-connection.response.dto.js';
import { entityTagOf, ifMatchAllows } from './entity-tag.js';

const CONNECTION: HostConnectionDto = {
  host_organization_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  guest_organization_id: '8f14e45f-ceea-467f-a8b5-0c1f6a0e4f2b',
  host_name: 'Acme Freight',
  host_email: 'ops@acme.example',
  owner_email: 'jane@acme.example',
  status: 'connected',
  archived: false,
  created_at: '2025-12-12T12:00:00.123456Z',
  updated_at: '2025-12-12T12:00:00.123456Z',
  archived_at: null,
  active_action_type: null,
  active_action_updated_at: null,
};

describe('entityTagOf', () => {
  it('should give a quoted strong tag that is the same for the same representation', () => {
    expect(entityTagOf(CONNECTION)).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(entityTagOf({ ...CONNECTION })).toBe(entityTagOf(CONNECTION));
  });

  it.each(Object.keys(CONNECTION) as Array<keyof HostConnectionDto>)(
    'should change when %s changes',
    (field) => {
      const changed = {
        ...CONNECTION,
        [field]: field === 'archived' ? true : `${String(CONNECTION[field])}x`,
      };

      expect(entityTagOf(changed)).not.toBe(entityTagOf(CONNECTION));
    },
  );
});

describe('ifMatchAllows', () => {
  const current = entityTagOf(CONNECTION);

  it.each<[string, string | undefined, boolean]>([
    ['no header', undefined, true],
    ['*', '*', true],
    ['* with spaces', '  * ', true],
    ['the current tag', current, true],
    ['a list holding it', `"a", ${current} ,"b"`, true],
    ['another tag', '"a"', false],
    ['the weak form', `W/${current}`, false],
    ['an unquoted tag', current.slice(1, -1), false],
    ['an empty value', '', false],
    ['a list with a malformed member', `${current}, x`, false],
    ['* in a list', `*, ${current}`, false],
  ])('should answer for %s', (_name, header, allowed) => {
    expect(ifMatchAllows(header, current)).toBe(allowed);
  });
});
