import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrganizationScoped } from '../auth/organization-scoped.decorator.js';
import { OrgContext } from '../auth/org-context.decorator.js';
import type { OrganizationContext } from '../auth/principal.js';
import { ApiErrorResponses } from '../common/errors/api-error-responses.decorator.js';
import { HostConnectionListDto } from './dto/host-connection.response.dto.js';
import { ListHostConnectionsQueryDto } from './dto/list-host-connections.query.dto.js';
import { HostConnectionsService } from './host-connections.service.js';

@ApiTags('host-connections')
@Controller('host-connections')
export class HostConnectionsController {
  constructor(private readonly service: HostConnectionsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @OrganizationScoped({ scope: 'host_connections:read', modes: ['self', 'cross'] })
  @ApiOperation({
    operationId: 'listHostConnections',
    summary: 'List host connections',
    description: [
      'The host organizations the target (guest) organization is connected to, with filters, case-insensitive search, sorting and limit/offset pagination.',
      '',
      'Rows are ordered by `order_by`, then `host_organization_id` ascending, so pages never overlap; `total_items` counts every match. In a cross-organization request only the rows in which the requester is a party are listed.',
    ].join('\n'),
  })
  @ApiOkResponse({
    type: HostConnectionListDto,
    description: 'Successful Response',
    headers: {
      'Cache-Control': { required: true, schema: { type: 'string', enum: ['no-store'] } },
    },
  })
  @ApiErrorResponses(401, 403, 414, 422, 429, 431, 503)
  list(
    @OrgContext() org: OrganizationContext,
    @Query() query: ListHostConnectionsQueryDto,
  ): Promise<HostConnectionListDto> {
    return this.service.list(org, query);
  }
}
