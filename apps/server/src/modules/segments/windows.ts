// Rolling event windows (ADR 0006): per customer and event type, the count of the last 7/30/90/180 days,
// relative to the day the pair (corp, type) was last rolled to. The trigger on customer_events adds each
// event (migration segment_windows_trigger); the daily roll here subtracts the days that leave each window,
// reading customer_event_counts, and builds the windows of pairs that have none. Segments read them only
// for a pair rolled to today, so a late or missed roll makes queries slower, never wrong.
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction } from '../../platform/db';
import type { Logger } from '../../platform/log';
import { defineJob } from '../../platform/queue';
import { EVENT_TYPES } from './rule';

export const WINDOW_DAYS = [7, 30, 90, 180] as const;

/** What a segment query may read: `today` (Asia/Shanghai) and the event types whose windows are rolled to it. */
export interface EventWindows { today: string; ready: string[] }

const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
/** Behind by more than this, a roll rebuilds the windows instead of subtracting (one scan of 180 days). */
const MAX_ROLL_GAP = 30;

/** `today` defaults to today in Asia/Shanghai (tests pass another day). */
export async function readEventWindows(db: Pick<pg.Pool, 'query'>, corpId: string, today?: string): Promise<EventWindows> {
  const { rows: [r] } = await db.query(
    `SELECT d::text AS today, ARRAY(SELECT type FROM customer_event_window_rolls WHERE corp_id = $1 AND rolled_day = d) AS ready
     FROM coalesce($2::date, ${TODAY}) d`, [corpId, today ?? null]);
  return { today: r.today, ready: r.ready };
}

const sums = (from: string, to: string) => WINDOW_DAYS.map((k) => `coalesce(sum(n) FILTER (WHERE day > ${from}::date - ${k} AND day <= ${to}::date - ${k}), 0)::int AS s${k}`).join(', ');

/**
 * Moves the windows of (corp, type) to `today` (default: today in Asia/Shanghai): subtracts the days that
 * left each window, or rebuilds them from the per-day counts when there are none, they are ahead of `today`
 * or more than MAX_ROLL_GAP days behind. Holds the pair's lock exclusively, so event inserts of that pair
 * wait for it (one pair is a few seconds at a million customers).
 */
export async function rollEventWindows(pool: pg.Pool, corpId: string, type: string, today?: string): Promise<'built' | 'rolled' | 'current'> {
  return withTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('pond.event_windows'), hashtext($1 || '/' || $2))`, [corpId, type]);
    const { rows: [s] } = await client.query(
      `SELECT coalesce($3::date, ${TODAY})::text AS today, r.rolled_day::text AS rolled, coalesce($3::date, ${TODAY}) - r.rolled_day AS gap
       FROM (SELECT 1) one LEFT JOIN customer_event_window_rolls r ON r.corp_id = $1 AND r.type = $2`, [corpId, type, today ?? null]);
    const day: string = s.today;
    let outcome: 'built' | 'rolled' | 'current';
    if (s.rolled !== null && s.gap === 0) {
      outcome = 'current';
    } else if (s.rolled === null || s.gap < 0 || s.gap > MAX_ROLL_GAP) {
      await client.query('DELETE FROM customer_event_windows WHERE corp_id = $1 AND type = $2', [corpId, type]);
      await client.query(
        `INSERT INTO customer_event_windows (corp_id, type, external_userid, d7, d30, d90, d180)
         SELECT $1, $2, external_userid, ${WINDOW_DAYS.map((k) => `coalesce(sum(n) FILTER (WHERE day > $3::date - ${k}), 0)`).join(', ')}
         FROM customer_event_counts WHERE corp_id = $1 AND type = $2 AND day > $3::date - 180 GROUP BY external_userid`, [corpId, type, day]);
      outcome = 'built';
    } else {
      await client.query(
        `UPDATE customer_event_windows w SET d7 = w.d7 - x.s7, d30 = w.d30 - x.s30, d90 = w.d90 - x.s90, d180 = w.d180 - x.s180
         FROM (SELECT external_userid, ${sums('$3', '$4')} FROM customer_event_counts
               WHERE corp_id = $1 AND type = $2 AND (${WINDOW_DAYS.map((k) => `(day > $3::date - ${k} AND day <= $4::date - ${k})`).join(' OR ')})
               GROUP BY external_userid) x
         WHERE w.corp_id = $1 AND w.type = $2 AND w.external_userid = x.external_userid`, [corpId, type, s.rolled, day]);
      await client.query('DELETE FROM customer_event_windows WHERE corp_id = $1 AND type = $2 AND d180 = 0', [corpId, type]);
      outcome = 'rolled';
    }
    await client.query(
      `INSERT INTO customer_event_window_rolls (corp_id, type, rolled_day) VALUES ($1, $2, $3)
       ON CONFLICT (corp_id, type) DO UPDATE SET rolled_day = EXCLUDED.rolled_day, rolled_at = now()`, [corpId, type, day]);
    return outcome;
  });
}

export class EventWindowService {
  /** Daily just after midnight (Asia/Shanghai), and once when a worker starts. Idempotent: a pair already rolled to today is left alone. */
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
      for (const type of EVENT_TYPES) {
        const started = Date.now();
        const outcome = await rollEventWindows(this.pool, id, type, today);
        // Quick rolls (a small corp, every start of a worker) stay out of the terminal; slow ones are worth seeing.
        const ms = Date.now() - started;
        if (outcome !== 'current') this.log[ms >= 1000 ? 'info' : 'debug']({ corpId: id, type, outcome, ms }, 'segment event windows rolled');
      }
    }
    // The roll rewrites many rows; vacuum so the window indexes answer by index-only scans again.
    await this.pool.query('VACUUM (ANALYZE) customer_event_windows');
  }
}
