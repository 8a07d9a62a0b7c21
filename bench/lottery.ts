// npm run bench -- lottery
// 5,000 customers draw over HTTP on a lottery with 100 prizes of stock (50 coupons from a code pool, 50 points
// prizes) and a "thank you" slot, odds high enough that the stock runs out early: exactly 100 must be won, never
// more, and each customer's entry drawn once — 10% of them tap twice (the same request id, answered with the first
// result). Each customer is who their signed WeChat OAuth cookie says (the corp's OAuth key seals it, as the OAuth
// callback does): the real cookie path, no test-only door.
// Latency: the draws arrive open loop at BENCH_RATE/s (default 100: the 5,000 within a minute; up to BENCH_SOCKETS
// in flight at once), each timed from when it was due, so queueing behind a slow server counts (p99 target < 50 ms).
// Throughput: the same 5,000 customers draw again on a second lottery closed loop over BENCH_CONNECTIONS (default 32)
// connections, beside a bare Fastify route given the same requests the same way in the same run (ratio); the CPU
// each draw cost Pond and its Postgres backends is printed with the machine's load.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { createLogger } from '../apps/server/src/platform/log';
import { sealWechatIdentity } from '../apps/server/src/modules/live-codes/identity';
import { bareFastifyBaseline, benchDatabase, runLoad, type LoadRequest } from './lib';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const STOCK = 100;
const CORP = 'wwbenchlottery01';
const OAUTH_SECRET = 'bench-lottery-oauth-secret-0123456789';

/** CPU seconds so far of this process (Pond) and of the Postgres backends serving the bench's database. */
function cpu(dbName: string): { pond: number; pg: number } {
  const ticks = Number(process.env.CLK_TCK ?? 100);
  let pgSec = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(dbName)) continue;
      const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ');
      pgSec += (Number(f[11]) + Number(f[12])) / ticks;
    } catch { /* gone */ }
  }
  const u = process.cpuUsage();
  return { pond: (u.user + u.system) / 1e6, pg: pgSec };
}

async function main() {
  const db = await benchDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: false }, log: createLogger('warn', false), poolSize: 30 });
  const base = (await app.start())!.replace('0.0.0.0', '127.0.0.1');
  await app.corps.upsert({
    id: CORP, name: 'bench', agentId: '1000002', secret: 'benchsecret0123456789', callbackToken: 'benchtoken', callbackAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  });
  await app.corps.update(CORP, { oauthAppId: 'wxbenchlottery', oauthSecret: OAUTH_SECRET });
  const pool = app.pool;

  // The customers a sync would have stored: each added a staff member and has a unionid (inserted in bulk for speed).
  await pool.query(`INSERT INTO staff (corp_id, userid, name, status, is_follow_user) VALUES ($1, 'staff1', '店员', 1, true)`, [CORP]);
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => i);
  await pool.query(`INSERT INTO customers (corp_id, external_userid, name, unionid) SELECT $1, 'wmbench' || i, '客户' || i, 'ubench' || i FROM unnest($2::int[]) i`, [CORP, ids]);
  await pool.query(`INSERT INTO follows (corp_id, external_userid, userid, status) SELECT $1, 'wmbench' || i, 'staff1', 'active' FROM unnest($2::int[]) i`, [CORP, ids]);
  const { rows: [couponPool] } = await pool.query(`INSERT INTO coupon_pools (corp_id, name, face_value_fen) VALUES ($1, '满100减10', 1000) RETURNING id`, [CORP]);
  await pool.query(`INSERT INTO coupon_codes (corp_id, code, pool_id) SELECT $1, 'BENCH' || lpad(i::text, 5, '0'), $2 FROM generate_series(1, 60) i`, [CORP, couponPool.id]);

  const lottery = await app.lottery.create(CORP, {
    name: '周年庆大转盘', startsAt: new Date(Date.now() - 60_000), endsAt: null, eligibility: {}, entry: { kind: 'free' }, joinCodeId: null, rules: '',
    budgetTotalFen: null, budgetDailyFen: null, rewardsPerCustomer: null,
    config: { perDay: 1, total: 1, display: 'wheel' },
    prizes: [
      { name: '10元券', kind: 'coupon', weight: 5, stock: STOCK / 2, couponPoolId: couponPool.id, points: 0, amountFen: 0, costFen: 1000, imageUrl: null },
      { name: '100积分', kind: 'points', weight: 5, stock: STOCK / 2, couponPoolId: null, points: 100, amountFen: 0, costFen: 100, imageUrl: null },
      { name: '谢谢参与', kind: 'nothing', weight: 90, stock: null, couponPoolId: null, points: 0, amountFen: 0, costFen: 0, imageUrl: null },
    ],
  }, 'bench');
  await app.campaigns.setStatus(CORP, lottery.id, 'active');

  const path = `/c/api/${CORP}/lottery/${lottery.id}/draw`;
  const request = (i: number, requestId: string): LoadRequest => ({
    method: 'POST', path, body: JSON.stringify({ requestId }),
    headers: { 'content-type': 'application/json', origin: base, cookie: `pond_wx=${sealWechatIdentity(`obench${i}`, `ubench${i}`, OAUTH_SECRET)}` },
  });
  const requestIds = ids.map(() => randomBytes(9).toString('hex'));
  const requests = ids.map((i) => request(i, requestIds[i]));
  // Every tenth customer taps twice: the second tap lands somewhere later in the run with the same request id.
  for (let i = 0; i < CUSTOMERS; i += 10) requests.splice(Math.floor(Math.random() * requests.length), 0, request(i, requestIds[i]));

  // A second lottery (no limits, "thank you" only) for the warm-up and the throughput run.
  const second = await app.lottery.create(CORP, { name: '每日抽奖', rules: '', startsAt: new Date(Date.now() - 60_000), endsAt: null, eligibility: {}, entry: { kind: 'free' },
    joinCodeId: null, budgetTotalFen: null, budgetDailyFen: null, rewardsPerCustomer: null, config: { perDay: null, total: null, display: 'wheel' },
    prizes: [{ name: '谢谢参与', kind: 'nothing', weight: 1, stock: null, couponPoolId: null, points: 0, amountFen: 0, costFen: 0, imageUrl: null }] }, 'bench');
  await app.campaigns.setStatus(CORP, second.id, 'active');
  const onSecond = (list: LoadRequest[]) => list.map((r) => ({ ...r, path: `/c/api/${CORP}/lottery/${second.id}/draw`, body: JSON.stringify({ requestId: randomBytes(9).toString('hex') }) }));
  // One draw first: a refusal here says why at once (not 5,500 times). Then a warm-up (connections, JIT, plans), not counted.
  const probe = await fetch(`${base}/c/api/${CORP}/lottery/${second.id}/draw`, { method: 'POST', headers: requests[0].headers, body: JSON.stringify({ requestId: 'probe-request' }) });
  if (probe.status !== 200) throw new Error(`the first draw answered ${probe.status}: ${await probe.text()}`);
  await runLoad(base, CONNECTIONS, onSecond(requests.slice(0, 500)));

  const r = await runLoad(base, SOCKETS, requests, { rate: RATE });
  console.log(`draws: ${r.count} requests (${CUSTOMERS} customers, ${r.count - CUSTOMERS} repeated taps) arriving at ${RATE}/s, done in ${r.ms} ms: p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}`);
  const dbName = new URL(db.url).pathname.slice(1);
  const cpu0 = cpu(dbName);
  const thru = await runLoad(base, CONNECTIONS, onSecond(requests.slice(0, CUSTOMERS)));
  const cpu1 = cpu(dbName);
  console.log(`CPU ms per draw (throughput run): pond ${((cpu1.pond - cpu0.pond) * 1000 / thru.count).toFixed(2)}, postgres ${((cpu1.pg - cpu0.pg) * 1000 / thru.count).toFixed(2)} (the machine's load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
  console.log(`throughput: ${thru.count} draws closed loop over ${CONNECTIONS} connections: ${thru.rps}/s, p50 ${thru.p50} ms, p99 ${thru.p99} ms, errors ${thru.errors}, non-2xx ${thru.non2xx}`);
  const bare = await bareFastifyBaseline(CONNECTIONS, onSecond(requests.slice(0, CUSTOMERS)));
  console.log(`bare Fastify route, same requests, same connections: ${bare.rps}/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms`);

  const { rows: [n] } = await pool.query(
    `SELECT (SELECT coalesce(sum(won), 0)::int FROM lottery_prizes WHERE campaign_id = $1) AS won,
       (SELECT coalesce(sum(greatest(0, won - stock)), 0)::int FROM lottery_prizes WHERE campaign_id = $1 AND stock IS NOT NULL) AS over_stock,
       (SELECT count(*)::int FROM rewards WHERE campaign_id = $1) AS rewards,
       (SELECT count(*)::int FROM coupon_codes WHERE pool_id = $2 AND state = 'claimed') AS codes,
       (SELECT count(*)::int FROM lottery_entries WHERE campaign_id = $1) AS entries,
       (SELECT count(*)::int FROM lottery_entries WHERE campaign_id = $1 AND state = 'drawn' AND prize_id IS NOT NULL) AS drawn,
       (SELECT count(DISTINCT external_userid)::int FROM lottery_entries WHERE campaign_id = $1) AS people`,
    [lottery.id, couponPool.id]);
  const oversold = n.over_stock + Math.max(0, n.rewards - STOCK);
  const double = (n.entries - n.people) + Math.max(0, n.entries - CUSTOMERS);
  console.log(`won ${n.won} (rewards ${n.rewards}, coupon codes claimed ${n.codes}); entries ${n.entries}, drawn ${n.drawn}, customers ${n.people}`);
  await app.close();
  await db.close();
  const ratio = (thru.rps / bare.rps).toFixed(3);
  console.log(`RESULT lottery customers=${CUSTOMERS} won=${n.won} oversold=${oversold} double=${double} p99_ms=${r.p99} rps=${thru.rps} bare_rps=${bare.rps} ratio=${ratio}`);
  const ok = n.won === STOCK && n.rewards === STOCK && oversold === 0 && double === 0 && n.entries === CUSTOMERS && n.drawn === CUSTOMERS && r.errors === 0 && r.non2xx === 0 && thru.errors === 0 && thru.non2xx === 0;
  if (!ok || r.p99 >= 50) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
