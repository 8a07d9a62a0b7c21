// Postgres: the pool, typed rows (db/rows.ts, ADR 0017), migrations at start (Drizzle's migrator over the
// SQL that drizzle-kit generates from db/schema.ts), and the embedded server for demo mode.
import { randomBytes } from 'node:crypto';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

// Bigint columns (counts, ids) come back as numbers; ours stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// …and so do bigint[] (store ids of a membership): strings here compared unequal to the numbers elsewhere.
const INT8_ARRAY = 1016;
const types = pg.types as unknown as { getTypeParser(oid: number): (v: string) => (string | null)[]; setTypeParser(oid: number, fn: (v: string) => unknown): void };
const parseTextArray = types.getTypeParser(INT8_ARRAY);
types.setTypeParser(INT8_ARRAY, (v) => parseTextArray(v).map((x) => (x === null ? null : Number(x))));

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function createPool(url: string, max = 10, opts: { asyncCommit?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url, max, idleTimeoutMillis: 30_000,
    ...(opts.asyncCommit ? { options: '-c synchronous_commit=off' } : {}),
  });
  pool.on('error', () => undefined); // idle client errors surface on next use
  // A client held for LISTEN has no pool listener: a dropped connection must not crash the process
  // ("Unhandled 'error' event"); its next query fails instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

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

/** Applies committed migrations; an advisory lock keeps concurrent starts from racing. */
/** Deadlocks and serialization failures: the transaction is run again (its work must be idempotent). */
const RETRYABLE_TX = new Set(['40P01', '40001']);

/** withTransaction, run again (up to 4 times in all) when Postgres aborts it for a deadlock or a serialization failure. */
export async function withRetriedTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(pool, fn);
    } catch (err) {
      if (attempt < 4 && RETRYABLE_TX.has((err as { code?: string }).code ?? '')) continue;
      throw err;
    }
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

/**
 * A fresh database on the server of `baseUrl`, named `<prefix>_<random>` (tests and benchmarks each get their own);
 * `drop()` removes it, closing whatever is still connected. `template` copies a database instead of starting empty
 * (tests copy one that is already migrated: a file copy instead of replaying every migration).
 */
export async function createScratchDatabase(baseUrl: string, prefix: string, opts: { template?: string } = {}): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
  if (opts.template !== undefined && !/^[a-z_][a-z0-9_]*$/.test(opts.template)) throw new Error(`not a database name: ${opts.template}`);
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${opts.template ? ` TEMPLATE ${opts.template}` : ''}`);
  } finally {
    await admin.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export { startEmbeddedPostgres, embeddedSettings, removeEmbeddedCluster, type EmbeddedHandle } from './embedded';
