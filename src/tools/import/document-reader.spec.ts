import { DocumentReader } from './document-reader.js';
import type { ImportIssue } from './import-issue.js';
import { forEachToken, textSource } from './json-tokens.js';
import { type FieldValue, OtherValue, type RawRecord } from './raw-record.js';

type Seen = [string, number, Record<string, FieldValue> | FieldValue, string[]?];

async function read(text: string): Promise<{ records: Seen[]; issues: ImportIssue[] }> {
  const records: Seen[] = [];
  const issues: ImportIssue[] = [];
  const reader = new DocumentReader({
    record: (section, index, value: RawRecord | FieldValue) => {
      if (value !== null && typeof value === 'object' && 'fields' in value) {
        const fields = Object.fromEntries(value.fields);
        records.push(
          value.repeatedKeys.length > 0
            ? [section, index, fields, value.repeatedKeys]
            : [section, index, fields],
        );
      } else {
        records.push([section, index, value]);
      }
    },
    issue: (issue) => issues.push(issue),
  });
  await forEachToken(
    textSource(text),
    (token) => reader.consume(token),
    () => Promise.resolve(),
  );
  return { records, issues };
}

describe('DocumentReader', () => {
  it('should hand over each record with its section and index', async () => {
    const result = await read(
      '{"organizations": [{"id": "a", "name": "A"}, {"id": "b"}], "connections": [{"status": "connected", "archived": false, "archived_at": null}]}',
    );

    expect(result).toEqual({
      records: [
        ['organizations', 0, { id: 'a', name: 'A' }],
        ['organizations', 1, { id: 'b' }],
        ['connections', 0, { status: 'connected', archived: false, archived_at: null }],
      ],
      issues: [],
    });
  });

  it('should accept the sections in any order, or either alone', async () => {
    expect(await read('{"connections": [{}], "organizations": []}')).toEqual({
      records: [['connections', 0, {}]],
      issues: [],
    });
    expect(await read('{}')).toEqual({ records: [], issues: [] });
  });

  it('should mark numbers, objects and arrays in fields without keeping them', async () => {
    const result = await read(
      '{"organizations": [{"id": 12, "name": {"first": [1, {"x": []}]}, "email": [["a"]], "n": true}]}',
    );

    expect(result.records).toEqual([
      [
        'organizations',
        0,
        { id: OtherValue.NUMBER, name: OtherValue.OBJECT, email: OtherValue.ARRAY, n: true },
      ],
    ]);
  });

  it('should report repeated keys and keep the last value', async () => {
    const result = await read('{"organizations": [{"id": "a", "id": "b"}]}');

    expect(result.records).toEqual([['organizations', 0, { id: 'b' }, ['id']]]);
  });

  it('should hand over non-object elements so they are reported by position', async () => {
    const result = await read('{"organizations": ["a", 1, null, [{"id": "x"}], {"id": "c"}]}');

    expect(result.records).toEqual([
      ['organizations', 0, 'a'],
      ['organizations', 1, OtherValue.NUMBER],
      ['organizations', 2, null],
      ['organizations', 3, OtherValue.ARRAY],
      ['organizations', 4, { id: 'c' }],
    ]);
  });

  it('should report unknown, repeated and non-array sections and skip their values', async () => {
    const result = await read(
      '{"orgs": [{"id": "x"}], "organizations": {"id": "y"}, "connections": [], "connections": [{"id": "z"}]}',
    );

    expect(result).toEqual({
      records: [],
      issues: [
        {
          position: 'document',
          message: 'unknown key "orgs" (expected "organizations" and "connections")',
        },
        { position: 'document', message: '"organizations" must be an array' },
        { position: 'document', message: 'key "connections" appears more than once' },
      ],
    });
  });

  it('should refuse a document that is not an object', async () => {
    expect(await read('[{"id": "a"}]')).toEqual({
      records: [],
      issues: [
        {
          position: 'document',
          message: 'must be a JSON object with "organizations" and "connections" arrays',
        },
      ],
    });
  });
});
