import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organizations and their host → guest connections, shaped for the guest's list view.
 *
 * Every index starts with guest_organization_id: a list never leaves one guest, and a
 * guest can have 50,000 hosts. Each orderable column has an index in the exact order the
 * list query asks for (column, then host_organization_id), carrying the filter columns,
 * so a page is read in index order and counts are index-only scans. Substring search uses
 * guest-scoped trigram indexes (btree_gin lets the uuid share the GIN index).
 */
export class CreateSchema1764150000000 implements MigrationInterface {
  name = 'CreateSchema1764150000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await db.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await db.query(`CREATE TYPE connection_status AS ENUM ('connected', 'disconnected')`);
    await db.query(
      `CREATE TYPE action_type AS ENUM ('documents_update_request', 'analytics_request')`,
    );
    await db.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL
      )`);
    await db.query(`
      CREATE TABLE host_connections (
        guest_organization_id uuid NOT NULL REFERENCES organizations (id),
        host_organization_id uuid NOT NULL REFERENCES organizations (id),
        host_name text NOT NULL,
        host_email text NOT NULL,
        owner_email text NOT NULL,
        status connection_status NOT NULL,
        archived boolean NOT NULL,
        archived_at timestamptz,
        active_action_type action_type,
        active_action_updated_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (guest_organization_id, host_organization_id),
        CONSTRAINT host_connections_not_self CHECK (guest_organization_id <> host_organization_id),
        CONSTRAINT host_connections_archived_at CHECK (archived = (archived_at IS NOT NULL)),
        CONSTRAINT host_connections_action_updated_at
          CHECK ((active_action_type IS NULL) = (active_action_updated_at IS NULL))
      )`);

    // host_name / host_email mirror the host organization; these triggers are the only
    // writers, so the copies cannot drift whichever client writes the tables.
    await db.query(`
      CREATE FUNCTION host_connections_copy_host() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT o.name, o.email INTO NEW.host_name, NEW.host_email
          FROM organizations o WHERE o.id = NEW.host_organization_id;
        IF NOT FOUND THEN
          RAISE foreign_key_violation USING MESSAGE =
            format('host organization %s does not exist', NEW.host_organization_id);
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER host_connections_copy_host
        BEFORE INSERT OR UPDATE ON host_connections
        FOR EACH ROW EXECUTE FUNCTION host_connections_copy_host()`);
    await db.query(`
      CREATE FUNCTION organizations_propagate_host() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE host_connections SET host_name = NEW.name, host_email = NEW.email
          WHERE host_organization_id = NEW.id;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER organizations_propagate_host
        AFTER UPDATE OF name, email ON organizations
        FOR EACH ROW
        WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
        EXECUTE FUNCTION organizations_propagate_host()`);

    await db.query(`CREATE INDEX host_connections_host ON host_connections (host_organization_id)`);
    for (const [suffix, key] of SORT_INDEXES) {
      await db.query(
        `CREATE INDEX host_connections_guest_${suffix} ON host_connections
           (guest_organization_id, ${key}, host_organization_id)
           INCLUDE (status, archived, active_action_type)`,
      );
    }
    for (const column of ['host_name', 'host_email', 'owner_email']) {
      await db.query(
        `CREATE INDEX host_connections_guest_${column}_trgm ON host_connections
           USING gin (guest_organization_id, ${column} gin_trgm_ops)`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE host_connections`);
    await db.query(`DROP FUNCTION host_connections_copy_host()`);
    await db.query(`DROP TABLE organizations`);
    await db.query(`DROP FUNCTION organizations_propagate_host()`);
    await db.query(`DROP TYPE action_type`);
    await db.query(`DROP TYPE connection_status`);
  }
}

// Nullable columns need a DESC NULLS LAST twin: a backward scan would put NULLs first.
const SORT_INDEXES: ReadonlyArray<readonly [string, string]> = [
  ['host_name', 'host_name'],
  ['host_email', 'host_email'],
  ['owner_email', 'owner_email'],
  ['created_at', 'created_at'],
  ['updated_at', 'updated_at'],
  ['archived_at', 'archived_at'],
  ['archived_at_desc', 'archived_at DESC NULLS LAST'],
  ['action_updated_at', 'active_action_updated_at'],
  ['action_updated_at_desc', 'active_action_updated_at DESC NULLS LAST'],
];
