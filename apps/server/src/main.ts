// CLI entry: pond start | api | worker | migrate | sync | token | user | rotate-secrets.
// `start` runs API and worker together (plus the simulator in demo mode); `api` and `worker` run the
// halves as separate processes, any number of each against one Postgres.
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './platform/log';
import { startEmbeddedPostgres, removeEmbeddedCluster, createPool, migrateDb, type EmbeddedHandle } from './platform/db';
import { buildApp } from './app';
import { describeError } from './platform/describe-error';
import { bootstrap } from './bootstrap';
import type { Cols } from './platform/db/rows';
import { hashPassword, AuthService } from './platform/auth';
import { loadSecretBox, type SecretBox } from './platform/secrets';
import { encryptCorpSecrets } from './modules/org';
import { rotateRewardSecrets } from './modules/rewards';
import { ROLES, type Role } from '@pond/contracts/auth';

const USAGE = `pond — Pond (鱼塘) SCRM for WeCom

  pond start [--reset-demo]   API + worker in one process (demo mode without WECOM_* variables)
  pond api                    HTTP API, callbacks and console only
  pond worker                 background work only (callback events, sync, scheduled jobs)
  pond migrate                apply database migrations
  pond sync [--corp ID]       run a full sync now and wait for it
  pond token --name N [--role admin] [--corp ID]   create an API token (printed once)
  pond user --username U [--password P] [--role admin] [--corp ID] [--owner | --revoke-owner]
                              create a console user or change one: --password resets it (and re-enables
                              the account); --role/--corp set the membership in that corp (new users: the
                              first corp); --owner makes the account a platform owner (adds corps, manages
                              any account) — only this command grants it
  pond rotate-secrets         re-encrypt every stored secret with POND_SECRET_KEY (after moving the old key
                              to POND_SECRET_KEY_PREVIOUS on every process)`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'reset-demo': { type: 'boolean' }, corp: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' },
      username: { type: 'string' }, password: { type: 'string' }, owner: { type: 'boolean' }, 'revoke-owner': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const cmd = positionals[0] ?? 'start';
  if (values.help || cmd === 'help') { console.log(USAGE); return; }

  let config: Config;
  let secrets: SecretBox;
  try {
    config = loadConfig();
    secrets = loadSecretBox(config);
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
      removeEmbeddedCluster(config.dataDir);
    }
    log.info('demo data removed; rebuilding');
  }

  let embedded: EmbeddedHandle | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    // A signal while the embedded Postgres starts (initdb on a first start takes seconds) is acted on
    // once it is up and Pond can stop it, rather than leaving it running without Pond.
    const early: NodeJS.Signals[] = [];
    const hold = (sig: NodeJS.Signals) => early.push(sig);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, hold);
    try {
      embedded = await startEmbeddedPostgres(config.dataDir, log);
    } finally {
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, hold);
    }
    stopEmbedded = () => embedded!.stop();
    databaseUrl = embedded.url;
    if (early.length) {
      log.info({ signal: early[0] }, 'shutting down');
      await embedded.stop();
      process.exit(0);
    }
  }

  if (cmd === 'migrate' || cmd === 'rotate-secrets') {
    const pool = createPool(databaseUrl, 1);
    await migrateDb(pool);
    const n = await encryptCorpSecrets(pool, secrets, { rotate: cmd === 'rotate-secrets' })
      + (cmd === 'rotate-secrets' ? await rotateRewardSecrets(pool, secrets) : 0);
    await pool.end();
    if (cmd === 'migrate') log.info({ encrypted: n }, 'migrations applied');
    else console.log(`${n} stored secret${n === 1 ? '' : 's'} re-encrypted with key ${secrets.currentKeyId}; POND_SECRET_KEY_PREVIOUS can now be removed`);
    await embedded?.stop();
    return;
  }

  if (cmd === 'token' || cmd === 'user') {
    const pool = createPool(databaseUrl, 2);
    await migrateDb(pool);
    await encryptCorpSecrets(pool, secrets);
    const role = (values.role ?? 'admin') as Role;
    if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    const { rows: corps } = await pool.query<Cols<'corps', 'id'>>('SELECT id FROM corps ORDER BY created_at');
    if (values.corp && !corps.some((c) => c.id === values.corp)) throw new Error(`--corp: no corp ${values.corp} (corps: ${corps.map((c) => c.id).join(', ') || 'none'})`);
    const corpId = values.corp ?? corps[0]?.id;
    if (cmd === 'token') {
      if (!corpId) throw new Error('no corp yet: run `pond start` once first');
      if (!values.name) throw new Error('--name is required (what the token is for)');
      const t = await new AuthService(pool).createToken({ corpId, name: values.name, role });
      console.log(t.token);
    } else {
      await cliUser(pool, {
        username: values.username, password: values.password, owner: !!values.owner, revokeOwner: !!values['revoke-owner'],
        corpId, setMembership: values.corp !== undefined || values.role !== undefined, role,
      });
    }
    await pool.end();
    await embedded?.stop();
    return;
  }

  const roles = cmd === 'api' ? { api: true, worker: false } : cmd === 'worker' ? { api: false, worker: true }
    : cmd === 'start' || cmd === 'sync' ? { api: cmd === 'start', worker: true } : null;
  if (!roles) { console.error(`unknown command ${cmd}\n\n${USAGE}`); process.exit(2); }

  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  // Starting (building, listening, the demo's first setup) is not interrupted: a signal that arrives
  // meanwhile waits for it, then shuts down.
  const starting = (async () => {
    app = await buildApp({ config, databaseUrl, roles, log, simulator: config.demo && roles.api });
    if (cmd === 'sync') return null;
    await app.start();
    return roles.api ? bootstrap(app, config.callbackBaseUrl, config.publicUrl) : null;
  })();
  let stopping: Promise<never> | undefined;
  const shutdown = (reason: string): Promise<never> => {
    stopping ??= (async () => {
      log.info({ reason }, 'shutting down');
      // Draining may hang on a stuck request or job: the process still ends.
      setTimeout(() => { console.error('pond: shutdown took longer than 30 s; exiting'); process.exit(1); }, 30_000).unref();
      let exitCode = 0;
      await starting.catch(() => undefined);
      // In-flight requests and inbox work finish, the queue stops, the pools close; then Postgres stops.
      await app?.close().catch((err) => { exitCode = 1; console.error(`pond: close failed: ${describeError(err)}`); });
      await embedded?.stop().catch((err) => { exitCode = 1; console.error(`pond: stopping the embedded Postgres failed: ${describeError(err)}`); });
      process.exit(exitCode);
    })();
    return stopping;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig));
  // Started by `npm start`: if the wrapper dies without passing a signal on, do not outlive it.
  const parent = process.ppid;
  if (process.env.POND_WATCH_PARENT === '1') {
    setInterval(() => { if (process.ppid !== parent) void shutdown('parent process exited'); }, 500).unref();
  }
  const result = await starting;
  if (stopping) return;

  if (cmd === 'sync') {
    const corpId = values.corp ?? (await app!.corps.list())[0]?.id;
    if (!corpId) throw new Error('no corp to sync');
    const run = await app!.sync.start(corpId, 'full', 'cli');
    await app!.sync.execute(run.id);
    console.log(JSON.stringify((await app!.sync.list(corpId, 1))[0], null, 2));
    await shutdown('done');
    return;
  }
  if (result) {
    const lines = [
      '',
      `  Pond (鱼塘) is running${config.demo ? ' in DEMO mode (WeCom simulator at /sim)' : ''}`,
      `  Console:   ${config.publicUrl}`,
      `  API docs:  ${config.publicUrl}/docs`,
      ...(config.demo ? [
        `  Phone view (act as a customer): ${config.publicUrl}/sim/phone`,
        `  WeCom client (act as staff, chat sidebar): ${config.publicUrl}/sim/wecom`,
      ] : []),
      ...(result.admin ? [`  Admin login (shown once): ${result.admin.username} / ${result.admin.password}  (platform owner: may add corps)`] : ['  Admin login: use your existing account (reset: pond user --username admin --password …)']),
      ...(result.noOwner ? ['  No platform owner yet: grant one with  npm run pond -- user --username <U> --owner'] : []),
      ...result.corpsWithoutAdmin.map((id) => `  Corp ${id} has no admin yet: add one with  npm run pond -- user --username <U> --corp ${id} --role admin`),
      '',
    ];
    console.log(lines.join('\n'));
  } else {
    log.info('worker running');
  }
}

/** `pond user`: the operator at the terminal is trusted, so the membership it sets is active at once. */
async function cliUser(pool: pg.Pool, o: { username?: string; password?: string; owner: boolean; revokeOwner: boolean; corpId?: string; setMembership: boolean; role: Role }) {
  if (!o.username) throw new Error('--username is required');
  if (o.password !== undefined && o.password.length < 8) throw new Error('--password must be at least 8 characters');
  if (o.owner && o.revokeOwner) throw new Error('--owner and --revoke-owner do not go together');
  const existing = (await pool.query<Cols<'users', 'id'>>('SELECT id FROM users WHERE username = $1', [o.username])).rows[0];
  if (!existing && !o.password) throw new Error(`--password is required to create user ${o.username}`);
  let userId: number;
  if (existing) {
    userId = existing.id;
    if (o.password) await pool.query('UPDATE users SET password_hash = $2, disabled_at = NULL WHERE id = $1', [userId, await hashPassword(o.password)]);
    if (o.password) await pool.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  } else {
    userId = (await pool.query<Cols<'users', 'id'>>('INSERT INTO users (username, password_hash, display_name) VALUES ($1,$2,$1) RETURNING id', [o.username, await hashPassword(o.password!)])).rows[0].id;
  }
  if (o.owner || o.revokeOwner) await pool.query('UPDATE users SET is_owner = $2 WHERE id = $1', [userId, !!o.owner]);
  const done: string[] = [existing ? (o.password ? 'password reset' : 'unchanged password') : 'created'];
  if (!existing || o.setMembership) {
    if (!o.corpId) throw new Error('no corp yet: run `pond start` once first');
    await pool.query(
      `INSERT INTO memberships (user_id, corp_id, role) VALUES ($1,$2,$3)
       ON CONFLICT (user_id, corp_id) DO UPDATE SET role = EXCLUDED.role, status = 'active', accept_on_sign_in = false, disabled_at = NULL`,
      [userId, o.corpId, o.role]);
    done.push(`${o.role} in corp ${o.corpId}`);
  }
  if (o.owner) done.push('platform owner');
  if (o.revokeOwner) done.push('no longer platform owner');
  console.log(`user ${o.username}: ${done.join(', ')}`);
}

let fatal = false;
const die = (err: unknown) => {
  console.error(`pond: ${describeError(err)}`);
  if (fatal) process.exit(1);
  fatal = true;
  void shutdownAfterFatal().finally(() => process.exit(1));
};
process.on('unhandledRejection', die);
process.on('uncaughtException', die);

/** A fatal error still stops the embedded Postgres this process started. */
let stopEmbedded: (() => Promise<void>) | undefined;
async function shutdownAfterFatal() {
  await stopEmbedded?.().catch(() => undefined);
}

main().catch(die);
