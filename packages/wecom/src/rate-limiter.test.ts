import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './rate-limiter';

function fakeClock() {
  const clock = { now: 0, slept: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    // Sleeping advances the fake clock, as real waiting would.
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.now += ms;
    },
  };
}

describe('TokenBucketLimiter', () => {
  it('lets a one-second burst through, then spaces calls at the per-minute rate', async () => {
    const { clock, now, sleep } = fakeClock();
    const limiter = new TokenBucketLimiter({ perMinute: 600, now, sleep });
    for (let i = 0; i < 10; i++) await limiter.acquire('externalcontact/get');
    expect(clock.slept).toEqual([]);
    await limiter.acquire('externalcontact/get');
    await limiter.acquire('externalcontact/get');
    expect(clock.slept).toEqual([100, 100]);
  });

  it('queues concurrent callers in arrival order instead of letting them all through', async () => {
    const slept: number[] = [];
    // All three arrive at the same instant, so the clock does not move while they wait.
    const limiter = new TokenBucketLimiter({ perMinute: 60, now: () => 0, sleep: async (ms) => void slept.push(ms) });
    await Promise.all([limiter.acquire('a'), limiter.acquire('a'), limiter.acquire('a')]);
    expect(slept).toEqual([1000, 2000]);
  });

  it('keeps a separate bucket per API and honours overrides', async () => {
    const { clock, now, sleep } = fakeClock();
    const limiter = new TokenBucketLimiter({ perMinute: 60, overrides: { 'message/send': 120 }, now, sleep });
    await limiter.acquire('a');
    await limiter.acquire('b');
    expect(clock.slept).toEqual([]);
    await limiter.acquire('message/send');
    await limiter.acquire('message/send');
    await limiter.acquire('message/send');
    expect(clock.slept).toEqual([500]);
  });

  it('refills over time up to the burst size', async () => {
    const { clock, now, sleep } = fakeClock();
    const limiter = new TokenBucketLimiter({ perMinute: 60, burst: 2, now, sleep });
    await limiter.acquire('a');
    await limiter.acquire('a');
    clock.now += 60_000;
    await limiter.acquire('a');
    await limiter.acquire('a');
    expect(clock.slept).toEqual([]);
    await limiter.acquire('a');
    expect(clock.slept).toEqual([1000]);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucketLimiter({ overrides: { 'user/get': 0 } })).toThrow(/user\/get must be > 0/);
  });
});
