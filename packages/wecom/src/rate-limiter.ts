// Client-side throttle so one corp stays under WeCom's per-API quota (10 000 calls/min per corp per API by
// default, WECOM.md §1). WeCom may change the numbers, so they are options; 45009 back-off in the client
// catches whatever this misses.

export interface RateLimiter {
  /** Resolves when a call to `api` (e.g. 'externalcontact/get') may be sent. */
  acquire(api: string): Promise<void>;
  /** Takes a call slot only if one is free right now (never queues). For calls that are worth making only at once. */
  tryAcquire?(api: string): boolean | Promise<boolean>;
}

export interface TokenBucketOptions {
  /** Default calls per minute for every API. */
  perMinute?: number;
  /** Calls per minute for specific APIs, keyed as in `call()` (e.g. 'message/send'). */
  overrides?: Record<string, number>;
  /** Calls that may go out back-to-back from a full bucket; defaults to one second's worth. A full minute's
   * worth would allow nearly 2× the quota inside one WeCom minute window. */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  perMs: number;
  capacity: number;
}

export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMinute: number;
  private readonly overrides: Record<string, number>;
  private readonly burst?: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: TokenBucketOptions = {}) {
    this.perMinute = opts.perMinute ?? 10_000;
    this.overrides = opts.overrides ?? {};
    this.burst = opts.burst;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    for (const [api, n] of Object.entries({ '*': this.perMinute, ...this.overrides })) {
      if (!(n > 0)) throw new RangeError(`TokenBucketLimiter: perMinute for ${api} must be > 0 (got ${n})`);
    }
  }

  async acquire(api: string): Promise<void> {
    const b = this.bucket(api);
    const now = this.now();
    b.tokens = Math.min(b.capacity, b.tokens + (now - b.updatedAt) * b.perMs);
    b.updatedAt = now;
    // Reserve first, wait after: the balance may go negative, so concurrent callers queue in arrival order.
    b.tokens -= 1;
    if (b.tokens < 0) await this.sleep(Math.ceil(-b.tokens / b.perMs));
  }

  tryAcquire(api: string): boolean {
    const b = this.bucket(api);
    const now = this.now();
    b.tokens = Math.min(b.capacity, b.tokens + (now - b.updatedAt) * b.perMs);
    b.updatedAt = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private bucket(api: string): Bucket {
    let b = this.buckets.get(api);
    if (!b) {
      const perMinute = this.overrides[api] ?? this.perMinute;
      const capacity = Math.max(1, this.burst ?? Math.ceil(perMinute / 60));
      b = { tokens: capacity, updatedAt: this.now(), perMs: perMinute / 60_000, capacity };
      this.buckets.set(api, b);
    }
    return b;
  }
}
