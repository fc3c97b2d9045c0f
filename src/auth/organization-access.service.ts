import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import { PooledStatements } from '../database/pooled-statements.js';
import { HostConnection } from '../host-connections/entities/host-connection.entity.js';

@Injectable()
export class OrganizationAccessService {
  constructor(
    @InjectRepository(HostConnection) private readonly connections: Repository<HostConnection>,
    private readonly statements: PooledStatements,
  ) {}

  /** Whether a `connected` connection links the two organizations, in either direction. */
  async hasConnectedLink(a: string, b: string): Promise<boolean> {
    // On the primary, never a read replica: a connection revoked a moment ago must stop
    // granting access at once, not after the replica catches up.
    const rows = await this.statements.readPrimary(this.connectedLinkQuery(a, b));
    return rows.length > 0;
  }

  /** The statement hasConnectedLink runs, for tools that must run exactly the same SQL. */
  connectedLinkQuery(a: string, b: string): SelectQueryBuilder<HostConnection> {
    return this.connections
      .createQueryBuilder('c')
      .select('1', 'linked')
      .where(
        '((c.guest_organization_id = :a AND c.host_organization_id = :b) OR (c.guest_organization_id = :b AND c.host_organization_id = :a))',
        { a, b },
      )
      .andWhere("c.status = 'connected'")
      .limit(1);
  }
}
