// Tests use the Postgres server in DATABASE_URL (CI) or, without it, one embedded Postgres for the
// whole run; each test file then creates its own database (see helpers.ts) as a copy of one migrated template,
// made once per set of migrations (named by their hash, so a tree with other migrations gets its own and parallel
// runs of the same tree share it).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../src/platform/log';
import { createPool, createScratchDatabase, migrateDb, MIGRATIONS_DIR, startEmbeddedPostgres, type EmbeddedHandle } from '../src/platform/db';

let embedded: EmbeddedHandle | undefined;

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR).filter((n) => n.endsWith('.sql')).sort()) h.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  h.update(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json')));
  return h.digest('hex').slice(0, 16);
}

async function migratedTemplate(url: string): Promise<string> {
  const name = `pond_tpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(8410222)');
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      // Built under another name and renamed when complete: a run killed midway never leaves a half-migrated template.
      const scratch = await createScratchDatabase(url, 'pond_tplb');
      const pool = createPool(scratch.url, 2);
      try { await migrateDb(pool); } finally { await pool.end(); }
      await admin.query(`ALTER DATABASE ${scratch.name} RENAME TO ${name}`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(8410222)').catch(() => undefined);
    await admin.end();
  }
  return name;
}

export async function setup(project: TestProject) {
  let url = process.env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres('data/test', createLogger('warn', false));
    url = embedded.url;
  }
  process.env.POND_TEST_DATABASE_URL = url;
  const template = await migratedTemplate(url);
  process.env.POND_TEST_TEMPLATE_DB = template;
  project.provide('databaseUrl', url);
  project.provide('templateDatabase', template);
}

export async function teardown() {
  await embedded?.stop();
}
import './helpers';
