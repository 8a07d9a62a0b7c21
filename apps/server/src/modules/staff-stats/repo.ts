// SQL of the staff stats and group health (ADR 0027). Every statement takes the corp; reads take the caller's scope and
// narrow rows with the platform's conditions (resources.ts). Days are the corp's calendar days unless a comment says
// WeCom's: a day's bounds are `day::timestamp AT TIME ZONE tz`.
import type pg from 'pg';
import type { StatsSettings } from '@pond/contracts/staff-stats';
import type { Scope } from '../../platform/auth';
import type { Row } from '../../platform/db/rows';
import { groupVisibleSql, staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

type Db = Pick<pg.PoolClient, 'query'>;

/** Params whose first values are the fixed ones ($1, $2 …) of a statement. */
function paramsOf(...values: unknown[]): Params {
  const p = new Params();
  for (const v of values) p.add(v);
  return p;
}

const BOUNDS = `b AS (SELECT ($2::date)::timestamp AT TIME ZONE $3 AS s, ($2::date + 1)::timestamp AT TIME ZONE $3 AS e)`;

// ---- settings ----

export const DEFAULT_SETTINGS: StatsSettings = {
  nightlyTime: '04:00', silentDays: 7, shrinkDays: 14, shrinkPercent: 10, digestEnabled: true, digestWeekday: 1, digestTime: '09:00',
};

const settingsOf = (r: Row<'staff_stats_settings'> | undefined): StatsSettings => (r ? {
  nightlyTime: r.nightly_time, silentDays: r.silent_days, shrinkDays: r.shrink_days, shrinkPercent: r.shrink_percent,
  digestEnabled: r.digest_enabled, digestWeekday: r.digest_weekday, digestTime: r.digest_time,
} : { ...DEFAULT_SETTINGS });

export async function getSettings(db: Db, corpId: string): Promise<StatsSettings> {
  const { rows } = await db.query<Row<'staff_stats_settings'>>('SELECT * FROM staff_stats_settings WHERE corp_id = $1', [corpId]);
  return settingsOf(rows[0]);
}

export async function putSettings(db: Db, corpId: string, s: StatsSettings): Promise<StatsSettings> {
  const { rows } = await db.query<Row<'staff_stats_settings'>>(
    `INSERT INTO staff_stats_settings (corp_id, nightly_time, silent_days, shrink_days, shrink_percent, digest_enabled, digest_weekday, digest_time, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT (corp_id) DO UPDATE SET nightly_time = $2, silent_days = $3, shrink_days = $4, shrink_percent = $5, digest_enabled = $6,
       digest_weekday = $7, digest_time = $8, updated_at = now()
     RETURNING *`,
    [corpId, s.nightlyTime, s.silentDays, s.shrinkDays, s.shrinkPercent, s.digestEnabled, s.digestWeekday, s.digestTime]);
  return settingsOf(rows[0]);
}

// ---- runs ----

/** Corps whose nightly time has passed today (local) and have no run for yesterday yet: a run is made, once. */
export async function ensureNightlyRuns(db: Db, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO staff_stats_runs (corp_id, day, requested_by)
     SELECT c.id, (($1::timestamptz AT TIME ZONE c.timezone)::date - 1), 'nightly'
       FROM corps c LEFT JOIN staff_stats_settings s ON s.corp_id = c.id
      WHERE to_char($1::timestamptz AT TIME ZONE c.timezone, 'HH24:MI') >= coalesce(s.nightly_time, '04:00')
     ON CONFLICT DO NOTHING`, [now]);
  return rowCount ?? 0;
}

/** Runs for the days given (backfill): new days pending, done or failed ones back to pending from the start. */
export async function queueRuns(db: Db, corpId: string, days: string[], by: string): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO staff_stats_runs (corp_id, day, requested_by) SELECT $1, d::date, $3 FROM unnest($2::text[]) d
     ON CONFLICT (corp_id, day) DO UPDATE SET status = 'pending', groups_done = false, cursor = NULL, staff_done = 0, attempts = 0, error = NULL,
       requested_by = $3, finished_at = NULL
       WHERE staff_stats_runs.status IN ('done', 'failed')`, [corpId, days, by]);
  return rowCount ?? 0;
}

export type RunRow = Row<'staff_stats_runs'> & { timezone: string };

/**
 * Claims the oldest open run whose lease is free (a crashed worker's lease runs out) for `leaseMs`. Newest days first
 * would starve a backfill behind nightly runs; oldest first finishes a backfill in order.
 */
export async function claimRun(db: Db, lease: string, leaseMs: number): Promise<RunRow | null> {
  const { rows } = await db.query<RunRow>(
    `WITH next AS (
       SELECT corp_id, day FROM staff_stats_runs
        WHERE status IN ('pending', 'running') AND (locked_until IS NULL OR locked_until < now())
        ORDER BY day, corp_id LIMIT 1 FOR UPDATE SKIP LOCKED)
     UPDATE staff_stats_runs r SET status = 'running', lease = $1, locked_until = now() + ($2::int * interval '1 millisecond'),
            attempts = r.attempts + 1, started_at = coalesce(r.started_at, now())
       FROM next, corps c WHERE r.corp_id = next.corp_id AND r.day = next.day AND c.id = r.corp_id
     RETURNING r.*, r.day::text AS day, c.timezone`, [lease, leaseMs]);
  return rows[0] ?? null;
}

/** Moves the run on under its lease: false when the lease was lost (another worker took it over). */
export async function advanceRun(db: Db, r: { corp_id: string; day: string; lease: string }, patch: { groupsDone?: boolean; cursor?: string; leaseMs: number }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE staff_stats_runs SET groups_done = groups_done OR $4, cursor = coalesce($5, cursor),
            staff_done = staff_done + CASE WHEN $5::text IS NULL THEN 0 ELSE 1 END, locked_until = now() + ($6::int * interval '1 millisecond')
      WHERE corp_id = $1 AND day = $2::date AND lease = $3 AND status = 'running'`,
    [r.corp_id, r.day, r.lease, patch.groupsDone ?? false, patch.cursor ?? null, patch.leaseMs]);
  return rowCount === 1;
}

export async function finishRun(db: Db, r: { corp_id: string; day: string; lease: string }, status: 'done' | 'failed' | 'pending', error: string | null): Promise<void> {
  await db.query(
    `UPDATE staff_stats_runs SET status = $4, error = $5, lease = NULL, locked_until = CASE WHEN $4 = 'pending' THEN now() + interval '1 minute' END,
            finished_at = CASE WHEN $4 = 'pending' THEN NULL ELSE now() END
      WHERE corp_id = $1 AND day = $2::date AND lease = $3`, [r.corp_id, r.day, r.lease, status, error]);
}

export async function listRuns(db: Db, corpId: string, limit = 60): Promise<(Row<'staff_stats_runs'>)[]> {
  const { rows } = await db.query<Row<'staff_stats_runs'>>(
    `SELECT r.*, r.day::text AS day FROM staff_stats_runs r WHERE r.corp_id = $1 ORDER BY r.day DESC LIMIT $2`, [corpId, limit]);
  return rows;
}

// ---- the day's figures ----

/** Staff whose day is computed: members with customer contact, or with relations, not resigned before the day. */
export async function staffOfDay(db: Db, corpId: string, day: string, tz: string, after: string | null): Promise<string[]> {
  const { rows } = await db.query<{ userid: string }>(
    `WITH ${BOUNDS}
     SELECT s.userid FROM staff s, b
      WHERE s.corp_id = $1 AND (s.is_follow_user OR EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = s.corp_id AND f.userid = s.userid))
        AND (s.resigned_at IS NULL OR s.resigned_at >= b.s) AND ($4::text IS NULL OR s.userid > $4)
      ORDER BY s.userid`, [corpId, day, tz, after]);
  return rows.map((r) => r.userid);
}

/** Group rows of the day from Pond's member rows: members at the day's end, joins and leaves in it. */
export async function upsertGroupDay(db: Db, corpId: string, day: string, tz: string): Promise<number> {
  const { rowCount } = await db.query(
    `WITH ${BOUNDS}
     INSERT INTO group_daily_stats (corp_id, chat_id, day, owner_userid, store_id, tier, members, joins, leaves, computed_at)
     SELECT g.corp_id, g.chat_id, $2::date, g.owner_userid, g.store_id, g.tier,
            count(m.member_id) FILTER (WHERE m.join_time < b.e AND (m.left_at IS NULL OR m.left_at >= b.e))::int,
            count(m.member_id) FILTER (WHERE m.join_time >= b.s AND m.join_time < b.e)::int,
            count(m.member_id) FILTER (WHERE m.left_at >= b.s AND m.left_at < b.e)::int, now()
       FROM b, groups g LEFT JOIN group_members m ON m.corp_id = g.corp_id AND m.chat_id = g.chat_id
      WHERE g.corp_id = $1 AND (g.created_at IS NULL OR g.created_at < b.e) AND (g.dismissed_at IS NULL OR g.dismissed_at >= b.s)
      GROUP BY g.corp_id, g.chat_id, g.owner_userid, g.store_id, g.tier
     ON CONFLICT (corp_id, chat_id, day) DO UPDATE SET owner_userid = EXCLUDED.owner_userid, store_id = EXCLUDED.store_id, tier = EXCLUDED.tier,
       members = EXCLUDED.members, joins = EXCLUDED.joins, leaves = EXCLUDED.leaves, computed_at = now()`, [corpId, day, tz]);
  return rowCount ?? 0;
}

/**
 * Pond's own figures of every staff member for the day, in one statement (WeCom's columns are left as they are).
 * Orders: each order paid that day (not refunded in full), net of refunds, goes to the staff member whose relation with
 * the customer was live at the payment — the earliest added when several (ADR 0027).
 */
export async function upsertPondFigures(db: Db, corpId: string, day: string, tz: string): Promise<number> {
  const { rowCount } = await db.query(
    `WITH ${BOUNDS},
     st AS (
       SELECT s.userid, s.store_id, s.main_department FROM staff s, b
        WHERE s.corp_id = $1 AND (s.is_follow_user OR EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = s.corp_id AND f.userid = s.userid))
          AND (s.resigned_at IS NULL OR s.resigned_at >= b.s)),
     rel AS (
       SELECT f.userid, count(*) FILTER (WHERE f.added_at >= b.s AND f.added_at < b.e) AS added,
              count(*) FILTER (WHERE f.status = 'deleted_by_customer' AND f.deleted_at >= b.s AND f.deleted_at < b.e) AS by_customer,
              count(*) FILTER (WHERE f.status = 'deleted_by_staff' AND f.deleted_at >= b.s AND f.deleted_at < b.e) AS by_staff
         FROM follows f, b WHERE f.corp_id = $1 AND ((f.added_at >= b.s AND f.added_at < b.e) OR (f.deleted_at >= b.s AND f.deleted_at < b.e))
        GROUP BY f.userid),
     tk AS (
       SELECT t.owner_userid AS userid,
              count(*) FILTER (WHERE t.status = 'done' AND t.done_at >= b.s AND t.done_at < b.e) AS done,
              count(*) FILTER (WHERE t.due_at >= b.s AND t.due_at < b.e AND t.status NOT IN ('skipped', 'cancelled') AND (t.done_at IS NULL OR t.done_at >= b.e)) AS overdue
         FROM staff_tasks t, b WHERE t.corp_id = $1 AND ((t.done_at >= b.s AND t.done_at < b.e) OR (t.due_at >= b.s AND t.due_at < b.e))
        GROUP BY t.owner_userid),
     bc AS (
       SELECT bs.sender_userid AS userid, count(*) AS confirmed FROM broadcast_sends bs, b
        WHERE bs.corp_id = $1 AND bs.confirmed_at >= b.s AND bs.confirmed_at < b.e GROUP BY bs.sender_userid),
     mo AS (
       SELECT ms.userid, count(*) AS posted, sum(ms.reach) AS reach FROM moment_senders ms, b
        WHERE ms.corp_id = $1 AND ms.published AND ms.published_at >= b.s AND ms.published_at < b.e GROUP BY ms.userid),
     od AS (
       SELECT a.userid, count(*) AS orders, sum(o.amount - o.refunded_amount) AS gmv
         FROM b, orders o
         CROSS JOIN LATERAL (
           SELECT f.userid FROM follows f
            WHERE f.corp_id = o.corp_id AND f.external_userid = o.external_userid AND f.added_at <= o.paid_at
              AND (f.deleted_at IS NULL OR f.deleted_at > o.paid_at)
            ORDER BY f.added_at, f.userid LIMIT 1) a
        WHERE o.corp_id = $1 AND o.external_userid IS NOT NULL AND o.refunded_at IS NULL AND o.paid_at >= b.s AND o.paid_at < b.e
        GROUP BY a.userid),
     gs AS (SELECT * FROM group_owner_stats WHERE corp_id = $1 AND day = $2::date)
     INSERT INTO staff_daily_stats (corp_id, userid, day, store_id, department_id, added, deleted_by_customer, deleted_by_staff,
       groups_created, groups_total, group_members, group_new_members, group_members_spoke, tasks_done, tasks_overdue, broadcasts_confirmed,
       moments_posted, moment_reach, orders, gmv, computed_at)
     SELECT $1, st.userid, $2::date, st.store_id, st.main_department, coalesce(rel.added, 0), coalesce(rel.by_customer, 0), coalesce(rel.by_staff, 0),
            coalesce(gs.new_chat_cnt, 0), coalesce(gs.chat_total, 0), coalesce(gs.member_total, 0), coalesce(gs.new_member_cnt, 0), coalesce(gs.member_has_msg, 0),
            coalesce(tk.done, 0), coalesce(tk.overdue, 0), coalesce(bc.confirmed, 0), coalesce(mo.posted, 0), coalesce(mo.reach, 0),
            coalesce(od.orders, 0), coalesce(od.gmv, 0), now()
       FROM st LEFT JOIN rel ON rel.userid = st.userid LEFT JOIN tk ON tk.userid = st.userid LEFT JOIN bc ON bc.userid = st.userid
            LEFT JOIN mo ON mo.userid = st.userid LEFT JOIN od ON od.userid = st.userid LEFT JOIN gs ON gs.owner_userid = st.userid
     ON CONFLICT (corp_id, userid, day) DO UPDATE SET store_id = EXCLUDED.store_id, department_id = EXCLUDED.department_id, added = EXCLUDED.added,
       deleted_by_customer = EXCLUDED.deleted_by_customer, deleted_by_staff = EXCLUDED.deleted_by_staff, groups_created = EXCLUDED.groups_created,
       groups_total = EXCLUDED.groups_total, group_members = EXCLUDED.group_members, group_new_members = EXCLUDED.group_new_members,
       group_members_spoke = EXCLUDED.group_members_spoke, tasks_done = EXCLUDED.tasks_done, tasks_overdue = EXCLUDED.tasks_overdue,
       broadcasts_confirmed = EXCLUDED.broadcasts_confirmed, moments_posted = EXCLUDED.moments_posted, moment_reach = EXCLUDED.moment_reach,
       orders = EXCLUDED.orders, gmv = EXCLUDED.gmv, computed_at = now()`, [corpId, day, tz]);
  return rowCount ?? 0;
}

export interface BehaviorFigures {
  new_apply_cnt?: number; new_contact_cnt?: number; chat_cnt?: number; message_cnt?: number; reply_percentage?: number; avg_reply_time?: number;
  negative_feedback_cnt?: number;
}

/** WeCom's behaviour figures of one staff member's day (null = WeCom had none, or refused: `error`). */
export async function setBehavior(db: Db, corpId: string, userid: string, day: string, d: BehaviorFigures | null, error: string | null): Promise<void> {
  await db.query(
    `INSERT INTO staff_daily_stats (corp_id, userid, day, new_apply_cnt, new_contact_cnt, chat_cnt, message_cnt, reply_percentage, avg_reply_time,
       negative_feedback_cnt, wecom_error, computed_at)
     VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (corp_id, userid, day) DO UPDATE SET new_apply_cnt = $4, new_contact_cnt = $5, chat_cnt = $6, message_cnt = $7,
       reply_percentage = $8, avg_reply_time = $9, negative_feedback_cnt = $10, wecom_error = $11, computed_at = now()`,
    [corpId, userid, day, d?.new_apply_cnt ?? (d ? 0 : null), d?.new_contact_cnt ?? (d ? 0 : null), d?.chat_cnt ?? (d ? 0 : null),
      d?.message_cnt ?? (d ? 0 : null), d?.reply_percentage ?? null, d?.avg_reply_time ?? null, d?.negative_feedback_cnt ?? (d ? 0 : null), error]);
}

// ---- reads ----

export interface Period { from: string; to: string; storeId?: number; departmentId?: number }

const SUMS = `
  coalesce(sum(d.added), 0)::int AS added, coalesce(sum(d.deleted_by_customer), 0)::int AS deleted_by_customer,
  coalesce(sum(d.deleted_by_staff), 0)::int AS deleted_by_staff, coalesce(sum(d.new_contact_cnt), 0)::int AS new_contact_cnt,
  coalesce(sum(d.new_apply_cnt), 0)::int AS new_apply_cnt, coalesce(sum(d.chat_cnt), 0)::int AS chat_cnt, coalesce(sum(d.message_cnt), 0)::int AS message_cnt,
  avg(d.reply_percentage)::float8 AS reply_percentage, avg(d.avg_reply_time)::float8 AS avg_reply_time,
  coalesce(sum(d.negative_feedback_cnt), 0)::int AS negative_feedback_cnt, coalesce(sum(d.groups_created), 0)::int AS groups_created,
  coalesce(sum(d.groups_total) FILTER (WHERE d.day = $3::date), 0)::int AS groups_total,
  coalesce(sum(d.group_members) FILTER (WHERE d.day = $3::date), 0)::int AS group_members,
  coalesce(sum(d.group_new_members), 0)::int AS group_new_members, coalesce(sum(d.group_members_spoke), 0)::int AS group_members_spoke,
  coalesce(sum(d.tasks_done), 0)::int AS tasks_done, coalesce(sum(d.tasks_overdue), 0)::int AS tasks_overdue,
  coalesce(sum(d.broadcasts_confirmed), 0)::int AS broadcasts_confirmed, coalesce(sum(d.moments_posted), 0)::int AS moments_posted,
  coalesce(sum(d.moment_reach), 0)::int AS moment_reach, coalesce(sum(d.orders), 0)::int AS orders, coalesce(sum(d.gmv), 0)::float8 AS gmv,
  count(DISTINCT d.day)::int AS days`;

export interface SumsRow {
  added: number; deleted_by_customer: number; deleted_by_staff: number; new_contact_cnt: number; new_apply_cnt: number; chat_cnt: number; message_cnt: number;
  reply_percentage: number | null; avg_reply_time: number | null; negative_feedback_cnt: number; groups_created: number; groups_total: number;
  group_members: number; group_new_members: number; group_members_spoke: number; tasks_done: number; tasks_overdue: number; broadcasts_confirmed: number;
  moments_posted: number; moment_reach: number; orders: number; gmv: number; days: number;
}

/** Rows of the period the scope sees (staff the platform says it sees), with the period's filters. */
function staffWhere(scope: Scope, q: Period, p: Params): string {
  const conds = [`d.corp_id = $1`, `d.day BETWEEN $2::date AND $3::date`, staffUseridVisibleSql(scope, p, 'd.userid', 'd.corp_id')];
  if (q.storeId) conds.push(`d.store_id = ${p.add(q.storeId)}`);
  if (q.departmentId) conds.push(`d.department_id = ${p.add(q.departmentId)}`);
  return conds.join(' AND ');
}

export async function staffRollup(db: Db, scope: Scope, q: Period, groupBy: 'staff' | 'store' | 'department')
  : Promise<(SumsRow & { key: string; name: string; store_id: number | null; store_name: string | null })[]> {
  const p = paramsOf(scope.corpId, q.from, q.to);
  const where = staffWhere(scope, q, p);
  const sql = groupBy === 'staff'
    ? `SELECT d.userid AS key, coalesce(s.name, d.userid) AS name, s.store_id, st.name AS store_name, ${SUMS}
         FROM staff_daily_stats d LEFT JOIN staff s ON s.corp_id = d.corp_id AND s.userid = d.userid LEFT JOIN stores st ON st.id = s.store_id
        WHERE ${where} GROUP BY d.userid, s.name, s.store_id, st.name`
    : groupBy === 'store'
      ? `SELECT coalesce(d.store_id::text, '') AS key, coalesce(st.name, '未分配门店 No store') AS name, d.store_id, st.name AS store_name, ${SUMS}
           FROM staff_daily_stats d LEFT JOIN stores st ON st.id = d.store_id AND st.corp_id = d.corp_id
          WHERE ${where} GROUP BY d.store_id, st.name`
      : `SELECT coalesce(d.department_id::text, '') AS key, coalesce(dp.name, '未分配部门 No department') AS name, NULL::bigint AS store_id, NULL AS store_name, ${SUMS}
           FROM staff_daily_stats d LEFT JOIN departments dp ON dp.corp_id = d.corp_id AND dp.id = d.department_id
          WHERE ${where} GROUP BY d.department_id, dp.name`;
  const { rows } = await db.query<SumsRow & { key: string; name: string; store_id: number | null; store_name: string | null }>(sql, p.values);
  return rows;
}

export async function staffTotals(db: Db, scope: Scope, q: Period): Promise<SumsRow> {
  const p = paramsOf(scope.corpId, q.from, q.to);
  const { rows } = await db.query<SumsRow>(`SELECT ${SUMS} FROM staff_daily_stats d WHERE ${staffWhere(scope, q, p)}`, p.values);
  return rows[0];
}

export async function staffDaily(db: Db, scope: Scope, q: Period)
  : Promise<{ day: string; added: number; deleted: number; chat_cnt: number; message_cnt: number; orders: number; gmv: number }[]> {
  const p = paramsOf(scope.corpId, q.from, q.to);
  const { rows } = await db.query<{ day: string; added: number; deleted: number; chat_cnt: number; message_cnt: number; orders: number; gmv: number }>(
    `SELECT d.day::text AS day, sum(d.added)::int AS added, sum(d.deleted_by_customer + d.deleted_by_staff)::int AS deleted,
            coalesce(sum(d.chat_cnt), 0)::int AS chat_cnt, coalesce(sum(d.message_cnt), 0)::int AS message_cnt, sum(d.orders)::int AS orders, sum(d.gmv)::float8 AS gmv
       FROM staff_daily_stats d WHERE ${staffWhere(scope, q, p)} GROUP BY d.day ORDER BY d.day`, p.values);
  return rows;
}

export async function runState(db: Db, corpId: string): Promise<{ through: string | null; running: number }> {
  const { rows } = await db.query<{ through: string | null; running: number }>(
    `SELECT (SELECT max(day)::text FROM staff_stats_runs WHERE corp_id = $1 AND status = 'done') AS through,
            (SELECT count(*)::int FROM staff_stats_runs WHERE corp_id = $1 AND status IN ('pending', 'running')) AS running`, [corpId]);
  return rows[0];
}

// ---- group health ----

export interface GroupHealthRowSql {
  chat_id: string; name: string; tier: string | null; owner_userid: string | null; owner_name: string | null; store_id: number | null;
  members_start: number; members: number; joins: number; leaves: number; last_join: string | null; last_owner_msg: string | null;
  owner_groups: number; stats_days: number; owner_msg_days: number; members_shrink_base: number | null; window_joins: number; window_leaves: number;
  /** The chat archive's view of the group (null last_msg_at: the archive holds none of its messages up to the period's end). */
  last_msg_at: Date | null; msgs: number; speakers: number; window_msgs: number;
}

/**
 * Per group the scope sees: members at the start (the day before `from`) and end (`to`), joins and leaves in the period,
 * and what the silent/dying rules read (ADR 0027): joins and the owner's WeCom activity in the last `silentDays`, the
 * members `shrinkDays` before `to`.
 */
export async function groupHealth(db: Db, scope: Scope, q: Period & { tz: string; tier?: string; chatId?: string; silentDays: number; shrinkDays: number; limit: number })
  : Promise<GroupHealthRowSql[]> {
  const p = paramsOf(scope.corpId, q.from, q.to, q.silentDays, q.shrinkDays);
  const conds = [`g.corp_id = $1`, `g.status <> 'dismissed'`, groupVisibleSql(scope, p, 'g')];
  if (q.storeId) conds.push(`g.store_id = ${p.add(q.storeId)}`);
  if (q.tier !== undefined) conds.push(q.tier === '' ? `g.tier IS NULL` : `g.tier = ${p.add(q.tier)}`);
  if (q.chatId) conds.push(`g.chat_id = ${p.add(q.chatId)}`);
  const tz = p.add(q.tz);
  // The period [from 00:00, to + 1 00:00) and the silent window's start (to + 1 − silentDays), in the corp's zone.
  const lo = `($2::date::timestamp AT TIME ZONE ${tz})`;
  const hi = `(($3::date + 1)::timestamp AT TIME ZONE ${tz})`;
  const silentLo = `(($3::date + 1 - $4::int)::timestamp AT TIME ZONE ${tz})`;
  const { rows } = await db.query<GroupHealthRowSql>(
    `SELECT g.chat_id, g.name, g.tier, g.owner_userid, s.name AS owner_name, g.store_id,
            coalesce((SELECT x.members FROM group_daily_stats x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.day = $2::date - 1),
                     (SELECT count(*)::int FROM group_members m WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id
                         AND m.join_time < $2::date::timestamp AT TIME ZONE ${p.add(q.tz)} AND (m.left_at IS NULL OR m.left_at >= $2::date::timestamp AT TIME ZONE ${p.add(q.tz)}))) AS members_start,
            coalesce((SELECT x.members FROM group_daily_stats x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.day = $3::date),
                     (SELECT count(*)::int FROM group_members m WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id
                         AND m.join_time < ($3::date + 1)::timestamp AT TIME ZONE ${p.add(q.tz)} AND (m.left_at IS NULL OR m.left_at >= ($3::date + 1)::timestamp AT TIME ZONE ${p.add(q.tz)}))) AS members,
            coalesce(pd.joins, 0)::int AS joins, coalesce(pd.leaves, 0)::int AS leaves,
            (SELECT max(x.day)::text FROM group_daily_stats x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.day <= $3::date AND x.joins > 0) AS last_join,
            (SELECT max(o.day)::text FROM group_owner_stats o WHERE o.corp_id = g.corp_id AND o.owner_userid = g.owner_userid AND o.day <= $3::date AND o.chat_has_msg > 0) AS last_owner_msg,
            (SELECT count(*)::int FROM groups og WHERE og.corp_id = g.corp_id AND og.owner_userid = g.owner_userid AND og.status <> 'dismissed') AS owner_groups,
            (SELECT count(*)::int FROM group_owner_stats o WHERE o.corp_id = g.corp_id AND o.owner_userid = g.owner_userid AND o.day > $3::date - $4::int AND o.day <= $3::date) AS stats_days,
            (SELECT count(*)::int FROM group_owner_stats o WHERE o.corp_id = g.corp_id AND o.owner_userid = g.owner_userid AND o.day > $3::date - $4::int AND o.day <= $3::date AND o.chat_has_msg > 0) AS owner_msg_days,
            (SELECT x.members FROM group_daily_stats x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.day = $3::date - $5::int) AS members_shrink_base,
            coalesce((SELECT sum(x.joins) FROM group_daily_stats x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.day > $3::date - $4::int AND x.day <= $3::date), 0)::int AS window_joins,
            coalesce((SELECT sum(x.leaves) - sum(x.joins) FROM group_daily_stats x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.day > $3::date - $5::int AND x.day <= $3::date), 0)::int AS window_leaves,
            al.last_msg_at, coalesce(ar.msgs, 0)::int AS msgs, coalesce(ar.speakers, 0)::int AS speakers, coalesce(ar.window_msgs, 0)::int AS window_msgs
       FROM groups g
       LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
       LEFT JOIN LATERAL (SELECT sum(x.joins) AS joins, sum(x.leaves) AS leaves FROM group_daily_stats x
                           WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.day BETWEEN $2::date AND $3::date) pd ON true
       -- The chat archive: messages sent in the group (recalls and other actions are not speech) up to the period's end —
       -- the last one, and those of the period and of the silent window (archived_messages_chat_sent_idx).
       LEFT JOIN LATERAL (SELECT max(am.sent_at) AS last_msg_at FROM archived_messages am
                           WHERE am.corp_id = g.corp_id AND am.chat_id = g.chat_id AND am.action = 'send' AND am.sent_at < ${hi}) al ON true
       LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE am.sent_at >= ${lo}) AS msgs,
                                 count(DISTINCT am.sender) FILTER (WHERE am.sent_at >= ${lo}) AS speakers,
                                 count(*) FILTER (WHERE am.sent_at >= ${silentLo}) AS window_msgs
                           FROM archived_messages am
                           WHERE al.last_msg_at IS NOT NULL AND am.corp_id = g.corp_id AND am.chat_id = g.chat_id AND am.action = 'send'
                             AND am.sent_at >= least(${lo}, ${silentLo}) AND am.sent_at < ${hi}) ar ON true
      WHERE ${conds.join(' AND ')}
      ORDER BY g.chat_id LIMIT ${p.add(q.limit)}`, p.values);
  return rows;
}

export async function ownerActivity(db: Db, scope: Scope, q: Period)
  : Promise<{ day: string; chat_total: number; chat_has_msg: number; member_total: number; member_has_msg: number; msg_total: number }[]> {
  const p = paramsOf(scope.corpId, q.from, q.to);
  const { rows } = await db.query<{ day: string; chat_total: number; chat_has_msg: number; member_total: number; member_has_msg: number; msg_total: number }>(
    `SELECT o.day::text AS day, sum(o.chat_total)::int AS chat_total, sum(o.chat_has_msg)::int AS chat_has_msg, sum(o.member_total)::int AS member_total,
            sum(o.member_has_msg)::int AS member_has_msg, sum(o.msg_total)::int AS msg_total
       FROM group_owner_stats o WHERE o.corp_id = $1 AND o.day BETWEEN $2::date AND $3::date AND ${staffUseridVisibleSql(scope, p, 'o.owner_userid', 'o.corp_id')}
      GROUP BY o.day ORDER BY o.day`, p.values);
  return rows;
}

export async function insertAlert(db: Db, corpId: string, kind: string, message: string, data: unknown, dedupeKey: string): Promise<boolean> {
  const { rowCount } = await db.query(`INSERT INTO alerts (corp_id, kind, message, data, dedupe_key) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [corpId, kind, message, JSON.stringify(data), dedupeKey]);
  return rowCount === 1;
}

// ---- weekly digest ----

/** Corps whose digest moment of this local week has passed: the week's Monday and the corp's zone. */
export async function corpsDueForDigest(db: Db, now: Date): Promise<{ corp_id: string; week: string; tz: string }[]> {
  const { rows } = await db.query<{ corp_id: string; week: string; tz: string }>(
    `SELECT c.id AS corp_id, date_trunc('week', ($1::timestamptz AT TIME ZONE c.timezone))::date::text AS week, c.timezone AS tz
       FROM corps c LEFT JOIN staff_stats_settings s ON s.corp_id = c.id
      WHERE coalesce(s.digest_enabled, true)
        AND (extract(isodow FROM $1::timestamptz AT TIME ZONE c.timezone) > coalesce(s.digest_weekday, 1)
          OR (extract(isodow FROM $1::timestamptz AT TIME ZONE c.timezone) = coalesce(s.digest_weekday, 1)
              AND to_char($1::timestamptz AT TIME ZONE c.timezone, 'HH24:MI') >= coalesce(s.digest_time, '09:00')))`, [now]);
  return rows;
}

/** Claims this week's digest for each store manager who has none yet (the primary key makes it once). */
export async function claimDigests(db: Db, corpId: string, week: string): Promise<{ manager_userid: string; store_ids: number[] }[]> {
  const { rows } = await db.query<{ manager_userid: string; store_ids: number[] }>(
    `WITH managers AS (
       SELECT m.staff_userid AS manager_userid, array_agg(DISTINCT sid ORDER BY sid) AS store_ids
         FROM memberships m CROSS JOIN LATERAL unnest(m.store_ids) sid
        WHERE m.corp_id = $1 AND m.role = 'store_manager' AND m.status = 'active' AND m.disabled_at IS NULL AND m.staff_userid IS NOT NULL
        GROUP BY m.staff_userid),
     claimed AS (
       INSERT INTO staff_stats_digests (corp_id, manager_userid, week) SELECT $1, manager_userid, $2::date FROM managers
       ON CONFLICT DO NOTHING RETURNING manager_userid)
     SELECT m.manager_userid, m.store_ids FROM managers m JOIN claimed c USING (manager_userid)`, [corpId, week]);
  return rows;
}

/** A claimed digest whose card is in the app-message outbox (which records whether WeCom took it). */
export async function settleDigest(db: Db, corpId: string, manager: string, week: string, outcome: 'queued'): Promise<void> {
  await db.query(`UPDATE staff_stats_digests SET status = $4, sent_at = now() WHERE corp_id = $1 AND manager_userid = $2 AND week = $3::date`,
    [corpId, manager, week, outcome]);
}
