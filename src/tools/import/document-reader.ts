import type { Token } from 'stream-json/parser.js';
import type { ImportIssue } from './import-issue.js';
import { type FieldValue, OtherValue, type RawRecord } from './raw-record.js';
import { quote } from './field-checks.js';

export const SECTIONS = ['organizations', 'connections'] as const;
export type Section = (typeof SECTIONS)[number];

export interface DocumentHandler {
  /** One element of a section array, in file order; `index` counts from 0 per section. */
  record(section: Section, index: number, value: RawRecord | FieldValue): void;
  issue(issue: ImportIssue): void;
}

type State = 'start' | 'document' | 'section' | 'record' | 'end';

function scalar(token: Token): FieldValue | undefined {
  switch (token.name) {
    case 'stringValue':
      return token.value;
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    case 'nullValue':
      return null;
    case 'numberValue':
      return OtherValue.NUMBER;
    default:
      return undefined;
  }
}

/**
 * Turns the parser's token stream into records, one at a time, so a file of any size is
 * read in constant memory. Expects packed tokens only (`streamValues: false`). Everything
 * that is not `{"organizations": [...], "connections": [...]}` is reported as an issue;
 * the values it cannot use are skipped.
 */
export class DocumentReader {
  private state: State = 'start';
  private readonly seenSections = new Set<Section>();
  private section: Section = 'organizations';
  private index = -1;
  private topKey: string | undefined;
  private record: RawRecord = { fields: new Map(), repeatedKeys: [] };
  private recordKey = '';
  // Depth of a nested value being skipped: none of its tokens is used.
  private skipDepth = 0;

  constructor(private readonly handler: DocumentHandler) {}

  consume(token: Token): void {
    if (this.skipDepth > 0) {
      this.skip(token);
      return;
    }
    switch (this.state) {
      case 'start':
        return this.atStart(token);
      case 'document':
        return this.inDocument(token);
      case 'section':
        return this.inSection(token);
      case 'record':
        return this.inRecord(token);
      case 'end':
        return;
    }
  }

  private atStart(token: Token): void {
    if (token.name === 'startObject') {
      this.state = 'document';
      return;
    }
    this.documentIssue('must be a JSON object with "organizations" and "connections" arrays');
    this.state = 'end';
  }

  private inDocument(token: Token): void {
    if (token.name === 'endObject') {
      this.state = 'end';
      return;
    }
    if (token.name === 'keyValue') {
      this.topKey = token.value;
      return;
    }
    const key = this.topKey ?? '';
    const section = (SECTIONS as readonly string[]).includes(key) ? (key as Section) : undefined;
    if (section === undefined) {
      this.documentIssue(`unknown key ${quote(key)} (expected "organizations" and "connections")`);
    } else if (this.seenSections.has(section)) {
      this.documentIssue(`key "${section}" appears more than once`);
    } else if (token.name !== 'startArray') {
      this.documentIssue(`"${section}" must be an array`);
      this.seenSections.add(section);
    } else {
      this.seenSections.add(section);
      this.section = section;
      this.index = -1;
      this.state = 'section';
      return;
    }
    this.skipValue(token);
  }

  private inSection(token: Token): void {
    if (token.name === 'endArray') {
      this.state = 'document';
      return;
    }
    this.index += 1;
    if (token.name === 'startObject') {
      this.record = { fields: new Map(), repeatedKeys: [] };
      this.state = 'record';
      return;
    }
    const value = scalar(token);
    if (value !== undefined) {
      this.handler.record(this.section, this.index, value);
      return;
    }
    // A nested array in place of a record.
    this.handler.record(this.section, this.index, OtherValue.ARRAY);
    this.skipValue(token);
  }

  private inRecord(token: Token): void {
    switch (token.name) {
      case 'keyValue':
        this.recordKey = token.value;
        return;
      case 'endObject':
        this.state = 'section';
        this.handler.record(this.section, this.index, this.record);
        return;
      case 'startObject':
        this.setField(OtherValue.OBJECT);
        this.skipValue(token);
        return;
      case 'startArray':
        this.setField(OtherValue.ARRAY);
        this.skipValue(token);
        return;
      default: {
        const value = scalar(token);
        if (value !== undefined) this.setField(value);
      }
    }
  }

  private setField(value: FieldValue): void {
    if (this.record.fields.has(this.recordKey)) this.record.repeatedKeys.push(this.recordKey);
    this.record.fields.set(this.recordKey, value);
  }

  /** Skips the value that `token` starts; a scalar is over at once. */
  private skipValue(token: Token): void {
    if (token.name === 'startObject' || token.name === 'startArray') this.skipDepth = 1;
  }

  private skip(token: Token): void {
    if (token.name === 'startObject' || token.name === 'startArray') this.skipDepth += 1;
    else if (token.name === 'endObject' || token.name === 'endArray') this.skipDepth -= 1;
  }

  private documentIssue(message: string): void {
    this.handler.issue({ position: 'document', message });
  }
}
