// npm run bench -- invites
// An invite campaign (任务宝) at national scale: BENCH_PARTICIPANTS participants (default 10,000) and
// BENCH_INVITEES friends (default 100,000), each having opened a participant's link (the visit rows are stored in
// bulk, as /l/i/<token> writes them: the WeChat identity and IP) and then added the campaign's staff member: one
// encrypted add_external_contact callback each, sent 1–3 times like WeCom's retries, open loop at BENCH_RATE/s
// (default 150: under WeCom's quota of 10,000 externalcontact/get a minute, which every add's read spends — the
// unionid that matches the friend to the visit comes with it; an invite friend is read in the add's own step when a
// quota slot is free, ADR 0036). Friend i is participant (i mod P)'s, so everyone
// reaches both tiers (5 and 10 friends at the defaults): every credit must be counted exactly once, every tier
// reward issued exactly once (double=0 missed=0). Callback → progress visible: from when each friend's first callback
// was due to when their credit row was committed (p50/p99; target p99 < 1 s). The same run measures a bare Fastify
// route acknowledging the same callbacks (the ceiling of the receiver) and renders BENCH_POSTERS posters (p50/p99),
// then asks for them again (served from the cache).
import { buildEventXml, sealEvent } from '@pond/wecom';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { bootstrap } from '../apps/server/src/bootstrap';
import { createLogger } from '../apps/server/src/platform/log';
import { bareFastifyBaseline, benchDatabase, percentile, runLoad, type LoadRequest } from './lib';

const P = Number(process.env.BENCH_PARTICIPANTS ?? process.argv[2] ?? 10_000);
const N = Number(process.env.BENCH_INVITEES ?? process.argv[3] ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 150);
const POSTERS = Number(process.env.BENCH_POSTERS ?? 50);
const PER = Math.max(1, Math.floor(N / P));
const TIERS = [Math.max(1, Math.floor(PER / 2)), PER];

async function main() {
  const db = await benchDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({
    config, databaseUrl: db.url, roles: { api: true, worker: false }, log: createLogger('warn', false), simulator: true, poolSize: 30,
    inboxOptions: { batchSize: 200, concurrency: 32 },
  });
  const base = (await app.start())!.replace('0.0.0.0', '127.0.0.1');
  config.publicUrl = base;
  const { demoCorpId } = await bootstrap(app, base, base, { demoOrders: false });
  const corp = (await app.corps.get(demoCorpId!))!;
  const creds = { token: corp.callbackToken, encodingAesKey: corp.callbackAesKey, receiveId: corp.id };
  const pool = app.pool;
  await app.inbox.drain(300_000); // the demo's own sync events first

  const { rows: [staff] } = await pool.query<{ userid: string }>(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [corp.id]);
  const code = await app.codes.create(corp.id, { kind: 'staff', name: '压测邀请活码', channel: 'bench', pool: [{ userid: staff.userid }] });
  const c = await app.invites.create(corp.id, {
    name: '压测邀请有礼', startsAt: new Date(Date.now() - 3600_000), endsAt: null, eligibility: {}, entry: { kind: 'free' }, joinCodeId: null, rules: '',
    budgetTotalFen: null, budgetDailyFen: null, rewardsPerCustomer: null,
    config: {
      codeId: code.id, rule: 'add', stayDays: null, holdDays: 0, posterTemplateId: null, posterTitle: '邀请好友 领好礼', posterText: '', leaderboardSize: 20,
      // Every friend of the benchmark scans from 127.0.0.1, in bursts: the anomaly checks would send them to review.
      antiFraud: { maxPerIp: null, burstCount: null, burstSeconds: 60 },
      tiers: TIERS.map((friends) => ({ friends, reward: { kind: 'points' as const, points: friends, title: `邀请 ${friends} 位` } })),
    },
  }, 'bench');
  await app.campaigns.setStatus(corp.id, c.id, 'active');

  // Participants: customers of the corp, joined (their tokens), in bulk.
  const t0 = Date.now();
  await pool.query(
    `INSERT INTO customers (corp_id, external_userid, name, unionid) SELECT $1, 'wmpart' || lpad(i::text, 7, '0'), '参与者' || i, 'upart' || i FROM generate_series(1, $2) i`,
    [corp.id, P]);
  await pool.query(
    `INSERT INTO invite_participants (corp_id, campaign_id, external_userid, token, unionid, userid)
     SELECT $1, $2, 'wmpart' || lpad(i::text, 7, '0'), 'bp' || lpad(i::text, 10, '0'), 'upart' || i, $4 FROM generate_series(1, $3) i`,
    [corp.id, c.id, P, staff.userid]);
  // Friends: WeChat users the simulator knows (so externalcontact/get returns their unionid), each with the relation
  // WeCom would have made on the add, and their visit of participant (i mod P)'s link ten seconds before.
  const now = Math.floor(Date.now() / 1000);
  await pool.query(
    `INSERT INTO wecom_sim.wechat_users (id, nickname, avatar, gender, unionid, openid, created_at)
     SELECT 'bf' || i, '好友' || i, '', i % 3, 'ufriend' || i, 'ofriend' || i, $1 FROM generate_series(1, $2) i`, [now * 1000, N]);
  await pool.query(
    `INSERT INTO wecom_sim.customers (corp_id, external_userid, wechat_user_id, created_at)
     SELECT $1, 'wmfriend' || lpad(i::text, 8, '0'), 'bf' || i, $2 FROM generate_series(1, $3) i`, [corp.id, now * 1000, N]);
  await pool.query(
    `INSERT INTO wecom_sim.follows (corp_id, userid, external_userid, status, createtime_sec, add_way, state, updated_at)
     SELECT $1, $2, 'wmfriend' || lpad(i::text, 8, '0'), 'active', $3, 1, $4, $5 FROM generate_series(1, $6) i`,
    [corp.id, staff.userid, now, code.state, now * 1000, N]);
  await pool.query(
    `INSERT INTO invite_visits (corp_id, campaign_id, participant_id, visitor_key, unionid, ip, created_at)
     SELECT $1, $2, p.id, 'u:ufriend' || i, 'ufriend' || i, '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1', to_timestamp($4 - 10)
     FROM generate_series(1, $3) i JOIN invite_participants p ON p.campaign_id = $2 AND p.token = 'bp' || lpad((1 + (i - 1) % $5)::text, 10, '0')`,
    [corp.id, c.id, N, now, P]);
  console.log(`set up ${P} participants, ${N} friends with their visits in ${((Date.now() - t0) / 1000).toFixed(1)} s; tiers ${TIERS.join(', ')} friends`);

  // The callbacks: each friend's add 1–3 times (WeCom's retries), the copies right behind each other in time.
  const requests: LoadRequest[] = [];
  const firstDue = new Map<string, number>();
  for (let i = 1; i <= N; i++) {
    const ext = `wmfriend${String(i).padStart(8, '0')}`;
    const xml = buildEventXml({
      ToUserName: corp.id, FromUserName: 'sys', CreateTime: now, MsgType: 'event', Event: 'change_external_contact',
      ChangeType: 'add_external_contact', UserID: staff.userid, ExternalUserID: ext, State: code.state,
    });
    firstDue.set(ext, requests.length);
    for (let k = 0; k < 1 + (i % 3); k++) {
      const s = sealEvent(creds, xml);
      requests.push({ method: 'POST', path: `/wecom/callback/${corp.id}?${new URLSearchParams(s.query)}`, body: s.body, headers: { 'content-type': 'text/xml' } });
    }
  }
  console.log(`${N} adds, ${requests.length} callbacks (with retries), open loop at ${RATE}/s`);
  await app.inbox.start();
  const load = await runLoad(base, 64, requests, { rate: RATE });
  // Request i was due at startedAt + i/RATE (the load process's clock starts after it read the 200k requests).
  const sendStart = load.startedAt;
  console.log(`callbacks acknowledged: ${load.rps} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms, non-2xx ${load.non2xx}, errors ${load.errors}`);
  // Every credit made, or stalled (nothing new for 2 minutes).
  let last = -1;
  let still = Date.now();
  for (;;) {
    const { rows: [r] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM invite_credits WHERE campaign_id = $1', [c.id]);
    if (r.n >= N) break;
    if (r.n !== last) { last = r.n; still = Date.now(); }
    if (Date.now() - still > 120_000) { console.log(`stalled at ${r.n} credits`); break; }
    await new Promise((ok) => setTimeout(ok, 500));
  }
  await app.inbox.drain(600_000);
  const totalSecs = (Date.now() - sendStart) / 1000;

  // Callback → progress: the credit (and the participant's counter, same transaction) committed after the first copy was due.
  const { rows: made } = await pool.query<{ ext: string; at: Date }>(`SELECT invitee_external_userid AS ext, created_at AS at FROM invite_credits WHERE campaign_id = $1`, [c.id]);
  const lat = made.map((m) => m.at.getTime() - (sendStart + firstDue.get(m.ext)! * 1000 / RATE)).sort((a, b) => a - b);
  // The same friends' adds without the invite step (the baseline of this run): callback → the add stored (customer,
  // relation, timeline: the floor of the credit) and → the customer's details read from WeCom (the read the credit needs).
  const { rows: steps } = await pool.query<{ ext: string; added: Date; enriched: Date }>(
    `SELECT e.external_userid AS ext, e.created_at AS added, c.updated_at AS enriched FROM customer_events e
     JOIN customers c ON c.corp_id = e.corp_id AND c.external_userid = e.external_userid
     WHERE e.corp_id = $1 AND e.type = 'customer.added' AND e.external_userid LIKE 'wmfriend%'`, [corp.id]);
  const since = (ext: string, at: Date) => at.getTime() - (sendStart + firstDue.get(ext)! * 1000 / RATE);
  const addedLat = steps.map((r) => since(r.ext, r.added)).sort((a, b) => a - b);
  const enrichedLat = steps.map((r) => since(r.ext, r.enriched)).sort((a, b) => a - b);
  console.log(`baseline: callback → add stored p50 ${percentile(addedLat, 50).toFixed(0)} ms, p99 ${percentile(addedLat, 99).toFixed(0)} ms; `
    + `→ details enriched p50 ${percentile(enrichedLat, 50).toFixed(0)} ms, p99 ${percentile(enrichedLat, 99).toFixed(0)} ms`);
  const { rows: [x] } = await pool.query<{ credits: number; distinct_invitees: number; credited: number; counters: number; counter_over: number; rewards: number; distinct_refs: number; tiers: number; issued: number }>(
    `SELECT (SELECT count(*)::int FROM invite_credits WHERE campaign_id = $1) AS credits,
            (SELECT count(DISTINCT invitee_external_userid)::int FROM invite_credits WHERE campaign_id = $1) AS distinct_invitees,
            (SELECT count(*)::int FROM invite_credits WHERE campaign_id = $1 AND status = 'credited') AS credited,
            (SELECT coalesce(sum(credited), 0)::int FROM invite_participants WHERE campaign_id = $1) AS counters,
            (SELECT count(*)::int FROM invite_participants p WHERE p.campaign_id = $1
               AND p.credited <> (SELECT count(*) FROM invite_credits k WHERE k.participant_id = p.id AND k.status = 'credited')) AS counter_over,
            (SELECT count(*)::int FROM rewards WHERE campaign_id = $1) AS rewards,
            (SELECT count(DISTINCT source_ref)::int FROM rewards WHERE campaign_id = $1) AS distinct_refs,
            (SELECT count(*)::int FROM invite_tiers WHERE campaign_id = $1) AS tiers,
            (SELECT count(*)::int FROM rewards WHERE campaign_id = $1 AND state = 'issued') AS issued`, [c.id]);
  const expectedRewards = P * TIERS.length;
  const double = (x.credits - x.distinct_invitees) + Math.max(0, x.counters - x.credited) + (x.rewards - x.distinct_refs) + Math.max(0, x.rewards - expectedRewards);
  const missed = (N - x.credited) + Math.max(0, expectedRewards - x.issued) + x.counter_over;
  console.log(`credits ${x.credits} (credited ${x.credited}, counters ${x.counters}, participants off ${x.counter_over}); rewards ${x.rewards} issued ${x.issued} of ${expectedRewards}; tiers ${x.tiers}`);
  console.log(`callback → progress visible: p50 ${percentile(lat, 50).toFixed(0)} ms, p99 ${percentile(lat, 99).toFixed(0)} ms, max ${(lat[lat.length - 1] ?? 0).toFixed(0)} ms; all in ${totalSecs.toFixed(1)} s (${Math.round(x.credits / totalSecs)} credits/s)`);

  // Posters: rendered for a sample of participants, then asked for again (the cache).
  const { rows: sample } = await pool.query(`SELECT * FROM invite_participants WHERE campaign_id = $1 ORDER BY id LIMIT $2`, [c.id, POSTERS]);
  const campaign = await app.campaigns.get(pool, corp.id, c.id);
  const render: number[] = [];
  const cached: number[] = [];
  for (const p of sample) {
    const a = performance.now();
    await app.invites.posterOf(campaign, p, p.external_userid, null);
    render.push(performance.now() - a);
  }
  for (const p of sample) {
    const a = performance.now();
    const r = await app.invites.posterOf(campaign, p, p.external_userid, null);
    if (r.rendered) throw new Error('a cached poster was rendered again');
    cached.push(performance.now() - a);
  }
  render.sort((a, b) => a - b);
  cached.sort((a, b) => a - b);
  console.log(`posters: render p50 ${percentile(render, 50).toFixed(0)} ms, p99 ${percentile(render, 99).toFixed(0)} ms; cached p50 ${percentile(cached, 50).toFixed(1)} ms, p99 ${percentile(cached, 99).toFixed(1)} ms (${sample.length})`);

  const bare = await bareFastifyBaseline(64, requests.slice(0, Math.min(requests.length, 20_000)), { rate: RATE });
  console.log(`bare fastify, same callbacks at ${RATE}/s: p50 ${bare.p50} ms, p99 ${bare.p99} ms`);
  await app.close();
  await db.close();
  console.log(`RESULT invites participants=${P} invitees=${N} callbacks=${requests.length} rate=${RATE} credited=${x.credited} rewards=${x.issued} `
    + `progress_p50_ms=${percentile(lat, 50).toFixed(0)} progress_p99_ms=${percentile(lat, 99).toFixed(0)} added_p99_ms=${percentile(addedLat, 99).toFixed(0)} enriched_p99_ms=${percentile(enrichedLat, 99).toFixed(0)} ack_p99_ms=${load.p99} bare_ack_p99_ms=${bare.p99} `
    + `poster_p50_ms=${percentile(render, 50).toFixed(0)} poster_p99_ms=${percentile(render, 99).toFixed(0)} poster_cached_p99_ms=${percentile(cached, 99).toFixed(1)} `
    + `double=${double} missed=${missed}`);
  if (double || missed) process.exit(1);
}

main().catch((err) => { console.error(err); process.exit(1); });
