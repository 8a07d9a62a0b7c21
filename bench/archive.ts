// npm run bench -- archive
// BENCH_MESSAGES (default 1,000,000) archived messages across BENCH_GROUPS (default 10,000) customer groups, written
// to the simulator's archive, pulled through its Finance SDK interface over HTTP (/sim/msgaudit/pull and /decrypt: the
// same items and encryption as the SDK — a fresh random key per message, RSA-encrypted for Pond's key) and stored by
// the real ingest: Pond's RSA step, normalisation, consent (check_single_agree, cached), jieba segmentation, insert,
// the registered listeners (FAQ, moderation… whatever app.ts wires) and the timeline, batches of 1000 back to back.
// Beside it, in the same run: a bare COPY of the same rows into a table with the same indexes (the floor for storing
// them), and the time Pond's RSA step alone takes per message (the part no database work can remove).
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { createLogger } from '../apps/server/src/platform/log';
import { benchDatabase } from './lib';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 10_000);
const SPEAKERS = Number(process.env.BENCH_SPEAKERS ?? 8);
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

  const { rows: [n] } = await pool.query<{ total: number; distinct: number; events: number }>(
    `SELECT count(*)::int AS total, count(DISTINCT msgid)::int AS distinct,
            (SELECT count(*)::int FROM customer_events WHERE corp_id = $1) AS events FROM archived_messages WHERE corp_id = $1`, [CORP]);
  console.log(`stored ${n.total} (distinct msgids ${n.distinct}); the machine's load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
  await app.close();
  await db.close();
  console.log(`RESULT archive messages=${MESSAGES} groups=${GROUPS} stored=${n.total} msgs_per_s=${rate} copy_rows_per_s=${copyRate} ratio=${(rate / copyRate).toFixed(3)} rsa_ms=${rsaMs.toFixed(2)}`);
  if (n.total !== MESSAGES || n.distinct !== MESSAGES) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
