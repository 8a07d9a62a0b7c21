// Opaque cursors for paginated APIs: base64url JSON of the last key returned.
import { E } from './errors';

export function encodeCursor(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function decodeCursor(c: unknown): any {
  if (typeof c !== 'string') throw E.param('cursor', 'must be a string from a previous next_cursor');
  try {
    return JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
  } catch {
    throw E.param('cursor', 'not a cursor this API returned');
  }
}

/** Reads an optional cursor: '' or absent means the first page. */
export function readCursor(c: unknown): any {
  return c === undefined || c === null || c === '' ? null : decodeCursor(c);
}
