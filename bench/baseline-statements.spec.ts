import 'reflect-metadata';
import { readQuery } from '../src/common/validation/query-decorators.js';
import { parse as parseQueryString } from 'node:querystring';
import { DataSource, type ObjectLiteral, type ReplicationMode } from 'typeorm';
import { OrganizationAccessService } from '../src/auth/organization-access.service.js';
import { DatabaseStatements } from '../src/database/database-statements.js';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { ListHostConnectionsQueryDto } from '../src/host-connections/dto/list-host-connections.query.dto.js';
import { HostConnection } from '../src/host-connections/entities/host-connection.entity.js';
import { HostConnectionsService } from '../src/host-connections/host-connections.service.js';
import { baselineStatement, CONNECTED_LINK_SQL, leanQuery } from './baseline-statements.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';
import { benchScenarios } from './scenarios.js';

class UnconnectedDataSource extends DataSource {
  async buildMetadataWithoutConnecting(): Promise<void> {
    await this.buildMetadatas();
  }
}

/** What the service would send, recorded instead of run. */
class RecordingStatements extends DatabaseStatements {
  readonly sent: Array<{ mode: ReplicationMode; sql: string; parameters: unknown[] }> = [];

  override query<T extends ObjectLiteral>(
    mode: ReplicationMode,
    sql: string,
    parameters: readonly unknown[],
  ): Promise<T[]> {
    this.sent.push({ mode, sql, parameters: [...parameters] });
    // One row, so that the access check passes and a page is not followed by a count.
    return Promise.resolve([{ total_items: '1' } as unknown as T]);
  }
}

const MANIFEST: DatasetManifest = {
  seed: 1,
  organizations: 3,
  connections: 2,
  dataFile: 'dataset.json',
  bigGuests: [{ id: '8f14e45f-ceea-467f-a8b5-0c1f6a0e4f2b', hosts: 50_000 }],
  smallGuest: { id: 'c9f0f895-fb98-4b91-9f3c-2d7e5e9c2a11', hosts: 12 },
  crossRequesterId: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  search: { text: 'Quill', hitsInBiggestGuest: 500 },
};

describe('the lean baseline', () => {
  let recorder: RecordingStatements;
  let service: HostConnectionsService;
  let access: OrganizationAccessService;

  beforeAll(async () => {
    const dataSource = new UnconnectedDataSource(
      buildDataSourceOptions({
        ...DEFAULT_DATABASE_SETTINGS,
        DATABASE_URL: 'postgres://never-connected.invalid/none',
      }),
    );
    await dataSource.buildMetadataWithoutConnecting();
    recorder = new RecordingStatements(dataSource);
    const connections = dataSource.getRepository(HostConnection);
    service = new HostConnectionsService(connections, recorder);
    access = new OrganizationAccessService(connections, recorder);
  });

  it.each(benchScenarios(MANIFEST).map((scenario) => [scenario.id, scenario] as const))(
    'should send the service’s SQL and values for %s',
    async (_, scenario) => {
      const cross = scenario.requesterId !== scenario.targetId;
      recorder.sent.length = 0;

      if (cross) await access.hasConnectedLink(scenario.requesterId, scenario.targetId);
      await service.list(
        {
          requesterId: scenario.requesterId,
          targetId: scenario.targetId,
          mode: cross ? 'cross' : 'self',
          partyId: cross ? scenario.requesterId : null,
        },
        readQuery(ListHostConnectionsQueryDto, parseQueryString(scenario.query)),
      );
      const baseline = baselineStatement(
        leanQuery(parseQueryString(scenario.query)),
        scenario.targetId,
        cross ? scenario.requesterId : null,
      );

      const expected = [{ mode: 'slave', sql: baseline.sql, parameters: baseline.values }];
      if (cross) {
        expected.unshift({
          mode: 'master',
          sql: CONNECTED_LINK_SQL,
          parameters: [scenario.requesterId, scenario.targetId],
        });
      }
      expect(recorder.sent).toEqual(expected);
    },
  );
});
