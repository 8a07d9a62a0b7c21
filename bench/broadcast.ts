// npm run bench -- broadcast
// 1M customers, 1,000 staff, an audience of ~500k (a tag) with the contact budget applied — caps (a fifth of them
// already had a message today), quiet hours (set around now, moved to their end), de-duplication (the same content
// two days ago for some), do-not-disturb (a tag on 1%) — planned by BroadcastService.run and dispatched to a thin
// fake WeCom (one add_msg_template per staff member and ≤ 10,000 customers, over real HTTP with the real client).
// Beside it, in the same run: the same audience copied with one INSERT … SELECT (the floor of touching 500k rows).
// Prints RESULT broadcast … with overcap (customers over the daily cap after the run: must be 0).
import http from 'node:http';
import pg from 'pg';
import { MemoryTokenStore, WecomClient } from '@pond/wecom';
import { migrateDb } from '../apps/server/src/platform/db';
import { createLogger } from '../apps/server/src/platform/log';
import { GovernanceService } from '../apps/server/src/modules/governance';
import { TaskService } from '../apps/server/src/modules/tasks';
import { BroadcastService } from '../apps/server/src/modules/broadcasts';
import type { CorpService } from '../apps/server/src/modules/org';
import type { Queue } from '../apps/server/src/platform/queue';
import { benchDatabase } from './lib';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const STAFF = Number(process.env.BENCH_STAFF ?? 1_000);
const CORP = 'wwbcbench';

/** A thin WeCom: a token, add_msg_template counted (recipients and calls), nothing stored. */
function fakeWecom(): Promise<{ url: string; calls: () => number; recipients: () => number; close: () => Promise<void> }> {
  let calls = 0;
  let recipients = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      let body: Record<string, unknown> = { errcode: 0, errmsg: 'ok' };
      if (path.endsWith('/gettoken')) body = { errcode: 0, errmsg: 'ok', access_token: 'bench-token', expires_in: 7200 };
      else if (path.endsWith('/externalcontact/add_msg_template')) {
        const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { external_userid?: string[] };
        calls++;
        recipients += b.external_userid?.length ?? 0;
        body = { errcode: 0, errmsg: 'ok', fail_list: [], msgid: `msg${calls}` };
      }
      const s = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
      res.end(s);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({ url: `http://127.0.0.1:${port}/cgi-bin`, calls: () => calls, recipients: () => recipients, close: () => new Promise((r) => server.close(() => r())) });
  }));
}

async function load(pool: pg.Pool) {
  const q = (sql: string, v: unknown[] = []) => pool.query(sql, v);
  await q(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token, timezone)
           VALUES ($1, 'bench', '1000002', 'x', 'x', 'x', 'http://127.0.0.1:1', 'x', 'Asia/Shanghai')`, [CORP]);
  await q(`INSERT INTO staff (corp_id, userid, name, status) SELECT $1, 's' || i, '员工' || i, 1 FROM generate_series(1, $2) i`, [CORP, STAFF]);
  await q(`INSERT INTO tag_groups (corp_id, id, name) VALUES ($1, 'g', 'g')`, [CORP]);
  await q(`INSERT INTO tags (corp_id, id, group_id, name) VALUES ($1, 'aud', 'g', '受众'), ($1, 'dnd', 'g', '勿扰')`, [CORP]);
  // Customers and relations directly (the triggers that keep customers' arrays are not what is measured here).
  await q('ALTER TABLE follows DISABLE TRIGGER USER');
  await q('ALTER TABLE customers DISABLE TRIGGER USER');
  await q(`INSERT INTO customers (corp_id, external_userid, name, active_follow_count, tag_ids, staff_ids)
           SELECT $1, 'c' || i, '客户' || i, 1,
                  CASE WHEN i % 100 = 0 THEN ARRAY['aud', 'dnd'] WHEN i % 2 = 0 THEN ARRAY['aud'] ELSE '{}'::text[] END, ARRAY['s' || (1 + i % $3)]
             FROM generate_series(1, $2) i`, [CORP, CUSTOMERS, STAFF]);
  await q(`INSERT INTO follows (corp_id, external_userid, userid, status, added_at)
           SELECT $1, 'c' || i, 's' || (1 + i % $3), 'active', now() - make_interval(secs => i) FROM generate_series(1, $2) i`, [CORP, CUSTOMERS, STAFF]);
  await q('ALTER TABLE follows ENABLE TRIGGER USER');
  await q('ALTER TABLE customers ENABLE TRIGGER USER');
  // A fifth of the audience already had a message today (over the daily cap of 1); some had this very content two days ago.
  await q(`INSERT INTO contact_ledger (corp_id, target_kind, target_id, channel, via, source_kind, source_id, content_hash, at, status)
           SELECT $1, 'customer', 'c' || i, 'task', 'chat', 'earlier', 1, 'x', now() - interval '1 minute', 'sent' FROM generate_series(10, $2, 10) i`, [CORP, CUSTOMERS]);
  await q('VACUUM ANALYZE');
}

async function main() {
  const db = await benchDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  await migrateDb(pool);
  const t0 = Date.now();
  await load(pool);
  console.log(`data: ${CUSTOMERS} customers, ${STAFF} staff (${Math.round((Date.now() - t0) / 1000)} s)`);

  const wecom = await fakeWecom();
  const client = new WecomClient({ corpId: CORP, secret: 'x', agentId: 1000002, apiBase: wecom.url, tokenStore: new MemoryTokenStore() });
  const corps = { client: async () => client } as unknown as CorpService;
  const log = createLogger('warn', false);
  const governance = new GovernanceService(pool);
  const tasks = new TaskService(pool, corps, governance, log, () => 'http://127.0.0.1');
  const queue = { send: async () => null } as unknown as Queue;
  const broadcasts = new BroadcastService(pool, corps, governance, tasks, queue, log);
  // Quiet hours that hold now (moved to their end, an hour ahead), a daily cap of 1, de-duplication over 7 days.
  const local = new Date(Date.now() + 8 * 3_600_000);
  const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
  await governance.updatePolicy(CORP, { customerPerDay: 1, customerPerWeek: 3, customerPerMonth: 8, minGapMinutes: 0, dedupeDays: 7, dndTagIds: ['dnd'],
    quietStart: hh(local.getUTCHours() - 1), quietEnd: hh(local.getUTCHours() + 1), quietAction: 'defer', wecomCap: 'month_days' });
  const content = { text: '双十二会员日，全场 8 折', attachments: [] };
  // The same content two days ago for 2% of the audience.
  const { contentHash } = await import('../apps/server/src/modules/governance');
  await pool.query(`INSERT INTO contact_ledger (corp_id, target_kind, target_id, channel, via, source_kind, source_id, content_hash, at, status)
                    SELECT $1, 'customer', 'c' || i, 'broadcast', 'mass', 'earlier', 2, $3, now() - interval '2 days', 'sent' FROM generate_series(4, $2, 50) i`,
  [CORP, CUSTOMERS, contentHash(content)]);

  // The floor: the same audience copied with one INSERT … SELECT.
  await pool.query('CREATE UNLOGGED TABLE floor_copy (target_id text, sender text)');
  let s = Date.now();
  await pool.query(`INSERT INTO floor_copy SELECT c.external_userid, c.staff_ids[1] FROM customers c WHERE c.corp_id = $1 AND c.active_follow_count > 0 AND c.tag_ids && ARRAY['aud']`, [CORP]);
  const floorMs = Date.now() - s;

  const { rows: [{ id }] } = await pool.query<{ id: number }>(
    `INSERT INTO broadcasts (corp_id, kind, name, content, audience, status) VALUES ($1, 'customer', 'bench', $2, $3, 'planning') RETURNING id`,
    [CORP, JSON.stringify(content), JSON.stringify({ tagIds: ['aud'] })]);
  s = Date.now();
  const phases: Record<string, number> = {};
  await broadcasts.run(CORP, id, phases);
  const planMs = Date.now() - s;
  // Quiet hours moved it: it waits, scheduled at their end. Dispatch as the job would at that time.
  const { rows: [b] } = await pool.query<{ status: string; scheduled_at: Date | null; audience_count: number; planned_count: number; skipped_count: number }>(
    'SELECT status, scheduled_at, audience_count, planned_count, skipped_count FROM broadcasts WHERE id = $1', [id]);
  s = Date.now();
  await pool.query(`UPDATE broadcasts SET status = 'sending', scheduled_at = now() WHERE id = $1`, [id]);
  await broadcasts.run(CORP, id);
  const dispatchMs = Date.now() - s;
  const totalMs = planMs + dispatchMs;
  const { rows: reasons } = await pool.query<{ reason: string; n: number }>(
    `SELECT coalesce(reason, 'planned') AS reason, count(*)::int AS n FROM broadcast_targets WHERE broadcast_id = $1 GROUP BY 1 ORDER BY 2 DESC`, [id]);
  const { rows: [{ n: overcap }] } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT target_id FROM contact_ledger WHERE corp_id = $1 AND status IN ('planned', 'sent')
        GROUP BY target_id, date_trunc('day', at AT TIME ZONE 'Asia/Shanghai') HAVING count(*) > 1) x`, [CORP]);
  const { rows: [{ n: sends }] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM broadcast_sends WHERE broadcast_id = $1 AND status = $2', [id, 'issued']);
  console.log(`audience ${b.audience_count}, planned ${b.planned_count}, skipped ${b.skipped_count} (${reasons.map((r) => `${r.reason} ${r.n}`).join(', ')}); quiet hours moved it to ${b.scheduled_at?.toISOString()}`);
  console.log(`planned in ${(planMs / 1000).toFixed(1)} s, dispatched (${wecom.calls()} add_msg_template, ${wecom.recipients()} recipients, ${sends} sends issued) in ${(dispatchMs / 1000).toFixed(1)} s; floor INSERT … SELECT ${(floorMs / 1000).toFixed(2)} s`);
  const { rows: [{ n: skippedOnTimeline }] } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND type = 'contact.skipped'`, [CORP]);
  const phaseText = Object.entries(phases).map(([k, v]) => `${k.replace(/_ms$/, '')}_s=${(v / 1000).toFixed(1)}`).join(' ');
  console.log(`plan phases (ledger and timeline are summed over chunks running 3 at a time): ${phaseText}; skipped on the timeline ${skippedOnTimeline}`);
  console.log(`RESULT broadcast customers=${CUSTOMERS} staff=${STAFF} audience=${b.audience_count} planned=${b.planned_count} total_s=${(totalMs / 1000).toFixed(1)} plan_s=${(planMs / 1000).toFixed(1)} dispatch_s=${(dispatchMs / 1000).toFixed(1)} floor_s=${(floorMs / 1000).toFixed(2)} ratio=${(totalMs / Math.max(1, floorMs)).toFixed(0)} calls=${wecom.calls()} ${phaseText} timeline_skipped=${skippedOnTimeline} overcap=${overcap} under_60s=${totalMs < 60_000}`);
  await wecom.close();
  await pool.end();
  if (!process.env.BENCH_KEEP_DB) await db.close();
}

main().catch((err) => { console.error(err); process.exit(1); });
