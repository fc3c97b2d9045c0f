import 'reflect-metadata';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { ApiError } from '../common/errors/api-error.js';
import { OrganizationAccessService } from './organization-access.service.js';
import { OrganizationGuard } from './organization.guard.js';
import { OrganizationScoped } from './organization-scoped.decorator.js';
import type { AuthenticatedRequest } from './principal.js';

const REQUESTER = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const TARGET = '8f14e45f-ceea-467f-a8b5-0c1f6a0e4f2b';

// Routes declaring each access rule, as a controller would.
class Routes {
  @OrganizationScoped({ scope: 'read', modes: ['self', 'cross'] })
  selfOrCross(): void {}

  @OrganizationScoped({ scope: 'read', modes: ['self'] })
  selfOnly(): void {}

  @OrganizationScoped({ scope: 'read', modes: ['cross'] })
  crossOnly(): void {}
}

/** Records the links asked about; `links` holds "a|b" for each connected pair, both ways. */
class FakeOrganizationAccess {
  readonly asked: Array<[string, string]> = [];
  readonly links = new Set<string>();

  hasConnectedLink(a: string, b: string): Promise<boolean> {
    this.asked.push([a, b]);
    return Promise.resolve(this.links.has(`${a}|${b}`) || this.links.has(`${b}|${a}`));
  }
}

function aRequest(
  headers: Record<string, string | undefined>,
  tokenOrganization: string | null = REQUESTER,
): AuthenticatedRequest {
  return {
    headers,
    principal:
      tokenOrganization === null
        ? undefined
        : { subject: 'client', organizationId: tokenOrganization, scopes: new Set(['read']) },
  } as AuthenticatedRequest;
}

async function outcomeOf(promise: Promise<boolean>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, details: error.details };
  }
}

describe('OrganizationGuard', () => {
  let access: FakeOrganizationAccess;
  let guard: OrganizationGuard;

  beforeEach(() => {
    access = new FakeOrganizationAccess();
    guard = new OrganizationGuard(access as unknown as OrganizationAccessService, new Reflector());
  });

  function activate(request: AuthenticatedRequest, route: keyof Routes = 'selfOrCross') {
    const context = new ExecutionContextHost(
      [request, {}, () => undefined],
      Routes,
      Routes.prototype[route],
    );
    return guard.canActivate(context);
  }

  it('should resolve a self context without asking for a connection when both headers are the requester', async () => {
    const request = aRequest({
      'requester-organization-id': REQUESTER,
      'target-organization-id': REQUESTER,
    });

    const allowed = await activate(request);

    expect(allowed).toBe(true);
    expect(request.organizationContext).toStrictEqual({
      requesterId: REQUESTER,
      targetId: REQUESTER,
      mode: 'self',
      partyId: null,
    });
    expect(access.asked).toStrictEqual([]);
  });

  it('should compare upper-case headers and claim in lower case', async () => {
    const request = aRequest(
      {
        'requester-organization-id': REQUESTER.toUpperCase(),
        'target-organization-id': REQUESTER.toUpperCase(),
      },
      REQUESTER,
    );

    const allowed = await activate(request);

    expect(allowed).toBe(true);
    expect(request.organizationContext).toMatchObject({ requesterId: REQUESTER, mode: 'self' });
  });

  it('should resolve a cross context restricted to the requester when the two are connected', async () => {
    access.links.add(`${TARGET}|${REQUESTER}`);
    const request = aRequest({
      'requester-organization-id': REQUESTER,
      'target-organization-id': TARGET,
    });

    const allowed = await activate(request);

    expect(allowed).toBe(true);
    expect(request.organizationContext).toStrictEqual({
      requesterId: REQUESTER,
      targetId: TARGET,
      mode: 'cross',
      partyId: REQUESTER,
    });
    expect(access.asked).toStrictEqual([[REQUESTER, TARGET]]);
  });

  it('should refuse a cross request with 403 when the two are not connected', async () => {
    const request = aRequest({
      'requester-organization-id': REQUESTER,
      'target-organization-id': TARGET,
    });

    const outcome = await outcomeOf(activate(request));

    expect(outcome).toStrictEqual({
      status: 403,
      details: [
        {
          loc: ['header', 'target-organization-id'],
          msg: 'The requester has no connected connection with the target organization',
          type: 'permission_denied',
          code: 'no_connection',
        },
      ],
    });
    expect(request.organizationContext).toBeUndefined();
  });

  it.each([
    ['names another organization', TARGET],
    ['is missing', null],
  ])(
    'should refuse with 403 before any connection lookup when the token %s',
    async (_, tokenOrganization) => {
      const request = aRequest(
        { 'requester-organization-id': REQUESTER, 'target-organization-id': TARGET },
        tokenOrganization,
      );

      const outcome = await outcomeOf(activate(request));

      expect(outcome).toStrictEqual({
        status: 403,
        details: [
          {
            loc: ['header', 'requester-organization-id'],
            msg: "Requester-Organization-ID does not match the token's organization",
            type: 'permission_denied',
            code: 'organization_mismatch',
          },
        ],
      });
      expect(access.asked).toStrictEqual([]);
    },
  );

  it('should report both missing headers in one 422, before the token organization', async () => {
    const request = aRequest({}, TARGET);

    const outcome = await outcomeOf(activate(request));

    expect(outcome).toStrictEqual({
      status: 422,
      details: [
        {
          loc: ['header', 'requester-organization-id'],
          msg: 'Field required',
          type: 'missing',
          code: 'missing',
        },
        {
          loc: ['header', 'target-organization-id'],
          msg: 'Field required',
          type: 'missing',
          code: 'missing',
        },
      ],
    });
  });

  it.each(['', 'acme', `${REQUESTER},${REQUESTER}`, `{${REQUESTER}}`])(
    'should answer 422 when Target-Organization-ID is %j',
    async (target) => {
      const request = aRequest({
        'requester-organization-id': REQUESTER,
        'target-organization-id': target,
      });

      const outcome = await outcomeOf(activate(request));

      expect(outcome).toStrictEqual({
        status: 422,
        details: [
          {
            loc: ['header', 'target-organization-id'],
            msg: 'Input should be a valid UUID',
            type: 'uuid_parsing',
            code: 'invalid_uuid',
          },
        ],
      });
    },
  );

  it('should refuse a cross request on a route that serves only self', async () => {
    access.links.add(`${REQUESTER}|${TARGET}`);
    const request = aRequest({
      'requester-organization-id': REQUESTER,
      'target-organization-id': TARGET,
    });

    const outcome = await outcomeOf(activate(request, 'selfOnly'));

    expect(outcome).toStrictEqual({
      status: 403,
      details: [
        {
          loc: ['header', 'target-organization-id'],
          msg: 'This operation does not allow cross-organization access',
          type: 'permission_denied',
          code: 'access_mode_not_allowed',
        },
      ],
    });
    expect(access.asked).toStrictEqual([]);
  });

  it('should refuse a self request on a route that serves only cross-organization', async () => {
    const request = aRequest({
      'requester-organization-id': REQUESTER,
      'target-organization-id': REQUESTER,
    });

    const outcome = await outcomeOf(activate(request, 'crossOnly'));

    expect(outcome).toStrictEqual({
      status: 403,
      details: [
        {
          loc: ['header', 'target-organization-id'],
          msg: 'This operation does not allow self access',
          type: 'permission_denied',
          code: 'access_mode_not_allowed',
        },
      ],
    });
  });
});
