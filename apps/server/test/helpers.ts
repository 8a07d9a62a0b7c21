// Test helpers: a database per test file, a whole Pond (API + worker + simulator) on a random port
// with the demo corp seeded and synced, and waits on conditions instead of sleeps.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig } from '../src/config';
import { buildApp, type BuildOptions, type PondApp } from '../src/app';
import { bootstrap } from '../src/bootstrap';
import { createScratchDatabase } from '../src/platform/db';
import { createLogger } from '../src/platform/log';

export function baseDatabaseUrl(): string {
  return inject('databaseUrl') ?? process.env.POND_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * A fresh database on the test server, already migrated (a copy of the run's template, see global-setup.ts); dropped
 * by `drop()` unless KEEP_TEST_DB is set (inspect failures).
 */
export async function createTestDatabase(prefix = 'pond_t'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const template = inject('templateDatabase') ?? process.env.POND_TEST_TEMPLATE_DB;
  const db = await createScratchDatabase(baseDatabaseUrl(), prefix, { template });
  return { ...db, drop: async () => { if (!process.env.KEEP_TEST_DB) await db.drop(); } };
}

export interface TestPond {
  app: PondApp;
  baseUrl: string;
  corpId: string;
  token: string;
  adminPassword: string;
  databaseUrl: string;
  /** JSON request against the API with the admin token (or `opts.token`). */
  api<T = any>(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestPond(opts: {
  roles?: BuildOptions['roles']; env?: Record<string, string>; simulatorOptions?: Record<string, unknown>; hooks?: BuildOptions['hooks'];
  /** The demo shop's order history, as `npm start` seeds it; off by default so that order tests start from none. */
  demoOrders?: boolean;
} = {}): Promise<TestPond> {
  const db = await createTestDatabase();
  // A key of its own (not ./data/secret.key): corps' secrets are encrypted in every test as in production.
  const config = loadConfig({ NODE_ENV: 'test', PORT: '3000', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', POND_SECRET_KEY: randomBytes(32).toString('base64'), ...opts.env });
  config.port = 0;
  config.host = '127.0.0.1';
  const app = await buildApp({
    config, databaseUrl: db.url, roles: opts.roles ?? { api: true, worker: true }, log: createLogger(config.logLevel, false),
    simulator: true, simulatorOptions: { callbackTimeoutMs: 2000, ...(opts.simulatorOptions ?? {}) }, hooks: opts.hooks, poolSize: 10,
  });
  const address = await app.start();
  const baseUrl = address!.replace('0.0.0.0', '127.0.0.1');
  config.publicUrl = baseUrl;
  const result = await bootstrap(app, baseUrl, baseUrl, { demoOrders: opts.demoOrders ?? false });
  const token = (await app.auth.createToken({ corpId: result.demoCorpId!, name: 'test', role: 'admin' })).token;
  return {
    app, baseUrl, corpId: result.demoCorpId!, token, adminPassword: result.admin!.password, databaseUrl: db.url,
    async api(method, path, body, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const tk = o.token === undefined ? token : o.token;
      if (tk) headers.authorization = `Bearer ${tk}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: any = text;
      try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      return { status: res.status, body: parsed };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** Polls `fn` until it returns a truthy value (no fixed sleeps). */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${opts.message ?? ''} ${last ? String(last) : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
  }
}

declare module 'vitest' {
  export interface ProvidedContext { databaseUrl: string; templateDatabase: string }
}
