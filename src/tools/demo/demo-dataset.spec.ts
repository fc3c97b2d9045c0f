import { DEMO_CONNECTED_HOST, DEMO_GUEST, demoDocument } from './demo-dataset.js';

interface Connection {
  host_organization_id: string;
  guest_organization_id: string;
  status: string;
  archived: boolean;
  active_action_type: string | null;
  created_at: string;
}

const { organizations, connections } = demoDocument() as {
  organizations: Array<{ id: string }>;
  connections: Connection[];
};

describe('demo dataset', () => {
  it('should give each guest every status, archive state and action type', () => {
    const guests = new Set(connections.map((c) => c.guest_organization_id));
    expect(guests.size).toBe(3);
    for (const guest of guests) {
      const own = connections.filter((c) => c.guest_organization_id === guest);
      expect(new Set(own.map((c) => c.status))).toEqual(new Set(['connected', 'disconnected']));
      expect(new Set(own.map((c) => c.archived))).toEqual(new Set([true, false]));
      expect(new Set(own.map((c) => c.active_action_type))).toEqual(
        new Set([null, 'documents_update_request', 'analytics_request']),
      );
    }
  });

  it('should be the same on every call, with microsecond timestamps', () => {
    expect(demoDocument()).toEqual({ organizations, connections });
    for (const connection of connections) {
      expect(connection.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  });

  it('should connect the printed host to the printed guest', () => {
    expect(organizations.map((o) => o.id)).toEqual(
      expect.arrayContaining([DEMO_GUEST.id, DEMO_CONNECTED_HOST.id]),
    );
    expect(
      connections.find(
        (c) =>
          c.host_organization_id === DEMO_CONNECTED_HOST.id &&
          c.guest_organization_id === DEMO_GUEST.id,
      )?.status,
    ).toBe('connected');
  });
});
