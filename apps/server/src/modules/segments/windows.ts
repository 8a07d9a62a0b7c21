// Rolling event windows (ADR 0006, 0007, 0009): on each customer's row, for every event type, the count of the last
// 7/30/90/180 days, relative to the day the corp's windows were last rolled to. The trigger on customer_events adds
// each event, a trigger on customers counts a new customer's earlier events (migration event_windows_on_customers_triggers);
// the daily roll here subtracts the days that leave each window, reading customer_event_counts, and builds the windows
// of a corp that has none — in chunks of customers, so no lock is held for long. Segments read them only when the corp
// is rolled to today, so a late, missed or unfinished roll makes queries slower, never wrong.
import type pg from 'pg';
import { SEGMENT_EVENT_TYPES as EVENT_TYPES } from '@pond/contracts/segments';
import { withTransaction } from '../../platform/db';
import type { Cols } from '../../platform/db/rows';
import type { Logger } from '../../platform/log';
import { dailyAt, defineClock } from '../../platform/queue';

/** Window lengths kept per customer (ADR 0006, 0007, 0009), in the order of their slots. */
export const WINDOW_DAYS = [7, 30, 90, 180] as const;

/**
 * The slot of `customers.event_windows` (1-based, as SQL arrays) holding the count of `eventType` in the last `days`
 * days, or null when that window is not kept. Must agree with pond_event_window_type() in SQL (a test checks it).
 */
export function windowSlot(eventType: string, days: number): number | null {
  const t = (EVENT_TYPES as readonly string[]).indexOf(eventType);
  const k = (WINDOW_DAYS as readonly number[]).indexOf(days);
  return t < 0 || k < 0 ? null : t * WINDOW_DAYS.length + k + 1;
}

/** What a segment query may read: `today` (Asia/Shanghai) and the event types whose windows are rolled to it
 * (every type when the corp's windows are, else none); and, read at the same time, each store's staff, so a
 * store condition compiles to a list of userids the planner can estimate (a subquery there made it guess
 * 1% of customers). */
export interface EventWindows { today: string; ready: string[]; storeStaff?: Record<number, string[]> }

const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
/** Behind by more than this, a roll rebuilds the windows instead of subtracting (one read of 180 days of counts). */
const MAX_ROLL_GAP = 30;
/** Customers per chunk of a roll: each chunk is one transaction holding the corp's lock (ADR 0009 measures it). */
const ROLL_CHUNK = 5_000;

/** `today` defaults to today in Asia/Shanghai (tests pass another day). */
export async function readEventWindows(db: Pick<pg.Pool, 'query'>, corpId: string, today?: string): Promise<EventWindows> {
  const { rows: [r] } = await db.query<{ today: string; ready: boolean; store_staff: Record<number, string[]> }>(
    `SELECT d::text AS today, EXISTS (SELECT 1 FROM customer_event_window_rolls WHERE corp_id = $1 AND rolled_day = d AND target_day IS NULL) AS ready,
            (SELECT coalesce(jsonb_object_agg(store_id, userids), '{}') FROM (
               SELECT store_id, array_agg(userid ORDER BY userid) AS userids FROM staff WHERE corp_id = $1 AND store_id IS NOT NULL GROUP BY store_id) s) AS store_staff
     FROM coalesce($2::date, ${TODAY}) d`, [corpId, today ?? null]);
  return { today: r.today, ready: r.ready ? [...EVENT_TYPES] : [], storeStaff: r.store_staff };
}

/** Every slot of the array, in order: [type index, window length in days]. */
const SLOTS = EVENT_TYPES.flatMap((_, t) => WINDOW_DAYS.map((k) => [t, k] as const));

/** How long a chunk waits for the corp's lock (the corp's event transactions in flight), and then for the rows it
 * rewrites; past either it rolls back and is tried again (CHUNK_TRIES times, waiting longer each time). */
const ADVISORY_WAIT = '10s';
const ROW_WAIT = '300ms';
const CHUNK_TRIES = 30;

/** A transaction holding the corp's lock exclusively, tried again when a lock wait times out. */
async function corpLocked<T>(pool: pg.Pool, corpId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(pool, async (client) => {
        await client.query(`SET LOCAL lock_timeout = '${ADVISORY_WAIT}'`);
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('pond.event_windows'), hashtext($1))`, [corpId]);
        return fn(client);
      });
    } catch (err) {
      // 55P03 lock_not_available: lock_timeout expired.
      if ((err as { code?: string }).code !== '55P03' || attempt >= CHUNK_TRIES) throw err;
      await new Promise((ok) => setTimeout(ok, Math.min(100 * attempt, 2000)));
    }
  }
}

export interface RollOptions {
  /** Customers per chunk (ROLL_CHUNK). */
  chunk?: number;
  /** Called after each chunk has committed, with the new boundary (null after the last): tests write events and
   * customers there, as the corp's traffic would between chunks. */
  afterChunk?: (boundary: string | null) => Promise<void>;
}

interface Pass { target: string; rolled: string | null; building: boolean; boundary: string | null }

/**
 * Moves every window of the corp to `today` (default: today in Asia/Shanghai): subtracts the days that left each
 * window, or builds the windows from the per-day counts when there are none, they are ahead of `today` or more than
 * MAX_ROLL_GAP days behind. Works through the customers in key order, `chunk` at a time, each chunk one transaction
 * holding the corp's lock exclusively (the corp's event inserts wait for that chunk only); the pass's boundary is
 * stored with each chunk, so the event trigger knows which day each customer's windows are at, and an interrupted
 * roll continues where it stopped.
 */
export async function rollEventWindows(pool: pg.Pool, corpId: string, today?: string, opts: RollOptions = {}): Promise<'built' | 'rolled' | 'current'> {
  let outcome = 'current' as 'built' | 'rolled' | 'current';
  for (;;) {
    const pass = await corpLocked(pool, corpId, async (client): Promise<Pass | null> => {
      const { rows: [s] } = await client.query<{ today: string; rolled: string | null; gap: number | null; target: string | null; building: boolean; boundary: string | null }>(
        `SELECT coalesce($2::date, ${TODAY})::text AS today, r.rolled_day::text AS rolled, coalesce($2::date, ${TODAY}) - r.rolled_day AS gap,
                r.target_day::text AS target, coalesce(r.building, false) AS building, r.boundary
         FROM (SELECT 1) one LEFT JOIN customer_event_window_rolls r ON r.corp_id = $1`, [corpId, today ?? null]);
      // A pass that was interrupted is finished first (towards its own target; another pass follows if that is not today).
      if (s.target !== null) return { target: s.target, rolled: s.rolled, building: s.building, boundary: s.boundary };
      if (s.rolled !== null && s.gap === 0) return null;
      const building = s.rolled === null || s.gap === null || s.gap < 0 || s.gap > MAX_ROLL_GAP;
      await client.query(
        `INSERT INTO customer_event_window_rolls (corp_id, rolled_day, target_day, building, boundary) VALUES ($1, NULL, $2, $3, NULL)
         ON CONFLICT (corp_id) DO UPDATE SET target_day = EXCLUDED.target_day, building = EXCLUDED.building, boundary = NULL`,
        [corpId, s.today, building]);
      return { target: s.today, rolled: s.rolled, building, boundary: null };
    });
    if (!pass) return outcome;
    if (!(await runPass(pool, corpId, pass, opts))) continue; // another roller moved the pass on: read it again
    outcome = pass.building || outcome === 'built' ? 'built' : 'rolled';
  }
}

/** The chunks of one pass, from its boundary to the last customer; false when the stored pass is no longer this one. */
async function runPass(pool: pg.Pool, corpId: string, pass: Pass, opts: RollOptions): Promise<boolean> {
  const types = [...EVENT_TYPES];
  const chunk = opts.chunk ?? ROLL_CHUNK;
  let lo = pass.boundary;
  for (;;) {
    const { rows: [next] } = await pool.query<Cols<'customers', 'external_userid'>>(
      `SELECT external_userid FROM customers WHERE corp_id = $1 ${lo === null ? '' : 'AND external_userid > $3'} ORDER BY external_userid OFFSET $2 LIMIT 1`,
      lo === null ? [corpId, chunk - 1] : [corpId, chunk - 1, lo]);
    const hi: string | null = next?.external_userid ?? null;
    const moved = await corpLocked(pool, corpId, async (client) => {
      const { rows: [s] } = await client.query(
        `SELECT 1 FROM customer_event_window_rolls WHERE corp_id = $1 AND target_day = $2 AND building = $3 AND boundary IS NOT DISTINCT FROM $4`,
        [corpId, pass.target, pass.building, lo]);
      if (!s) return false;
      // Customers in (lo, hi]. Parameters: $1 corp, $2 types, $3 target, ($4 rolled,) then the range's ends.
      const statement = (keysOnly = false) => {
        const params: unknown[] = keysOnly ? [corpId] : pass.building ? [corpId, types, pass.target] : [corpId, types, pass.target, pass.rolled];
        const range = (col: string) => [lo === null ? null : `${col} > $${params.push(lo)}`, hi === null ? null : `${col} <= $${params.push(hi)}`]
          .filter(Boolean).map((x) => ` AND ${x}`).join('');
        const counts = (days: string) => `SELECT external_userid, day, n, pond_event_window_type(type) AS t FROM customer_event_counts
          WHERE corp_id = $1 AND type = ANY($2::text[]) AND ${days}${range('external_userid')}`;
        return { params, range, counts };
      };
      // The rows to rewrite are locked first, in key order — as every statement writing several customers does — and
      // without waiting long: a transaction holding one of them may be waiting for this chunk's lock (an event insert
      // after a customer update); rather than a deadlock, this chunk gives up and is tried again.
      await client.query(`SET LOCAL lock_timeout = '${ROW_WAIT}'`);
      const lockRows = statement(pass.building);
      const update = statement();
      if (pass.building) {
        // Every customer of the range gets the windows of their counts of the last 180 days (and of later days, in
        // every window) — the days listed, so the counts' key (corp, type, day, customer) reads the range only.
        await client.query(`SELECT 1 FROM customers c WHERE c.corp_id = $1${lockRows.range('c.external_userid')} ORDER BY c.external_userid FOR UPDATE`, lockRows.params);
        const sums = SLOTS.map(([t, k]) => `coalesce(sum(n) FILTER (WHERE t = ${t} AND day > $3::date - ${k}), 0)::int`);
        await client.query(
          `UPDATE customers c SET event_windows = x.w
           FROM (SELECT c2.external_userid, pond_event_windows_or_null(a.w) AS w FROM customers c2 LEFT JOIN (
                   SELECT external_userid, ARRAY[${sums.join(', ')}] AS w FROM (
                     ${update.counts('day = ANY(ARRAY(SELECT $3::date - g FROM generate_series(0, 179) g))')}
                     UNION ALL ${update.counts('day > $3::date')}) k
                   GROUP BY external_userid) a ON a.external_userid = c2.external_userid
                 WHERE c2.corp_id = $1${update.range('c2.external_userid')}) x
           WHERE c.corp_id = $1 AND c.external_userid = x.external_userid AND c.event_windows IS DISTINCT FROM x.w`,
          update.params);
      } else {
        // The days that left some window: (rolled - k, target - k] for each length k, read by the counts' key for those
        // days and this range only, and subtracted from the windows they left; a row left with nothing becomes NULL.
        const leaving = `day = ANY(ARRAY(SELECT DISTINCT $4::date - k + g FROM unnest(ARRAY[${WINDOW_DAYS.join(', ')}]) k, generate_series(1, $3::date - $4::date) g))`;
        await client.query(
          `SELECT 1 FROM customers c WHERE c.corp_id = $1 AND c.event_windows IS NOT NULL AND c.external_userid IN (SELECT external_userid FROM (${lockRows.counts(leaving)}) k)
           ORDER BY c.external_userid FOR UPDATE`, lockRows.params);
        const sums = SLOTS.map(([t, k]) => `coalesce(sum(n) FILTER (WHERE t = ${t} AND day > $4::date - ${k} AND day <= $3::date - ${k}), 0)::int`);
        await client.query(
          `UPDATE customers c SET event_windows = pond_event_windows_or_null(ARRAY[${SLOTS.map((_, i) => `coalesce(c.event_windows[${i + 1}], 0) - x.s[${i + 1}]`).join(', ')}])
           FROM (SELECT external_userid, ARRAY[${sums.join(', ')}] AS s FROM (${update.counts(leaving)}) k GROUP BY external_userid) x
           WHERE c.corp_id = $1 AND c.external_userid = x.external_userid AND c.event_windows IS NOT NULL`, update.params);
      }
      await client.query(
        hi === null
          ? `UPDATE customer_event_window_rolls SET rolled_day = target_day, target_day = NULL, building = false, boundary = NULL, rolled_at = now() WHERE corp_id = $1`
          : `UPDATE customer_event_window_rolls SET boundary = $2 WHERE corp_id = $1`,
        hi === null ? [corpId] : [corpId, hi]);
      return true;
    });
    if (!moved) return false;
    await opts.afterChunk?.(hi);
    if (hi === null) return true;
    lo = hi;
  }
}

export class EventWindowService {
  /** Daily just after midnight (Asia/Shanghai), and once when a worker starts. Idempotent: a corp already rolled to today is left alone. */
  readonly rollJob = defineClock('segments.roll_windows', dailyAt(0, 5, 'daily'), () => this.rollAll(), { retryLimit: 3, retryDelaySeconds: 300, expireInMinutes: 120 });

  constructor(private pool: pg.Pool, private log: Logger) {}

  async rollAll(today?: string, opts?: RollOptions): Promise<void> {
    const { rows: corps } = await this.pool.query<Cols<'corps', 'id'>>('SELECT id FROM corps ORDER BY id');
    for (const { id } of corps) {
      const started = Date.now();
      const outcome = await rollEventWindows(this.pool, id, today, opts);
      // Quick rolls (a small corp, every start of a worker) stay out of the terminal; slow ones are worth seeing.
      const ms = Date.now() - started;
      if (outcome !== 'current') this.log[ms >= 1000 ? 'info' : 'debug']({ corpId: id, outcome, ms }, 'segment event windows rolled');
    }
    // The roll rewrites many customer rows; vacuum so their old versions' space is reused (later updates stay HOT)
    // and the planner's statistics are fresh.
    await this.pool.query('VACUUM (ANALYZE) customers');
  }
}
