// Shared by benchmarks: a database (DATABASE_URL or embedded), percentiles, a bare Fastify baseline.
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../apps/server/src/platform/log';
import { startEmbeddedPostgres } from '../apps/server/src/platform/db';

export async function benchDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  let base = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!base) {
    const e = await startEmbeddedPostgres('data/bench', createLogger('warn', false));
    base = e.url;
    stopEmbedded = e.stop;
  }
  const name = `pond_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async close() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await stopEmbedded?.();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function bareFastifyBaseline(opts: { connections: number; seconds: number; body?: string }) {
  const app = Fastify();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_r, b, d) => d(null, b));
  app.post('/bare', async (_req, reply) => reply.type('text/plain').send(''));
  app.get('/bare', async () => 'ok');
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const r = await autocannon({ url: `${url}/bare`, method: opts.body ? 'POST' : 'GET', body: opts.body, connections: opts.connections, duration: opts.seconds });
  await app.close();
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50 };
}
