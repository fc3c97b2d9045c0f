import { createHash } from 'node:crypto';
import type { HostConnectionDto } from './dto/host-connection.response.dto.js';

/**
 * A strong validator (RFC 9110 §8.8.3) derived from the whole representation: any change
 * of any field — by a PATCH, an import or a host renaming itself — changes it, and two
 * servers compute the same tag for the same row without sharing any state.
 */
export function entityTagOf(connection: HostConnectionDto): string {
  const digest = createHash('sha256').update(JSON.stringify(connection)).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

// An entity-tag: optionally weak, then a quoted string of etagc characters (RFC 9110 §8.8.3).
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * Whether an If-Match header lets a write proceed on a resource whose tag is `current`:
 * `*`, or a list holding `current`, compared strongly (a weak tag never matches). A header
 * that is not a valid field value fails the precondition, so a typo never writes.
 */
export function ifMatchAllows(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value === '*') return true;
  const tags = value.split(',').map((tag) => tag.trim());
  if (!tags.every((tag) => ENTITY_TAG.test(tag))) return false;
  return tags.includes(current);
}
