/**
 * What a query parser returns instead of a value when the raw input breaks the contract.
 * The validation pipe turns it into one `{"loc", "msg", "type", "code"}` entry.
 */
export class QueryIssue {
  constructor(
    readonly type: string,
    readonly code: string,
    readonly msg: string,
  ) {}
}

export const MISSING = new QueryIssue('missing', 'missing', 'Field required');
