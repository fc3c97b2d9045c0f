/** A JSON value other than a string, boolean or null: no field of the import takes one. */
export class OtherValue {
  private constructor(readonly kind: 'a number' | 'an object' | 'an array') {}

  static readonly NUMBER = new OtherValue('a number');
  static readonly OBJECT = new OtherValue('an object');
  static readonly ARRAY = new OtherValue('an array');
}

export type FieldValue = string | boolean | null | OtherValue;

/** A record as read from the file, before validation: its fields in a Map, so any key is safe. */
export interface RawRecord {
  fields: Map<string, FieldValue>;
  repeatedKeys: string[];
}

export function describeValue(value: FieldValue | RawRecord): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (value instanceof OtherValue) return value.kind;
  return 'an object';
}
