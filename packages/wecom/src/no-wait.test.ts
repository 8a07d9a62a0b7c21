import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, TokenBucketLimiter, WecomClient, WecomError } from './index';

describe('noWait calls', () => {
  it('tryAcquire takes a free slot and never queues', () => {
    let now = 0;
    const l = new TokenBucketLimiter({ perMinute: 60, burst: 2, now: () => now });
    expect(l.tryAcquire('x')).toBe(true);
    expect(l.tryAcquire('x')).toBe(true);
    expect(l.tryAcquire('x')).toBe(false);
    now += 1000; // one slot per second
    expect(l.tryAcquire('x')).toBe(true);
  });

  it('a noWait call fails fast with kind throttled when the quota is spent, and waits otherwise', async () => {
    const calls: string[] = [];
    const fetchImpl = (async (url: string) => {
      calls.push(String(url));
      const body = String(url).includes('gettoken') ? { errcode: 0, access_token: 'T', expires_in: 7200 } : { errcode: 0, external_contact: { name: 'n' }, follow_user: [] };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const client = new WecomClient({ corpId: 'c', secret: 's'.repeat(8), agentId: 1, apiBase: 'http://wecom.test', tokenStore: new MemoryTokenStore(), limiter: new TokenBucketLimiter({ perMinute: 60, burst: 1 }), fetch: fetchImpl });
    await client.getExternalContact('wm1', undefined, { noWait: true });
    const err = await client.getExternalContact('wm2', undefined, { noWait: true }).catch((e) => e);
    expect(err).toBeInstanceOf(WecomError);
    expect(err.kind).toBe('throttled');
    expect(calls.filter((u) => u.includes('externalcontact/get'))).toHaveLength(1);
  });
});
