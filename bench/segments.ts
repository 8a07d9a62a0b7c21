// npm run bench -- segments
// 1M customers, 3M follow relations (~20 tags per customer), 20M timeline events, 500k orders; typical rules of
// 3–6 conditions evaluated as Pond does (customer-level tag/staff arrays with GIN indexes, rolling
// event windows on the customer row — ADR 0005, 0006, 0007, 0009) and, in the same run, as the straightforward SQL over the normalized
// tables (EXISTS on follows, counting customer_events). Prints p50/p99 of both, the cost of the event
// trigger per event, how long building and one daily roll of the windows take, and the roll's longest chunk.
import pg from 'pg';
import { migrateDb } from '../apps/server/src/platform/db';
import { Params } from '../apps/server/src/platform/sql';
import { corpScope } from '../apps/server/src/platform/auth';
import { querySegment, where } from '../apps/server/src/modules/segments/repo';
import type { SegmentRule as RuleNode } from '@pond/contracts/segments';
import { readEventWindows, rollEventWindows } from '../apps/server/src/modules/segments/windows';
import { benchDatabase, percentile } from './lib';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const EVENTS_PER = Number(process.env.BENCH_EVENTS_PER_CUSTOMER ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CORP = 'wwsegbench';
/** Each customer's events are spread over these types. */
const types = ['customer.added', 'group.joined', 'group.left', 'tag.added', 'remark.changed'];

async function main() {
  // BENCH_REUSE_DB=<url of a database kept by BENCH_KEEP_DB>: measure again without loading the data (~15 min at 1M).
  const reuse = process.env.BENCH_REUSE_DB;
  const db = reuse ? { url: reuse, close: async () => undefined } : await benchDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await migrateDb(pool);
  const t0 = Date.now();
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  if (reuse) {
    const { rows: [r] } = await q(`SELECT count(*)::int AS n FROM customers WHERE corp_id = $1`, [CORP]);
    if (r.n !== CUSTOMERS) throw new Error(`BENCH_REUSE_DB: ${CORP} has ${r.n} customers there, not ${CUSTOMERS}`);
    // Back to the state after loading: no windows yet.
    await q(`DELETE FROM customer_event_window_rolls WHERE corp_id = $1`, [CORP]);
    await q(`UPDATE customers SET event_windows = NULL WHERE corp_id = $1 AND event_windows IS NOT NULL`, [CORP]);
    // A database kept before the benchmark had orders gets them now.
    const { rows: [o] } = await q(`SELECT count(*)::int AS n FROM orders WHERE corp_id = $1`, [CORP]);
    if (o.n === 0) await loadOrders(pool);
    // Rewritten as a fresh load leaves it (and with the table's fillfactor, should the database predate it).
    await q('VACUUM FULL ANALYZE customers');
  } else {
    await load(pool);
  }
  const { rows: [sizes] } = await q(`SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM follows)::int AS follows,
                                           (SELECT count(*) FROM customer_events)::int AS events, (SELECT avg(cardinality(tag_ids))::int FROM customers) AS tags,
                                           (SELECT count(*) FROM orders)::int AS orders`);
  console.log(`data: ${sizes.customers} customers, ${sizes.follows} follows, ${sizes.events} events, ${sizes.orders} orders, ~${sizes.tags} tags per customer (${Math.round((Date.now() - t0) / 1000)} s)`);

  // The event trigger's cost per event, before the windows exist (per-day count only) and after (count + windows).
  let batch = 0;
  const insertEvents = async () => {
    const s = performance.now();
    await q(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at)
             SELECT $1, 'wm' || (1 + abs(hashint4(g + $4::int)) % $2::int), ($3::text[])[1 + g % 5], now() - (g % 3) * interval '1 day'
             FROM generate_series(1, 20000) g`, [CORP, CUSTOMERS, types, 20000 * batch++]);
    return Math.round(((performance.now() - s) * 1000) / 20000);
  };
  const triggerUs = async () => { await insertEvents(); return insertEvents(); }; // the first batch warms the caches
  const countsOnlyUs = await triggerUs();
  // Built as of yesterday, then one daily roll to today: segments are measured in the state a daily roll leaves
  // (the rows it rewrote, vacuumed), as they would be on any day after the first.
  const { rows: [{ yesterday }] } = await q(`SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date - 1)::text AS yesterday`);
  let started = Date.now();
  await rollEventWindows(pool, CORP, yesterday);
  const buildS = Math.round((Date.now() - started) / 1000);
  const withWindowsUs = await triggerUs();
  // The roll works through the customers in chunks, each holding the corp's lock: the longest chunk is the longest
  // an event insert of the corp waits.
  let chunkStart = Date.now();
  let maxChunkMs = 0;
  started = Date.now();
  await rollEventWindows(pool, CORP, undefined, { afterChunk: async () => { maxChunkMs = Math.max(maxChunkMs, Date.now() - chunkStart); chunkStart = Date.now(); } });
  const rollS = (Date.now() - started) / 1000;
  await q('VACUUM ANALYZE');
  const { rows: [ws] } = await q(`SELECT count(*)::int AS n FROM customers WHERE event_windows IS NOT NULL`);
  const { rows: [size] } = await q(`SELECT pg_size_pretty(pg_table_size('customers')) AS customers`);
  console.log(`windows: ${ws.n} customers with events in 180 days, built in ${buildS} s; event trigger ${countsOnlyUs} µs/event without windows, ${withWindowsUs} µs/event with`);
  console.log(`daily roll of the windows: ${rollS.toFixed(1)} s, longest chunk ${maxChunkMs} ms; customers table ${size.customers} after it`);

  const rules: { name: string; rule: RuleNode }[] = [
    { name: 'tags any + gender + added', rule: { op: 'and', conditions: [{ type: 'tags', mode: 'any', tagIds: ['t1', 't2'] }, { type: 'gender', values: [2] }, { type: 'added', from: '2026-06-01' }] } },
    { name: 'tags all + none + staff', rule: { op: 'and', conditions: [{ type: 'tags', mode: 'all', tagIds: ['t5', 't9'] }, { type: 'tags', mode: 'none', tagIds: ['t7'] }, { type: 'staff', userids: ['u1', 'u2', 'u3', 'u4'] }] } },
    { name: 'joined ≥ 3 groups in 90 d + tag', rule: { op: 'and', conditions: [{ type: 'event', eventType: 'group.joined', op: 'atLeast', count: 3, days: 90 }, { type: 'tags', mode: 'any', tagIds: ['t3'] }, { type: 'gender', values: [1, 2] }] } },
    { name: 'store + (tag or event) + gender', rule: { op: 'and', conditions: [{ type: 'store', storeIds: [1, 2] }, { op: 'or', conditions: [{ type: 'tags', mode: 'any', tagIds: ['t11'] }, { type: 'event', eventType: 'tag.added', op: 'atLeast', count: 2, days: 30 }] }, { type: 'gender', values: [0, 2] }] } },
    { name: 'active in 7 d, not left in 30 d + tag', rule: { op: 'and', conditions: [{ type: 'event', eventType: 'tag.added', op: 'atLeast', count: 1, days: 7 }, { type: 'event', eventType: 'group.left', op: 'atMost', count: 0, days: 30 }, { type: 'tags', mode: 'any', tagIds: ['t40', 't41'] }] } },
    { name: 'behaviour only: 4 windows', rule: { op: 'and', conditions: [{ type: 'event', eventType: 'customer.added', op: 'atLeast', count: 2, days: 180 }, { type: 'event', eventType: 'group.joined', op: 'atMost', count: 2, days: 90 }, { op: 'or', conditions: [{ type: 'event', eventType: 'remark.changed', op: 'atLeast', count: 1, days: 7 }, { type: 'event', eventType: 'tag.added', op: 'atLeast', count: 2, days: 30 }] }] } },
    { name: 'RFM important buckets + tag', rule: { op: 'and', conditions: [{ type: 'rfm', buckets: ['important_value', 'important_keep'] }, { type: 'tags', mode: 'any', tagIds: ['t30', 't31'] }] } },
    { name: 'ordered in 30 d, spent ≥ ¥300, gender', rule: { op: 'and', conditions: [{ type: 'orders', metric: 'recency', op: 'within', value: 30 }, { type: 'orders', metric: 'monetary', op: 'atLeast', value: 300 }, { type: 'gender', values: [1, 2] }] } },
    { name: '6 conditions', rule: { op: 'and', conditions: [{ type: 'tags', mode: 'any', tagIds: ['t20', 't21', 't22'] }, { type: 'tags', mode: 'none', tagIds: ['t23'] }, { type: 'gender', values: [1] }, { type: 'staff', userids: ['u10', 'u11', 'u12', 'u13', 'u14'] }, { type: 'added', from: '2026-03-01' }, { type: 'event', eventType: 'customer.added', op: 'atMost', count: 5, days: 180 }] } },
  ];
  const scope = corpScope(CORP);
  async function time(rule: RuleNode, mode: 'fast' | 'plain') {
    const s = performance.now();
    const p = new Params();
    const w = where(scope, rule, p, mode, mode === 'fast' ? await readEventWindows(pool, CORP) : undefined);
    const { rows: [r] } = await (mode === 'fast' ? querySegment(pool, `SELECT count(*)::int AS n FROM customers c WHERE ${w}`, p.values) : q(`SELECT count(*)::int AS n FROM customers c WHERE ${w}`, p.values));
    return { ms: performance.now() - s, n: r.n as number };
  }
  const fast: number[] = [];
  const plain: number[] = [];
  for (const { name, rule } of rules) {
    const f: number[] = [];
    let n = 0;
    for (let i = 0; i < RUNS; i++) { const r = await time(rule, 'fast'); f.push(r.ms); n = r.n; }
    const b = await time(rule, 'plain'); // one baseline run per rule: it is slow
    if (b.n !== n) throw new Error(`${name}: fast ${n} ≠ plain ${b.n}`);
    fast.push(...f);
    plain.push(b.ms);
    console.log(`${name}: ${n} members; pond p50 ${Math.round(percentile([...f].sort((x, y) => x - y), 50))} ms, straightforward ${Math.round(b.ms)} ms`);
  }
  fast.sort((a, b) => a - b);
  plain.sort((a, b) => a - b);
  await pool.end();
  if (process.env.BENCH_KEEP_DB) console.log(`kept ${db.url}`);
  else await db.close();
  const r = (x: number) => Math.round(x);
  console.log(`RESULT segments customers=${CUSTOMERS} rules=${rules.length} p50_ms=${r(percentile(fast, 50))} p99_ms=${r(percentile(fast, 99))} baseline_p50_ms=${r(percentile(plain, 50))} baseline_p99_ms=${r(percentile(plain, 99))} trigger_us=${withWindowsUs} roll_s=${rollS.toFixed(1)} roll_max_chunk_ms=${maxChunkMs}`);
}


/** 1M customers, 3M follows, 20M events, bulk-loaded; then what the triggers maintain, derived in bulk. */
async function load(pool: pg.Pool) {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await q(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token) VALUES ($1,'bench','1','s','t','k','http://x','w')`, [CORP]);
  await q(`INSERT INTO staff (corp_id, userid, name, status, is_follow_user, store_id) SELECT $1, 'u' || i, 'staff' || i, 1, true, 1 + i % 20 FROM generate_series(1, 200) i`, [CORP]);
  // Bulk load without the per-row triggers, then derive what they maintain in bulk.
  const c = await pool.connect();
  await c.query(`SET session_replication_role = replica`);
  await c.query(`INSERT INTO customers (corp_id, external_userid, name, gender, active_follow_count, first_added_at)
                 SELECT $1, 'wm' || i, 'c' || i, i % 3, 3, now() - (i % 365) * interval '1 day' FROM generate_series(1, $2) i`, [CORP, CUSTOMERS]);
  await c.query(`INSERT INTO follows (corp_id, external_userid, userid, status, tag_ids, added_at)
                 SELECT $1, 'wm' || i, 'u' || (1 + (i * 7 + k * 13) % 200), 'active',
                        ARRAY(SELECT 't' || (1 + ((i * 31 + k * 17 + j * 7) % 300)) FROM generate_series(1, 7) j), now()
                 FROM generate_series(1, $2) i, generate_series(0, 2) k`, [CORP, CUSTOMERS]);
  await c.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at)
                 SELECT $1, 'wm' || (1 + (g % $2::int)), ($3::text[])[1 + abs(hashint4(g)) / 180 % 5], now() - (abs(hashint4(g)) % 180) * interval '1 day'
                 FROM generate_series(1, $2::int * $4::int) g`, [CORP, CUSTOMERS, types, EVENTS_PER]);
  await c.query(`SET session_replication_role = origin`);
  c.release();
  await q(`UPDATE customers c SET tag_ids = x.tags, staff_ids = x.staff FROM (
             SELECT external_userid, array_agg(DISTINCT t ORDER BY t) AS tags, array_agg(DISTINCT userid ORDER BY userid) AS staff
             FROM follows, unnest(tag_ids) t WHERE corp_id = $1 GROUP BY external_userid) x
           WHERE c.corp_id = $1 AND c.external_userid = x.external_userid`, [CORP]);
  await loadOrders(pool);
  await q(`INSERT INTO customer_event_counts (corp_id, type, day, external_userid, n)
           SELECT corp_id, type, (occurred_at AT TIME ZONE 'Asia/Shanghai')::date, external_userid, count(*) FROM customer_events WHERE corp_id = $1 GROUP BY 1,2,3,4`, [CORP]);
  await q('VACUUM ANALYZE');
}

/** One customer in five has 1–4 paid orders of the last 200 days; the order summary on customers is derived from them
 * as the matching statement keeps it (ADR 0008). */
async function loadOrders(pool: pg.Pool) {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await q(`INSERT INTO orders (corp_id, order_id, external_userid, amount, paid_at, payload, matched_at)
           SELECT $1, 'o' || i || '-' || k, 'wm' || i, 20 + (i * 37 + k * 101) % 400, now() - ((i * 13 + k * 29) % 200) * interval '1 day', '{}', now()
           FROM generate_series(5, $2::int, 5) i, generate_series(1, 1 + (i / 5) % 4) k`, [CORP, CUSTOMERS]);
  await q(`UPDATE customers c SET order_count = x.n, order_total = x.total, first_order_at = x.first, last_order_at = x.last
           FROM (SELECT external_userid, count(*)::int AS n, sum(amount) AS total, min(paid_at) AS first, max(paid_at) AS last
                 FROM orders WHERE corp_id = $1 GROUP BY external_userid) x
           WHERE c.corp_id = $1 AND c.external_userid = x.external_userid`, [CORP]);
}

main().catch((err) => { console.error(err); process.exit(1); });
