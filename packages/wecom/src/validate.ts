// Client-side checks of WeCom's documented argument limits, so a bad call fails with the field's name
// instead of a bare errcode after a round trip.
import { WecomArgumentError } from './errors';

export function chars(s: string): number {
  return [...s].length;
}

export function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export class Check {
  constructor(private readonly method: string) {}

  fail(field: string, rule: string): never {
    throw new WecomArgumentError(this.method, field, rule);
  }

  required(field: string, v: unknown): this {
    if (v === undefined || v === null || v === '') this.fail(field, 'is required');
    return this;
  }

  maxChars(field: string, v: string | undefined, max: number): this {
    if (v !== undefined && chars(v) > max) this.fail(field, `must be at most ${max} characters (got ${chars(v)})`);
    return this;
  }

  maxBytes(field: string, v: string | undefined, max: number): this {
    if (v !== undefined && bytes(v) > max) this.fail(field, `must be at most ${max} bytes in UTF-8 (got ${bytes(v)})`);
    return this;
  }

  maxItems(field: string, v: readonly unknown[] | undefined, max: number): this {
    if (v !== undefined && v.length > max) this.fail(field, `must have at most ${max} entries (got ${v.length})`);
    return this;
  }

  nonEmpty(field: string, v: readonly unknown[] | undefined): this {
    if (!v?.length) this.fail(field, 'must list at least one entry');
    return this;
  }

  itemsBetween(field: string, v: readonly unknown[] | undefined, min: number, max: number): this {
    const n = v?.length ?? 0;
    if (n < min || n > max) this.fail(field, `must have ${min}–${max} entries (got ${n})`);
    return this;
  }

  intRange(field: string, v: number | undefined, min: number, max: number): this {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
      this.fail(field, `must be an integer from ${min} to ${max} (got ${v})`);
    }
    return this;
  }

  oneOf<T>(field: string, v: T | undefined, allowed: readonly T[]): this {
    if (v !== undefined && !allowed.includes(v)) this.fail(field, `must be one of ${allowed.join(', ')} (got ${String(v)})`);
    return this;
  }
}

export function check(method: string): Check {
  return new Check(method);
}
