import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { QueryRunner, Repository, SelectQueryBuilder } from 'typeorm';
import { HostConnection } from '../host-connections/entities/host-connection.entity.js';

@Injectable()
export class OrganizationAccessService {
  constructor(
    @InjectRepository(HostConnection) private readonly connections: Repository<HostConnection>,
  ) {}

  /** Whether a `connected` connection links the two organizations, in either direction. */
  async hasConnectedLink(a: string, b: string): Promise<boolean> {
    // On the primary, never a read replica: a connection revoked a moment ago must stop
    // granting access at once, not after the replica catches up.
    const primary = this.connections.manager.dataSource.createQueryRunner('master');
    try {
      const row = await this.connectedLinkQuery(a, b, primary).getRawOne<{ linked: number }>();
      return row !== undefined;
    } finally {
      await primary.release();
    }
  }

  /** The statement hasConnectedLink runs, for tools that must run exactly the same SQL. */
  connectedLinkQuery(
    a: string,
    b: string,
    runner?: QueryRunner,
  ): SelectQueryBuilder<HostConnection> {
    return this.connections
      .createQueryBuilder('c', runner)
      .select('1', 'linked')
      .where(
        '((c.guest_organization_id = :a AND c.host_organization_id = :b) OR (c.guest_organization_id = :b AND c.host_organization_id = :a))',
        { a, b },
      )
      .andWhere("c.status = 'connected'")
      .limit(1);
  }
}
