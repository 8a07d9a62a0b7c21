// npm run bench -- playbooks
// 100k enrolments (1,000 staff, one relation each customer) whose first step falls due in the same minute: one
// scheduler pass asks the contact budget for every customer and creates every staff task; then a second playbook
// whose step is a mass send (one add_msg_template per staff member: no per-customer placeholder) to a thin fake
// WeCom in this process. 10% of the customers were already contacted that day (a broadcast), under a cap of 2 per
// day: their mass-send step is skipped (cap_day), and no customer ends the day over the cap (overcap=0). Beside it,
// in the same run: pg-boss's bare job throughput (send and work no-op jobs, fetched a thousand at a time), the queue every
// playbook job runs on: a job per send would take JOBS/throughput seconds for the same 100k.
import pg from 'pg';
import { migrateDb } from '../apps/server/src/platform/db';
import { createLogger } from '../apps/server/src/platform/log';
import { Queue } from '../apps/server/src/platform/queue';
import { GovernanceService } from '../apps/server/src/modules/governance';
import { TaskService } from '../apps/server/src/modules/tasks';
import { Playbooks } from '../apps/server/src/modules/playbooks';
import type { CorpService } from '../apps/server/src/modules/org';
import { benchDatabase } from './lib';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const STAFF = Number(process.env.BENCH_STAFF ?? 1000);
const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const CORP = 'wwplaybookbench';
const LIMIT_S = 60;

async function main() {
  const db = await benchDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 10 });
  try {
    await run(db.url, pool);
  } finally {
    await pool.end();
    if (process.env.BENCH_KEEP_DB) console.log(`kept ${db.url}`);
    else await db.close();
  }
}

async function run(url: string, pool: pg.Pool) {
  await migrateDb(pool);
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  const log = createLogger('warn', false);
  const t0 = Date.now();
  await q(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token) VALUES ($1,'bench','1','s','t','k','http://127.0.0.1:1','w')`, [CORP]);
  await q(`INSERT INTO staff (corp_id, userid, name, status, is_follow_user) SELECT $1, 'u' || i, '员工' || i, 1, true FROM generate_series(1, $2) i`, [CORP, STAFF]);
  // Bulk load without the per-row triggers (the segment bookkeeping they keep plays no part here).
  const c = await pool.connect();
  await c.query('SET session_replication_role = replica');
  await c.query(`INSERT INTO customers (corp_id, external_userid, name, active_follow_count, first_added_at, staff_ids)
                 SELECT $1, 'wm' || i, '客户' || i, 1, now(), ARRAY['u' || (1 + i % $3)] FROM generate_series(1, $2) i`, [CORP, CUSTOMERS, STAFF]);
  await c.query(`INSERT INTO follows (corp_id, external_userid, userid, status, added_at) SELECT $1, 'wm' || i, 'u' || (1 + i % $3), 'active', now() FROM generate_series(1, $2) i`, [CORP, CUSTOMERS, STAFF]);
  await c.query('SET session_replication_role = origin');
  c.release();
  await q(`INSERT INTO contact_policies (corp_id, customer_per_day, customer_per_week, customer_per_month, group_per_day, group_per_week, min_gap_minutes,
             quiet_start, quiet_end, quiet_action, dedupe_days, dnd_tag_ids, wecom_cap, count_moments, overdue_after_minutes, digest_time)
           VALUES ($1, 2, 10, 30, 3, 15, 0, NULL, NULL, 'defer', 7, '{}', 'month_days', false, 120, NULL)`, [CORP]);
  // Ten thousand customers already received a broadcast today (planned in the ledger, 10:00).
  const due = new Date(Date.now() + 5 * 60_000);
  due.setUTCSeconds(0, 0);
  await q(`INSERT INTO contact_ledger (corp_id, target_kind, target_id, channel, via, source_kind, source_id, source_ref, staff_userid, content_hash, preview, at, status)
           SELECT $1, 'customer', 'wm' || i, 'broadcast', 'mass', 'broadcast', 1, '', 'u' || (1 + i % $3), 'h', 'x', $4, 'planned' FROM generate_series(1, $2, 10) i`,
  [CORP, CUSTOMERS, STAFF, new Date(due.getTime() - 60_000)]);
  await q('VACUUM ANALYZE');
  console.log(`data: ${CUSTOMERS} customers, ${STAFF} staff (${Math.round((Date.now() - t0) / 1000)} s)`);

  // A thin fake WeCom: add_msg_template answers at once, counting calls and recipients.
  let calls = 0;
  let recipients = 0;
  const fakeClient = { async addMsgTemplate(req: { external_userid?: string[] }) { calls++; recipients += req.external_userid?.length ?? 0; return { errcode: 0, errmsg: 'ok', msgid: `msg${calls}`, fail_list: [] }; } };
  const corps = { client: async () => fakeClient } as unknown as CorpService;
  const governance = new GovernanceService(pool);
  const tasks = new TaskService(pool, corps, governance, log, () => 'http://127.0.0.1');
  const playbooks = new Playbooks({ pool, governance, tasks, log, corps });
  const svc = playbooks.service;
  const scope = svc.corpScope(CORP);
  const exts = Array.from({ length: CUSTOMERS }, (_, i) => `wm${i + 1}`);

  async function enrolAll(kind: 'task' | 'mass'): Promise<{ id: number; enrolS: number }> {
    const pb = await svc.create(scope, {
      kind: 'customer', name: `bench ${kind}`, trigger: { type: 'manual' }, reentry: 'after_end',
      steps: [{ name: kind, day: 0, offsetMinutes: 0, delivery: kind, content: { text: kind === 'task' ? '你好 {nickname}，新品到店' : '本周会员日，{staff} 邀您到店' } }],
    }, 'bench');
    await svc.activate(scope, pb.id);
    const row = (await q(`SELECT * FROM playbooks WHERE id = $1`, [pb.id])).rows[0];
    const s = Date.now();
    // Enrolled a few minutes before `due`: the step (day 0 + 0 min) falls due for all of them in the same minute.
    for (let i = 0; i < exts.length; i += 10_000) {
      await svc.enrol(row, exts.slice(i, i + 10_000).map((ext) => ({ ext, owner: null, key: null, at: due })), 'manual');
    }
    return { id: pb.id, enrolS: (Date.now() - s) / 1000 };
  }

  const a = await enrolAll('task');
  const { rows: [ra] } = await q(`SELECT count(*)::int AS n, count(DISTINCT due_at)::int AS minutes FROM playbook_runs WHERE playbook_id = $1`, [a.id]);
  console.log(`enrolled ${ra.n} customers in ${a.enrolS.toFixed(1)} s; their step falls due at ${ra.minutes} instant(s)`);
  let s = Date.now();
  const dt = await playbooks.scheduler.deliverDue(new Date(due.getTime() + 30_000));
  const taskS = (Date.now() - s) / 1000;
  const { rows: [ta] } = await q(`SELECT count(*)::int AS n FROM staff_tasks WHERE corp_id = $1 AND source_kind = 'playbook' AND source_id = $2`, [CORP, a.id]);
  console.log(`tasks: ${ta.n} created in ${taskS.toFixed(1)} s (${Math.round(ta.n / taskS)}/s; ${dt.skipped} skipped by the budget)`);

  const b = await enrolAll('mass');
  s = Date.now();
  const dm = await playbooks.scheduler.deliverDue(new Date(due.getTime() + 45_000));
  const massS = (Date.now() - s) / 1000;
  const { rows: [mb] } = await q(`SELECT count(*) FILTER (WHERE status = 'task_created')::int AS issued, count(*) FILTER (WHERE reason = 'cap_day')::int AS capped
                                    FROM playbook_runs WHERE playbook_id = $1`, [b.id]);
  console.log(`mass sends: ${calls} add_msg_template calls for ${recipients} customers in ${massS.toFixed(1)} s (${mb.issued} runs issued, ${mb.capped} skipped over the daily cap; ${dm.massSends} sends)`);

  // No customer over the daily cap: the planned and sent contacts of the day per customer.
  const { rows: [oc] } = await q(`SELECT count(*)::int AS n FROM (SELECT target_id FROM contact_ledger WHERE corp_id = $1 AND status IN ('planned', 'sent')
                                   GROUP BY target_id HAVING count(*) > 2) x`, [CORP]);

  // The floor: pg-boss's own throughput on the same database (send in batches, work no-op jobs).
  const { boss } = new Queue(url, log);
  await boss.start();
  await boss.createQueue('bench.noop');
  s = Date.now();
  for (let i = 0; i < JOBS; i += 1000) await boss.insert(Array.from({ length: Math.min(1000, JOBS - i) }, () => ({ name: 'bench.noop', data: {} })));
  let done = 0;
  await new Promise<void>((resolve) => {
    void boss.work('bench.noop', { batchSize: 1000, pollingIntervalSeconds: 0.5 }, async (jobs: unknown[]) => {
      done += jobs.length;
      if (done >= JOBS) resolve();
    });
  });
  const jobS = (Date.now() - s) / 1000;
  await boss.stop({ graceful: false, wait: true });
  console.log(`pg-boss bare: ${JOBS} no-op jobs sent and worked in ${jobS.toFixed(1)} s (${Math.round(JOBS / jobS)}/s)`);

  const ok = ta.n === CUSTOMERS && taskS < LIMIT_S && mb.issued + mb.capped === CUSTOMERS && massS < LIMIT_S && oc.n === 0;
  console.log(`RESULT playbooks enrolments=${CUSTOMERS} tasks=${ta.n} task_s=${taskS.toFixed(1)} tasks_per_s=${Math.round(ta.n / taskS)} mass_calls=${calls} mass_runs=${mb.issued} mass_s=${massS.toFixed(1)} capped=${mb.capped} pgboss_jobs_per_s=${Math.round(JOBS / jobS)} overcap=${oc.n} within_60s=${ok}`);
  if (!ok) process.exitCode = 1;
}

main().catch((err) => { console.error(err); process.exit(1); });
