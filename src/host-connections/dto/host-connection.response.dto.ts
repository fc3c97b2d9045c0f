import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  ACTION_TYPES,
  type ActionType,
  CONNECTION_STATUSES,
  type ConnectionStatus,
} from '../entities/host-connection.entity.js';

const TIMESTAMP_EXAMPLE = '2025-12-12T12:00:00.123456Z';

/** One row of the list, fields in the contract's order. */
@ApiSchema({
  name: 'HostConnection',
  description: 'A host organization the guest is connected to.',
})
export class HostConnectionDto {
  @ApiProperty({ format: 'uuid', example: '3c90c3cc-0d44-4b50-8888-8dd25736052a' })
  host_organization_id: string;

  @ApiProperty({ format: 'uuid', example: '8f14e45f-ceea-467f-a8b5-0c1f6a0e4f2b' })
  guest_organization_id: string;

  @ApiProperty({ example: 'Acme Freight' })
  host_name: string;

  @ApiProperty({ format: 'email', example: 'ops@acme.example' })
  host_email: string;

  @ApiProperty({ format: 'email', example: 'jane@acme.example' })
  owner_email: string;

  @ApiProperty({ type: 'string', enum: CONNECTION_STATUSES })
  status: ConnectionStatus;

  @ApiProperty({ description: "The guest's own archive flag for this host." })
  archived: boolean;

  @ApiProperty({ format: 'date-time', example: TIMESTAMP_EXAMPLE })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: TIMESTAMP_EXAMPLE })
  updated_at: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null })
  archived_at: string | null;

  // OpenAPI 3.0: `nullable` widens `type` only, so null must also be an enum value.
  @ApiProperty({
    type: 'string',
    enum: [...ACTION_TYPES, null],
    nullable: true,
    example: 'analytics_request',
    description: 'What the host currently asks of the guest, if anything.',
  })
  active_action_type: ActionType | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: TIMESTAMP_EXAMPLE })
  active_action_updated_at: string | null;
}

@ApiSchema({ name: 'HostConnectionList', description: 'One page of host connections.' })
export class HostConnectionListDto {
  @ApiProperty({ type: [HostConnectionDto] })
  items: HostConnectionDto[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Every matching row, ignoring limit and offset.',
  })
  total_items: number;
}
