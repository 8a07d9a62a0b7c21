// npm run bench -- callbacks
// Encrypted add_external_contact callbacks over HTTP, each sent 1–3 times like WeCom's retries, at
// rising concurrency. Phase 1 measures acknowledgement (workers paused, so the figure is the
// receiver's own); phase 2 lets the inbox processor turn every distinct event into a customer, a
// follow relation and a timeline entry (fetching each customer from the simulator over HTTP, as in
// production). A bare Fastify route is measured in the same run for the ratio.
import { buildEventXml, sealEvent } from '@pond/wecom';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { bootstrap } from '../apps/server/src/bootstrap';
import { createLogger } from '../apps/server/src/platform/log';
import { bareFastifyBaseline, benchDatabase, runLoad, type LoadRequest } from './lib';

const N = Number(process.env.BENCH_EVENTS ?? 5000);
const LEVELS = (process.env.BENCH_CONCURRENCY ?? '16,64,128').split(',').map(Number);

async function main() {
  const db = await benchDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: false }, log: createLogger('warn', false), simulator: true, poolSize: 20, inboxOptions: { batchSize: 500, concurrency: 64 } });
  const base = (await app.start())!;
  const { demoCorpId } = await bootstrap(app, base, base, { demoOrders: false }); // the demo's shop history would add order events to the inbox
  const corp = (await app.corps.get(demoCorpId!))!;
  const creds = { token: corp.callbackToken, encodingAesKey: corp.callbackAesKey, receiveId: corp.id };

  // N simulated customers, each already a contact of one staff member (existing state in WeCom).
  const { rows: staff } = await app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user`, [corp.id]);
  const now = Math.floor(Date.now() / 1000);
  await app.pool.query(
    `INSERT INTO wecom_sim.wechat_users (id, nickname, avatar, gender, unionid, openid, created_at)
     SELECT 'bw' || i, '压测客户' || i, '', i % 3, 'bu' || i, 'bo' || i, $1 FROM generate_series(1, $2) i`, [now * 1000, N]);
  await app.pool.query(
    `INSERT INTO wecom_sim.customers (corp_id, external_userid, wechat_user_id, created_at)
     SELECT $1, 'wmbench' || lpad(i::text, 8, '0'), 'bw' || i, $2 FROM generate_series(1, $3) i`, [corp.id, now * 1000, N]);
  await app.pool.query(
    `INSERT INTO wecom_sim.follows (corp_id, userid, external_userid, status, createtime_sec, add_way, state, updated_at)
     SELECT $1, ($2::text[])[1 + i % array_length($2::text[], 1)], 'wmbench' || lpad(i::text, 8, '0'), 'active', $3, 1, 'bench', $4
     FROM generate_series(1, $5) i`, [corp.id, staff.map((s) => s.userid), now, now * 1000, N]);

  // Pre-sealed requests: each distinct event 1–3 times, shuffled.
  const requests: LoadRequest[] = [];
  for (let i = 1; i <= N; i++) {
    const ext = `wmbench${String(i).padStart(8, '0')}`;
    const xml = buildEventXml({
      ToUserName: corp.id, FromUserName: 'sys', CreateTime: now, MsgType: 'event', Event: 'change_external_contact',
      ChangeType: 'add_external_contact', UserID: staff[i % staff.length].userid, ExternalUserID: ext, State: 'bench',
    });
    const copies = 1 + (i % 3);
    for (let k = 0; k < copies; k++) {
      const s = sealEvent(creds, xml);
      requests.push({ method: 'POST', path: `/wecom/callback/${corp.id}?${new URLSearchParams(s.query)}`, body: s.body, headers: { 'content-type': 'text/xml' } });
    }
  }
  for (let i = requests.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [requests[i], requests[j]] = [requests[j], requests[i]]; }
  console.log(`${N} distinct events, ${requests.length} callbacks (with retries)`);

  // Phase 1: acknowledgement at rising concurrency (until the requests run out).
  const perLevel = Math.floor(requests.length / LEVELS.length);
  let best = { rps: 0, p99: Infinity, p50: 0, c: 0 };
  for (const [li, c] of LEVELS.entries()) {
    const slice = requests.slice(li * perLevel, li === LEVELS.length - 1 ? requests.length : (li + 1) * perLevel);
    const r = await runLoad(base, c, slice);
    console.log(`ack c=${c}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
    if (r.non2xx + r.errors > 0) throw new Error(`${r.non2xx + r.errors} callbacks were not acknowledged with 2xx`);
    if (r.rps > best.rps) best = { rps: r.rps, p99: r.p99, p50: r.p50, c };
  }
  const bare = await bareFastifyBaseline(best.c, requests.slice(0, Math.min(requests.length, 20000)));
  console.log(`bare fastify POST c=${best.c}: ${bare.rps} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms`);

  // Phase 2: processing every distinct event.
  const { rows: inbox } = await app.pool.query(`SELECT count(*)::int AS n FROM callback_inbox WHERE corp_id = $1`, [corp.id]);
  const t0 = Date.now();
  await app.inbox.start();
  // Adds are processed when customer, follow and timeline rows exist; enrichment (the WeCom read of
  // each customer's details) follows at WeCom's per-minute quota and is reported separately.
  for (;;) {
    const { rows } = await app.pool.query(`SELECT count(*)::int AS n FROM callback_inbox WHERE status <> 'done' AND change_type = 'add_external_contact'`);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const secs = (Date.now() - t0) / 1000;
  const eps = N / secs;
  const t1 = Date.now();
  await app.inbox.drain(900_000);
  const enrichEps = N / ((Date.now() - t1) / 1000 || 0.001);
  console.log(`enriched ${N} customers from WeCom in ${((Date.now() - t1) / 1000).toFixed(1)} s → ${Math.round(enrichEps)}/s (within WeCom's quota of 10,000 calls/min per API, shared by every process)`);
  const { rows: check } = await app.pool.query(
    `SELECT (SELECT count(*)::int FROM customers WHERE corp_id = $1 AND external_userid LIKE 'wmbench%') AS customers,
            (SELECT count(*)::int FROM follows WHERE corp_id = $1 AND external_userid LIKE 'wmbench%' AND status = 'active') AS follows,
            (SELECT count(*)::int FROM customer_events WHERE corp_id = $1 AND external_userid LIKE 'wmbench%' AND type = 'customer.added') AS added,
            (SELECT count(*)::int FROM callback_inbox WHERE corp_id = $1 AND status <> 'done') AS not_done`, [corp.id]);
  const c = check[0];
  const exact = inbox[0].n === N && c.customers === N && c.follows === N && c.added === N && c.not_done === 0;
  console.log(`processed ${N} events in ${secs.toFixed(1)} s → ${Math.round(eps)} events/s; inbox ${inbox[0].n}, customers ${c.customers}, follows ${c.follows}, timeline ${c.added}, not done ${c.not_done}`);
  await app.close();
  await db.close();
  console.log(`RESULT callbacks ack_rps=${Math.round(best.rps)} ack_p50_ms=${best.p50} ack_p99_ms=${best.p99} bare_rps=${Math.round(bare.rps)} ratio=${(best.rps / bare.rps).toFixed(2)} processed_eps=${Math.round(eps)} enrich_eps=${Math.round(enrichEps)} exactly_once=${exact}`);
  if (!exact) process.exit(1);
}

main().catch((err) => { console.error(err); process.exit(1); });
