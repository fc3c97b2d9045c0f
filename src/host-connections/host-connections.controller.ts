import {
  All,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Patch,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrganizationScoped } from '../auth/organization-scoped.decorator.js';
import { OrgContext } from '../auth/org-context.decorator.js';
import type { OrganizationContext } from '../auth/principal.js';
import { ApiErrorResponses } from '../common/errors/api-error-responses.decorator.js';
import { Actor } from './audit-actor.decorator.js';
import {
  ConnectionUpdateRequest,
  type ConnectionUpdate,
  HostOrgIdParam,
} from './connection-request.decorators.js';
import {
  ApiConnectionPath,
  ApiConnectionResponse,
  ApiConnectionUpdateBody,
} from './connection-resource.openapi.js';
import { HostConnectionDto, HostConnectionListDto } from './dto/host-connection.response.dto.js';
import { ListHostConnectionsQueryDto } from './dto/list-host-connections.query.dto.js';
import { EntityTagInterceptor } from './entity-tag.interceptor.js';
import { JsonBodyInterceptor } from './json-body.interceptor.js';
import { MethodNotAllowedError } from './method-not-allowed.error.js';
import { type AuditActor, HostConnectionsService } from './host-connections.service.js';

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

  @Get(':host_org_id')
  @Header('Cache-Control', 'no-store')
  @OrganizationScoped({ scope: 'host_connections:read', modes: ['self', 'cross'] })
  @UseInterceptors(EntityTagInterceptor)
  @ApiOperation({
    operationId: 'getHostConnection',
    summary: 'Read one host connection',
    description: [
      'The connection of the target (guest) organization with one host, with its `ETag`. `HEAD` answers the same headers without a body.',
      '',
      "In a cross-organization request only the requester's own connection is visible: any other host answers 404, exactly as a host the guest has no connection with.",
    ].join('\n'),
  })
  @ApiConnectionPath()
  @ApiConnectionResponse()
  @ApiErrorResponses(401, 403, 404, 414, 422, 429, 431, 503)
  findOne(
    @OrgContext() org: OrganizationContext,
    @HostOrgIdParam() hostId: string,
  ): Promise<HostConnectionDto> {
    return this.service.findOne(org, hostId);
  }

  @Patch(':host_org_id')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @OrganizationScoped({ scope: 'host_connections:write', modes: ['self'] })
  // The body is read after the guards, in this order: the ETag is set on what update returns.
  @UseInterceptors(JsonBodyInterceptor, EntityTagInterceptor)
  @ApiOperation({
    operationId: 'updateHostConnection',
    summary: 'Archive, unarchive, disconnect or reconnect a host connection',
    description: [
      "The guest changes its own connection (self requests only): its archive flag, or the connection's status. A PATCH that changes nothing leaves the connection exactly as it was and answers 200.",
      '',
      'Send the `ETag` of a previous read in `If-Match` to change the connection only if nobody changed it since (412 otherwise); `*` matches any existing connection.',
    ].join('\n'),
  })
  @ApiConnectionPath()
  @ApiConnectionUpdateBody()
  @ApiConnectionResponse()
  @ApiErrorResponses(401, 403, 404, 412, 413, 414, 415, 422, 429, 431, 503)
  update(
    @OrgContext() org: OrganizationContext,
    @ConnectionUpdateRequest() request: ConnectionUpdate,
    @Headers('if-match') ifMatch: string | undefined,
    @Actor() actor: AuditActor,
  ): Promise<HostConnectionDto> {
    return this.service.update(org, request, ifMatch, actor);
  }

  // Declared last: Express tries them only when no route above matched the method.
  @All()
  @ApiExcludeEndpoint()
  listOtherMethods(): never {
    throw new MethodNotAllowedError(['GET', 'HEAD']);
  }

  @All(':host_org_id')
  @ApiExcludeEndpoint()
  connectionOtherMethods(): never {
    throw new MethodNotAllowedError(['GET', 'HEAD', 'PATCH']);
  }
}
