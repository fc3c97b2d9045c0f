import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DatabaseStatements } from '../database/database-statements.js';
import { HostConnection } from '../host-connections/entities/host-connection.entity.js';

@Injectable()
export class OrganizationAccessService {
  // One shape, built by the query builder on first use and reused with fresh values.
  private linkStatement?: string;

  constructor(
    @InjectRepository(HostConnection) private readonly connections: Repository<HostConnection>,
    private readonly statements: DatabaseStatements,
  ) {}

  /** Whether a `connected` connection links the two organizations, in either direction. */
  async hasConnectedLink(a: string, b: string): Promise<boolean> {
    // On the primary, never a read replica: a connection revoked a moment ago must stop
    // granting access at once, not after the replica catches up.
    const rows = await this.statements.query('master', this.connectedLinkSql(), [a, b]);
    return rows.length > 0;
  }

  // $1 is `a` and $2 is `b`: the builder numbers the parameters in order of appearance.
  private connectedLinkSql(): string {
    this.linkStatement ??= this.connections
      .createQueryBuilder('c')
      .select('1', 'linked')
      .where(
        '((c.guest_organization_id = :a AND c.host_organization_id = :b) OR (c.guest_organization_id = :b AND c.host_organization_id = :a))',
        { a: 'a', b: 'b' },
      )
      .andWhere("c.status = 'connected'")
      .limit(1)
      .getQueryAndParameters()[0];
    return this.linkStatement;
  }
}
