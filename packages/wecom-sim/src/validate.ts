// Small readers for WeCom request bodies: each failure is a 40058 naming the field and the rule.
import { E } from './errors';

/** A WeCom request body: a parsed JSON object whose fields are checked where they are read. */
export type Body = Record<string, unknown>;

/** A non-null object (arrays included), whose fields can be read. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** `v?.[key]` for a value whose shape is not known yet (a field inside a request body). */
export function prop(v: unknown, key: string): unknown {
  return v === undefined || v === null ? undefined : (v as Record<string, unknown>)[key];
}

export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x));
}

export function chars(s: string): number {
  return [...s].length;
}

export function optString(body: unknown, field: string, opts: { max?: number; truncate?: boolean } = {}): string | undefined {
  const v = prop(body, field);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw E.param(field, 'must be a string');
  if (opts.max !== undefined && chars(v) > opts.max) {
    if (opts.truncate) return [...v].slice(0, opts.max).join('');
    throw E.param(field, `exceeds max length ${opts.max}`);
  }
  return v;
}

export function reqString(body: unknown, field: string, opts: { max?: number } = {}): string {
  const v = optString(body, field, opts);
  if (!v) throw E.param(field, 'required');
  return v;
}

export function optInt(body: unknown, field: string, opts: { min?: number; max?: number; allowed?: number[] } = {}): number | undefined {
  const v = prop(body, field);
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw E.param(field, 'must be an integer');
  if (opts.allowed && !opts.allowed.includes(n)) throw E.param(field, `must be one of ${opts.allowed.join(', ')}`);
  if (opts.min !== undefined && n < opts.min) throw E.param(field, `must be ≥ ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) throw E.param(field, `must be ≤ ${opts.max}`);
  return n;
}

export function reqInt(body: unknown, field: string, opts: { min?: number; max?: number; allowed?: number[] } = {}): number {
  const v = optInt(body, field, opts);
  if (v === undefined) throw E.param(field, 'required');
  return v;
}

export function optBool(body: unknown, field: string): boolean | undefined {
  const v = prop(body, field);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw E.param(field, 'must be true or false');
}

export function optStringArray(body: unknown, field: string, opts: { max?: number } = {}): string[] | undefined {
  const v = prop(body, field);
  if (v === undefined || v === null) return undefined;
  if (!isStringArray(v)) throw E.param(field, 'must be an array of strings');
  if (opts.max !== undefined && v.length > opts.max) throw E.param(field, `at most ${opts.max} items`);
  return v;
}

export function optIntArray(body: unknown, field: string, opts: { max?: number } = {}): number[] | undefined {
  const v = prop(body, field);
  if (v === undefined || v === null) return undefined;
  if (!isIntArray(v)) throw E.param(field, 'must be an array of integers');
  if (opts.max !== undefined && v.length > opts.max) throw E.param(field, `at most ${opts.max} items`);
  return v;
}

export function limitOf(body: unknown, field: string, def: number, max: number): number {
  return optInt(body, field, { min: 1, max }) ?? def;
}

/** The window and filters of get_groupmsg_list_v2 and get_moment_list: start/end (required, in order), filter_type
 * 0 corp / 1 personal / 2 all (default), one creator userid. */
export function listWindow(body: Body): { start: number; end: number; filterType: number; creator: string | undefined } {
  const start = optInt(body, 'start_time');
  const end = optInt(body, 'end_time');
  if (start === undefined) throw E.param('start_time', 'required');
  if (end === undefined) throw E.param('end_time', 'required');
  if (end < start) throw E.param('end_time', 'must not be before start_time');
  return { start, end, filterType: optInt(body, 'filter_type', { allowed: [0, 1, 2] }) ?? 2, creator: optString(body, 'creator') };
}
