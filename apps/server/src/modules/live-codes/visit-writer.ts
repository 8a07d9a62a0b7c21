// Group commit for scans: visits that arrive together, with their locks, are written in one statement
// (one WAL flush) before any of those pages is answered. Nothing is answered before its visit is
// committed. The per-staff assignment counters are derived data on hot rows (every assignment of a
// code touches the same few), so they are summed in memory and flushed by one writer (CounterFlusher).
import type pg from 'pg';
import { Batcher } from '../../platform/batcher';
import type { Cols } from '../../platform/db/rows';

export interface VisitRow {
  corpId: string; codeId: number; visitorKey: string; visitorKind: string; unionid: string | null; userid: string | null;
  chatId: string | null; storeId: number | null; reason: string; ip: string | null;
  /** Link mode: the visit's customer_channel token (ADR 0037). */
  channelState?: string | null;
  /** Write/confirm the lock (visitor → userid). */
  lock: boolean;
  /** Count a new assignment for userid on `day`. */
  count: boolean;
  day: string | null;
}

export class VisitWriter {
  private batcher: Batcher<VisitRow, number>;

  constructor(private pool: pg.Pool, private counters: CounterFlusher) {
    this.batcher = new Batcher((rows) => this.insert(rows), { maxBatch: 500, maxInflight: 4 });
  }

  /** Resolves with the visit id once the visit (and its lock) is committed. */
  write(row: VisitRow): Promise<number> {
    return this.batcher.push(row);
  }

  private async insert(rows: VisitRow[]): Promise<number[]> {
    const col = <K extends keyof VisitRow>(k: K) => rows.map((r) => r[k]);
    const { rows: ids } = await this.pool.query<Cols<'code_visits', 'id'>>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
                              $9::text[], $10::text[], $11::boolean[], $12::boolean[], $13::text[], $14::text[])
           WITH ORDINALITY AS r(corp_id, code_id, visitor_key, visitor_kind, unionid, userid, chat_id, store_id, reason, ip, lock, count, day, channel_state, n)),
       v AS (
         INSERT INTO code_visits (corp_id, code_id, visitor_key, visitor_kind, unionid, userid, chat_id, store_id, reason, ip, channel_state)
         SELECT corp_id, code_id, visitor_key, visitor_kind, unionid, userid, chat_id, store_id, reason, ip, channel_state FROM input ORDER BY n
         RETURNING id),
       l AS (
         INSERT INTO code_locks (code_id, visitor_key, corp_id, userid)
         SELECT DISTINCT ON (code_id, visitor_key) code_id, visitor_key, corp_id, userid FROM input WHERE lock ORDER BY code_id, visitor_key, n DESC
         ON CONFLICT (code_id, visitor_key) DO UPDATE SET userid = EXCLUDED.userid WHERE code_locks.userid <> EXCLUDED.userid)
       SELECT id FROM v ORDER BY id`,
      [col('corpId'), col('codeId'), col('visitorKey'), col('visitorKind'), col('unionid'), col('userid'), col('chatId'), col('storeId'),
       col('reason'), col('ip'), col('lock'), col('count'), col('day'), rows.map((r) => r.channelState ?? null)]);
    for (const r of rows) if (r.count && r.userid && r.day) this.counters.add(r.codeId, r.day, r.userid);
    return rows.map((_, i) => ids[i]?.id ?? 0);
  }
}

/**
 * Assignment counters, summed in memory and written by one flush at a time (no row-lock queue).
 * An increment not yet flushed when a process dies is lost: counters are then low by those few and a
 * cap can be passed by as many (the visits themselves are durable and can recount them).
 */
export class CounterFlusher {
  private pending = new Map<string, number>(); // `${codeId}|${day}|${userid}`
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(private pool: pg.Pool, private intervalMs = 50) {}

  add(codeId: number, day: string, userid: string): void {
    const k = `${codeId}|${day}|${userid}`;
    this.pending.set(k, (this.pending.get(k) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, this.intervalMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const items = [...this.pending.entries()].map(([k, n]) => {
      const [codeId, day, userid] = k.split('|');
      return { codeId: Number(codeId), day: day, userid: userid, n };
    }).sort((a, b) => a.codeId - b.codeId || a.userid.localeCompare(b.userid));
    this.pending.clear();
    this.flushing = (async () => {
      try {
        await this.pool.query(
          `WITH input AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[]) AS r(code_id, day, userid, n)),
           d AS (INSERT INTO live_code_staff_daily (code_id, userid, day, assigned) SELECT code_id, userid, day, n FROM input
                 ON CONFLICT (code_id, day, userid) DO UPDATE SET assigned = live_code_staff_daily.assigned + EXCLUDED.assigned)
           UPDATE live_code_staff s SET assigned_total = s.assigned_total + x.k
           FROM (SELECT code_id, userid, sum(n) AS k FROM input GROUP BY code_id, userid) x WHERE s.code_id = x.code_id AND s.userid = x.userid`,
          [items.map((i) => i.codeId), items.map((i) => i.day), items.map((i) => i.userid), items.map((i) => i.n)]);
      } catch {
        for (const i of items) this.pending.set(`${i.codeId}|${i.day}|${i.userid}`, (this.pending.get(`${i.codeId}|${i.day}|${i.userid}`) ?? 0) + i.n);
        if (!this.timer) { this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, 1000); this.timer.unref(); }
      }
    })().finally(() => { this.flushing = null; });
    await this.flushing;
  }

  /** Not yet written increments for a code's day (added to what Postgres says). */
  pendingFor(codeId: number, day: string): Record<string, number> {
    const out: Record<string, number> = {};
    const prefix = `${codeId}|${day}|`;
    for (const [k, n] of this.pending) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = n;
    return out;
  }
}

/** Batches lock look-ups of concurrent scans into one query (one round trip per turn of the event loop). */
export class LockLoader {
  private batcher: Batcher<{ codeId: number; key: string }, string | null>;

  constructor(private pool: pg.Pool) {
    this.batcher = new Batcher((items) => this.lookup(items), { maxBatch: 1000, maxInflight: 8 });
  }

  load(codeId: number, visitorKey: string): Promise<string | null> {
    return this.batcher.push({ codeId, key: visitorKey });
  }

  private async lookup(items: { codeId: number; key: string }[]): Promise<(string | null)[]> {
    const { rows } = await this.pool.query<Cols<'code_locks', 'code_id' | 'visitor_key' | 'userid'>>(
      `SELECT l.code_id, l.visitor_key, l.userid FROM code_locks l
       JOIN unnest($1::bigint[], $2::text[]) AS r(code_id, visitor_key) ON l.code_id = r.code_id AND l.visitor_key = r.visitor_key`,
      [items.map((b) => b.codeId), items.map((b) => b.key)]);
    const found = new Map(rows.map((r) => [`${r.code_id}|${r.visitor_key}`, r.userid]));
    return items.map((b) => found.get(`${b.codeId}|${b.key}`) ?? null);
  }
}

const COUNTS_TTL_MS = 1000;

/**
 * Today's and total assignments per staff member of a code, read from Postgres at most once a
 * second per code and kept current with this process's own assignments in between. Another
 * process's assignments are seen within a second: across processes a cap can be passed by the
 * scans of that second.
 */
export class AssignmentCounts {
  private cache = new Map<string, { at: number; today: Record<string, number>; total: Record<string, number>; loading?: Promise<void> }>();

  constructor(private pool: pg.Pool, private flusher?: CounterFlusher) {}

  async get(codeId: number, day: string): Promise<{ today: Record<string, number>; total: Record<string, number> }> {
    const k = `${codeId}|${day}`;
    let e = this.cache.get(k);
    if (!e || Date.now() - e.at > COUNTS_TTL_MS) {
      if (e?.loading) await e.loading;
      else {
        const entry = e ?? { at: 0, today: {}, total: {} };
        entry.loading = (async () => {
          const { rows: [r] } = await this.pool.query<{ today: Record<string, number>; total: Record<string, number> }>(
            `SELECT (SELECT coalesce(json_object_agg(userid, assigned), '{}') FROM live_code_staff_daily WHERE code_id = $1 AND day = $2) AS today,
                    (SELECT coalesce(json_object_agg(userid, assigned_total), '{}') FROM live_code_staff WHERE code_id = $1) AS total`, [codeId, day]);
          // Postgres plus what this process counted but has not flushed yet.
          const unflushed = this.flusher?.pendingFor(codeId, day) ?? {};
          for (const [u, n] of Object.entries(unflushed)) {
            r.today[u] = (r.today[u] ?? 0) + n;
            r.total[u] = (r.total[u] ?? 0) + n;
          }
          entry.today = r.today; entry.total = r.total; entry.at = Date.now();
        })().finally(() => { entry.loading = undefined; });
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(k, entry);
        await entry.loading;
      }
      e = this.cache.get(k)!;
    }
    return e;
  }

  /** An assignment this process committed (until the next read from Postgres includes it). */
  add(codeId: number, day: string, userid: string): void {
    const e = this.cache.get(`${codeId}|${day}`);
    if (!e) return;
    e.today[userid] = (e.today[userid] ?? 0) + 1;
    e.total[userid] = (e.total[userid] ?? 0) + 1;
  }
}
