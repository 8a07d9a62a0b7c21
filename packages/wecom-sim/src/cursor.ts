// Opaque cursors for paginated APIs: base64url JSON of the last key returned.
import { E } from './errors';

export function encodeCursor(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function decodeCursor(c: unknown): unknown {
  if (typeof c !== 'string') throw E.param('cursor', 'must be a string from a previous next_cursor');
  try {
    return JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
  } catch {
    throw E.param('cursor', 'not a cursor this API returned');
  }
}

/** Reads an optional cursor: '' or absent means the first page. */
export function readCursor(c: unknown): unknown {
  return c === undefined || c === null || c === '' ? null : decodeCursor(c);
}

const notOurs = () => E.param('cursor', 'not a cursor this API returned');

/** A cursor holding the last key returned (encodeCursor(key)); null for the first page. */
export function readKeyCursor(c: unknown): string | null {
  const v = readCursor(c);
  if (v !== null && typeof v !== 'string') throw notOurs();
  return v;
}

/** A cursor holding the last (key, key) pair returned; `first` is the first key's type. null for the first page. */
export function readPairCursor(c: unknown, first: 'string'): [string, string] | null;
export function readPairCursor(c: unknown, first: 'number'): [number, string] | null;
export function readPairCursor(c: unknown, first: 'string' | 'number'): [string | number, string] | null {
  const v = readCursor(c);
  if (v === null) return null;
  if (!Array.isArray(v) || v.length !== 2) throw notOurs();
  const [key, second] = v as unknown[];
  if (typeof key !== first || typeof second !== 'string') throw notOurs();
  return [key as string | number, second];
}
