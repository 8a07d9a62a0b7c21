// Rolling event windows (ADR 0006, 0007): one row per customer holding, for every event type, the count of the last
// 7/30/90/180 days, relative to the day the corp's windows were last rolled to. The trigger on customer_events adds
// each event (migration segment_window_rows_trigger); the daily roll here subtracts the days that leave each window,
// reading customer_event_counts, and builds the windows of a corp that has none. Segments read them only when the
// corp is rolled to today, so a late or missed roll makes queries slower, never wrong.
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction } from '../../platform/db';
import type { Logger } from '../../platform/log';
import { defineJob } from '../../platform/queue';
import { EVENT_TYPES, WINDOW_DAYS } from './rule';

export { WINDOW_DAYS };

/** What a segment query may read: `today` (Asia/Shanghai) and the event types whose windows are rolled to it
 * (every type when the corp's windows are, else none); and, read at the same time, each store's staff, so a
 * store condition compiles to a list of userids the planner can estimate (a subquery there made it guess
 * 1% of customers and pick a probe per customer for the windows). */
export interface EventWindows { today: string; ready: string[]; storeStaff?: Record<number, string[]> }

const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
/** Behind by more than this, a roll rebuilds the windows instead of subtracting (one scan of 180 days). */
const MAX_ROLL_GAP = 30;

/** `today` defaults to today in Asia/Shanghai (tests pass another day). */
export async function readEventWindows(db: Pick<pg.Pool, 'query'>, corpId: string, today?: string): Promise<EventWindows> {
  const { rows: [r] } = await db.query(
    `SELECT d::text AS today, EXISTS (SELECT 1 FROM customer_event_window_rolls WHERE corp_id = $1 AND rolled_day = d) AS ready,
            (SELECT coalesce(jsonb_object_agg(store_id, userids), '{}') FROM (
               SELECT store_id, array_agg(userid ORDER BY userid) AS userids FROM staff WHERE corp_id = $1 AND store_id IS NOT NULL GROUP BY store_id) s) AS store_staff
     FROM coalesce($2::date, ${TODAY}) d`, [corpId, today ?? null]);
  return { today: r.today, ready: r.ready ? [...EVENT_TYPES] : [], storeStaff: r.store_staff };
}

/** Every slot of a row, in order: [type index, window length in days]. */
const SLOTS = EVENT_TYPES.flatMap((_, t) => WINDOW_DAYS.map((k) => [t, k] as const));
/** The 180-day slots (1-based): a row whose every one is 0 has no event left in any window and is deleted. */
const EMPTY_ROW = (alias: string) => SLOTS.map(([, k], i) => (k === 180 ? `coalesce(${alias}.w[${i + 1}], 0) = 0` : null)).filter(Boolean).join(' AND ');
/** One row of customer_event_counts per kept type with its slot index (pond_event_window_type: the SQL side of the
 * layout), restricted by `days`. */
const counts = (days: string) => `(SELECT external_userid, day, n, pond_event_window_type(type) AS t FROM customer_event_counts
  WHERE corp_id = $1 AND type = ANY($2::text[]) AND ${days}) k`;

/**
 * Moves every window of the corp to `today` (default: today in Asia/Shanghai), all types in one transaction: subtracts
 * the days that left each window, or rebuilds the windows from the per-day counts when there are none, they are ahead
 * of `today` or more than MAX_ROLL_GAP days behind. Holds the corp's lock exclusively, so the corp's event inserts wait
 * for it (ADR 0007 measures how long).
 */
export async function rollEventWindows(pool: pg.Pool, corpId: string, today?: string): Promise<'built' | 'rolled' | 'current'> {
  return withTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('pond.event_windows'), hashtext($1))`, [corpId]);
    const { rows: [s] } = await client.query(
      `SELECT coalesce($2::date, ${TODAY})::text AS today, r.rolled_day::text AS rolled, coalesce($2::date, ${TODAY}) - r.rolled_day AS gap
       FROM (SELECT 1) one LEFT JOIN customer_event_window_rolls r ON r.corp_id = $1`, [corpId, today ?? null]);
    const day: string = s.today;
    const types = [...EVENT_TYPES];
    let outcome: 'built' | 'rolled' | 'current';
    if (s.rolled !== null && s.gap === 0) {
      outcome = 'current';
    } else if (s.rolled === null || s.gap < 0 || s.gap > MAX_ROLL_GAP) {
      await client.query('DELETE FROM customer_event_windows WHERE corp_id = $1', [corpId]);
      const sums = SLOTS.map(([t, k]) => `coalesce(sum(n) FILTER (WHERE t = ${t} AND day > $3::date - ${k}), 0)::int`);
      await client.query(
        `INSERT INTO customer_event_windows (corp_id, external_userid, w)
         SELECT $1, external_userid, ARRAY[${sums.join(', ')}]
         FROM ${counts('day > $3::date - 180')} GROUP BY external_userid HAVING sum(n) > 0`, [corpId, types, day]);
      outcome = 'built';
    } else {
      // The days that left some window: (rolled - k, today - k] for each length k. Read by the counts' key
      // (corp, type, day) for those days only, and subtracted from the windows they left.
      const leaving = `day = ANY(ARRAY(SELECT DISTINCT $3::date - k + g FROM unnest(ARRAY[${WINDOW_DAYS.join(', ')}]) k, generate_series(1, $4::date - $3::date) g))`;
      const sums = SLOTS.map(([t, k]) => `coalesce(sum(n) FILTER (WHERE t = ${t} AND day > $3::date - ${k} AND day <= $4::date - ${k}), 0)::int`);
      await client.query(
        `UPDATE customer_event_windows w SET w = ARRAY[${SLOTS.map((_, i) => `coalesce(w.w[${i + 1}], 0) - x.s[${i + 1}]`).join(', ')}]
         FROM (SELECT external_userid, ARRAY[${sums.join(', ')}] AS s FROM ${counts(leaving)} GROUP BY external_userid) x
         WHERE w.corp_id = $1 AND w.external_userid = x.external_userid`, [corpId, types, s.rolled, day]);
      // Only customers with events on the days that left the 180-day windows can have emptied their row.
      await client.query(
        `DELETE FROM customer_event_windows w WHERE w.corp_id = $1 AND ${EMPTY_ROW('w')}
           AND w.external_userid IN (SELECT external_userid FROM customer_event_counts
                                     WHERE corp_id = $1 AND type = ANY($2::text[]) AND day > $3::date - 180 AND day <= $4::date - 180)`,
        [corpId, types, s.rolled, day]);
      outcome = 'rolled';
    }
    await client.query(
      `INSERT INTO customer_event_window_rolls (corp_id, rolled_day) VALUES ($1, $2)
       ON CONFLICT (corp_id) DO UPDATE SET rolled_day = EXCLUDED.rolled_day, rolled_at = now()`, [corpId, day]);
    return outcome;
  });
}

export class EventWindowService {
  /** Daily just after midnight (Asia/Shanghai), and once when a worker starts. Idempotent: a corp already rolled to today is left alone. */
  readonly rollJob = defineJob({
    name: 'segments.roll_windows',
    schema: z.object({}).passthrough(),
    retryLimit: 3,
    retryDelaySeconds: 300,
    expireInMinutes: 120,
    policy: 'singleton',
    handler: async () => { await this.rollAll(); },
  });

  constructor(private pool: pg.Pool, private log: Logger) {}

  async rollAll(today?: string): Promise<void> {
    const { rows: corps } = await this.pool.query('SELECT id FROM corps ORDER BY id');
    for (const { id } of corps) {
      const started = Date.now();
      const outcome = await rollEventWindows(this.pool, id, today);
      // Quick rolls (a small corp, every start of a worker) stay out of the terminal; slow ones are worth seeing.
      const ms = Date.now() - started;
      if (outcome !== 'current') this.log[ms >= 1000 ? 'info' : 'debug']({ corpId: id, outcome, ms }, 'segment event windows rolled');
    }
    // The roll rewrites many rows; vacuum so their old versions' space is reused and the planner's statistics are fresh.
    await this.pool.query('VACUUM (ANALYZE) customer_event_windows');
  }
}
