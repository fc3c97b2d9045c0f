import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsIn, ValidateIf } from 'class-validator';
import { CONNECTION_STATUSES, type ConnectionStatus } from '../entities/host-connection.entity.js';

// Validated only when sent, and then null is a wrong value like any other: an absent
// field changes nothing, a null one is a mistake worth reporting.
const WhenSent = () => ValidateIf((_dto: object, value: unknown) => value !== undefined);

/** The body of PATCH /host-connections/{host_org_id}: at least one of the fields. */
@ApiSchema({
  name: 'HostConnectionUpdate',
  description:
    'What to change; at least one field. Fields left out keep their value; unknown fields are refused.',
})
export class UpdateHostConnectionBodyDto {
  @ApiProperty({
    required: false,
    type: 'boolean',
    example: true,
    description:
      'The guest\'s own archive flag. `true` on an unarchived connection sets `archived_at` to now; `false` on an archived one clears it. A JSON boolean: `"true"` is refused.',
  })
  @WhenSent()
  @IsBoolean({ message: 'Input should be a valid boolean' })
  archived?: boolean;

  @ApiProperty({
    required: false,
    type: 'string',
    enum: CONNECTION_STATUSES,
    example: 'disconnected',
    description: 'The connection status; reconnecting a disconnected connection is allowed.',
  })
  @WhenSent()
  @IsIn(CONNECTION_STATUSES, {
    message: `Input should be ${CONNECTION_STATUSES.map((status) => `'${status}'`).join(' or ')}`,
  })
  status?: ConnectionStatus;
}
