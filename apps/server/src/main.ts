// CLI entry: pond start | api | worker | migrate | sync | token | user.
// `start` runs API and worker together (plus the simulator in demo mode); `api` and `worker` run the
// halves as separate processes, any number of each against one Postgres.
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './platform/log';
import { startEmbeddedPostgres, createPool, migrateDb, type EmbeddedHandle } from './platform/db';
import { buildApp } from './app';
import { bootstrap } from './modules/org/bootstrap';
import { hashPassword, AuthService } from './platform/auth';
import { ROLES, type Role } from './platform/db/schema';

const USAGE = `pond — Pond (鱼塘) SCRM for WeCom

  pond start [--reset-demo]   API + worker in one process (demo mode without WECOM_* variables)
  pond api                    HTTP API, callbacks and console only
  pond worker                 background work only (callback events, sync, scheduled jobs)
  pond migrate                apply database migrations
  pond sync [--corp ID]       run a full sync now and wait for it
  pond token --name N [--role admin] [--corp ID]   create an API token (printed once)
  pond user --username U --password P [--role admin] [--corp ID]  create or reset a console user`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'reset-demo': { type: 'boolean' }, corp: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' },
      username: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const cmd = positionals[0] ?? 'start';
  if (values.help || cmd === 'help') { console.log(USAGE); return; }

  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(2); }
    throw err;
  }
  const log = createLogger(config.logLevel);

  if (values['reset-demo']) {
    if (config.databaseUrl) {
      const pool = createPool(config.databaseUrl, 1);
      await pool.query('DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA IF EXISTS pgboss CASCADE; DROP SCHEMA IF EXISTS wecom_sim CASCADE; CREATE SCHEMA public;');
      await pool.end();
    } else {
      rmSync(join(resolve(config.dataDir), 'pg'), { recursive: true, force: true });
      rmSync(join(resolve(config.dataDir), 'pg.port'), { force: true });
    }
    log.info('demo data removed; rebuilding');
  }

  let embedded: EmbeddedHandle | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    databaseUrl = embedded.url;
  }

  if (cmd === 'migrate') {
    const pool = createPool(databaseUrl, 1);
    await migrateDb(pool);
    await pool.end();
    log.info('migrations applied');
    await embedded?.stop();
    return;
  }

  if (cmd === 'token' || cmd === 'user') {
    const pool = createPool(databaseUrl, 2);
    await migrateDb(pool);
    const role = (values.role ?? 'admin') as Role;
    if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    const { rows: corps } = await pool.query('SELECT id FROM corps ORDER BY created_at');
    const corpId = values.corp ?? corps[0]?.id;
    if (!corpId) throw new Error('no corp yet: run `pond start` once first');
    if (cmd === 'token') {
      if (!values.name) throw new Error('--name is required (what the token is for)');
      const t = await new AuthService(pool).createToken({ corpId, name: values.name, role });
      console.log(t.token);
    } else {
      if (!values.username || !values.password) throw new Error('--username and --password are required');
      if (values.password.length < 8) throw new Error('--password must be at least 8 characters');
      const { rows } = await pool.query(
        `INSERT INTO users (username, password_hash, display_name) VALUES ($1,$2,$1)
         ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, disabled_at = NULL RETURNING id`,
        [values.username, await hashPassword(values.password)]);
      await pool.query(`INSERT INTO memberships (user_id, corp_id, role) VALUES ($1,$2,$3) ON CONFLICT (user_id, corp_id) DO UPDATE SET role = EXCLUDED.role`, [rows[0].id, corpId, role]);
      console.log(`user ${values.username} (${role}) ready in corp ${corpId}`);
    }
    await pool.end();
    await embedded?.stop();
    return;
  }

  const roles = cmd === 'api' ? { api: true, worker: false } : cmd === 'worker' ? { api: false, worker: true }
    : cmd === 'start' || cmd === 'sync' ? { api: cmd === 'start', worker: true } : null;
  if (!roles) { console.error(`unknown command ${cmd}\n\n${USAGE}`); process.exit(2); }

  const app = await buildApp({ config, databaseUrl, roles, log, simulator: config.demo && roles.api });
  const shutdown = async (signal: string) => {
    stopping = true;
    log.info({ signal }, 'shutting down');
    await app.close().catch((err) => log.error({ err }, 'close failed'));
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  if (cmd === 'sync') {
    const corpId = values.corp ?? (await app.corps.list())[0]?.id;
    if (!corpId) throw new Error('no corp to sync');
    const run = await app.sync.start(corpId, 'full', 'cli');
    await app.sync.execute(run.id);
    console.log(JSON.stringify((await app.sync.list(corpId, 1))[0], null, 2));
    await shutdown('done');
    return;
  }

  await app.start();
  if (roles.api) {
    const result = await bootstrap(app, config.callbackBaseUrl, config.publicUrl);
    const lines = [
      '',
      `  Pond (鱼塘) is running${config.demo ? ' in DEMO mode (WeCom simulator at /sim)' : ''}`,
      `  Console:   ${config.publicUrl}`,
      `  API docs:  ${config.publicUrl}/docs`,
      ...(config.demo ? [
        `  Phone view (act as a customer): ${config.publicUrl}/sim/phone`,
        `  WeCom client (act as staff, chat sidebar): ${config.publicUrl}/sim/wecom`,
      ] : []),
      ...(result.admin ? [`  Admin login (shown once): ${result.admin.username} / ${result.admin.password}`] : ['  Admin login: use your existing account (reset: pond user --username admin --password …)']),
      '',
    ];
    console.log(lines.join('\n'));
  } else {
    log.info('worker running');
  }
}

/** Set once a signal asked Pond to stop: what was still running (the demo's first setup) fails as its pool closes. */
let stopping = false;

main().catch((err) => {
  if (stopping) return;
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
