// npm run bench -- archive
// BENCH_MESSAGES (default 1,000,000) archived messages across BENCH_GROUPS (default 10,000) customer groups, written
// to the simulator's archive, pulled through its Finance SDK interface over HTTP (/sim/msgaudit/pull and /decrypt: the
// same items and encryption as the SDK — a fresh random key per message, RSA-encrypted for Pond's key) and stored by
// the real ingest: Pond's RSA step, normalisation, consent (check_single_agree, cached), jieba segmentation, insert,
// the registered listeners (FAQ, moderation… whatever app.ts wires) and the timeline, batches of 1000 back to back.
// Beside it, in the same run: a bare COPY of the same rows into a table with the same indexes (the floor for storing
// them), and the time Pond's RSA step alone takes per message (the part no database work can remove). Then live:
// customers ask at BENCH_LIVE_RATE messages/s (default 500) for BENCH_LIVE_SECONDS (60), each batch waking the pull as
// msgaudit_notify does, the worker and inbox running: question → suggested reply p50/p99 (target p99 < 2 s).
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { createLogger } from '../apps/server/src/platform/log';
import { benchDatabase, percentile } from './lib';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 10_000);
const SPEAKERS = Number(process.env.BENCH_SPEAKERS ?? 8);
const LIVE_RATE = Number(process.env.BENCH_LIVE_RATE ?? 500);
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 60);

async function waitUntil(ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out waiting for the live questions');
    await new Promise((r) => setTimeout(r, 200));
  }
}
const CORP = 'wwbencharchive01';

async function main() {
  const db = await benchDatabase();
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: false }, log: createLogger('warn', false), poolSize: 10, simulator: true, simulatorOptions: { transferPollMs: 0 } });
  const base = (await app.start())!.replace('0.0.0.0', '127.0.0.1');
  const sim = app.sim!.control;
  const simCorp = await sim.upsertCorp({ corpId: CORP, name: 'archive bench' });
  await app.corps.upsert({
    id: CORP, name: 'archive bench', agentId: String(simCorp.agentId), secret: simCorp.secret, callbackToken: simCorp.token, callbackAesKey: simCorp.encodingAesKey,
    apiBase: `${base}/sim`,
  });
  // The simulator is this process's: its address is WeCom's here (as the demo's bootstrap allows it).
  app.corps.origins.allowSimulator(`${base}/sim`);
  const pool = app.pool;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { secret } = await sim.setArchiveKey(CORP, 1, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  await app.archive.settings.update(CORP, {
    enabled: true, sidecarUrl: `${base}/sim/msgaudit`, secret, privateKeys: [{ version: 1, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }],
  }, 'bench');

  // The groups as a sync stored them (owner known: consent is asked with the owner), and the same in the simulator's archive.
  const chats = Array.from({ length: GROUPS }, (_, i) => `wrbench${String(i).padStart(6, '0')}`);
  await pool.query(`INSERT INTO staff (corp_id, userid, name, status, is_follow_user) VALUES ($1, 'owner1', '群主', 1, true)`, [CORP]);
  await pool.query(`INSERT INTO groups (corp_id, chat_id, name, owner_userid) SELECT $1, c, '群 ' || c, 'owner1' FROM unnest($2::text[]) c`, [CORP, chats]);
  let t = Date.now();
  const seeded = await sim.seedArchiveTraffic(CORP, { messages: MESSAGES, groups: chats, speakersPerGroup: SPEAKERS, owner: 'owner1' });
  console.log(`simulator archive: ${seeded.archived} messages across ${GROUPS} groups written in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  // Pond's RSA step alone, per message (2048-bit keys, one per message as the SDK hands them out).
  const { openRandomKey } = await import('../apps/server/src/modules/archive/crypto');
  const { publicEncrypt, constants } = await import('node:crypto');
  const sample = Array.from({ length: 200 }, () => publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('0123456789abcdef0123456789abcdef')).toString('base64'));
  t = performance.now();
  for (const s of sample) openRandomKey(privateKey, s);
  const rsaMs = (performance.now() - t) / sample.length;

  // The ingest: batches of 1000 back to back until the archive is drained.
  t = Date.now();
  let pulled = 0;
  let stored = 0;
  for (;;) {
    const r = await app.archive.ingest.pullAll(CORP, 3_600_000);
    pulled += r.pulled;
    stored += r.stored;
    if (!r.full && !r.busy) break;
  }
  const ingestS = (Date.now() - t) / 1000;
  console.log(`ingest phases (s): ${[...app.archive.ingest.phases].map(([k, v]) => `${k}=${(v / 1000).toFixed(1)}`).join(' ')}`);
  const rate = Math.round(stored / ingestS);
  console.log(`ingest: ${pulled} pulled, ${stored} stored in ${ingestS.toFixed(1)} s = ${rate} messages/s (listeners: ${(app.archive.ingest as unknown as { listeners: unknown[] }).listeners.length}); RSA alone ${rsaMs.toFixed(2)} ms/message`);

  // Baseline: a bare COPY of the same rows into a table with the same indexes (the GIN search index included).
  await pool.query('CREATE TABLE archive_bench_copy (LIKE archived_messages INCLUDING DEFAULTS INCLUDING INDEXES)');
  const file = `/tmp/pond-archive-bench-${process.pid}.copy`;
  await pool.query(`COPY (SELECT * FROM archived_messages WHERE corp_id = '${CORP}') TO '${file}'`);
  t = Date.now();
  await pool.query(`COPY archive_bench_copy FROM '${file}'`);
  const copyS = (Date.now() - t) / 1000;
  await pool.query(`COPY (SELECT 1) TO PROGRAM 'rm -f ${file}'`).catch(() => undefined);
  const copyRate = Math.round(stored / copyS);
  console.log(`bare COPY of the same ${stored} rows (same indexes): ${copyS.toFixed(1)} s = ${copyRate} rows/s`);

  // Live: customers ask in the groups at LIVE_RATE messages/s (one in eight a logistics question matching an FAQ) for
  // LIVE_SECONDS; each batch is written to the simulator's archive and wakes the pull (as msgaudit_notify does), the
  // worker pulls, stores and matches, and the inbox makes the owner's suggested reply. Question → suggestion: from the
  // message's time to the question's suggested_at (the task made, the owner told).
  await app.faq.create(CORP, { question: '物流信息', synonyms: ['物流信息怎么查', '快递到哪了', '还没发货'], answer: { text: '订单发货后可在「我的订单」查看物流。' } });
  await app.queue.work(1);
  await app.inbox.start();
  const phrases = ['请问物流信息怎么查', '今天的优惠券在哪里领', '这个活动几点开始', '好的收到', '有没有团购', '谢谢', '周末门店营业吗', '明天几点开门'];
  const liveStart = Date.now();
  let sentLive = 0;
  for (let tick = 0; Date.now() - liveStart < LIVE_SECONDS * 1000; tick++) {
    const due = liveStart + tick * 100;
    if (due > Date.now()) await new Promise((ok) => setTimeout(ok, due - Date.now()));
    const n = Math.round(LIVE_RATE / 10);
    await pool.query(
      `INSERT INTO wecom_sim.msgaudit_messages (corp_id, msgid, publickey_ver, body, created_at)
       SELECT $1, 'live' || $2::int || '_' || i, 1,
              jsonb_build_object('msgid', 'live' || $2::int || '_' || i, 'action', 'send', 'from', 'wmlive_' || ($2::int * 1000 + i) % 5000, 'tolist', jsonb_build_array('owner1'),
                                 'roomid', ($3::text[])[1 + ($2::int * 1000 + i) % array_length($3::text[], 1)], 'msgtime', $4::bigint, 'msgtype', 'text',
                                 'text', jsonb_build_object('content', ($5::text[])[1 + i % 8] || ' ' || $2::int || '.' || i)),
              $4::bigint
         FROM generate_series(0, $6::int - 1) i`, [CORP, tick, chats, Date.now(), phrases, n]);
    sentLive += n;
    await app.archive.ingest.wake(CORP);
  }
  // The logistics question is phrase 1: message i of each batch with i % 8 = 0.
  const expected = (sentLive / Math.round(LIVE_RATE / 10)) * Math.ceil(Math.round(LIVE_RATE / 10) / 8);
  await waitUntil(async () => {
    const { rows: [w] } = await pool.query<{ suggested: number; stored: number }>(
      `SELECT (SELECT count(*)::int FROM faq_questions WHERE corp_id = $1 AND msgid LIKE 'live%' AND suggested_at IS NOT NULL) AS suggested,
              (SELECT count(*)::int FROM archived_messages WHERE corp_id = $1 AND msgid LIKE 'live%') AS stored`, [CORP]);
    return w.suggested >= expected && w.stored >= sentLive;
  }, 120_000);
  const { rows: live } = await pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM suggested_at - asked_at) * 1000 AS ms FROM faq_questions WHERE corp_id = $1 AND msgid LIKE 'live%' AND suggested_at IS NOT NULL`, [CORP]);
  const liveLat = live.map((r) => Number(r.ms)).sort((a, b) => a - b);
  console.log(`live: ${sentLive} messages at ${LIVE_RATE}/s for ${LIVE_SECONDS} s, ${live.length} of ${expected} questions suggested: question → suggestion p50 ${percentile(liveLat, 50).toFixed(0)} ms, p99 ${percentile(liveLat, 99).toFixed(0)} ms`);

  const { rows: [n] } = await pool.query<{ total: number; distinct: number; events: number }>(
    `SELECT count(*)::int AS total, count(DISTINCT msgid)::int AS distinct,
            (SELECT count(*)::int FROM customer_events WHERE corp_id = $1) AS events FROM archived_messages WHERE corp_id = $1`, [CORP]);
  console.log(`stored ${n.total} (distinct msgids ${n.distinct}); the machine's load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
  await app.close();
  await db.close();
  console.log(`RESULT archive messages=${MESSAGES} groups=${GROUPS} stored=${n.total} msgs_per_s=${rate} copy_rows_per_s=${copyRate} ratio=${(rate / copyRate).toFixed(3)} rsa_ms=${rsaMs.toFixed(2)} live_rate=${LIVE_RATE} live_questions=${live.length} suggest_p50_ms=${percentile(liveLat, 50).toFixed(0)} suggest_p99_ms=${percentile(liveLat, 99).toFixed(0)}`);
  if (n.total !== MESSAGES + sentLive || n.distinct !== MESSAGES + sentLive || live.length !== expected) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
