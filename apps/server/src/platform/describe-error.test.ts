import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error';
import { serializeError } from './log';

describe('describeError', () => {
  it('never prints a bare undefined, and says what was thrown', () => {
    expect(describeError(undefined)).toBe('undefined was thrown (no error message)');
    expect(describeError(null)).toBe('null was thrown (no error message)');
    expect(describeError('boom')).toBe('non-Error thrown: boom');
    expect(describeError({ message: 'from an object' })).toBe('from an object');
    expect(describeError({ code: 42 })).toBe('non-Error thrown: {"code":42}');
    expect(describeError(new Error('disk full'))).toMatch(/^Error: disk full\n\s+at /);
    expect(describeError(new Error(''))).toMatch(/^Error \(no message\)\n\s+at /);
  });
});

describe('serializeError (logs)', () => {
  it('keeps the message and known fields, never an attached client object', () => {
    const err = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', client: { connectionParameters: { password: 'x' }, huge: 'y'.repeat(10_000) } });
    const out = serializeError(err) as Record<string, unknown>;
    expect(out).toMatchObject({ type: 'Error', message: 'terminating connection due to administrator command', code: '57P01' });
    expect(JSON.stringify(out)).not.toContain('connectionParameters');
  });
});
