// npm run bench -- offers
// Coupon claims and group-buy joins at their caps, and bargain helps at the floor, over HTTP with many distinct
// WeChat visitors at once (the simulator's phone identity: the sim_wechat_user cookie, as the H5 page sends it).
//  - claims: BENCH_CUSTOMERS customers each tap "claim" twice (two request ids) on a coupon campaign with a limit of
//    one each and a pool of BENCH_POOL codes → exactly min(pool, customers) codes out, none twice, none over a limit;
//  - joins: BENCH_GROUPS group-buys of 5 opened, then every customer tries to join one (round robin) → exactly 4
//    joins per group, never more members than its size;
//  - helps: BENCH_BARGAINS bargains, every customer helps one → every price stops exactly on its floor, none below.
// A bare Fastify POST route is measured with the same load generator in the same run (the ceiling to read
// throughput against). Ends with one `RESULT offers …` line; exits 1 when anything was over its cap.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { bootstrap } from '../apps/server/src/bootstrap';
import { createLogger } from '../apps/server/src/platform/log';
import { bareFastifyBaseline, benchDatabase, runLoad, type LoadRequest } from './lib';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 2000);
const POOL = Number(process.env.BENCH_POOL ?? 500);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 100);
const GROUP_SIZE = 5;
const BARGAINS = Number(process.env.BENCH_BARGAINS ?? 50);
const C = Number(process.env.BENCH_CONCURRENCY ?? 32);

async function main() {
  const db = await benchDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: false }, log: createLogger('warn', false), simulator: true, poolSize: 20 });
  const base = (await app.start())!;
  config.publicUrl = base;
  const { demoCorpId } = await bootstrap(app, base, base, { demoOrders: false });
  const corpId = demoCorpId!;
  const q = (sql: string, params: unknown[] = []) => app.pool.query(sql, params);
  const staff = (await q('SELECT userid FROM staff WHERE corp_id = $1 ORDER BY userid LIMIT 1', [corpId])).rows[0].userid as string;

  // Visitors: WeChat users of the simulator; CUSTOMERS of them are customers (added a staff member), as many again are friends who are not.
  const tag = randomBytes(3).toString('hex');
  await q(`INSERT INTO wecom_sim.wechat_users (id, nickname, avatar, gender, unionid, openid, created_at)
    SELECT 'bw' || $1 || i, '压测' || i, '', 0, 'bu' || $1 || i, 'bo' || $1 || i, 0 FROM generate_series(1, $2::int * 2) i`, [tag, CUSTOMERS]);
  await q(`INSERT INTO customers (corp_id, external_userid, name, unionid) SELECT $1, 'wmb' || $2 || i, '压测' || i, 'bu' || $2 || i FROM generate_series(1, $3::int) i`, [corpId, tag, CUSTOMERS]);
  await q(`INSERT INTO follows (corp_id, external_userid, userid, status) SELECT $1, 'wmb' || $2 || i, $4, 'active' FROM generate_series(1, $3::int) i`, [corpId, tag, CUSTOMERS, staff]);
  const cookie = (i: number) => ({ cookie: `sim_wechat_user=bw${tag}${i}`, 'content-type': 'application/json', origin: base });
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => i + 1);
  const friends = Array.from({ length: CUSTOMERS }, (_, i) => CUSTOMERS + i + 1);
  const body = () => JSON.stringify({ requestId: randomBytes(9).toString('base64url') });

  const { rows: [pool] } = await q(`INSERT INTO coupon_pools (corp_id, name, face_value_fen, valid_days) VALUES ($1, '压测券', 500, 7) RETURNING id`, [corpId]);
  await q(`INSERT INTO coupon_codes (corp_id, code, pool_id) SELECT $1, 'B' || $2::text || '-' || i, $2::bigint FROM generate_series(1, $3::int) i`, [corpId, pool.id, POOL]);
  const offer = async (kind: string, config: object) => {
    const id = (await q(`INSERT INTO campaigns (corp_id, kind, name, status, starts_at, config) VALUES ($1, $2, $3, 'active', now() - interval '1 minute', $4) RETURNING id`,
      [corpId, kind, `压测 ${kind}`, JSON.stringify(config)])).rows[0].id as number;
    return id;
  };
  const couponId = await offer('coupon', { couponPoolId: pool.id, perCustomerLimit: 1, showCountdown: true });
  const gbPool = (await q(`INSERT INTO coupon_pools (corp_id, name, face_value_fen) VALUES ($1, '拼团券', 1000) RETURNING id`, [corpId])).rows[0].id as number;
  await q(`INSERT INTO coupon_codes (corp_id, code, pool_id) SELECT $1, 'G' || $2::text || '-' || i, $2::bigint FROM generate_series(1, $3::int) i`, [corpId, gbPool, GROUPS * GROUP_SIZE]);
  const groupbuyId = await offer('groupbuy', { productName: '压测商品', sku: 'B1', imageUrl: null, priceFen: 100, originalPriceFen: 200, groupSize: GROUP_SIZE, hours: 24, couponPoolId: gbPool, productUrl: null, maxGroupsPerCustomer: 1 });
  const bargainId = await offer('bargain', { productName: '压测砍价', sku: 'B2', imageUrl: null, startFen: 10000, floorFen: 2000, minCutFen: 100, maxCutFen: 900, hours: 24, newCustomersOnly: false, helpsToFloor: null, productUrl: 'https://shop.example.com/b2' });
  const api = `/c/api/${corpId}/offers`;

  // Warm up, and Pond's own floor for these routes: the page's read (the session from the cookie, the customer, the offer).
  await runLoad(base, 8, customers.slice(0, 200).map((i) => ({ method: 'GET', path: `${api}/${couponId}`, headers: cookie(i) })));
  const rv = await runLoad(base, C, customers.map((i) => ({ method: 'GET', path: `${api}/${couponId}`, headers: cookie(i) })));
  console.log(`page reads: ${customers.length} GET c=${C}: ${rv.rps} req/s, p50 ${rv.p50} ms, p99 ${rv.p99} ms`);

  // 1. Claims: each customer taps twice; requests shuffled so a customer's two taps race each other and everyone else.
  const claims: LoadRequest[] = customers.flatMap((i) => [0, 1].map(() => ({ method: 'POST', path: `${api}/${couponId}/claim`, body: body(), headers: cookie(i) })));
  claims.sort(() => Math.random() - 0.5);
  const rc = await runLoad(base, C, claims);
  console.log(`claims: ${claims.length} requests c=${C}: ${rc.rps} req/s, p50 ${rc.p50} ms, p99 ${rc.p99} ms, non-2xx ${rc.non2xx} (refusals: limit or no stock), errors ${rc.errors}`);
  const bare = await bareFastifyBaseline(C, claims.map((x) => ({ ...x, path: '/bare' })));
  console.log(`bare fastify POST c=${C}: ${bare.rps} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms`);
  const { rows: [cl] } = await q(`SELECT count(*)::int AS codes, count(DISTINCT code)::int AS distinct_codes, count(DISTINCT external_userid)::int AS people,
      (SELECT count(*)::int FROM rewards WHERE campaign_id = $2 AND state <> 'void') AS rewards
    FROM coupon_codes WHERE pool_id = $1 AND state = 'claimed'`, [pool.id, couponId]);
  const claimCap = Math.min(POOL, CUSTOMERS);
  const overclaimed = Math.max(0, cl.codes - claimCap) + (cl.codes - cl.people) + (cl.rewards - cl.codes);

  // 2. Group-buys: GROUPS customers open one each (sequentially: not the measured part), then everyone else joins one.
  const openers = customers.slice(0, GROUPS);
  const gids: number[] = [];
  for (const i of openers) {
    const r = await fetch(`${base}${api}/${groupbuyId}/groupbuys`, { method: 'POST', headers: cookie(i), body: body() });
    gids.push(((await r.json()) as { groupbuy: { id: number } }).groupbuy.id);
  }
  const joins: LoadRequest[] = customers.slice(GROUPS).map((i, k) => ({ method: 'POST', path: `${api}/${groupbuyId}/groupbuys/${gids[k % gids.length]}/join`, body: body(), headers: cookie(i) }));
  const rj = await runLoad(base, C, joins);
  console.log(`joins: ${joins.length} requests over ${GROUPS} groups of ${GROUP_SIZE} c=${C}: ${rj.rps} req/s, p50 ${rj.p50} ms, p99 ${rj.p99} ms, non-2xx ${rj.non2xx} (refusals: full), errors ${rj.errors}`);
  const { rows: [gb] } = await q(`SELECT count(*)::int AS members, count(*) FILTER (WHERE m.coupon_code IS NOT NULL)::int AS coded,
      (SELECT count(*)::int FROM groupbuys g WHERE g.campaign_id = $1 AND g.state = 'full') AS full,
      (SELECT count(*)::int FROM (SELECT g.id FROM groupbuys g JOIN groupbuy_members x ON x.groupbuy_id = g.id WHERE g.campaign_id = $1 GROUP BY g.id, g.needed HAVING count(*) > g.needed) o) AS over
    FROM groupbuy_members m JOIN groupbuys g ON g.id = m.groupbuy_id WHERE g.campaign_id = $1`, [groupbuyId]);
  const joinCap = Math.min(GROUPS * GROUP_SIZE, GROUPS + joins.length);
  const overjoined = gb.over + Math.max(0, gb.members - joinCap);

  // 3. Bargains: BARGAINS customers start one, every friend (not a customer) helps one.
  const bids: number[] = [];
  for (const i of customers.slice(0, BARGAINS)) {
    const r = await fetch(`${base}${api}/${bargainId}/bargains`, { method: 'POST', headers: cookie(i), body: body() });
    bids.push(((await r.json()) as { bargain: { id: number } }).bargain.id);
  }
  const helps: LoadRequest[] = friends.map((i, k) => ({ method: 'POST', path: `${api}/${bargainId}/bargains/${bids[k % bids.length]}/help`, body: body(), headers: cookie(i) }));
  const rh = await runLoad(base, C, helps);
  console.log(`helps: ${helps.length} requests over ${BARGAINS} bargains c=${C}: ${rh.rps} req/s, p50 ${rh.p50} ms, p99 ${rh.p99} ms, non-2xx ${rh.non2xx} (refusals: at the floor), errors ${rh.errors}`);
  const { rows: [bg] } = await q(`SELECT count(*) FILTER (WHERE price_fen = floor_fen)::int AS at_floor, count(*) FILTER (WHERE price_fen < floor_fen)::int AS below,
      count(*) FILTER (WHERE start_fen - price_fen <> (SELECT coalesce(sum(cut_fen), 0) FROM bargain_helps h WHERE h.bargain_id = b.id))::int AS mismatched
    FROM bargains b WHERE campaign_id = $1`, [bargainId]);

  console.log(`claimed ${cl.codes} codes (${cl.distinct_codes} distinct, ${cl.people} customers) of a pool of ${POOL} for ${CUSTOMERS} customers; ` +
    `${gb.members} group-buy members in ${gb.full}/${GROUPS} full groups (${gb.coded} with codes); ${bg.at_floor}/${BARGAINS} bargains at the floor, ${bg.below} below, ${bg.mismatched} mismatched`);
  await app.close();
  await db.close();
  // Requests the load generator gave up on (10 s) are reported; correctness is what the database holds afterwards.
  const errors = rc.errors + rj.errors + rh.errors;
  const ok = overclaimed === 0 && cl.codes === claimCap && overjoined === 0 && gb.members === joinCap && bg.below === 0 && bg.mismatched === 0;
  console.log(`RESULT offers claims=${cl.codes} claim_cap=${claimCap} overclaimed=${overclaimed} claim_rps=${rc.rps} read_rps=${rv.rps} bare_rps=${bare.rps} ratio=${(rc.rps / bare.rps).toFixed(2)} ` +
    `claim_p50_ms=${rc.p50} claim_p99_ms=${rc.p99} joins=${gb.members} join_cap=${joinCap} overjoined=${overjoined} join_rps=${rj.rps} join_p99_ms=${rj.p99} ` +
    `bargains_at_floor=${bg.at_floor} below_floor=${bg.below} help_rps=${rh.rps} help_p99_ms=${rh.p99} errors=${errors} ok=${ok}`);
  if (!ok) process.exit(1);
}

main().catch((err) => { console.error(err); process.exit(1); });
