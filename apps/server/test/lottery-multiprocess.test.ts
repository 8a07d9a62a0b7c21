// Two `pond api` processes on one Postgres serve the same lottery: customers drawing through either (and tapping
// the same request id on both) never oversell a prize, and each customer's limits hold across the processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, waitFor } from './helpers';
import { CorpService } from '../src/modules/org/corps';
import { SecretBox } from '../src/platform/secrets';
import { createLogger } from '../src/platform/log';
import { sealWechatIdentity } from '../src/modules/live-codes/identity';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const procs: ChildProcess[] = [];
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const ports: number[] = [];
const secretKey = randomBytes(32);
const OAUTH_SECRET = 'lottery-mp-oauth-secret-0123456789';
let corpId: string;

const freePort = () => new Promise<number>((res) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as any).port; s.close(() => res(p)); });
});

function run(env: Record<string, string>) {
  const p = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'apps/server/src/main.ts'), 'api'], {
    cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', POND_SECRET_KEY: secretKey.toString('base64'), DATABASE_POOL_SIZE: '8', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  p.on('exit', (code) => { if (code && code !== 143) console.error(`api exited ${code}:\n${out}`); });
  procs.push(p);
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => undefined);
  ports.push(await freePort(), await freePort());
  const publicUrl = `http://127.0.0.1:${ports[0]}`;
  run({ DATABASE_URL: db.url, PORT: String(ports[0]), PUBLIC_URL: publicUrl, HOST: '127.0.0.1' });
  await waitFor(async () => (await fetch(`${publicUrl}/healthz`)).ok, { timeoutMs: 90_000, intervalMs: 200, message: 'api 1 up' });
  run({ DATABASE_URL: db.url, PORT: String(ports[1]), PUBLIC_URL: publicUrl, HOST: '127.0.0.1' });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${ports[1]}/healthz`)).ok, { timeoutMs: 90_000, intervalMs: 200, message: 'api 2 up' });
  corpId = (await pool.query('SELECT id FROM corps ORDER BY id LIMIT 1')).rows[0].id;
  // The corp's WeChat OAuth (公众号): both processes hear of the change and read the key.
  const corps = new CorpService(pool, createLogger('silent'), new SecretBox(secretKey));
  await corps.update(corpId, { oauthAppId: 'wxlotterymp', oauthSecret: OAUTH_SECRET });
}, 180_000);

afterAll(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  await pool?.end();
  await db?.drop();
});

async function customers(prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => i);
  await pool.query(`INSERT INTO staff (corp_id, userid, name, status, is_follow_user) VALUES ($1, 'mpstaff', '店员', 1, true) ON CONFLICT DO NOTHING`, [corpId]);
  await pool.query(`INSERT INTO customers (corp_id, external_userid, name, unionid) SELECT $1, 'wm' || $2 || i, '客户' || i, 'u' || $2 || i FROM unnest($3::int[]) i`, [corpId, prefix, ids]);
  await pool.query(`INSERT INTO follows (corp_id, external_userid, userid, status) SELECT $1, 'wm' || $2 || i, 'mpstaff', 'active' FROM unnest($3::int[]) i`, [corpId, prefix, ids]);
  return ids.map((i) => `pond_wx=${sealWechatIdentity(`o${prefix}${i}`, `u${prefix}${i}`, OAUTH_SECRET)}`);
}

async function lottery(perDay: number, prizes: [string, string, number, number | null, number][]): Promise<number> {
  const { rows: [c] } = await pool.query(
    `INSERT INTO campaigns (corp_id, kind, name, status, starts_at, config) VALUES ($1, 'lottery', 'mp', 'active', now() - interval '1 minute', $2) RETURNING id`,
    [corpId, JSON.stringify({ perDay, total: null, display: 'wheel' })]);
  for (const [i, [name, kind, weight, stock, pts]] of prizes.entries()) {
    await pool.query(`INSERT INTO lottery_prizes (corp_id, campaign_id, position, name, kind, weight, stock, points) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [corpId, c.id, i, name, kind, weight, stock, pts]);
  }
  return c.id;
}

const draw = (port: number, cookie: string, id: number, requestId: string) => fetch(`http://127.0.0.1:${port}/c/api/${corpId}/lottery/${id}/draw`, {
  method: 'POST', headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, cookie }, body: JSON.stringify({ requestId }),
}).then(async (r) => ({ status: r.status, body: await r.json() as any }));

describe('a lottery served by two API processes', () => {
  it('never oversells, and a request id tapped on both processes draws once', async () => {
    // The OAuth key reached both processes.
    const [probe] = await customers('probe', 1);
    const probeId = await lottery(1, [['谢谢', 'nothing', 1, null, 0]]);
    await waitFor(async () => (await Promise.all(ports.map((p) => draw(p, probe, probeId, 'probe-request-1')))).every((r) => r.status === 200), { message: 'both processes know the key' });

    const id = await lottery(1, [['大奖', 'points', 30, 9, 50], ['小奖', 'points', 30, 6, 5], ['谢谢', 'nothing', 40, null, 0]]);
    const cookies = await customers('mp', 150);
    const res = await Promise.all(cookies.flatMap((cookie, i) => {
      const requestId = `mp-request-${i}`;
      return [draw(ports[i % 2], cookie, id, requestId), draw(ports[(i + 1) % 2], cookie, id, requestId)];
    }));
    expect(res.filter((r) => r.status !== 200).map((r) => r.body)).toEqual([]);
    const { rows: prizes } = await pool.query('SELECT won, stock FROM lottery_prizes WHERE campaign_id = $1 AND stock IS NOT NULL ORDER BY position', [id]);
    expect(prizes).toEqual([{ won: 9, stock: 9 }, { won: 6, stock: 6 }]);
    const { rows: [n] } = await pool.query(
      `SELECT (SELECT count(*)::int FROM lottery_entries WHERE campaign_id = $1) AS entries, (SELECT count(*)::int FROM rewards WHERE campaign_id = $1) AS rewards`, [id]);
    expect(n).toEqual({ entries: 150, rewards: 15 });
    // Both taps of a customer got the same entry.
    for (let i = 0; i < res.length; i += 2) expect(res[i].body.entryId).toBe(res[i + 1].body.entryId);
  }, 60_000);

  it('holds a per-day limit across both processes', async () => {
    const id = await lottery(3, [['谢谢', 'nothing', 1, null, 0]]);
    const [cookie] = await customers('day', 1);
    const res = await Promise.all(Array.from({ length: 10 }, (_, i) => draw(ports[i % 2], cookie, id, `day-request-${i}`)));
    expect(res.filter((r) => r.status === 200).length).toBe(3);
    expect(res.filter((r) => r.status === 409).length).toBe(7);
  });
});
