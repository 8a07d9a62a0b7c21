// `pond api` ×2 and `pond worker` ×1 as separate OS processes on one Postgres: both APIs serve and
// take callbacks, the single worker processes them, and the WeCom token is fetched once and shared.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { buildEventXml, sealEvent } from '@pond/wecom';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, waitFor } from './helpers';
import { CorpService } from '../src/modules/org/corps';
import { SecretBox } from '../src/platform/secrets';
import { createLogger } from '../src/platform/log';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const procs: ChildProcess[] = [];
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const ports: number[] = [];
// Every process gets the same key, as in production; the test reads the corp's credentials with it too.
const secretKey = randomBytes(32);

const freePort = () => new Promise<number>((res) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as any).port; s.close(() => res(p)); });
});

function run(cmd: string, env: Record<string, string>) {
  const p = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'apps/server/src/main.ts'), cmd], {
    // Small pools: the test's processes share the Postgres server with every other test file.
    cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', POND_SECRET_KEY: secretKey.toString('base64'), DATABASE_POOL_SIZE: '8', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  p.on('exit', (code) => { if (code && code !== 0 && code !== null) console.error(`${cmd} exited ${code}:\n${out}`); });
  procs.push(p);
  return p;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Teardown drops the database with FORCE: a connection still closing then gets 57P01, which is not a failure.
  pool.on('error', () => undefined);
  ports.push(await freePort(), await freePort());
  const publicUrl = `http://127.0.0.1:${ports[0]}`;
  // The first API process creates the schema and the demo corp; the second joins it.
  run('api', { DATABASE_URL: db.url, PORT: String(ports[0]), PUBLIC_URL: publicUrl, HOST: '127.0.0.1' });
  await waitFor(async () => (await fetch(`${publicUrl}/healthz`)).ok, { timeoutMs: 90_000, intervalMs: 200, message: 'api 1 up' });
  run('api', { DATABASE_URL: db.url, PORT: String(ports[1]), PUBLIC_URL: publicUrl, HOST: '127.0.0.1' });
  run('worker', { DATABASE_URL: db.url, PUBLIC_URL: publicUrl });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${ports[1]}/healthz`)).ok, { timeoutMs: 90_000, intervalMs: 200, message: 'api 2 up' });
  await waitFor(async () => (await pool.query(`SELECT 1 FROM sync_runs WHERE status = 'done'`)).rowCount, { timeoutMs: 90_000, intervalMs: 200, message: 'demo synced' });
}, 180_000);

afterAll(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  await pool?.end();
  await db?.drop();
});

describe('two API processes and one worker', () => {
  it('take callbacks on either API and process each exactly once in the worker', async () => {
    const { rows } = await pool.query('SELECT id FROM corps');
    const corp = (await new CorpService(pool, createLogger('silent'), new SecretBox(secretKey)).get(rows[0].id))!;
    const creds = { token: corp.callbackToken, encodingAesKey: corp.callbackAesKey, receiveId: corp.id };
    const { rows: follows } = await pool.query(`SELECT external_userid, userid FROM follows WHERE corp_id = $1 AND status = 'active' LIMIT 20`, [corp.id]);
    expect(follows.length).toBe(20);
    // Staff delete 20 customers; each callback is sent to both API processes (like a retry hitting another node).
    for (const [i, f] of follows.entries()) {
      const xml = buildEventXml({ ToUserName: corp.id, FromUserName: 'sys', CreateTime: 1732400000 + i, MsgType: 'event', Event: 'change_external_contact', ChangeType: 'del_follow_user', UserID: f.userid, ExternalUserID: f.external_userid });
      for (const port of ports) {
        const s = sealEvent(creds, xml);
        const res = await fetch(`http://127.0.0.1:${port}/wecom/callback/${corp.id}?${new URLSearchParams(s.query)}`, { method: 'POST', body: s.body });
        expect(res.status).toBe(200);
      }
    }
    await waitFor(async () => (await pool.query(`SELECT count(*)::int AS n FROM callback_inbox WHERE status = 'done' AND change_type = 'del_follow_user'`)).rows[0].n === 20, { timeoutMs: 30_000, message: 'worker processed' });
    const { rows: ev } = await pool.query(`SELECT count(*)::int AS n FROM customer_events WHERE type = 'customer.deleted_staff'`);
    expect(ev[0].n).toBe(20);
    const { rows: tok } = await pool.query(`SELECT count(*)::int AS n FROM wecom_tokens WHERE kind = 'access_token'`);
    expect(tok[0].n).toBe(1);
    // Both API processes answer the API from the same data.
    const a = await fetch(`http://127.0.0.1:${ports[0]}/api/customers`, { headers: { authorization: 'Bearer x' } });
    expect(a.status).toBe(401);
  });
});
