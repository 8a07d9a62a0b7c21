// Two `pond worker` processes and one `pond api` (demo mode: the WeCom simulator is in it) as OS processes on one
// Postgres, WeCom's callbacks arriving encrypted over HTTP. The workers race on customers' adds and deletes (some
// adds retried after their delete); then
// one worker is killed (SIGKILL) in the middle of a burst of adds, holding some of them: every customer still gets
// exactly one welcome within WeCom's 20 s window, and Pond records what WeCom did (ADR 0013).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import pg from 'pg';
import { createTestDatabase, waitFor } from './helpers';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const procs: ChildProcess[] = [];
const output = new Map<ChildProcess, string>();
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let base: string;
let corpId: string;
let staff: string[];
let workers: ChildProcess[];

const freePort = () => new Promise<number>((res) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as any).port; s.close(() => res(p)); });
});

/** `pond <cmd>` as its own process: node itself with the TypeScript loader, so its pid is the worker's (kill reaches it). */
function run(cmd: string, env: Record<string, string>) {
  const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts'), cmd], {
    // Small pools: the test's three processes share the Postgres server with every other test file.
    cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '8', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  output.set(p, '');
  const keep = (d: Buffer) => output.set(p, (output.get(p)! + d.toString()).slice(-20_000));
  p.stdout.on('data', keep);
  p.stderr.on('data', keep);
  procs.push(p);
  return p;
}

async function control<T = any>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/sim/control${path}`, {
    method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/** Runs `fn` over `items`, `limit` at a time. */
async function each<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => { for (let i = next++; i < items.length; i = next++) await fn(items[i], i); }));
}

const pending = async () => (await pool.query(`SELECT count(*)::int AS n FROM callback_inbox WHERE status = 'pending'`)).rows[0].n as number;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  run('api', { DATABASE_URL: db.url, PORT: String(port), PUBLIC_URL: base, HOST: '127.0.0.1' });
  await waitFor(async () => (await fetch(`${base}/healthz`)).ok, { timeoutMs: 90_000, intervalMs: 200, message: 'api up' });
  workers = [run('worker', { DATABASE_URL: db.url, PUBLIC_URL: base }), run('worker', { DATABASE_URL: db.url, PUBLIC_URL: base })];
  await waitFor(async () => (await pool.query(`SELECT 1 FROM sync_runs WHERE status = 'done'`)).rowCount, { timeoutMs: 90_000, intervalMs: 200, message: 'demo synced' });
  corpId = (await pool.query('SELECT id FROM corps')).rows[0].id;
  staff = (await pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [corpId])).rows.map((r) => r.userid);
}, 180_000);

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once('exit', r)))));
  await pool?.end();
  await db?.drop();
});

/** On a failure, what the processes said (their logs are otherwise dropped). */
function showOutputOnFailure() {
  onTestFailed(() => {
    for (const p of procs) console.error(`--- pond process ${p.pid} (exit ${p.exitCode ?? p.signalCode ?? 'running'}):\n${output.get(p)}`);
  });
}

describe('two worker processes', () => {
  it('apply each customer\'s add and delete in WeCom\'s order, whichever worker handles which, also when the add is retried after the delete', async () => {
    showOutputOnFailure();
    // Some adds' second step fails until the test lets it through (a fault injected in the database: writing those
    // relations as active fails), so it is retried after the delete was handled — by either worker.
    await pool.query(`CREATE TABLE test_fail_adds (on_ boolean)`);
    await pool.query(`INSERT INTO test_fail_adds VALUES (true)`);
    await pool.query(
      `CREATE FUNCTION test_fail_add() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.state = 'retry-me' AND NEW.status = 'active' AND EXISTS (SELECT 1 FROM test_fail_adds) THEN
           RAISE EXCEPTION 'injected: storing this add fails for now';
         END IF;
         RETURN NEW;
       END $$`);
    await pool.query(`CREATE TRIGGER test_fail_add BEFORE INSERT OR UPDATE ON follows FOR EACH ROW EXECUTE FUNCTION test_fail_add()`);
    try {
      const users = await Promise.all(Array.from({ length: 50 }, (_, i) => control<{ id: string }>('/wechat-users', { nickname: `先加后删${i}` })));
      const exts: string[] = [];
      const retried = (i: number) => i % 5 === 0;
      // Each customer adds a member, who deletes them right away: the add and the delete reach Pond back to back.
      await each(users, 10, async (u, i) => {
        const userid = staff[i % staff.length];
        const add = await control<{ externalUserid: string }>('/add-staff', { wechatUserId: u.id, corpId, userid, ...(retried(i) ? { state: 'retry-me' } : {}) });
        exts[i] = add.externalUserid;
        await control('/staff-deletes-customer', { userid, externalUserid: add.externalUserid, corpId });
      });
      await control('/wait-callbacks', { timeoutMs: 30_000 });
      const retriedExts = exts.filter((_, i) => retried(i));
      // Every delete is handled, and the retried adds have failed meanwhile.
      await waitFor(async () => (await pool.query(
        `SELECT count(*)::int AS n FROM callback_inbox WHERE change_type = 'del_external_contact' AND status = 'done' AND xml LIKE ANY($1)`,
        [retriedExts.map((e) => `%${e}%`)])).rows[0].n === 10, { timeoutMs: 30_000, message: 'deletes handled' });
      const { rows: [f] } = await pool.query(
        `SELECT count(*)::int AS n FROM callback_inbox WHERE change_type = 'add_external_contact' AND error LIKE 'injected%' AND xml LIKE ANY($1)`, [retriedExts.map((e) => `%${e}%`)]);
      expect(f.n).toBe(10);
      await pool.query(`DELETE FROM test_fail_adds`);
      await waitFor(async () => (await pending()) === 0, { timeoutMs: 60_000, intervalMs: 100, message: 'inbox drained' });
      const { rows } = await pool.query(
        `SELECT f.external_userid, f.status, c.active_follow_count,
                (SELECT array_agg(e.type ORDER BY e.type) FROM customer_events e WHERE e.corp_id = f.corp_id AND e.external_userid = f.external_userid) AS types
         FROM follows f JOIN customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
         WHERE f.corp_id = $1 AND f.external_userid = ANY($2)`, [corpId, exts]);
      expect(rows).toHaveLength(50);
      expect(rows.filter((r) => r.status !== 'deleted_by_staff').map((r) => r.external_userid)).toEqual([]);
      expect(rows.every((r) => r.active_follow_count === 0)).toBe(true);
      expect(rows.every((r) => JSON.stringify(r.types) === JSON.stringify(['customer.added', 'customer.deleted_by_staff']))).toBe(true);
      // Every claim ended.
      const { rows: [claimed] } = await pool.query(`SELECT count(*)::int AS n FROM callback_inbox WHERE locked_by IS NOT NULL OR lease IS NOT NULL`);
      expect(claimed.n).toBe(0);
    } finally {
      await pool.query(`DROP TRIGGER IF EXISTS test_fail_add ON follows; DROP FUNCTION IF EXISTS test_fail_add(); DROP TABLE IF EXISTS test_fail_adds`);
    }
  }, 120_000);

  it('lose one of them in a burst of 300 adds: every customer gets exactly one welcome within 20 s, and Pond records it as sent', async () => {
    showOutputOnFailure();
    expect(workers.map((w) => w.exitCode ?? w.signalCode)).toEqual([null, null]);
    await pool.query(
      `INSERT INTO welcome_templates (corp_id, name, scope, userids, text, attachments) VALUES ($1, '默认欢迎语', 'default', '{}', '你好，我是{staff}，欢迎！', '[]')`, [corpId]);
    const users: string[] = [];
    await each(Array.from({ length: 300 }, (_, i) => i), 20, async (i) => { users[i] = (await control<{ id: string }>('/wechat-users', { nickname: `洪峰${i}` })).id; });
    const [victim, survivor] = workers as [ChildProcess, ChildProcess];
    const heldBy = (p: ChildProcess) => `%:${p.pid}:%`;

    // The burst: 300 adds at ~100/s, each a real add in WeCom (a code valid 20 s) and an encrypted callback to the API.
    const exts: string[] = [];
    const t0 = Date.now();
    const burst = each(users, 30, async (u, i) => {
      const wait = t0 + i * 10 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      exts[i] = (await control<{ externalUserid: string }>('/add-staff', { wechatUserId: u, corpId, userid: staff[i % staff.length] })).externalUserid;
    });
    // Freeze the victim now and then; once it is caught holding adds whose welcome is not out yet, kill it.
    let held: number[] = [];
    await waitFor(async () => {
      victim.kill('SIGSTOP');
      const { rows } = await pool.query(
        `SELECT id FROM callback_inbox WHERE locked_by LIKE $1 AND status = 'pending' AND priority = 0 AND change_type = 'add_external_contact'`, [heldBy(victim)]);
      if (rows.length) {
        victim.kill('SIGKILL');
        held = rows.map((r) => Number(r.id));
        return true;
      }
      victim.kill('SIGCONT');
      return false;
    }, { timeoutMs: 20_000, intervalMs: 20, message: 'the victim holds adds' });
    await new Promise((r) => victim.exitCode !== null || victim.signalCode !== null ? r(null) : victim.once('exit', r));
    expect(victim.signalCode).toBe('SIGKILL');
    // What it held stays claimed by it until the lease runs out.
    const orphaned = (await pool.query(`SELECT id FROM callback_inbox WHERE id = ANY($1) AND locked_by LIKE $2`, [held, heldBy(victim)])).rows;
    expect(orphaned.length).toBeGreaterThan(0);
    await burst;
    expect(exts.filter(Boolean)).toHaveLength(300);

    await control('/wait-callbacks', { timeoutMs: 30_000 });
    // Every add's welcome is settled (no attempt left in progress), then the follow-up work is done.
    await waitFor(async () => (await pool.query(
      `SELECT count(*)::int AS n FROM welcome_sends WHERE corp_id = $1 AND external_userid = ANY($2) AND NOT (status = 'skipped' AND error = 'in progress')`,
      [corpId, exts])).rows[0].n === 300, { timeoutMs: 60_000, intervalMs: 100, message: 'every welcome settled' });
    await waitFor(async () => (await pending()) === 0, { timeoutMs: 60_000, intervalMs: 100, message: 'inbox drained' });
    expect(survivor.exitCode).toBeNull();

    // WeCom's side (the simulator's records): one welcome per customer, sent within 20 s of the add.
    const { rows: wecom } = await pool.query(
      `SELECT c.external_userid, c.issued_at, c.used_at, (SELECT count(*)::int FROM wecom_sim.messages m WHERE m.corp_id = c.corp_id AND m.kind = 'welcome' AND m.ref_id = c.code) AS messages
       FROM wecom_sim.welcome_codes c WHERE c.corp_id = $1 AND c.external_userid = ANY($2)`, [corpId, exts]);
    expect(wecom).toHaveLength(300);
    expect(wecom.filter((w) => w.used_at === null).map((w) => w.external_userid)).toEqual([]);
    expect(wecom.filter((w) => w.messages !== 1).map((w) => w.external_userid)).toEqual([]);
    expect(Math.max(...wecom.map((w) => Number(w.used_at) - Number(w.issued_at)))).toBeLessThanOrEqual(20_000);
    // Pond's records agree: all sent (some of them settled from WeCom's answer to a second call), none failed or unknown.
    const { rows: sends } = await pool.query(
      `SELECT status, reconciled, count(*)::int AS n FROM welcome_sends WHERE corp_id = $1 AND external_userid = ANY($2) GROUP BY 1, 2`, [corpId, exts]);
    expect(sends.filter((s) => s.status !== 'sent')).toEqual([]);
    expect(sends.reduce((n, s) => n + s.n, 0)).toBe(300);
    // The adds the victim held were finished by the survivor, and every customer is stored with their relation.
    const { rows: [done] } = await pool.query(`SELECT count(*)::int AS n FROM callback_inbox WHERE id = ANY($1) AND status = 'done'`, [held]);
    expect(done.n).toBe(held.length);
    const { rows: [active] } = await pool.query(`SELECT count(*)::int AS n FROM follows WHERE corp_id = $1 AND external_userid = ANY($2) AND status = 'active'`, [corpId, exts]);
    expect(active.n).toBe(300);
  }, 150_000);
});
