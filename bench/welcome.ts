// npm run bench -- welcome
// A burst of adds (default 500/s for 4 s): simulated customers add staff in the WeCom simulator —
// running as its own process, as WeCom is remote in production — which sends the encrypted
// add_external_contact callbacks (single-use, 20-second welcome codes) to Pond. Measures, per add,
// callback received → send_welcome_msg answered: p50/p99 and how many welcomes went out. Target:
// p99 < 1 s. The same measurement at a tenth of the rate, in the same run, is the unloaded baseline.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../apps/server/src/config';
import { buildApp } from '../apps/server/src/app';
import { createLogger } from '../apps/server/src/platform/log';
import { benchDatabase, percentile } from './lib';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CORP = 'wwbenchwelcome01';

async function main() {
  const db = await benchDatabase();
  const simProc = spawn(fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url)), [fileURLToPath(new URL('./sim-server.ts', import.meta.url)), db.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const simUrl = await new Promise<string>((resolve, reject) => {
    simProc.stdout!.on('data', (d) => { const m = /ready (\S+)/.exec(String(d)); if (m) resolve(m[1]!); });
    simProc.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${simUrl}/sim/control${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };

  const config = loadConfig({ LOG_LEVEL: 'warn' });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: true }, log: createLogger('warn', false), poolSize: 30 });
  const base = (await app.start())!;
  const secret = 'benchsecret0123456789';
  const token = 'benchtoken';
  const aes = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  await app.corps.upsert({ id: CORP, name: 'bench', agentId: '1000002', secret, callbackToken: token, callbackAesKey: aes, apiBase: `${simUrl}/sim` });
  await control('/corps', { corpId: CORP, name: 'bench', secret, agentId: 1000002, token, encodingAesKey: aes, callbackUrl: `${base}/wecom/callback/${CORP}` });
  await control(`/corps/${CORP}/seed-demo`, { customers: 20, groups: 1 });
  const run = await app.sync.start(CORP, 'full', 'bench');
  await app.sync.execute(run.id);
  await app.welcome.create(CORP, { name: '默认欢迎语', scope: 'default', text: '你好 {nickname}，欢迎！我是{staff}。', attachments: [{ msgtype: 'link', link: { title: '新人礼', url: 'https://example.com/coupon' } }] } as any);
  const { rows: staff } = await app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1`, [CORP]);

  /** CPU seconds so far of Pond (this process), the simulator process and every Postgres process. */
  const ticks = Number(process.env.CLK_TCK ?? 100);
  const procCpu = (pid: number) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
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
      try { parent.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])); } catch { /* gone */ }
    }
    const inTree = (pid: number): boolean => pid === root || (parent.has(pid) && pid !== 1 && parent.get(pid) !== pid && inTree(parent.get(pid)!));
    return [...parent.keys()].filter(inTree).reduce((sum, pid) => sum + procCpu(pid), 0);
  };
  const cpuNow = () => ({ pond: (process.cpuUsage().user + process.cpuUsage().system) / 1e6, sim: treeCpu(simProc.pid!), pg: postgresCpu() });

  async function burst(rate: number, seconds: number, label: string) {
    const total = Math.round(rate * seconds);
    const users: string[] = [];
    for (let i = 0; i < total; i++) users.push((await control('/wechat-users', { nickname: `${label}${i}` })).id);
    const before = (await app.pool.query('SELECT coalesce(max(id), 0) AS id FROM welcome_sends')).rows[0].id;
    const cpu0 = cpuNow();
    const t0 = Date.now();
    const adds: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      adds.push(control('/add-staff', { wechatUserId: users[i], corpId: CORP, userid: staff[i % staff.length]!.userid }));
    }
    await Promise.all(adds);
    const offered = total / ((Date.now() - t0) / 1000);
    await control('/wait-callbacks', {});
    await app.inbox.drain(300_000);
    const cpu1 = cpuNow();
    const perAdd = (k: 'pond' | 'sim' | 'pg') => ((cpu1[k] - cpu0[k]) * 1000 / total).toFixed(2);
    console.log(`${label}: CPU ms per add (incl. the later enrich): pond ${perAdd('pond')}, simulator ${perAdd('sim')}, postgres ${perAdd('pg')}`);
    const { rows } = await app.pool.query(`SELECT status, latency_ms, errcode, error FROM welcome_sends WHERE id > $1`, [before]);
    const failures = new Map<string, number>();
    for (const r of rows) if (r.status !== 'sent') failures.set(`${r.status} ${r.errcode ?? ''} ${String(r.error ?? '').slice(0, 60)}`, (failures.get(`${r.status} ${r.errcode ?? ''} ${String(r.error ?? '').slice(0, 60)}`) ?? 0) + 1);
    if (failures.size || rows.length !== total) console.log(`${label}: not sent: ${JSON.stringify(Object.fromEntries(failures))}; rows ${rows.length}/${total}`);
    const lat = rows.filter((r) => r.status === 'sent').map((r) => r.latency_ms as number).sort((a, b) => a - b);
    const out = { total, offered: Math.round(offered), sent: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1] ?? NaN };
    console.log(`${label}: offered ${out.offered} adds/s; welcome sent ${out.sent}/${total}; received → sent p50 ${out.p50} ms, p99 ${out.p99} ms, max ${out.max} ms`);
    return out;
  }
  const baseline = await burst(Math.max(5, RATE / 10), Math.min(SECONDS, 3), 'baseline');
  const loaded = await burst(RATE, SECONDS, 'burst');
  await app.close();
  simProc.kill('SIGTERM');
  await new Promise((r) => simProc.once('exit', r));
  await db.close();
  console.log(`RESULT welcome adds=${loaded.total} offered_rate=${loaded.offered} sent=${loaded.sent} p50_ms=${loaded.p50} p99_ms=${loaded.p99} max_ms=${loaded.max} baseline_rate=${baseline.offered} baseline_p99_ms=${baseline.p99}`);
  if (loaded.sent !== loaded.total || loaded.p99 >= 1000) process.exit(1);
}

main().catch((err) => { console.error(err); process.exit(1); });
