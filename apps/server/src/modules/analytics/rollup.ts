// The rollups behind the Measure pages (ADR 0023). One function brings a corp's rollups up to date: it finds the
// customers whose facts may have changed since the last pass (new timeline events, changed relations, a retention
// window that closed), recomputes their row in analytics_customers from the raw tables, and rebuilds the
// analytics_daily rows of the days those changes touch (the customers' add days, the paid days of new or refunded
// orders, the days of new code visits). The nightly job and the frequent pass for today run the same function;
// a full pass (first run, changed settings) recomputes every customer and every day. Both give the same rows
// (the tests compare them).
import type pg from 'pg';
import type { AnalyticsSettings } from '@pond/contracts/analytics';
import { ANALYTICS_DEFAULTS } from '@pond/contracts/analytics';
import type { Cols } from '../../platform/db/rows';
import { withTransaction } from '../../platform/db';
import { addDays, zonedTime } from '../../platform/time';

type Queryable = Pick<pg.Pool, 'query'>;

/** Events this recent may still have lower-id neighbours in flight: the watermark stays behind them (re-read next pass). */
export const WATERMARK_LAG_SECONDS = 60;

/**
 * Timeline types the customers' facts read besides the stage definitions' own: orders (paid, refunded: the order
 * summary, the first order, the repeat periods), the first group join, a first add (a customer entering the pond).
 */
const FACT_EVENT_TYPES = ['order.paid', 'order.refunded', 'group.joined', 'customer.added'];

/** Days before and after the first group join compared on the commerce page. */
export const COMPARE_DAYS = 90;

/** Periods after the first order kept per customer for the order cohorts (the page shows at most 52). */
export const REPEAT_PERIODS = 52;

export interface StoredSettings extends AnalyticsSettings { version: number }

export async function readSettings(db: Queryable, corpId: string): Promise<StoredSettings> {
  const { rows: [s] } = await db.query<Cols<'analytics_settings', 'activate_days' | 'activate_types' | 'retain_days' | 'spread_types' | 'window_days' | 'active_days' | 'version'>>(
    'SELECT activate_days, activate_types, retain_days, spread_types, window_days, active_days, version FROM analytics_settings WHERE corp_id = $1', [corpId]);
  if (!s) return { ...ANALYTICS_DEFAULTS, activateTypes: [...ANALYTICS_DEFAULTS.activateTypes], spreadTypes: [...ANALYTICS_DEFAULTS.spreadTypes], version: 0 };
  return {
    activateDays: s.activate_days, activateTypes: s.activate_types as StoredSettings['activateTypes'], retainDays: s.retain_days,
    spreadTypes: s.spread_types as StoredSettings['spreadTypes'], windowDays: s.window_days, activeDays: s.active_days, version: s.version,
  };
}

export async function writeSettings(db: Queryable, corpId: string, input: Partial<AnalyticsSettings>, by: string): Promise<void> {
  const cur = await readSettings(db, corpId);
  const s = { ...cur, ...input };
  await db.query(
    `INSERT INTO analytics_settings (corp_id, activate_days, activate_types, retain_days, spread_types, window_days, active_days, version, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, now())
     ON CONFLICT (corp_id) DO UPDATE SET activate_days = $2, activate_types = $3, retain_days = $4, spread_types = $5, window_days = $6, active_days = $7,
       version = analytics_settings.version + 1, updated_by = $8, updated_at = now()`,
    [corpId, s.activateDays, s.activateTypes, s.retainDays, s.spreadTypes, s.windowDays, s.activeDays, by]);
}

/** A timestamp column's corp calendar day. */
const dayOf = (col: string) => `(${col} AT TIME ZONE $tz)::date`;

/**
 * The condition that a timestamp column falls on one of the corp days: one range per run of consecutive days, as
 * constants (instants computed here from the zone), so a pass that touches today and a day a year ago reads those two
 * days by index, not the year between, and the planner knows how many rows each range holds.
 */
export function onDays(col: string, days: string[], tz: string): string {
  const sorted = [...new Set(days)].sort();
  const runs: [string, string][] = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && addDays(last[1], 1) === d) last[1] = d;
    else runs.push([d, d]);
  }
  const at = (day: string) => `'${zonedTime(day, '00:00', tz).toISOString()}'::timestamptz`;
  return `(${runs.map(([a, b]) => `(${col} >= ${at(a)} AND ${col} < ${at(addDays(b, 1))})`).join(' OR ') || 'false'})`;
}

/**
 * analytics_customers rows for the customers `who` selects (SQL over `c`, customers). Parameters: $1 corp, $2 now,
 * $3 activate types, $4 activate days, $5 retain days, $6 spread types, then the caller's. $tz is replaced by the corp's zone.
 * Returns (kind, day): the corp days whose rows of each kind the change touches; with `touches`, also ('touch', customer)
 * for each new customer or customer whose first touch changed (an incremental pass carries it to their buyer rows).
 */
function factsSql(who: string, touches: boolean): string {
  // The funnel's columns: a customer whose other facts changed (active_at…) leaves the daily rows as they are.
  const funnel = (a: string) => `(${a}.add_day, ${a}.channel, ${a}.code_id, ${a}.store_id, ${a}.userid, ${a}.campaign_id, ${a}.activated, ${a}.retained, ${a}.converted_at IS NULL, ${a}.spread)`;
  // What each kind of slim row (rebuildFacts) reads of a customer: a change of it rebuilds the old and the new day.
  // (Each kind is kept by channel and by store: both are keys.)
  // By add day: when the customer stopped being a contact (rarely changes), and the joined-or-not sums (every order).
  const lost = (a: string) => `(${a}.add_day, ${a}.channel, ${a}.store_id, ${a}.added_at, ${a}.lost_at)`;
  const ww = (a: string) => `(${a}.add_day, ${a}.channel, ${a}.store_id, ${a}.group_joined_at IS NULL, ${a}.order_count, ${a}.order_total)`;
  const conv = (a: string) => `(${a}.converted_at, ${a}.channel, ${a}.store_id, ${a}.repeat_weeks, ${a}.repeat_months)`;
  const active = (a: string) => `(${a}.active_at, ${a}.channel, ${a}.store_id)`;
  const touch = (a: string) => `(${a}.channel, ${a}.store_id, ${a}.userid)`;
  const changed = (f: (a: string) => string) => `${f('old')} IS DISTINCT FROM ${f('up')}`;
  return `
    WITH old AS (SELECT * FROM analytics_customers o WHERE o.corp_id = $1 AND o.external_userid IN (SELECT c.external_userid FROM customers c WHERE c.corp_id = $1 AND ${who})),
    up AS (
    INSERT INTO analytics_customers AS t (corp_id, external_userid, added_at, add_day, channel, code_id, store_id, userid, campaign_id, activated, retained,
      converted_at, spread, lost_at, active_at, group_joined_at, orders_before, fen_before, orders_after, fen_after, repeat_weeks, repeat_months,
      order_count, order_total, seq)
    SELECT c.corp_id, c.external_userid, c.first_added_at, ${dayOf('c.first_added_at')},
      coalesce(fa.channel, ''), coalesce(fa.code_id, 0), coalesce(fa.store_id, st.store_id, 0), coalesce(fa.userid, ff.userid, ''), coalesce(cp.campaign_id, 0),
      coalesce(ev.activated, false),
      CASE WHEN c.first_added_at + make_interval(days => $5::int) <= $2::timestamptz THEN
        EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid
                  AND coalesce(f.added_at, c.first_added_at) <= c.first_added_at + make_interval(days => $5::int)
                  AND (f.status = 'active' OR f.deleted_at > c.first_added_at + make_interval(days => $5::int))) END,
      fo.at,
      coalesce(ev.spread, false),
      CASE WHEN c.active_follow_count = 0 THEN
        (SELECT coalesce(max(f.deleted_at), c.first_added_at) FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid) END,
      nullif(greatest(coalesce(ev.active_at, 'epoch'), coalesce(c.last_order_at, 'epoch')), 'epoch'),
      ev.group_joined_at, coalesce(ba.b_n, 0), coalesce(ba.b_fen, 0), coalesce(ba.a_n, 0), coalesce(ba.a_fen, 0), coalesce(ro.weeks, '{}'), coalesce(ro.months, '{}'),
      c.order_count, c.order_total,
      -- A customer keeps their number; new ones are numbered after the corp's last.
      coalesce(os.seq, (SELECT coalesce(max(m.seq), 0) FROM analytics_customers m WHERE m.corp_id = $1)
                       + count(*) FILTER (WHERE os.seq IS NULL) OVER (ORDER BY c.external_userid))
    FROM customers c
      LEFT JOIN old os ON os.external_userid = c.external_userid
      -- The customer's timeline read once: activated, spread, the latest activity, the first group join.
      LEFT JOIN LATERAL (SELECT bool_or(e.type = ANY($3::text[]) AND e.occurred_at >= c.first_added_at
                                        AND e.occurred_at < c.first_added_at + make_interval(days => $4::int)) AS activated,
                                bool_or(e.type = ANY($6::text[]) AND e.occurred_at >= c.first_added_at) AS spread,
                                max(e.occurred_at) FILTER (WHERE e.type = ANY($3::text[]) OR e.type = 'order.paid') AS active_at,
                                min(e.occurred_at) FILTER (WHERE e.type = 'group.joined') AS group_joined_at
                         FROM customer_events e WHERE e.corp_id = c.corp_id AND e.external_userid = c.external_userid) ev ON true
      LEFT JOIN LATERAL (SELECT a.channel, a.code_id, a.store_id, a.userid FROM attributions a WHERE a.corp_id = c.corp_id AND a.external_userid = c.external_userid
                         ORDER BY a.added_at, a.id LIMIT 1) fa ON true
      LEFT JOIN LATERAL (SELECT f.userid FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid
                         ORDER BY f.added_at NULLS LAST, f.userid LIMIT 1) ff ON true
      LEFT JOIN staff st ON st.corp_id = c.corp_id AND st.userid = coalesce(fa.userid, ff.userid)
      LEFT JOIN LATERAL (SELECT p.campaign_id FROM campaign_participants p WHERE p.corp_id = c.corp_id AND p.external_userid = c.external_userid
                         ORDER BY p.joined_at, p.campaign_id LIMIT 1) cp ON true
      LEFT JOIN LATERAL (SELECT min(o.paid_at) AS at FROM orders o WHERE o.corp_id = c.corp_id AND o.external_userid = c.external_userid
                           AND o.refunded_at IS NULL AND o.paid_at >= c.first_added_at) fo ON true
      -- The weeks and months k (< ${REPEAT_PERIODS}) after the first order with another order in them (the order cohorts' cells).
      LEFT JOIN LATERAL (SELECT array_agg(DISTINCT floor(extract(epoch FROM o.paid_at - fo.at) / ${7 * 86400})::int ORDER BY floor(extract(epoch FROM o.paid_at - fo.at) / ${7 * 86400})::int)
                                  FILTER (WHERE o.paid_at < fo.at + interval '${REPEAT_PERIODS * 7} days') AS weeks,
                                array_agg(DISTINCT floor(extract(epoch FROM o.paid_at - fo.at) / ${30 * 86400})::int ORDER BY floor(extract(epoch FROM o.paid_at - fo.at) / ${30 * 86400})::int)
                                  FILTER (WHERE o.paid_at < fo.at + interval '${REPEAT_PERIODS * 30} days') AS months
                         FROM orders o WHERE fo.at IS NOT NULL AND o.corp_id = c.corp_id AND o.external_userid = c.external_userid
                           AND o.refunded_at IS NULL AND o.paid_at > fo.at) ro ON true
      -- Orders in the days before and after the first group join, read once.
      LEFT JOIN LATERAL (SELECT (count(*) FILTER (WHERE o.paid_at < ev.group_joined_at))::int AS b_n,
                                (sum(round((o.amount - o.refunded_amount) * 100)) FILTER (WHERE o.paid_at < ev.group_joined_at))::bigint AS b_fen,
                                (count(*) FILTER (WHERE o.paid_at >= ev.group_joined_at))::int AS a_n,
                                (sum(round((o.amount - o.refunded_amount) * 100)) FILTER (WHERE o.paid_at >= ev.group_joined_at))::bigint AS a_fen
                         FROM orders o
                         WHERE ev.group_joined_at IS NOT NULL AND o.corp_id = c.corp_id AND o.external_userid = c.external_userid AND o.refunded_at IS NULL
                           AND o.paid_at >= ev.group_joined_at - interval '${COMPARE_DAYS} days' AND o.paid_at < ev.group_joined_at + interval '${COMPARE_DAYS} days') ba ON true
    WHERE c.corp_id = $1 AND c.first_added_at IS NOT NULL AND ${who}
    ON CONFLICT (corp_id, external_userid) DO UPDATE SET added_at = EXCLUDED.added_at, add_day = EXCLUDED.add_day, channel = EXCLUDED.channel,
      code_id = EXCLUDED.code_id, store_id = EXCLUDED.store_id, userid = EXCLUDED.userid, campaign_id = EXCLUDED.campaign_id, activated = EXCLUDED.activated,
      retained = EXCLUDED.retained, converted_at = EXCLUDED.converted_at, spread = EXCLUDED.spread, lost_at = EXCLUDED.lost_at, active_at = EXCLUDED.active_at,
      group_joined_at = EXCLUDED.group_joined_at, orders_before = EXCLUDED.orders_before, fen_before = EXCLUDED.fen_before,
      orders_after = EXCLUDED.orders_after, fen_after = EXCLUDED.fen_after, repeat_weeks = EXCLUDED.repeat_weeks, repeat_months = EXCLUDED.repeat_months,
      order_count = EXCLUDED.order_count, order_total = EXCLUDED.order_total
    RETURNING t.*)
    SELECT DISTINCT d.kind, d.day FROM up LEFT JOIN old ON old.external_userid = up.external_userid
      CROSS JOIN LATERAL (VALUES
        ('funnel', up.add_day::text, ${changed(funnel)}), ('funnel', old.add_day::text, ${changed(funnel)}),
        ('lost', up.add_day::text, ${changed(lost)}), ('lost', old.add_day::text, ${changed(lost)}),
        ('ww', up.add_day::text, ${changed(ww)}), ('ww', old.add_day::text, ${changed(ww)}),
        ('conv', ${dayOf('up.converted_at')}::text, ${changed(conv)}), ('conv', ${dayOf('old.converted_at')}::text, ${changed(conv)}),
        ('active', ${dayOf('up.active_at')}::text, ${changed(active)}), ('active', ${dayOf('old.active_at')}::text, ${changed(active)}),
        -- Not a day: a customer whose first touch changed (their buyer rows carry it).
        ('touch', CASE WHEN ${touches} THEN up.external_userid END, ${changed(touch)})) d(kind, day, changed)
    WHERE d.day IS NOT NULL AND (old.external_userid IS NULL OR d.changed)`;
}

/**
 * The touch an order is attributed to, first or last within the window before it: a code add (channel, code, store,
 * staff), a group join (group), a campaign entry (campaign). $3 is the window in days.
 */
function touchSql(dir: 'ASC' | 'DESC'): string {
  return `
      LEFT JOIN LATERAL (SELECT a.channel, a.code_id, a.store_id, a.userid FROM attributions a
                         WHERE a.corp_id = o.corp_id AND a.external_userid = o.external_userid
                           AND a.added_at <= o.paid_at AND a.added_at >= o.paid_at - make_interval(days => $3::int)
                         ORDER BY a.added_at ${dir}, a.id ${dir} LIMIT 1) a ON true
      LEFT JOIN staff ast ON ast.corp_id = o.corp_id AND ast.userid = a.userid
      LEFT JOIN LATERAL (SELECT e.chat_id FROM customer_events e
                         WHERE e.corp_id = o.corp_id AND e.external_userid = o.external_userid AND e.type = 'group.joined'
                           AND e.occurred_at <= o.paid_at AND e.occurred_at >= o.paid_at - make_interval(days => $3::int)
                         ORDER BY e.occurred_at ${dir}, e.id ${dir} LIMIT 1) g ON true
      LEFT JOIN LATERAL (SELECT p.campaign_id FROM campaign_participants p
                         WHERE p.corp_id = o.corp_id AND p.external_userid = o.external_userid
                           AND p.joined_at <= o.paid_at AND p.joined_at >= o.paid_at - make_interval(days => $3::int)
                         ORDER BY p.joined_at ${dir}, p.campaign_id ${dir} LIMIT 1) cp ON true`;
}

/**
 * The slim rows of a day (kind `funnel_ch` / `scan_ch`): the fine rows summed per channel, for the corp-wide funnel by
 * channel, by day or in total — a few dozen rows a day instead of about one per add. code_id is -1 where the fine rows had
 * a code (the acquire stage counts adds through a code), 0 where not. Derived from the fine rows of the same days, so an
 * incremental pass and a full one leave the same.
 */
async function rebuildSlim(db: Queryable, corpId: string, kind: 'funnel' | 'scan', days: string[]): Promise<void> {
  await db.query('DELETE FROM analytics_daily WHERE corp_id = $1 AND kind = $2 AND day = ANY($3::date[])', [corpId, `${kind}_ch`, days]);
  await db.query(
    `INSERT INTO analytics_daily (corp_id, day, kind, touch, channel, code_id, store_id, userid, campaign_id, chat_id, scanned, added, activated, retain_due, retained, converted, spread)
     SELECT $1, d.day, $2 || '_ch', 'first', d.channel, CASE WHEN d.code_id <> 0 THEN -1 ELSE 0 END, 0, '', 0, '',
            sum(d.scanned), sum(d.added), sum(d.activated), sum(d.retain_due), sum(d.retained), sum(d.converted), sum(d.spread)
     FROM analytics_daily d WHERE d.corp_id = $1 AND d.kind = $2 AND d.day = ANY($3::date[])
     GROUP BY d.day, d.channel, 6`, [corpId, kind, days]);
}

/** The slim measures each kind of changed customer day rebuilds (analytics_slim), each by channel and by store (`_s`). */
const FACT_MEASURES = { lost: ['lost_w', 'lost_m'], ww: ['ww'], conv: ['first_order', 'repeat_w', 'repeat_m'], active: ['active'] } as const;
type FactKind = keyof typeof FACT_MEASURES;

/**
 * One read of the customers, two groupings: by channel (the measure as named) and by first-touch store (`<measure>_s`).
 * `cols`: the row's day expression and the other grouped columns.
 */
const byChannelAndStore = (...cols: string[]) =>
  `GROUP BY GROUPING SETS ((${cols.join(', ')}, a.channel), (${cols.join(', ')}, a.store_id))`;
const slimMeasure = (measure: string) => `${measure} || CASE WHEN grouping(a.channel) = 0 THEN '' ELSE '_s' END`;
const slimKey = `CASE WHEN grouping(a.channel) = 0 THEN a.channel ELSE a.store_id::text END`;

/**
 * Rebuilds the analytics_slim rows that count customers on the given corp days, from analytics_customers: by add day
 * (the period they stopped being a contact in, the joined-or-not sums), by first order's day (the order cohorts), by
 * latest activity's day (MAU). Per channel and per store; sums over days give any period's figure for the corp, a
 * channel or a set of stores.
 */
async function rebuildFacts(db: Queryable, corpId: string, tz: string, kind: FactKind, days: string[]): Promise<void> {
  if (!days.length) return;
  const z = (q: string) => q.replaceAll('$tz', `'${tz.replaceAll("'", "''")}'`);
  const measures = FACT_MEASURES[kind].flatMap((m) => [m, `${m}_s`]);
  await db.query('DELETE FROM analytics_slim WHERE corp_id = $1 AND measure = ANY($2::text[]) AND day = ANY($3::date[])', [corpId, measures, days]);
  const cols = 'corp_id, day, measure, key, k, n, n2, n3, orders, fen';
  if (kind === 'lost') {
    // One read of the days' customers for both measures.
    await db.query(
      `INSERT INTO analytics_slim (${cols})
       SELECT $1, a.add_day, ${slimMeasure('v.measure')}, ${slimKey}, v.k, count(*), 0, 0, 0, 0
       FROM analytics_customers a
         CROSS JOIN LATERAL (VALUES
           ('lost_w', CASE WHEN a.lost_at IS NULL THEN -1 ELSE greatest(0, floor(extract(epoch FROM a.lost_at - a.added_at) / ${7 * 86400}))::int END),
           ('lost_m', CASE WHEN a.lost_at IS NULL THEN -1 ELSE greatest(0, floor(extract(epoch FROM a.lost_at - a.added_at) / ${30 * 86400}))::int END)) v(measure, k)
       WHERE a.corp_id = $1 AND a.add_day = ANY($2::date[]) ${byChannelAndStore('a.add_day', 'v.measure', 'v.k')}`, [corpId, days]);
  } else if (kind === 'ww') {
    await db.query(
      `INSERT INTO analytics_slim (${cols})
       SELECT $1, a.add_day, ${slimMeasure("'ww'")}, ${slimKey}, (a.group_joined_at IS NOT NULL)::int, count(*),
              count(*) FILTER (WHERE a.order_count > 0), count(*) FILTER (WHERE a.order_count >= 2), coalesce(sum(a.order_count), 0), coalesce(sum(round(a.order_total * 100)), 0)
       FROM analytics_customers a
       WHERE a.corp_id = $1 AND a.add_day = ANY($2::date[]) ${byChannelAndStore('a.add_day', '(a.group_joined_at IS NOT NULL)::int')}`, [corpId, days]);
  } else if (kind === 'conv') {
    await db.query(z(
      `INSERT INTO analytics_slim (${cols})
       SELECT $1, ${dayOf('a.converted_at')}, ${slimMeasure('v.measure')}, ${slimKey}, v.k, count(*), 0, 0, 0, 0
       FROM analytics_customers a
         CROSS JOIN LATERAL (SELECT 'first_order', 0 UNION ALL SELECT 'repeat_w', unnest(a.repeat_weeks) UNION ALL SELECT 'repeat_m', unnest(a.repeat_months)) v(measure, k)
       WHERE a.corp_id = $1 AND ${onDays('a.converted_at', days, tz)} ${byChannelAndStore(dayOf('a.converted_at'), 'v.measure', 'v.k')}`), [corpId]);
  } else {
    await db.query(z(
      `INSERT INTO analytics_slim (${cols})
       SELECT $1, ${dayOf('a.active_at')}, ${slimMeasure("'active'")}, ${slimKey}, 0, count(*), 0, 0, 0, 0
       FROM analytics_customers a WHERE a.corp_id = $1 AND ${onDays('a.active_at', days, tz)} ${byChannelAndStore(dayOf('a.active_at'))}`), [corpId]);
  }
}

/**
 * Rebuilds the days' buyer sets from their buyer rows: one for the corp (store -1) and one per first-touch store. A
 * customer's buyer rows all carry the same store, so the sets of several stores never share a customer.
 */
async function rebuildBuyerSets(db: Queryable, corpId: string, days: string[]): Promise<void> {
  if (!days.length) return;
  await db.query('DELETE FROM analytics_buyer_sets WHERE corp_id = $1 AND day = ANY($2::date[])', [corpId, days]);
  await db.query(
    `INSERT INTO analytics_buyer_sets (corp_id, day, store_id, buyers, repeat, orders)
     SELECT $1, b.day, CASE WHEN grouping(b.store_id) = 0 THEN b.store_id ELSE -1 END, string_agg(int4send(a.seq), ''::bytea ORDER BY a.seq),
            coalesce(string_agg(int4send(a.seq), ''::bytea ORDER BY a.seq) FILTER (WHERE b.orders >= 2), ''::bytea), sum(b.orders)
     FROM analytics_buyer_days b JOIN analytics_customers a ON a.corp_id = b.corp_id AND a.external_userid = b.external_userid
     WHERE b.corp_id = $1 AND b.day = ANY($2::date[]) GROUP BY GROUPING SETS ((b.day), (b.day, b.store_id))`, [corpId, days]);
}

/** Rebuilds the analytics_daily rows of `kind` on the given corp days. $1 corp, $2 days, $3 window days; $tz the zone. */
async function rebuildDays(db: Queryable, corpId: string, tz: string, kind: 'funnel' | 'scan' | 'order', days: string[], windowDays: number): Promise<void> {
  if (!days.length) return;
  const z = (s: string) => s.replaceAll('$tz', `'${tz.replaceAll("'", "''")}'`);
  await db.query('DELETE FROM analytics_daily WHERE corp_id = $1 AND kind = $2 AND day = ANY($3::date[])', [corpId, kind, days]);
  const cols = 'corp_id, day, kind, touch, channel, code_id, store_id, userid, campaign_id, chat_id';
  if (kind === 'funnel') {
    await db.query(z(`
      INSERT INTO analytics_daily (${cols}, added, activated, retain_due, retained, converted, spread)
      SELECT $1, f.add_day, 'funnel', 'first', f.channel, f.code_id, f.store_id, f.userid, f.campaign_id, '',
             count(*), count(*) FILTER (WHERE f.activated), count(*) FILTER (WHERE f.retained IS NOT NULL), count(*) FILTER (WHERE f.retained),
             count(*) FILTER (WHERE f.converted_at IS NOT NULL), count(*) FILTER (WHERE f.spread)
      FROM analytics_customers f WHERE f.corp_id = $1 AND f.add_day = ANY($2::date[]) AND $3::int IS NOT NULL
      GROUP BY f.add_day, f.channel, f.code_id, f.store_id, f.userid, f.campaign_id`), [corpId, days, windowDays]);
    await rebuildSlim(db, corpId, 'funnel', days);
  } else if (kind === 'scan') {
    await db.query(z(`
      INSERT INTO analytics_daily (${cols}, scanned)
      SELECT $1, ${dayOf('v.created_at')}, 'scan', 'first', coalesce(lc.channel, ''), v.code_id, coalesce(v.store_id, lc.store_id, 0), coalesce(v.userid, ''), 0, '',
             count(DISTINCT v.visitor_key)
      FROM code_visits v LEFT JOIN live_codes lc ON lc.id = v.code_id
      WHERE v.corp_id = $1 AND $3::int IS NOT NULL AND $2::date[] IS NOT NULL AND ${onDays('v.created_at', days, tz)}
      GROUP BY 2, 5, 6, 7, 8`), [corpId, days, windowDays]);
    await rebuildSlim(db, corpId, 'scan', days);
  } else {
    // The buyers' rows: per customer and paid day, with the customer's first touch (analytics_customers, this pass's).
    await db.query('DELETE FROM analytics_buyer_days WHERE corp_id = $1 AND day = ANY($2::date[])', [corpId, days]);
    await db.query(z(`
      INSERT INTO analytics_buyer_days (corp_id, day, external_userid, channel, store_id, userid, orders)
      SELECT $1, ${dayOf('o.paid_at')}, o.external_userid, a.channel, a.store_id, a.userid, count(*)
      FROM orders o JOIN analytics_customers a ON a.corp_id = o.corp_id AND a.external_userid = o.external_userid
      WHERE o.corp_id = $1 AND o.external_userid IS NOT NULL AND o.refunded_at IS NULL AND ${onDays('o.paid_at', days, tz)}
      GROUP BY 2, 3, 4, 5, 6`), [corpId]);
    for (const [touch, dir] of [['first', 'ASC'], ['last', 'DESC']] as const) {
      await db.query(z(`
        INSERT INTO analytics_daily (${cols}, orders, fen)
        SELECT $1, ${dayOf('o.paid_at')}, 'order', '${touch}', coalesce(a.channel, ''), coalesce(a.code_id, 0), coalesce(a.store_id, ast.store_id, 0),
               coalesce(a.userid, ''), coalesce(cp.campaign_id, 0), coalesce(g.chat_id, ''),
               count(*), sum(round((o.amount - o.refunded_amount) * 100))::bigint
        FROM orders o ${touchSql(dir)}
        WHERE o.corp_id = $1 AND o.external_userid IS NOT NULL AND o.refunded_at IS NULL AND $2::date[] IS NOT NULL AND ${onDays('o.paid_at', days, tz)}
          -- Orders of customers in the pond.
          AND EXISTS (SELECT 1 FROM customers c WHERE c.corp_id = o.corp_id AND c.external_userid = o.external_userid AND c.first_added_at IS NOT NULL)
        GROUP BY 2, 5, 6, 7, 8, 9, 10`), [corpId, days, windowDays]);
    }
    // The same days summed per channel, per store and per group (the corp-wide and store pages' reads), and each day's
    // buyers as one row for the corp and one per store.
    await db.query(`DELETE FROM analytics_slim WHERE corp_id = $1 AND measure IN ('order_first', 'order_last', 'order_first_s', 'order_last_s', 'order_first_g', 'order_last_g')
                    AND day = ANY($2::date[])`, [corpId, days]);
    await db.query(
      `INSERT INTO analytics_slim (corp_id, day, measure, key, orders, fen)
       SELECT $1, d.day, 'order_' || d.touch || CASE WHEN grouping(d.channel) = 0 THEN '' WHEN grouping(d.store_id) = 0 THEN '_s' ELSE '_g' END,
              CASE WHEN grouping(d.channel) = 0 THEN d.channel WHEN grouping(d.store_id) = 0 THEN d.store_id::text ELSE d.chat_id END, sum(d.orders), sum(d.fen)
       FROM analytics_daily d
       WHERE d.corp_id = $1 AND d.kind = 'order' AND d.day = ANY($2::date[])
       GROUP BY GROUPING SETS ((d.day, d.touch, d.channel), (d.day, d.touch, d.store_id), (d.day, d.touch, d.chat_id))`, [corpId, days]);
    await rebuildBuyerSets(db, corpId, days);
  }
}

export interface RefreshOptions { full?: boolean; now?: Date; /** Seconds the watermark stays behind (tests: 0). */ lagSeconds?: number }
export interface RefreshResult {
  customers: number; days: number; full: boolean;
  /**
   * Milliseconds per step (dirty: finding the changed customers; facts: their rows; funnel/scan/order: the days' rows;
   * slim: the per-day counts; vacuum: clearing the dead rows after a full pass).
   */
  steps: Record<string, number>;
}

/**
 * Brings the corp's rollups up to date (one transaction, one pass at a time per corp: the state row is locked).
 * Incremental unless `full`, the first pass, or the settings changed since the last; a full pass is followed by a
 * VACUUM of the rollup tables.
 */
export async function refresh(pool: pg.Pool, corpId: string, opts: RefreshOptions = {}): Promise<RefreshResult> {
  const r = await pass(pool, corpId, opts);
  if (r.full) {
    // A full pass replaced every row of the corp: half of each table is dead rows now. Cleared here rather than left to
    // autovacuum (off on some servers; slow to reach tables this size), so the next passes and the pages read live rows.
    const t = Date.now();
    await pool.query(`VACUUM (ANALYZE) ${ROLLUP_TABLES.join(', ')}`);
    r.steps.vacuum = Date.now() - t;
  }
  return r;
}

/** The tables a pass writes. */
const ROLLUP_TABLES = ['analytics_customers', 'analytics_daily', 'analytics_buyer_days', 'analytics_buyer_sets', 'analytics_slim'];

async function pass(pool: pg.Pool, corpId: string, opts: RefreshOptions): Promise<RefreshResult> {
  return withTransaction(pool, async (db) => {
    await db.query('INSERT INTO analytics_state (corp_id) VALUES ($1) ON CONFLICT DO NOTHING', [corpId]);
    const { rows: [st] } = await db.query<Cols<'analytics_state', 'event_id' | 'visit_id' | 'ran_at' | 'settings_version' | 'timezone'>>(
      'SELECT event_id, visit_id, ran_at, settings_version, timezone FROM analytics_state WHERE corp_id = $1 FOR UPDATE', [corpId]);
    const { rows: [corp] } = await db.query<Cols<'corps', 'timezone'> & { now: Date }>(
      'SELECT timezone, coalesce($2::timestamptz, now()) AS now FROM corps WHERE id = $1', [corpId, opts.now ?? null]);
    if (!corp) return { customers: 0, days: 0, full: false, steps: {} };
    const steps: Record<string, number> = {};
    let mark = Date.now();
    const step = (name: string) => { const t = Date.now(); steps[name] = (steps[name] ?? 0) + t - mark; mark = t; };
    const tz = corp.timezone;
    const now = corp.now;
    const s = await readSettings(db, corpId);
    // A full pass: asked for, the first, new stage definitions, or a new zone (every day boundary moved).
    const full = !!opts.full || !st.ran_at || st.settings_version !== s.version || st.timezone !== tz;
    const z = (sql: string) => sql.replaceAll('$tz', `'${tz.replaceAll("'", "''")}'`);
    const base = [corpId, now, s.activateTypes, s.activateDays, s.retainDays, s.spreadTypes];

    // The new watermarks: events and visits older than the lag (younger ones are read again next pass).
    const lag = opts.lagSeconds ?? WATERMARK_LAG_SECONDS;
    const { rows: [wm] } = await db.query<{ event_id: number | null; visit_id: number | null }>(
      `SELECT (SELECT max(id) FROM customer_events WHERE corp_id = $1 AND id > $2 AND created_at <= now() - make_interval(secs => $4)) AS event_id,
              (SELECT max(id) FROM code_visits WHERE corp_id = $1 AND id > $3 AND created_at <= now() - make_interval(secs => $4)) AS visit_id`,
      [corpId, full ? 0 : st.event_id, full ? 0 : st.visit_id, lag]);

    let funnelDays: string[]; let orderDays: string[]; let scanDays: string[]; let customers: number;
    // Days whose buyer sets alone change (a customer's first-touch store moved), besides the order days.
    let setDays: string[] = [];
    // The days each kind of slim customer count is rebuilt on (factsSql's changed days).
    const factDays = Object.fromEntries(Object.keys(FACT_MEASURES).map((k) => [k, new Set<string>()])) as Record<FactKind, Set<string>>;
    // Customers whose first touch changed (factsSql's 'touch' rows name them in `day`).
    const touched: string[] = [];
    const changedDays = (rows: { kind: string; day: string }[]) => {
      for (const r of rows) {
        if (r.kind === 'touch') touched.push(r.day);
        else if (r.kind !== 'funnel') factDays[r.kind as FactKind].add(r.day);
      }
      return rows.filter((r) => r.kind === 'funnel').map((r) => r.day);
    };
    if (full) {
      for (const t of ROLLUP_TABLES) {
        await db.query(`DELETE FROM ${t} WHERE corp_id = $1`, [corpId]);
      }
      step('dirty');
      const { rows } = await db.query<{ kind: string; day: string }>(z(factsSql('true', false)), base);
      step('facts');
      customers = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM analytics_customers WHERE corp_id = $1', [corpId])).rows[0].n);
      funnelDays = changedDays(rows);
      const { rows: od } = await db.query<{ day: string }>(z(
        `SELECT DISTINCT ${dayOf('paid_at')}::text AS day FROM orders WHERE corp_id = $1 AND external_userid IS NOT NULL AND refunded_at IS NULL`), [corpId]);
      orderDays = od.map((r) => r.day);
      const { rows: sd } = await db.query<{ day: string }>(z(`SELECT DISTINCT ${dayOf('created_at')}::text AS day FROM code_visits WHERE corp_id = $1`), [corpId]);
      scanDays = sd.map((r) => r.day);
    } else {
      // Customers whose facts may have changed: new timeline events, relations changed since the last pass, a retention
      // window that closed since then. Their add days before and after are rebuilt.
      const since = new Date(st.ran_at!.getTime() - lag * 1000);
      // Only the timeline types the facts read (factsSql) make a customer dirty: a tag or a message changes none of them.
      const factTypes = [...new Set([...s.activateTypes, ...s.spreadTypes, ...FACT_EVENT_TYPES])];
      const { rows: dirty } = await db.query<{ ext: string }>(
        `SELECT external_userid AS ext FROM customer_events WHERE corp_id = $1 AND id > $2 AND type = ANY($6::text[])
         UNION SELECT external_userid FROM follows WHERE corp_id = $1 AND updated_at >= $3
         UNION SELECT external_userid FROM campaign_participants WHERE corp_id = $1 AND joined_at >= $3
         UNION SELECT external_userid FROM analytics_customers WHERE corp_id = $1 AND retained IS NULL
           AND added_at + make_interval(days => $5::int) <= $4::timestamptz`,
        [corpId, st.event_id, since, now, s.retainDays, factTypes]);
      const exts = dirty.map((d) => d.ext);
      step('dirty');
      // Customers who left the pond (no first add any more): their rows go, their days are rebuilt.
      const { rows: gone } = await db.query<{ day: string; ext: string; conv: string | null; active: string | null }>(z(
        `DELETE FROM analytics_customers f WHERE f.corp_id = $1 AND f.external_userid = ANY($2::text[])
           AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.corp_id = $1 AND c.external_userid = f.external_userid AND c.first_added_at IS NOT NULL)
         RETURNING f.add_day::text AS day, f.external_userid AS ext, ${dayOf('f.converted_at')}::text AS conv, ${dayOf('f.active_at')}::text AS active`), [corpId, exts]);
      for (const g of gone) {
        factDays.lost.add(g.day);
        factDays.ww.add(g.day);
        if (g.conv) factDays.conv.add(g.conv);
        if (g.active) factDays.active.add(g.active);
      }
      // Their buyer rows go; the days those were on are rebuilt with the order days below.
      const { rows: goneBuys } = gone.length
        ? await db.query<{ day: string }>('DELETE FROM analytics_buyer_days WHERE corp_id = $1 AND external_userid = ANY($2::text[]) RETURNING day::text', [corpId, gone.map((g) => g.ext)])
        : { rows: [] };
      const { rows: facts } = exts.length ? await db.query<{ kind: string; day: string }>(z(factsSql('c.external_userid = ANY($7::text[])', true)), [...base, exts]) : { rows: [] };
      const rows = changedDays(facts).map((day) => ({ day }));
      step('facts');
      // A customer whose first touch changed carries it to their buyer rows (the days themselves do not move).
      // The days of their buyer rows: a customer whose store moved leaves one store's buyer set for another's (rebuilt below).
      const { rows: moved } = touched.length ? await db.query<{ day: string }>(
        `UPDATE analytics_buyer_days b SET channel = a.channel, store_id = a.store_id, userid = a.userid
         FROM analytics_customers a
         WHERE b.corp_id = $1 AND b.external_userid = ANY($2::text[]) AND a.corp_id = $1 AND a.external_userid = b.external_userid
           AND (b.channel, b.store_id, b.userid) IS DISTINCT FROM (a.channel, a.store_id, a.userid)
         RETURNING b.day::text`, [corpId, touched]) : { rows: [] };
      step('touch');
      customers = exts.length;
      funnelDays = [...new Set([...gone.map((r) => r.day), ...rows.map((r) => r.day)])];
      // Orders paid or refunded since: their paid days (by either touch). A customer's first order of the pond changes
      // with them; their orders' days do not otherwise move.
      const { rows: od } = await db.query<{ day: string }>(z(
        `SELECT DISTINCT ${dayOf('o.paid_at')}::text AS day FROM customer_events e
           JOIN orders o ON o.corp_id = e.corp_id AND o.order_id = e.data->>'orderId'
         WHERE e.corp_id = $1 AND e.id > $2 AND e.type IN ('order.paid', 'order.refunded')
         -- A customer who joins the pond brings their orders into it.
         UNION SELECT DISTINCT ${dayOf('o.paid_at')}::text FROM orders o WHERE o.corp_id = $1 AND o.refunded_at IS NULL
           AND o.external_userid IN (SELECT e.external_userid FROM customer_events e WHERE e.corp_id = $1 AND e.id > $2 AND e.type = 'customer.added')`),
        [corpId, st.event_id]);
      orderDays = [...new Set([...od.map((r) => r.day), ...goneBuys.map((r) => r.day)])];
      const orderSet = new Set(orderDays);
      setDays = [...new Set(moved.map((r) => r.day))].filter((d) => !orderSet.has(d));
      const { rows: sd } = await db.query<{ day: string }>(z(
        `SELECT DISTINCT ${dayOf('created_at')}::text AS day FROM code_visits WHERE corp_id = $1 AND id > $2`), [corpId, st.visit_id]);
      scanDays = sd.map((r) => r.day);
    }
    step('days');
    await rebuildDays(db, corpId, tz, 'funnel', funnelDays, s.windowDays);
    step('funnel');
    await rebuildDays(db, corpId, tz, 'scan', scanDays, s.windowDays);
    step('scan');
    await rebuildDays(db, corpId, tz, 'order', orderDays, s.windowDays);
    await rebuildBuyerSets(db, corpId, setDays);
    step('order');
    for (const kind of Object.keys(factDays) as FactKind[]) {
      await rebuildFacts(db, corpId, tz, kind, [...factDays[kind]]);
      step(`slim_${kind}`);
    }
    await db.query(
      `UPDATE analytics_state SET event_id = greatest(CASE WHEN $4 THEN 0 ELSE event_id END, coalesce($2, 0)),
         visit_id = greatest(CASE WHEN $4 THEN 0 ELSE visit_id END, coalesce($3, 0)), ran_at = now(), settings_version = $5,
         full_at = CASE WHEN $4 THEN now() ELSE full_at END, timezone = $6 WHERE corp_id = $1`,
      [corpId, wm.event_id, wm.visit_id, full, s.version, tz]);
    return { customers, days: new Set([...funnelDays, ...orderDays, ...scanDays]).size, full, steps };
  });
}
