// npm run bench -- welcome
// A burst of adds (default 500/s for 4 s) reaches Pond as encrypted add_external_contact callbacks, each
// with a single-use, 20-second welcome code. Measures, per add, callback received → send_welcome_msg
// answered: p50/p99 and how many welcomes went out. Target: p99 < 1 s. The same measurement at a tenth
// of the rate, in the same run, is the unloaded baseline.
// WeCom's side runs in its own process, as it is remote in production. By default it is the thin WeCom
// of bench/fake-wecom.ts (same protocol and encryption, state in memory, callbacks built before the
// burst), so the machine's cores measure Pond and its Postgres; BENCH_WECOM=sim runs the full simulator
// instead (adds are transactions in its Postgres schema, on the same cores: on a 2-core machine that
// measures the two sides together).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { createLogger } from '../apps/server/src/platform/log';
import { benchDatabase, percentile } from './lib';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WECOM = process.env.BENCH_WECOM === 'sim' ? 'sim' : 'fake';
const CORP = 'wwbenchwelcome01';

async function main() {
  const db = await benchDatabase();
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const script = fileURLToPath(new URL(WECOM === 'sim' ? './sim-server.ts' : './fake-wecom.ts', import.meta.url));
  const wecomProc = spawn(tsx, [script, db.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const wecomUrl = await new Promise<string>((resolve, reject) => {
    wecomProc.stdout.on('data', (d) => { const m = /ready (\S+)/.exec(String(d)); if (m) resolve(m[1]); });
    wecomProc.once('exit', (code) => reject(new Error(`WeCom process exited ${code}`)));
  });
  const call = async (url: string, body?: unknown) => {
    const res = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const control = (path: string, body?: unknown) => call(`${wecomUrl}/sim/control${path}`, body);

  // The WeCom stand-in runs apart from Pond: its address is one the operator allows (ADR 0018).
  const config = loadConfig({ LOG_LEVEL: 'warn', WECOM_ALLOWED_ORIGINS: wecomUrl });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: true }, log: createLogger('warn', false), poolSize: 30 });
  const base = (await app.start())!;
  const secret = 'benchsecret0123456789';
  const token = 'benchtoken';
  const aes = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  const callbackUrl = `${base}/wecom/callback/${CORP}`;
  let staff: string[];
  if (WECOM === 'sim') {
    await app.corps.upsert({ id: CORP, name: 'bench', agentId: '1000002', secret, callbackToken: token, callbackAesKey: aes, apiBase: `${wecomUrl}/sim` });
    await control('/corps', { corpId: CORP, name: 'bench', secret, agentId: 1000002, token, encodingAesKey: aes, callbackUrl });
    await control(`/corps/${CORP}/seed-demo`, { customers: 20, groups: 1 });
    const run = await app.sync.start(CORP, 'full', 'bench');
    await app.sync.execute(run.id);
    staff = (await app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1`, [CORP])).rows.map((r) => r.userid);
  } else {
    // The organisation a sync would have stored: ten members who may have customers.
    await app.corps.upsert({ id: CORP, name: 'bench', agentId: '1000002', secret, callbackToken: token, callbackAesKey: aes, apiBase: wecomUrl });
    staff = Array.from({ length: 10 }, (_, i) => `staff${i + 1}`);
    await app.pool.query(`INSERT INTO staff (corp_id, userid, name, status, is_follow_user) SELECT $1, u, '店员' || u, 1, true FROM unnest($2::text[]) u`, [CORP, staff]);
  }
  await app.welcome.create(CORP, { name: '默认欢迎语', scope: 'default', text: '你好 {nickname}，欢迎！我是{staff}。', attachments: [{ msgtype: 'link', link: { title: '新人礼', url: 'https://example.com/coupon' } }] } as any);

  /** CPU seconds so far of Pond (this process), the simulator process and every Postgres process. */
  const ticks = Number(process.env.CLK_TCK ?? 100);
  const procCpu = (pid: number) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / ticks;
    } catch { return 0; }
  };
  const postgresCpu = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).reduce((sum, d) => {
    try { return readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres') ? sum + procCpu(Number(d)) : sum; } catch { return sum; }
  }, 0);
  /** tsx runs the simulator in a child process: count the whole tree. */
  const treeCpu = (root: number) => {
    const parent = new Map<number, number>();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try { parent.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1])); } catch { /* gone */ }
    }
    const inTree = (pid: number): boolean => pid === root || (parent.has(pid) && pid !== 1 && parent.get(pid) !== pid && inTree(parent.get(pid)!));
    return [...parent.keys()].filter(inTree).reduce((sum, pid) => sum + procCpu(pid), 0);
  };
  const cpuNow = () => ({ pond: (process.cpuUsage().user + process.cpuUsage().system) / 1e6, wecom: treeCpu(wecomProc.pid!), pg: postgresCpu() });

  async function burst(rate: number, seconds: number, label: string) {
    const total = Math.round(rate * seconds);
    const before = (await app.pool.query('SELECT coalesce(max(id), 0) AS id FROM welcome_sends')).rows[0].id;
    let offered: number;
    let cpu0: ReturnType<typeof cpuNow>;
    if (WECOM === 'sim') {
      const users: string[] = [];
      for (let i = 0; i < total; i++) users.push((await control('/wechat-users', { nickname: `${label}${i}` })).id);
      cpu0 = cpuNow();
      const t0 = Date.now();
      const adds: Promise<unknown>[] = [];
      for (let i = 0; i < total; i++) {
        const wait = t0 + (i * 1000) / rate - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        adds.push(control('/add-staff', { wechatUserId: users[i], corpId: CORP, userid: staff[i % staff.length] }));
      }
      await Promise.all(adds);
      offered = total / ((Date.now() - t0) / 1000);
      await control('/wait-callbacks', {});
    } else {
      cpu0 = cpuNow();
      const r = await call(`${wecomUrl}/control/burst`, { corpId: CORP, token, encodingAesKey: aes, callbackUrl, userids: staff, count: total, rate, label });
      if (r.non200) throw new Error(`${label}: ${r.non200} callbacks not acknowledged with 200`);
      offered = r.offered;
    }
    // CPU until the last welcome is answered (what the burst costs), then until the follow-up work is done.
    while (Number((await app.pool.query(`SELECT count(*) FROM welcome_sends WHERE id > $1 AND NOT (status = 'skipped' AND error = 'in progress')`, [before])).rows[0].count) < total) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const cpuW = cpuNow();
    await app.inbox.drain(300_000);
    const cpu1 = cpuNow();
    const perAdd = (a: typeof cpu0, b: typeof cpu0, k: keyof typeof cpu0) => ((b[k] - a[k]) * 1000 / total).toFixed(2);
    const line = (a: typeof cpu0, b: typeof cpu0) => `pond ${perAdd(a, b, 'pond')}, WeCom (${WECOM}) ${perAdd(a, b, 'wecom')}, postgres ${perAdd(a, b, 'pg')}`;
    console.log(`${label}: CPU ms per add until the last welcome: ${line(cpu0, cpuW)}; the follow-up work after it: ${line(cpuW, cpu1)}`);
    const { rows } = await app.pool.query(`SELECT status, latency_ms, errcode, error FROM welcome_sends WHERE id > $1`, [before]);
    const failures = new Map<string, number>();
    for (const r of rows) if (r.status !== 'sent') failures.set(`${r.status} ${r.errcode ?? ''} ${String(r.error ?? '').slice(0, 60)}`, (failures.get(`${r.status} ${r.errcode ?? ''} ${String(r.error ?? '').slice(0, 60)}`) ?? 0) + 1);
    if (failures.size || rows.length !== total) console.log(`${label}: not sent: ${JSON.stringify(Object.fromEntries(failures))}; rows ${rows.length}/${total}`);
    // How the delay grew through the burst: a queue that keeps growing means the rate is above capacity.
    const { rows: bySecond } = await app.pool.query(
      `SELECT floor(extract(epoch FROM received_at - min(received_at) OVER ()))::int AS s, latency_ms FROM welcome_sends WHERE id > $1 AND status = 'sent'`, [before]);
    const perSecond = new Map<number, number[]>();
    for (const r of bySecond) (perSecond.get(r.s) ?? perSecond.set(r.s, []).get(r.s)!).push(r.latency_ms);
    console.log(`${label}: p50 by second of the burst: ${[...perSecond.keys()].sort((a, b) => a - b).map((k) => `${k}s ${percentile(perSecond.get(k)!.sort((a, b) => a - b), 50)} ms`).join(', ')}`);
    const lat = rows.filter((r) => r.status === 'sent').map((r) => r.latency_ms as number).sort((a, b) => a - b);
    const out = { total, offered: Math.round(offered), sent: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1] ?? NaN };
    console.log(`${label}: offered ${out.offered} adds/s; welcome sent ${out.sent}/${total}; received → sent p50 ${out.p50} ms, p99 ${out.p99} ms, max ${out.max} ms`);
    return out;
  }
  const baseline = await burst(Math.max(5, RATE / 10), Math.min(SECONDS, 3), 'baseline');
  const loaded = await burst(RATE, SECONDS, 'burst');
  await app.close();
  if (WECOM === 'fake') {
    const st = await call(`${wecomUrl}/control/stats`);
    console.log(`WeCom calls: ${JSON.stringify(st.calls)}; refused: ${JSON.stringify(st.refused)}`);
  }
  wecomProc.kill('SIGTERM');
  await new Promise((r) => wecomProc.once('exit', r));
  await db.close();
  console.log(`RESULT welcome wecom=${WECOM} adds=${loaded.total} offered_rate=${loaded.offered} sent=${loaded.sent} p50_ms=${loaded.p50} p99_ms=${loaded.p99} max_ms=${loaded.max} baseline_rate=${baseline.offered} baseline_p99_ms=${baseline.p99}`);
  if (loaded.sent !== loaded.total || loaded.p99 >= 1000) process.exit(1);
}

main().catch((err) => { console.error(err); process.exit(1); });
