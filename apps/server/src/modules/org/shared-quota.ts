// WeCom counts its per-API quota per corp (10,000 calls a minute by default, WECOM.md §1), whatever
// number of Pond processes make the calls. Each process reserves small blocks of the current minute's
// quota in Postgres and spends them locally, so the corp as a whole stays under the limit with one
// write per block instead of one per call. When the minute's quota is spent, callers wait for the next.
// A process that spends its blocks quickly (a burst of adds: two calls per add) takes larger ones, up to
// 2% of the minute's quota, so the reservations stay a small share of its queries.
import type pg from 'pg';
import type { Cols } from '../../platform/db/rows';
import type { RateLimiter } from '@pond/wecom';
import { withTransaction } from '../../platform/db';

interface Local { minute: number; tokens: number }

export class SharedQuotaLimiter implements RateLimiter {
  private local = new Map<string, Local>();
  private reserving = new Map<string, Promise<void>>();
  /** Per API: the size of the last block and when it was reserved. */
  private lastBlock = new Map<string, { size: number; at: number }>();

  constructor(
    private pool: pg.Pool,
    private corpId: string,
    private opts: { perMinute?: number; overrides?: Record<string, number>; block?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
  ) {}

  private limit(api: string): number {
    return this.opts.overrides?.[api] ?? this.opts.perMinute ?? 10_000;
  }

  private minute(): number {
    return Math.floor((this.opts.now?.() ?? Date.now()) / 60_000);
  }

  private take(api: string): boolean {
    const l = this.local.get(api);
    if (!l || l.minute !== this.minute() || l.tokens <= 0) return false;
    l.tokens--;
    return true;
  }

  async acquire(api: string): Promise<void> {
    for (;;) {
      if (this.take(api)) return;
      const minute = this.minute();
      const got = await this.reserve(api, minute);
      if (got > 0) continue;
      // This minute's quota is spent corp-wide: wait for the next one.
      const next = (minute + 1) * 60_000 - (this.opts.now?.() ?? Date.now());
      const ms = Math.max(10, next) + Math.random() * 200;
      await (this.opts.sleep ? this.opts.sleep(ms) : new Promise((r) => setTimeout(r, ms)));
    }
  }

  /** Takes a call slot if this minute's quota has one (reserving a block if needed), without waiting for the next minute. */
  async tryAcquire(api: string): Promise<boolean> {
    if (this.take(api)) return true;
    await this.reserve(api, this.minute());
    return this.take(api);
  }

  /** Adds up to one block of this minute's quota to the local tokens; returns the local tokens after. */
  private reserve(api: string, minute: number): Promise<number> {
    const key = `${api}|${minute}`;
    let p = this.reserving.get(key);
    if (!p) {
      p = this.reserveBlock(api, minute).finally(() => this.reserving.delete(key));
      this.reserving.set(key, p);
    }
    return p.then(() => {
      const l = this.local.get(api);
      return l && l.minute === minute ? l.tokens : 0;
    });
  }

  private async reserveBlock(api: string, minute: number): Promise<void> {
    const limit = this.limit(api);
    const base = Math.max(1, Math.min(this.opts.block ?? 20, Math.ceil(limit / 100)));
    const now = this.opts.now?.() ?? Date.now();
    const last = this.lastBlock.get(api);
    // The last block lasted under a second: double (up to 2% of the quota); otherwise back to the base size.
    const block = last && now - last.at < 1000 ? Math.min(Math.max(base, Math.ceil(limit / 50)), last.size * 2) : base;
    this.lastBlock.set(api, { size: block, at: now });
    const granted = await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO wecom_quota (corp_id, api, minute, used) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`, [this.corpId, api, minute]);
      const { rows: [row] } = await client.query<Cols<'wecom_quota', 'used'>>(
        `SELECT used FROM wecom_quota WHERE corp_id = $1 AND api = $2 AND minute = $3 FOR UPDATE`, [this.corpId, api, minute]);
      const n = Math.max(0, Math.min(block, limit - row.used));
      if (n > 0) {
        await client.query(`UPDATE wecom_quota SET used = used + $4 WHERE corp_id = $1 AND api = $2 AND minute = $3`, [this.corpId, api, minute, n]);
      }
      return n;
    });
    const cur = this.local.get(api);
    this.local.set(api, { minute, tokens: (cur?.minute === minute ? cur.tokens : 0) + granted });
    if (Math.random() < 0.01) await this.pool.query('DELETE FROM wecom_quota WHERE minute < $1', [minute - 60]).catch(() => undefined);
  }
}
