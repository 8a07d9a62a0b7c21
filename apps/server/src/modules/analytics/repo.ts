// The Measure pages' reads (ADR 0023): sums over analytics_daily for the funnel and GMV, and analytics_customers for
// what does not sum over days (cohorts, buyers, MAU, the comparisons). Every read is narrowed to the caller's scope:
// a store manager sees rows attributed to their stores, a staff member rows attributed to them.
import type pg from 'pg';
import type { Scope } from '../../platform/auth';
import { Params } from '../../platform/sql';
import { addDays, zonedTime } from '../../platform/time';
import { COMPARE_DAYS } from './rollup';

type Queryable = Pick<pg.Pool, 'query'>;

export interface Period { from: string; to: string }
export interface Filters { storeId?: number; userid?: string; channel?: string }

/** Conditions on a row with store_id, userid and channel columns (analytics_daily or analytics_customers, alias `a`). */
export function filterSql(scope: Scope, f: Filters, p: Params, a: string): string {
  const out: string[] = [`${a}.corp_id = ${p.add(scope.corpId)}`];
  if (scope.staffUserid) out.push(`${a}.userid = ${p.add(scope.staffUserid)}`);
  if (scope.storeIds) out.push(`${a}.store_id = ANY(${p.add(scope.storeIds)}::bigint[])`);
  if (f.storeId !== undefined) out.push(`${a}.store_id = ${p.add(f.storeId)}`);
  if (f.userid !== undefined) out.push(`${a}.userid = ${p.add(f.userid)}`);
  if (f.channel !== undefined) out.push(`${a}.channel = ${p.add(f.channel)}`);
  return out.join(' AND ');
}

/**
 * Which per-day slim rows (analytics_slim, analytics_buyer_sets) answer a read: the corp's or one channel's (rows by
 * channel), or a set of stores' (rows by store: a store manager's pages, one store or eighty) — none when it is narrowed
 * to a staff member or to a channel within stores (those read the customers' own rows: a staff member's are few).
 */
type Slim = { by: 'channel'; channel?: string } | { by: 'store'; stores: number[] };

function slimFor(scope: Scope, f: Filters): Slim | null {
  if (scope.staffUserid || f.userid !== undefined) return null;
  if (!scope.storeIds && f.storeId === undefined) return { by: 'channel', channel: f.channel };
  if (f.channel !== undefined) return null;
  const stores = f.storeId === undefined ? scope.storeIds! : (scope.storeIds ?? [f.storeId]).filter((x) => x === f.storeId);
  return { by: 'store', stores };
}

/** Conditions on analytics_slim (alias `s`): the corp, the measure (by store: `<measure>_s`), the days, the channel or stores. */
function slimWhere(corpId: string, slim: Slim, p: Params, measure: string, from: string, to: string): string {
  const base = `s.corp_id = ${p.add(corpId)} AND s.day >= ${p.add(from)}::date AND s.day <= ${p.add(to)}::date`;
  if (slim.by === 'store') return `${base} AND s.measure = ${p.add(`${measure}_s`)} AND s.key = ANY(${p.add(slim.stores.map(String))}::text[])`;
  return `${base} AND s.measure = ${p.add(measure)}` + (slim.channel !== undefined ? ` AND s.key = ${p.add(slim.channel)}` : '');
}

export interface FunnelSums { key: string; scanned: number; added: number; code_added: number; activated: number; retain_due: number; retained: number; converted: number; spread: number }

const FUNNEL_KEYS: Record<string, string> = {
  channel: 'd.channel', code: 'd.code_id::text', store: 'd.store_id::text', staff: 'd.userid', campaign: 'd.campaign_id::text', day: "to_char(d.day, 'YYYY-MM-DD')", all: "''",
};

/** Breakdowns the slim per-channel rows answer (rollup.ts rebuildSlim). */
const SLIM_KEYS = new Set(['channel', 'day', 'all']);

/**
 * Funnel counts over the period's days, grouped by `by` ('all' for the totals). A corp-wide read (no store or staff in
 * the scope or the filters) by channel, by day or in total reads the slim per-channel rows; the others the fine rows.
 */
export async function funnelSums(db: Queryable, scope: Scope, f: Filters, period: Period, by: string): Promise<FunnelSums[]> {
  const p = new Params();
  const key = FUNNEL_KEYS[by];
  const slim = SLIM_KEYS.has(by) && !scope.staffUserid && !scope.storeIds && f.storeId === undefined && f.userid === undefined;
  const kinds = slim ? `('funnel_ch', 'scan_ch')` : `('funnel', 'scan')`;
  const { rows } = await db.query<FunnelSums>(
    `SELECT ${key} AS key, sum(d.scanned)::int AS scanned, sum(d.added)::int AS added, (sum(d.added) FILTER (WHERE d.code_id <> 0))::int AS code_added,
            sum(d.activated)::int AS activated, sum(d.retain_due)::int AS retain_due, sum(d.retained)::int AS retained,
            sum(d.converted)::int AS converted, sum(d.spread)::int AS spread
     FROM analytics_daily d
     WHERE ${filterSql(scope, f, p, 'd')} AND d.kind IN ${kinds} AND d.day >= ${p.add(period.from)}::date AND d.day <= ${p.add(period.to)}::date
     GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1`, p.values);
  return rows;
}

const ORDER_KEYS: Record<string, string> = { ...FUNNEL_KEYS, group: 'd.chat_id' };

export interface OrderSums { key: string; orders: number; fen: string }

/**
 * Breakdowns the slim order rows answer: corp-wide or by channel — by channel, day, in total (rows by channel), by group
 * (rows by group, corp-wide only); for stores — by store, day, in total (rows by store).
 */
const SLIM_ORDER_KEYS: Record<Slim['by'], Record<string, string>> = {
  channel: { channel: 's.key', day: "to_char(s.day, 'YYYY-MM-DD')", all: "''", group: 's.key' },
  store: { store: 's.key', day: "to_char(s.day, 'YYYY-MM-DD')", all: "''" },
};

export async function orderSums(db: Queryable, scope: Scope, f: Filters, period: Period, touch: 'first' | 'last', by: string): Promise<OrderSums[]> {
  const p = new Params();
  const slim = slimFor(scope, f);
  if (slim && SLIM_ORDER_KEYS[slim.by][by] && !(by === 'group' && f.channel !== undefined)) {
    const { rows } = await db.query<OrderSums>(
      `SELECT ${SLIM_ORDER_KEYS[slim.by][by]} AS key, sum(s.orders)::int AS orders, sum(s.fen)::text AS fen
       FROM analytics_slim s WHERE ${by === 'group' ? slimWhere(scope.corpId, { by: 'channel' }, p, `order_${touch}_g`, period.from, period.to)
                                                      : slimWhere(scope.corpId, slim, p, `order_${touch}`, period.from, period.to)}
       GROUP BY 1 ORDER BY 3 DESC, 1`, p.values);
    return rows;
  }
  const { rows } = await db.query<OrderSums>(
    `SELECT ${ORDER_KEYS[by]} AS key, sum(d.orders)::int AS orders, sum(d.fen)::text AS fen
     FROM analytics_daily d
     WHERE ${filterSql(scope, f, p, 'd')} AND d.kind = 'order' AND d.day >= ${p.add(period.from)}::date AND d.day <= ${p.add(period.to)}::date
       AND d.touch = ${p.add(touch)}
     GROUP BY 1 ORDER BY 3 DESC, 1`, p.values);
  return rows;
}

const zoneOf = (corp: string) => `(SELECT timezone FROM corps WHERE id = ${corp})`;

/**
 * The period's bounds as instants: [from 00:00, to + 1 day 00:00) in the corp's zone. Given as values, not as an
 * expression over corps: the planner then knows how many orders the range holds (it guessed ~1/15th and hash-joined).
 */
function bounds(p: Params, period: Period & { tz: string }): { lo: string; hi: string } {
  return { lo: `${p.add(zonedTime(period.from, '00:00', period.tz))}::timestamptz`, hi: `${p.add(zonedTime(addDays(period.to, 1), '00:00', period.tz))}::timestamptz` };
}

export interface BuyerSums { buyers: number; repeat_buyers: number; orders: number; first_orders: number; mau: number }

/**
 * Distinct figures of the period by the customers' first touch (store, staff, channel): buyers and repeat buyers (orders
 * paid in the period, refunded in full left out: distinct customers over analytics_buyer_days, no orders read), customers
 * whose first order in the pond was in it, and the active customers of the `activeDays` up to its end.
 */
export async function buyerSums(db: Queryable, scope: Scope, f: Filters, period: Period & { tz: string }, activeDays: number): Promise<BuyerSums> {
  const slim = slimFor(scope, f);
  if (slim) {
    const p = new Params();
    const mauFrom = addDays(period.to, 1 - activeDays);
    const [buyers, { rows: [r] }] = await Promise.all([
      slim.by === 'store' ? buyerSets(db, scope.corpId, period, slim.stores) : slim.channel === undefined ? buyerSets(db, scope.corpId, period) : buyerRows(db, scope, f, period),
      db.query<{ first_orders: number; mau: number }>(
        `SELECT (SELECT coalesce(sum(s.n), 0)::int FROM analytics_slim s WHERE ${slimWhere(scope.corpId, slim, p, 'first_order', period.from, period.to)}) AS first_orders,
                (SELECT coalesce(sum(s.n), 0)::int FROM analytics_slim s WHERE ${slimWhere(scope.corpId, slim, p, 'active', mauFrom, period.to)}) AS mau`, p.values),
    ]);
    return { ...buyers, ...r };
  }
  const p = new Params();
  const where = filterSql(scope, f, p, 'a');
  const { lo, hi } = bounds(p, period);
  const [buyers, { rows: [r] }] = await Promise.all([
    buyerRows(db, scope, f, period),
    db.query<{ first_orders: number; mau: number }>(
      `SELECT (SELECT count(*)::int FROM analytics_customers a WHERE ${where} AND a.converted_at >= ${lo} AND a.converted_at < ${hi}) AS first_orders,
              (SELECT count(*)::int FROM analytics_customers a WHERE ${where}
                 AND a.active_at >= ${p.add(zonedTime(addDays(period.to, 1 - activeDays), '00:00', period.tz))}::timestamptz AND a.active_at < ${hi}) AS mau`,
      p.values),
  ]);
  return { ...buyers, ...r };
}

type Buyers = Pick<BuyerSums, 'buyers' | 'repeat_buyers' | 'orders'>;

/** Buyers over the per-customer, per-day rows, narrowed like the rest of the page. */
async function buyerRows(db: Queryable, scope: Scope, f: Filters, period: Period): Promise<Buyers> {
  const p = new Params();
  const { rows: [r] } = await db.query<Buyers>(
    `SELECT count(*)::int AS buyers, (count(*) FILTER (WHERE n >= 2))::int AS repeat_buyers, coalesce(sum(n), 0)::int AS orders
     FROM (SELECT a.external_userid, sum(a.orders) AS n FROM analytics_buyer_days a
           WHERE ${filterSql(scope, f, p, 'a')} AND a.day >= ${p.add(period.from)}::date AND a.day <= ${p.add(period.to)}::date GROUP BY 1) b`, p.values);
  return r;
}

/**
 * The buyers of a period from the days' buyer sets (the corp's, or those of some stores: a customer is in one store's):
 * every customer number that paid on a day, once more for a day they paid twice or more; sorted, a number seen once is a
 * buyer, seen again a repeat buyer.
 */
export async function buyerSets(db: Queryable, corpId: string, period: Period, stores?: number[]): Promise<Buyers> {
  const { rows } = await db.query<{ buyers: Buffer; repeat: Buffer; orders: number }>(
    'SELECT buyers, repeat, orders FROM analytics_buyer_sets WHERE corp_id = $1 AND day >= $2::date AND day <= $3::date AND store_id = ANY($4::bigint[])',
    [corpId, period.from, period.to, stores ?? [-1]]);
  let len = 0;
  for (const r of rows) len += (r.buyers.length + r.repeat.length) / 4;
  const all = new Int32Array(len);
  let i = 0; let orders = 0;
  for (const r of rows) {
    orders += r.orders;
    for (const b of [r.buyers, r.repeat]) for (let o = 0; o < b.length; o += 4) all[i++] = b.readInt32BE(o);
  }
  all.sort();
  let buyers = 0; let repeat = 0;
  for (let j = 0; j < all.length;) {
    let e = j + 1;
    while (e < all.length && all[e] === all[j]) e++;
    buyers++;
    if (e - j >= 2) repeat++;
    j = e;
  }
  return { buyers, repeat_buyers: repeat, orders };
}

export interface SideSums { customers: number; buyers: number; repeat_buyers: number; orders: number; fen: string }

/** Customers added in the period, split by whether they joined a group: their orders to date (kept on analytics_customers). */
export async function withWithout(db: Queryable, scope: Scope, f: Filters, period: Period): Promise<{ joined: SideSums; not_joined: SideSums }> {
  const p = new Params();
  const slim = slimFor(scope, f);
  const { rows } = slim ? await db.query<SideSums & { joined: boolean }>(
    `SELECT s.k = 1 AS joined, sum(s.n)::int AS customers, sum(s.n2)::int AS buyers, sum(s.n3)::int AS repeat_buyers,
            sum(s.orders)::int AS orders, sum(s.fen)::text AS fen
     FROM analytics_slim s WHERE ${slimWhere(scope.corpId, slim, p, 'ww', period.from, period.to)} GROUP BY 1`, p.values) : await db.query<SideSums & { joined: boolean }>(
    `SELECT a.group_joined_at IS NOT NULL AS joined, count(*)::int AS customers, count(*) FILTER (WHERE a.order_count > 0)::int AS buyers,
            count(*) FILTER (WHERE a.order_count >= 2)::int AS repeat_buyers, coalesce(sum(a.order_count), 0)::int AS orders,
            coalesce(sum(round(a.order_total * 100)), 0)::text AS fen
     FROM analytics_customers a
     WHERE ${filterSql(scope, f, p, 'a')} AND a.add_day >= ${p.add(period.from)}::date AND a.add_day <= ${p.add(period.to)}::date
     GROUP BY 1`, p.values);
  const empty: SideSums = { customers: 0, buyers: 0, repeat_buyers: 0, orders: 0, fen: '0' };
  return { joined: rows.find((r) => r.joined) ?? empty, not_joined: rows.find((r) => !r.joined) ?? empty };
}

export interface BeforeAfterSums { customers: number; b_buyers: number; b_repeat: number; b_orders: number; b_fen: string; a_buyers: number; a_repeat: number; a_orders: number; a_fen: string }

/** Customers whose first group join fell in the period and at least COMPARE_DAYS ago: orders in the days before and after. */
export async function beforeAfter(db: Queryable, scope: Scope, f: Filters, period: Period & { tz: string }, now: Date): Promise<BeforeAfterSums> {
  const p = new Params();
  const where = filterSql(scope, f, p, 'a');
  const { lo, hi } = bounds(p, period);
  const { rows: [r] } = await db.query<BeforeAfterSums>(
    `SELECT count(*)::int AS customers,
            count(*) FILTER (WHERE a.orders_before > 0)::int AS b_buyers, count(*) FILTER (WHERE a.orders_before >= 2)::int AS b_repeat,
            coalesce(sum(a.orders_before), 0)::int AS b_orders, coalesce(sum(a.fen_before), 0)::text AS b_fen,
            count(*) FILTER (WHERE a.orders_after > 0)::int AS a_buyers, count(*) FILTER (WHERE a.orders_after >= 2)::int AS a_repeat,
            coalesce(sum(a.orders_after), 0)::int AS a_orders, coalesce(sum(a.fen_after), 0)::text AS a_fen
     FROM analytics_customers a
     WHERE ${where} AND a.group_joined_at IS NOT NULL AND a.group_joined_at >= ${lo} AND a.group_joined_at < ${hi}
       AND a.group_joined_at <= ${p.add(now)}::timestamptz - interval '${COMPARE_DAYS} days'`, p.values);
  return r;
}

export interface CohortCell { cohort: string; k: number | null; elapsed: number; n: number }

/** Customers added in the period by cohort (week from Monday, or month), the period k they stopped being a contact in (null: still one). */
export async function contactCohorts(db: Queryable, scope: Scope, f: Filters, period: Period, unit: 'week' | 'month', now: Date): Promise<{ cohort: string; lost: number | null; n: number }[]> {
  const p = new Params();
  const slim = slimFor(scope, f);
  if (slim) {
    const { rows } = await db.query<{ cohort: string; lost: number | null; n: number }>(
      `SELECT to_char(date_trunc('${unit}', s.day), 'YYYY-MM-DD') AS cohort, nullif(s.k, -1) AS lost, sum(s.n)::int AS n
       FROM analytics_slim s WHERE ${slimWhere(scope.corpId, slim, p, unit === 'week' ? 'lost_w' : 'lost_m', period.from, period.to)} GROUP BY 1, 2`, p.values);
    return rows;
  }
  const secs = unit === 'week' ? 7 * 86400 : 30 * 86400;
  const { rows } = await db.query<{ cohort: string; lost: number | null; n: number }>(
    `SELECT to_char(date_trunc('${unit}', a.add_day), 'YYYY-MM-DD') AS cohort,
            CASE WHEN a.lost_at IS NULL THEN NULL ELSE greatest(0, floor(extract(epoch FROM a.lost_at - a.added_at) / ${secs}))::int END AS lost, count(*)::int AS n
     FROM analytics_customers a
     WHERE ${filterSql(scope, f, p, 'a')} AND a.add_day >= ${p.add(period.from)}::date AND a.add_day <= ${p.add(period.to)}::date
       AND a.added_at <= ${p.add(now)}::timestamptz
     GROUP BY 1, 2`, p.values);
  return rows;
}

/** Customers by the cohort of their first order in the pond, and the periods k ≥ 0 after it in which they ordered again. */
export async function orderCohorts(db: Queryable, scope: Scope, f: Filters, period: Period & { tz: string }, unit: 'week' | 'month'): Promise<{ sizes: { cohort: string; n: number }[]; cells: { cohort: string; k: number; n: number }[] }> {
  const slim = slimFor(scope, f);
  if (slim) {
    const cohort = `to_char(date_trunc('${unit}', s.day), 'YYYY-MM-DD')`;
    const p = new Params();
    const sizesSql = `SELECT ${cohort} AS cohort, sum(s.n)::int AS n FROM analytics_slim s WHERE ${slimWhere(scope.corpId, slim, p, 'first_order', period.from, period.to)} GROUP BY 1`;
    const q = new Params();
    const cellsSql = `SELECT ${cohort} AS cohort, s.k, sum(s.n)::int AS n FROM analytics_slim s
                      WHERE ${slimWhere(scope.corpId, slim, q, unit === 'week' ? 'repeat_w' : 'repeat_m', period.from, period.to)} GROUP BY 1, 2`;
    const [{ rows: sizes }, { rows: cells }] = await Promise.all([
      db.query<{ cohort: string; n: number }>(sizesSql, p.values), db.query<{ cohort: string; k: number; n: number }>(cellsSql, q.values),
    ]);
    return { sizes, cells };
  }
  const p = new Params();
  const where = filterSql(scope, f, p, 'a');
  const { lo, hi } = bounds(p, period);
  const cohort = `to_char(date_trunc('${unit}', (a.converted_at AT TIME ZONE ${zoneOf('$1')})::date), 'YYYY-MM-DD')`;
  const { rows: sizes } = await db.query<{ cohort: string; n: number }>(
    `SELECT ${cohort} AS cohort, count(*)::int AS n FROM analytics_customers a WHERE ${where} AND a.converted_at >= ${lo} AND a.converted_at < ${hi} GROUP BY 1`, p.values);
  // The periods with a repeat order are kept on the customer's row (repeat_weeks / repeat_months): no orders read here.
  const { rows: cells } = await db.query<{ cohort: string; k: number; n: number }>(
    `SELECT ${cohort} AS cohort, k, count(*)::int AS n
     FROM analytics_customers a CROSS JOIN unnest(a.${unit === 'week' ? 'repeat_weeks' : 'repeat_months'}) k
     WHERE ${where} AND a.converted_at >= ${lo} AND a.converted_at < ${hi} GROUP BY 1, 2`, p.values);
  return { sizes, cells };
}

/** Display names of a dimension's keys. */
export async function namesOf(db: Queryable, corpId: string, by: string, keys: string[]): Promise<Map<string, string>> {
  const q: Record<string, string> = {
    code: 'SELECT id::text AS key, name FROM live_codes WHERE corp_id = $1 AND id::text = ANY($2::text[])',
    store: 'SELECT id::text AS key, name FROM stores WHERE corp_id = $1 AND id::text = ANY($2::text[])',
    staff: 'SELECT userid AS key, name FROM staff WHERE corp_id = $1 AND userid = ANY($2::text[])',
    campaign: 'SELECT id::text AS key, name FROM campaigns WHERE corp_id = $1 AND id::text = ANY($2::text[])',
    group: "SELECT chat_id AS key, coalesce(nullif(name, ''), chat_id) AS name FROM groups WHERE corp_id = $1 AND chat_id = ANY($2::text[])",
  };
  if (!q[by] || !keys.length) return new Map();
  const { rows } = await db.query<{ key: string; name: string }>(q[by], [corpId, keys]);
  return new Map(rows.map((r) => [r.key, r.name]));
}

/** The channels seen in the corp's codes (the filter's choices). */
export async function channels(db: Queryable, corpId: string): Promise<string[]> {
  const { rows } = await db.query<{ channel: string }>("SELECT DISTINCT channel FROM live_codes WHERE corp_id = $1 AND channel <> '' ORDER BY 1 LIMIT 10000", [corpId]);
  return rows.map((r) => r.channel);
}

/** When the rollups were last brought up to date, and with which version of the stage definitions. */
export async function lastRun(db: Queryable, corpId: string): Promise<{ ranAt: Date | null; settingsVersion: number | null }> {
  const { rows: [r] } = await db.query<{ ran_at: Date | null; settings_version: number }>('SELECT ran_at, settings_version FROM analytics_state WHERE corp_id = $1', [corpId]);
  return { ranAt: r?.ran_at ?? null, settingsVersion: r?.ran_at ? r.settings_version : null };
}
