// Shared cache for access tokens and JS-SDK tickets. WeCom rate-limits gettoken and may revoke a token
// early, so every process must read one stored value and refresh it under one lock (WECOM.md §1, §17.5).
// The server implements TokenStore on Postgres; MemoryTokenStore is the in-process version.

export type TokenKind = 'access_token' | 'jsapi_ticket' | 'agent_ticket';

export interface StoredToken {
  value: string;
  /** Epoch ms after which the value must not be served (the safety margin is already subtracted). */
  expiresAt: number;
}

export interface FetchedToken {
  value: string;
  /** Seconds, as WeCom returns them in `expires_in`. */
  expiresIn: number;
}

export interface TokenStore {
  /** Current value if present and not expired (consider a safety margin, e.g. expire 5 min early). */
  read(key: string): Promise<StoredToken | null>;
  /** Single-flight refresh: under a lock for `key` (cross-process in the server's implementation), if the stored value
   * is still `stale` (or absent/expired) call `fetch` and store the result; otherwise return what another holder stored. */
  refresh(key: string, stale: string | null, fetch: () => Promise<FetchedToken>): Promise<string>;
}

export function tokenKey(corpId: string, kind: TokenKind): string {
  return `${corpId}:${kind}`;
}

export const TOKEN_SAFETY_MARGIN_MS = 5 * 60_000;

/** When a freshly fetched value stops being served: `expires_in` minus the margin, but never less than half
 * its lifetime, so a short-lived token (e.g. from a simulator) is still reused. */
export function tokenExpiresAt(expiresInSec: number, now: number, marginMs = TOKEN_SAFETY_MARGIN_MS): number {
  const lifeMs = Math.max(0, expiresInSec) * 1000;
  return now + lifeMs - Math.min(marginMs, lifeMs / 2);
}

export class MemoryTokenStore implements TokenStore {
  private readonly values = new Map<string, StoredToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly now: () => number;
  private readonly marginMs: number;

  constructor(opts: { now?: () => number; marginMs?: number } = {}) {
    this.now = opts.now ?? Date.now;
    this.marginMs = opts.marginMs ?? TOKEN_SAFETY_MARGIN_MS;
  }

  async read(key: string): Promise<StoredToken | null> {
    return this.current(key);
  }

  refresh(key: string, stale: string | null, fetch: () => Promise<FetchedToken>): Promise<string> {
    // Whoever is already refreshing is fetching a value newer than any `stale` a waiter holds.
    const running = this.inflight.get(key);
    if (running) return running;
    const held = this.current(key);
    if (held && held.value !== stale) return Promise.resolve(held.value);
    const p = (async () => {
      try {
        const got = await fetch();
        this.values.set(key, { value: got.value, expiresAt: tokenExpiresAt(got.expiresIn, this.now(), this.marginMs) });
        return got.value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  /** Drops a value, e.g. after rotating the secret. */
  delete(key: string): void {
    this.values.delete(key);
  }

  private current(key: string): StoredToken | null {
    const v = this.values.get(key);
    if (!v || v.expiresAt <= this.now()) return null;
    return { ...v };
  }
}
