// npm run bench -- scan
// Many distinct visitors opening a printed code's landing URL (/l/<key>) with lock lookups, daily
// caps and a working-hours schedule in force; one visitor in five comes back (lock hit). They are known by
// the pond_vid cookie only, so their assignments count when they add (ADR 0012): the scan path writes the
// visit and the lock, and turns the rotation in memory. Every scan
// must be durably recorded: the visit count in Postgres must equal the requests sent. A bare Fastify
// GET route serving a small HTML page is measured with the same load generator in the same run.
// Two phases: throughput at saturation (closed loop, C connections) and latency under an open-loop
// burst at a fixed rate (p99 at saturation only restates the chosen concurrency, so it is printed as
// saturated_p99_ms beside the burst's p99).
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { bootstrap } from '../apps/server/src/bootstrap';
import { createLogger } from '../apps/server/src/platform/log';
import { bareFastifyBaseline, benchDatabase, runLoad, type LoadRequest } from './lib';

const N = Number(process.env.BENCH_SCANS ?? 20000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 32);
/**
 * The latency phase: an open-loop burst at this many scans/s for RATE_SECONDS. 500/s is 1.8 million scans
 * an hour — far above a national chain's campaign peak — and about a fifth of this code path's saturated
 * throughput on the 2-core box the suite runs on; set BENCH_SCAN_RATE to see the curve (1,000/s: p99 ≈ 19 ms here).
 */
const RATE = Number(process.env.BENCH_SCAN_RATE ?? 500);
const RATE_SECONDS = Number(process.env.BENCH_SCAN_RATE_SECONDS ?? 20);

async function main() {
  const db = await benchDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: false }, log: createLogger('warn', false), simulator: true, poolSize: 20 });
  const base = (await app.start())!;
  config.publicUrl = base;
  const { demoCorpId } = await bootstrap(app, base, base, { demoOrders: false }); // the demo's shop history would add order events to the inbox
  const { rows: staff } = await app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 5`, [demoCorpId]);
  const allDay = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' }));
  const code = await app.codes.create(demoCorpId!, {
    kind: 'staff', name: '压测活码', channel: 'bench', strategy: 'weighted', lockEnabled: true,
    pool: staff.map((s, i) => ({ userid: s.userid, weight: i + 1, dailyCap: 1_000_000, totalCap: 10_000_000 })),
    schedule: { timezone: 'Asia/Shanghai', weekly: allDay, exceptions: [{ date: '2000-01-01', closed: true }] },
  });
  const visitors: string[] = [];
  const scans = (n: number): LoadRequest[] => Array.from({ length: n }, (_, i) => {
    const returning = visitors.length > 0 && i % 5 === 4;
    const vid = returning ? visitors[Math.floor(Math.random() * visitors.length)] : randomBytes(12).toString('base64url');
    if (!returning) visitors.push(vid);
    return { method: 'GET', path: `/l/${code.key}`, headers: { cookie: `pond_vid=${vid}`, 'user-agent': 'Mozilla/5.0 (iPhone) Mobile Safari' } };
  });
  const requests = scans(N);
  const burst = scans(RATE * RATE_SECONDS);
  // Warm up (JIT, pool, cache) on a different code-less path, then measure.
  await runLoad(base, 8, Array.from({ length: 500 }, () => ({ method: 'GET', path: '/l/NoSuchCode1' })));
  // Throughput: closed loop at saturation (latency there is just queueing: C / throughput).
  const r = await runLoad(base, C, requests);
  console.log(`pond /l/<key> closed loop c=${C}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
  const bare = await bareFastifyBaseline(C, requests.map((x) => ({ ...x, path: '/bare' })));
  console.log(`bare fastify GET closed loop c=${C}: ${bare.rps} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms`);
  // Latency: an open-loop burst at RATE scans/s, each request timed from when it was due.
  const lat = await runLoad(base, 256, burst, { rate: RATE });
  console.log(`pond /l/<key> open loop ${RATE}/s for ${RATE_SECONDS} s: p50 ${lat.p50} ms, p99 ${lat.p99} ms, non-2xx ${lat.non2xx}, errors ${lat.errors}`);
  const bareLat = await bareFastifyBaseline(256, burst.map((x) => ({ ...x, path: '/bare' })), { rate: RATE });
  console.log(`bare fastify GET open loop ${RATE}/s: p50 ${bareLat.p50} ms, p99 ${bareLat.p99} ms`);
  const total = requests.length + burst.length;
  const { rows: [cnt] } = await app.pool.query(`SELECT count(*)::int AS visits, count(DISTINCT visitor_key)::int AS visitors, count(*) FILTER (WHERE reason = 'lock')::int AS locks FROM code_visits WHERE code_id = $1`, [code.id]);
  const durable = cnt.visits === total && r.non2xx + lat.non2xx === 0 && r.errors + lat.errors === 0;
  console.log(`recorded ${cnt.visits} visits (${cnt.visitors} visitors, ${cnt.locks} lock hits) for ${total} requests`);
  await app.close();
  await db.close();
  console.log(`RESULT scan rps=${r.rps} bare_rps=${bare.rps} ratio=${(r.rps / bare.rps).toFixed(2)} saturated_p99_ms=${r.p99} rate=${RATE} p50_ms=${lat.p50} p99_ms=${lat.p99} bare_p99_ms=${bareLat.p99} recorded=${cnt.visits} requests=${total} durable=${durable}`);
  if (!durable) process.exit(1);
}

main().catch((err) => { console.error(err); process.exit(1); });
