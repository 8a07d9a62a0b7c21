// The embedded Postgres's memory settings follow the machine's RAM, within bounds.
import { describe, expect, it } from 'vitest';
import { embeddedSettings } from './db';

const GB = 2 ** 30;
const setting = (flags: string[], name: string) => flags.find((f) => f.startsWith(`${name}=`))?.split('=')[1];

describe('embeddedSettings', () => {
  it('gives an eighth of the RAM to shared buffers, between 128 MB and 2 GB, and half as the cache estimate', () => {
    expect(setting(embeddedSettings(8 * GB), 'shared_buffers')).toBe('1024MB');
    expect(setting(embeddedSettings(8 * GB), 'effective_cache_size')).toBe('4096MB');
    expect(setting(embeddedSettings(64 * GB), 'shared_buffers')).toBe('2048MB');
    expect(setting(embeddedSettings(0.5 * GB), 'shared_buffers')).toBe('128MB');
    expect(setting(embeddedSettings(0.5 * GB), 'effective_cache_size')).toBe('512MB');
    // Passed to postgres as -c name=value pairs.
    expect(embeddedSettings(8 * GB).filter((f) => f === '-c')).toHaveLength(2);
  });
});
