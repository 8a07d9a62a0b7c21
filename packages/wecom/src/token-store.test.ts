import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, TOKEN_SAFETY_MARGIN_MS, tokenExpiresAt, tokenKey } from './token-store';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('MemoryTokenStore', () => {
  it('runs one fetch for concurrent refreshes of the same key', async () => {
    const store = new MemoryTokenStore();
    const gate = deferred<{ value: string; expiresIn: number }>();
    let fetches = 0;
    const fetch = () => {
      fetches++;
      return gate.promise;
    };
    const all = Promise.all([store.refresh('c:access_token', null, fetch), store.refresh('c:access_token', null, fetch), store.refresh('c:access_token', null, fetch)]);
    gate.resolve({ value: 'T1', expiresIn: 7200 });
    expect(await all).toEqual(['T1', 'T1', 'T1']);
    expect(fetches).toBe(1);
    expect((await store.read('c:access_token'))?.value).toBe('T1');
  });

  it('returns what another holder stored unless the stored value is the stale one', async () => {
    const store = new MemoryTokenStore();
    await store.refresh('k', null, async () => ({ value: 'A', expiresIn: 7200 }));
    let fetches = 0;
    const fetch = async () => ({ value: `B${++fetches}`, expiresIn: 7200 });
    expect(await store.refresh('k', 'old', fetch)).toBe('A');
    expect(fetches).toBe(0);
    expect(await store.refresh('k', 'A', fetch)).toBe('B1');
    expect(fetches).toBe(1);
  });

  it('expires values early by the safety margin', async () => {
    let now = 1_000_000;
    const store = new MemoryTokenStore({ now: () => now });
    await store.refresh('k', null, async () => ({ value: 'A', expiresIn: 7200 }));
    now += 7200_000 - TOKEN_SAFETY_MARGIN_MS - 1;
    expect(await store.read('k')).not.toBeNull();
    now += 1;
    expect(await store.read('k')).toBeNull();
  });

  it('keeps short-lived values for half their life instead of the full margin', () => {
    expect(tokenExpiresAt(60, 0)).toBe(30_000);
    expect(tokenExpiresAt(7200, 0)).toBe(7200_000 - TOKEN_SAFETY_MARGIN_MS);
  });

  it('lets the next caller retry after a failed fetch', async () => {
    const store = new MemoryTokenStore();
    await expect(store.refresh('k', null, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await store.refresh('k', null, async () => ({ value: 'ok', expiresIn: 7200 }))).toBe('ok');
  });

  it('keys tokens by corp and kind', () => {
    expect(tokenKey('ww1', 'agent_ticket')).toBe('ww1:agent_ticket');
  });
});
