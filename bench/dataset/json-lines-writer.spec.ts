import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesDocumentWriter } from './json-lines-writer.js';

describe('JsonLinesDocumentWriter', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'json-lines-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('should write valid JSON with one record per line', async () => {
    const path = join(directory, 'doc.json');
    const writer = new JsonLinesDocumentWriter(path);
    await writer.startArray('organizations');
    await writer.write({ id: 'a', name: 'Acme "Quoted"' });
    await writer.write({ id: 'b', name: 'Line\nbreak' });
    await writer.startArray('connections');
    await writer.write({ host: 'a', guest: 'b' });
    await writer.close();

    const text = await readFile(path, 'utf8');

    expect(JSON.parse(text)).toEqual({
      organizations: [
        { id: 'a', name: 'Acme "Quoted"' },
        { id: 'b', name: 'Line\nbreak' },
      ],
      connections: [{ host: 'a', guest: 'b' }],
    });
    expect(text.split('\n')).toEqual([
      '{',
      '"organizations": [',
      '{"id":"a","name":"Acme \\"Quoted\\""},',
      '{"id":"b","name":"Line\\nbreak"}',
      '],',
      '"connections": [',
      '{"host":"a","guest":"b"}',
      ']',
      '}',
      '',
    ]);
  });

  it('should write an empty array when a section has no record', async () => {
    const path = join(directory, 'empty.json');
    const writer = new JsonLinesDocumentWriter(path);
    await writer.startArray('organizations');
    await writer.close();

    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ organizations: [] });
  });
});
