// npm run bench -- analytics            (BENCH_SCALE=1: 1M customers, 20M timeline events, 2M orders, 1,000 staff, 10k groups, 365 days)
// The Measure pages (ADR 0023) at scale: a year of a large corp generated with generate_series, the rollups built in
// full, then one more day of data and the nightly pass over it (target < 60 s). Every dashboard query is timed (target
// p50 < 300 ms, p99 < 1 s) beside the straightforward SQL on the raw tables in the same run. BENCH_SCALE scales the
// customers, events, orders, groups and visits (staff stay 1,000, days 365); BENCH_RUNS the timed runs per query.
import type pg from 'pg';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { createLogger } from '../apps/server/src/platform/log';
import { corpScope } from '../apps/server/src/platform/auth';
import { refreshAnalytics } from '../apps/server/src/modules/analytics';
import { benchDatabase, percentile } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CUSTOMERS = Math.round(1_000_000 * SCALE);
const EVENTS = Math.round(20_000_000 * SCALE);
const ORDERS = Math.round(2_000_000 * SCALE);
const GROUPS = Math.max(10, Math.round(10_000 * SCALE));
const STAFF = 1000;
const STORES = 100;
const CODES = 200;
const CAMPAIGNS = 50;
const DAYS = 365;
const CORP = 'wwbenchanalytics1';

/** The timeline's event types the data draws from (group events carry a chat). */
const TYPES = `(ARRAY['group.joined','lottery.drew','checkin.done','coupon.claimed','tag.added','contact.received','contact.received','group.left','invite.credited','bargain.helped'])`;

const sec = (ms: number) => (ms / 1000).toFixed(1);

/**
 * A database a previous run kept (BENCH_KEEP=1): no data made; the full pass runs only if a migration asked for one
 * (analytics_state.ran_at cleared), BENCH_NIGHTLY=1 adds one more day and times the nightly pass; then the queries.
 */
const REUSE = process.env.BENCH_DB;

async function main() {
  const db = REUSE ? { url: REUSE, close: async () => {} } : await benchDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: false, worker: false }, log: createLogger('warn', false), poolSize: 8 });
  const pool = app.pool;
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  console.log(`analytics bench: scale ${SCALE}: ${CUSTOMERS} customers, ${EVENTS} events, ${ORDERS} orders, ${STAFF} staff, ${GROUPS} groups, ${DAYS} days`);

  let fullMs = NaN; let nightlyMs = NaN;
  if (!REUSE) {
  // ---- a year of data (no per-row triggers: bulk load) ----
  let t0 = Date.now();
  await q(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token, timezone)
           VALUES ($1, 'bench', '1', 's', 't', 'k', 'http://127.0.0.1:1', 'w', 'Asia/Shanghai')`, [CORP]);
  const c = await pool.connect();
  await c.query('SET session_replication_role = replica');
  await c.query(`INSERT INTO stores (id, corp_id, name) SELECT i, $1, '门店' || i FROM generate_series(1, $2) i`, [CORP, STORES]);
  await c.query(`INSERT INTO staff (corp_id, userid, name, status, store_id) SELECT $1, 'u' || i, '员工' || i, 1, 1 + i % $3 FROM generate_series(1, $2) i`, [CORP, STAFF, STORES]);
  await c.query(`INSERT INTO live_codes (id, corp_id, key, kind, name, channel, store_id, state) SELECT i, $1, 'k' || i, 'staff', '活码' || i, 'ch' || (i % 20), 1 + i % $2, 's' || i FROM generate_series(1, $3) i`, [CORP, STORES, CODES]);
  await c.query(`INSERT INTO campaigns (id, corp_id, kind, name, starts_at) SELECT i, $1, 'lottery', '活动' || i, now() - interval '400 days' FROM generate_series(1, $2) i`, [CORP, CAMPAIGNS]);
  await c.query(`INSERT INTO groups (corp_id, chat_id, name, owner_userid) SELECT $1, 'g' || i, '群' || i, 'u' || (1 + i % $3) FROM generate_series(1, $2) i`, [CORP, GROUPS, STAFF]);
  // Customer i was added `added(i)`: spread over the year. A customer's events and orders fall between their add and now
  // (offsets are taken modulo the days since the add: clamping them to now piled a tenth of all orders on today).
  // Runs before 2026-12-07 clamped, so their kept databases have ~300k orders on the day they were made.
  const added = (i: string) => `(now() - make_interval(days => (${i} % ${DAYS})::int, secs => ((${i} * 37) % 86400)::int))`;
  await c.query(`INSERT INTO customers (corp_id, external_userid, name, first_added_at, active_follow_count)
                 SELECT $1, 'c' || i, '客户' || i, ${added('i')}, CASE WHEN i % 10 = 0 THEN 0 ELSE 1 END FROM generate_series(1, $2) i`, [CORP, CUSTOMERS]);
  await c.query(`INSERT INTO follows (corp_id, external_userid, userid, status, added_at, deleted_at)
                 SELECT $1, 'c' || i, 'u' || (1 + (i * 7) % $3), CASE WHEN i % 10 = 0 THEN 'deleted_by_staff' ELSE 'active' END, ${added('i')},
                        CASE WHEN i % 10 = 0 THEN least(now(), ${added('i')} + make_interval(days => (i % 50)::int)) END
                 FROM generate_series(1, $2) i`, [CORP, CUSTOMERS, STAFF]);
  await c.query(`INSERT INTO attributions (corp_id, external_userid, userid, code_id, channel, store_id, added_at)
                 SELECT $1, 'c' || i, 'u' || (1 + (i * 7) % $3), 1 + i % $4, 'ch' || ((1 + i % $4) % 20), 1 + (1 + i % $4) % $5, ${added('i')}
                 FROM generate_series(1, $2) i WHERE i % 10 < 7`, [CORP, CUSTOMERS, STAFF, CODES, STORES]);
  await c.query(`INSERT INTO campaign_participants (corp_id, campaign_id, external_userid, joined_at)
                 SELECT $1, 1 + i % $3, 'c' || i, least(now(), ${added('i')} + interval '2 days') FROM generate_series(1, $2) i WHERE i % 10 = 3`, [CORP, CUSTOMERS, CAMPAIGNS]);
  console.log(`  customers, relations, code adds: ${sec(Date.now() - t0)} s`);
  t0 = Date.now();
  await c.query(`INSERT INTO customer_events (corp_id, external_userid, type, chat_id, occurred_at)
                 SELECT $1, 'c' || ci, 'customer.added', NULL, ${added('ci')} FROM generate_series(1, $2) ci`, [CORP, CUSTOMERS]);
  await c.query(`INSERT INTO customer_events (corp_id, external_userid, type, chat_id, occurred_at)
                 SELECT $1, 'c' || ci, ${TYPES}[1 + j % 10], CASE WHEN j % 10 IN (0, 7) THEN 'g' || (1 + j % $4) END,
                        least(now(), ${added('ci')} + make_interval(days => (j % least(90, greatest(1, ci % ${DAYS})))::int, secs => (j % 3600)::int))
                 FROM (SELECT j, 1 + (j::bigint * 7919) % $2 AS ci FROM generate_series(1, $3) j) x`, [CORP, CUSTOMERS, EVENTS - CUSTOMERS, GROUPS]);
  console.log(`  ${EVENTS} timeline events: ${sec(Date.now() - t0)} s`);
  t0 = Date.now();
  await c.query(`INSERT INTO orders (corp_id, order_id, external_userid, amount, paid_at, payload, matched_at, refunded_amount, refunded_at)
                 SELECT $1, 'o' || j, 'c' || ci, (20 + (j * 13) % 280)::numeric + 0.9, p, '{}', p,
                        CASE WHEN j % 50 = 0 THEN (20 + (j * 13) % 280)::numeric + 0.9 ELSE 0 END, CASE WHEN j % 50 = 0 THEN p END
                 FROM (SELECT j, ci, least(now() - interval '1 minute', ${added('ci')} + make_interval(days => (j % least(170, ci % ${DAYS} + 20))::int - 20)) AS p
                       FROM (SELECT j, 1 + (j::bigint * 104729) % $2 AS ci FROM generate_series(1, $3) j) y) x`, [CORP, CUSTOMERS, ORDERS]);
  await c.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at, data)
                 SELECT corp_id, external_userid, 'order.paid', paid_at, jsonb_build_object('orderId', order_id) FROM orders WHERE corp_id = $1`, [CORP]);
  await c.query(`UPDATE customers cu SET order_count = x.n, order_total = x.t, first_order_at = x.f, last_order_at = x.l
                 FROM (SELECT external_userid, count(*)::int AS n, sum(amount - refunded_amount) AS t, min(paid_at) AS f, max(paid_at) AS l
                       FROM orders WHERE corp_id = $1 AND refunded_at IS NULL GROUP BY 1) x WHERE cu.corp_id = $1 AND cu.external_userid = x.external_userid`, [CORP]);
  await c.query(`INSERT INTO code_visits (corp_id, code_id, visitor_key, visitor_kind, userid, store_id, reason, created_at)
                 SELECT $1, 1 + j % $3, 'v' || (j % ($2 * 2)), 'cookie', 'u' || (1 + (j * 7) % $4), 1 + (1 + j % $3) % 100, 'strategy', ${added('j')}
                 FROM generate_series(1, $2 * 2) j`, [CORP, CUSTOMERS, CODES, STAFF]);
  c.release();
  await q('VACUUM ANALYZE');
  console.log(`  ${ORDERS} orders, their events, ${CUSTOMERS * 2} visits, vacuum: ${sec(Date.now() - t0)} s`);

  // ---- the rollups in full (first run) ----
  t0 = Date.now();
  const full = await refreshAnalytics(pool, CORP, { full: true, lagSeconds: 0 });
  fullMs = Date.now() - t0;
  await q('ANALYZE analytics_customers; ANALYZE analytics_daily; ANALYZE analytics_buyer_days');
  console.log(`full rollup: ${full.customers} customers, ${full.days} days in ${sec(fullMs)} s`);

  nightlyMs = await nightlyPass(pool, '');
  } else {
    // A kept database whose rollups a migration asked to rebuild (analytics_state.ran_at cleared): the full pass first.
    const { rows: [st] } = await q('SELECT ran_at FROM analytics_state WHERE corp_id = $1', [CORP]);
    if (!st?.ran_at) {
      const t0 = Date.now();
      const full = await refreshAnalytics(pool, CORP, { lagSeconds: 0 });
      fullMs = Date.now() - t0;
      await q('ANALYZE analytics_customers; ANALYZE analytics_daily; ANALYZE analytics_buyer_days');
      console.log(`full rollup (asked for by a migration): ${full.customers} customers, ${full.days} days in ${sec(fullMs)} s`);
    }
    // BENCH_NIGHTLY=1: one more day on the kept database and the nightly pass over it.
    if (process.env.BENCH_NIGHTLY) nightlyMs = await nightlyPass(pool, Date.now().toString(36));
  }

  // ---- the dashboard queries, beside the raw SQL ----
  const scope = corpScope(CORP);
  const { rows: [{ today }] } = await q(`SELECT to_char((now() AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS today`);
  const day = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86400_000).toISOString().slice(0, 10);
  const from30 = day(29);
  const a = app.analytics;
  const f = { from: from30, to: today };
  // A store manager of one store, a regional manager of most stores (80 of 100), a staff member (their own customers).
  const oneStore = { ...scope, storeIds: [7] };
  const mostStores = { ...scope, storeIds: Array.from({ length: 80 }, (_, i) => i + 1) };
  const staffOnly = { ...scope, staffUserid: 'u8' };
  const queries: { name: string; run: () => Promise<unknown>; raw?: string }[] = [
    { name: 'funnel_30d_by_channel', run: () => a.funnel(scope, { ...f, by: 'channel' }), raw: rawFunnel(from30, today) },
    { name: 'funnel_30d_by_staff', run: () => a.funnel(scope, { ...f, by: 'staff' }) },
    { name: 'funnel_30d_store', run: () => a.funnel(scope, { ...f, by: 'code', storeId: 7 }) },
    { name: 'funnel_365d_by_channel', run: () => a.funnel(scope, { from: day(364), to: today, by: 'channel' }) },
    { name: 'cohorts_12w_contact', run: () => a.cohorts(scope, { unit: 'week', kind: 'contact', span: 12 }), raw: rawCohorts(day(83), today) },
    { name: 'cohorts_12w_order', run: () => a.cohorts(scope, { unit: 'week', kind: 'order', span: 12 }) },
    { name: 'commerce_30d_by_channel', run: () => a.commerce(scope, { ...f, by: 'channel', touch: 'last' }), raw: rawCommerce(from30, today) },
    { name: 'commerce_30d_by_group_first', run: () => a.commerce(scope, { ...f, by: 'group', touch: 'first' }) },
    { name: 'manager_1_store_funnel_30d', run: () => a.funnel(oneStore, { ...f, by: 'staff' }) },
    { name: 'manager_1_store_commerce_30d', run: () => a.commerce(oneStore, { ...f, by: 'channel', touch: 'last' }) },
    { name: 'manager_80_stores_funnel_30d', run: () => a.funnel(mostStores, { ...f, by: 'channel' }) },
    { name: 'manager_80_stores_cohorts_12w', run: () => a.cohorts(mostStores, { unit: 'week', kind: 'order', span: 12 }) },
    { name: 'manager_80_stores_commerce_30d', run: () => a.commerce(mostStores, { ...f, by: 'channel', touch: 'last' }) },
    { name: 'staff_commerce_30d', run: () => a.commerce(staffOnly, { ...f, by: 'channel', touch: 'first' }) },
  ];
  const results: Record<string, string> = {};
  let worstP50 = 0; let worstP99 = 0;
  for (const x of queries) {
    await x.run();
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) { const s = performance.now(); await x.run(); ms.push(performance.now() - s); }
    ms.sort((p, r) => p - r);
    const p50 = percentile(ms, 50); const p99 = percentile(ms, 99);
    worstP50 = Math.max(worstP50, p50); worstP99 = Math.max(worstP99, p99);
    let rawMs = '';
    if (x.raw) {
      const s = performance.now();
      await q(x.raw, [CORP]);
      rawMs = `   raw SQL on the tables: ${(performance.now() - s).toFixed(0)} ms`;
    }
    console.log(`  ${x.name.padEnd(30)} p50 ${p50.toFixed(0).padStart(5)} ms  p99 ${p99.toFixed(0).padStart(5)} ms${rawMs}`);
    results[x.name] = `${p50.toFixed(0)}/${p99.toFixed(0)}`;
  }
  const ok = worstP50 < 300 && worstP99 < 1000 && (Number.isNaN(nightlyMs) ? !!REUSE : nightlyMs < 60_000);
  console.log(`RESULT analytics${REUSE ? ' reused_db=1' : ''} scale=${SCALE} customers=${CUSTOMERS} events=${EVENTS} orders=${ORDERS} full_rollup_s=${sec(fullMs)} nightly_s=${sec(nightlyMs)} `
    + `worst_p50_ms=${worstP50.toFixed(0)} worst_p99_ms=${worstP99.toFixed(0)} ok=${ok}`);
  await app.close();
  // BENCH_KEEP=1 leaves the database for EXPLAIN (its URL is printed); drop it by hand afterwards.
  if (process.env.BENCH_KEEP) console.log(`kept database: ${db.url}`);
  else await db.close();
}

/**
 * One more day of a large corp (new customers, a day's events of existing ones, a day's orders and visits), then the
 * nightly pass over it, timed. `tag` keeps a re-run's rows apart from an earlier run's on a kept database.
 */
async function nightlyPass(pool: pg.Pool, tag: string): Promise<number> {
  const perDay = Math.round(CUSTOMERS / DAYS);
  // Which existing customers act today: a different set on every run over a kept database.
  const shift = tag ? Number.parseInt(tag.slice(-6), 36) % CUSTOMERS : 0;
  const c2 = await pool.connect();
  await c2.query('SET session_replication_role = replica');
  await c2.query(`INSERT INTO customers (corp_id, external_userid, name, first_added_at, active_follow_count)
                  SELECT $1, 'n${tag}' || i, 'new' || i, now() - make_interval(secs => i % 3600), 1 FROM generate_series(1, $2) i`, [CORP, perDay]);
  await c2.query(`INSERT INTO follows (corp_id, external_userid, userid, status, added_at) SELECT $1, 'n${tag}' || i, 'u' || (1 + i % 1000), 'active', now() - make_interval(secs => i % 3600) FROM generate_series(1, $2) i`, [CORP, perDay]);
  await c2.query(`INSERT INTO attributions (corp_id, external_userid, userid, code_id, channel, store_id, added_at)
                  SELECT $1, 'n${tag}' || i, 'u' || (1 + i % 1000), 1 + i % $3, 'ch' || ((1 + i % $3) % 20), 1 + (1 + i % $3) % 100, now() - make_interval(secs => i % 3600) FROM generate_series(1, $2) i`, [CORP, perDay, CODES]);
  await c2.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at) SELECT $1, 'n${tag}' || i, 'customer.added', now() - make_interval(secs => i % 3600) FROM generate_series(1, $2) i`, [CORP, perDay]);
  // A day's events of existing customers and of the new ones, a day's orders.
  await c2.query(`INSERT INTO customer_events (corp_id, external_userid, type, chat_id, occurred_at)
                  SELECT $1, 'c' || (1 + (j::bigint * 7919 + $4) % $2), ${TYPES}[1 + j % 10], CASE WHEN j % 10 IN (0, 7) THEN 'g' || (1 + j % 100) END, now() - make_interval(secs => j % 80000)
                  FROM generate_series(1, $3) j`, [CORP, CUSTOMERS, Math.round(EVENTS / DAYS), shift]);
  await c2.query(`INSERT INTO orders (corp_id, order_id, external_userid, amount, paid_at, payload, matched_at)
                  SELECT $1, 'd${tag}' || j, 'c' || (1 + (j::bigint * 104729 + $4) % $2), 88.8, now() - make_interval(secs => j % 80000), '{}', now() FROM generate_series(1, $3) j`, [CORP, CUSTOMERS, Math.round(ORDERS / DAYS), shift]);
  await c2.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at, data)
                  SELECT corp_id, external_userid, 'order.paid', paid_at, jsonb_build_object('orderId', order_id) FROM orders WHERE corp_id = $1 AND order_id LIKE 'd${tag}%'`, [CORP]);
  // The customers' order summaries, as the order intake keeps them (its triggers are off for the bulk load).
  await c2.query(`UPDATE customers cu SET order_count = cu.order_count + x.n, order_total = cu.order_total + x.t, last_order_at = greatest(cu.last_order_at, x.l),
                    first_order_at = least(cu.first_order_at, x.f)
                  FROM (SELECT external_userid, count(*)::int AS n, sum(amount) AS t, max(paid_at) AS l, min(paid_at) AS f FROM orders WHERE corp_id = $1 AND order_id LIKE 'd${tag}%' GROUP BY 1) x
                  WHERE cu.corp_id = $1 AND cu.external_userid = x.external_userid`, [CORP]);
  await c2.query(`INSERT INTO code_visits (corp_id, code_id, visitor_key, visitor_kind, reason, created_at)
                  SELECT $1, 1 + j % $3, 'nv${tag}' || j, 'cookie', 'strategy', now() - make_interval(secs => j % 80000) FROM generate_series(1, $2) j`, [CORP, perDay * 2, CODES]);
  // What autovacuum does between two nights (the CI server this runs on has it off; a kept database bloats run after run).
  await c2.query('VACUUM (ANALYZE) analytics_customers, analytics_daily, analytics_buyer_days, analytics_buyer_sets, analytics_slim');
  c2.release();
  const t0 = Date.now();
  const nightly = await refreshAnalytics(pool, CORP, { lagSeconds: 0 });
  const ms = Date.now() - t0;
  console.log(`nightly rollup of one day: ${nightly.customers} customers recomputed, ${nightly.days} days rebuilt in ${sec(ms)} s (target < 60 s)`);
  console.log(`  steps (s): ${Object.entries(nightly.steps).map(([k, v]) => `${k} ${sec(v)}`).join(', ')}`);
  return ms;
}

/** The funnel straight from the raw tables: customers added in the period, their first code add, the stages. */
function rawFunnel(from: string, to: string): string {
  return `
    SELECT coalesce(fa.channel, '') AS channel, count(*) AS added,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM customer_events e WHERE e.corp_id = c.corp_id AND e.external_userid = c.external_userid
        AND e.type IN ('group.joined','lottery.drew','checkin.done','coupon.claimed') AND e.occurred_at >= c.first_added_at AND e.occurred_at < c.first_added_at + interval '7 days')) AS activated,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid
        AND (f.status = 'active' OR f.deleted_at > c.first_added_at + interval '30 days'))) AS retained,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.corp_id = c.corp_id AND o.external_userid = c.external_userid AND o.refunded_at IS NULL AND o.paid_at >= c.first_added_at)) AS converted,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM customer_events e WHERE e.corp_id = c.corp_id AND e.external_userid = c.external_userid
        AND e.type IN ('invite.credited','referral.commission_earned'))) AS spread
    FROM customers c
      LEFT JOIN LATERAL (SELECT a.channel FROM attributions a WHERE a.corp_id = c.corp_id AND a.external_userid = c.external_userid ORDER BY a.added_at LIMIT 1) fa ON true
    WHERE c.corp_id = $1 AND (c.first_added_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${from}' AND '${to}'
    GROUP BY 1`;
}

function rawCohorts(from: string, to: string): string {
  return `
    SELECT date_trunc('week', c.first_added_at) AS cohort, k, count(*) FILTER (WHERE c.active_follow_count > 0
      OR (SELECT max(f.deleted_at) FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid) >= c.first_added_at + k * interval '7 days')
    FROM customers c CROSS JOIN generate_series(0, 11) k
    WHERE c.corp_id = $1 AND (c.first_added_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${from}' AND '${to}'
    GROUP BY 1, 2`;
}

function rawCommerce(from: string, to: string): string {
  return `
    SELECT coalesce(a.channel, '') AS channel, count(*), sum(o.amount - o.refunded_amount), count(DISTINCT o.external_userid)
    FROM orders o
      LEFT JOIN LATERAL (SELECT a.channel FROM attributions a WHERE a.corp_id = o.corp_id AND a.external_userid = o.external_userid
                           AND a.added_at <= o.paid_at AND a.added_at >= o.paid_at - interval '30 days' ORDER BY a.added_at DESC LIMIT 1) a ON true
    WHERE o.corp_id = $1 AND o.refunded_at IS NULL AND (o.paid_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${from}' AND '${to}'
      AND EXISTS (SELECT 1 FROM customers c WHERE c.corp_id = o.corp_id AND c.external_userid = o.external_userid AND c.first_added_at IS NOT NULL)
    GROUP BY 1`;
}

main().catch((err) => { console.error(err); process.exit(1); });
