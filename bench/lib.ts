// Shared by benchmarks: a database (DATABASE_URL or embedded), a load generator in its own process,
// and a bare Fastify route measured the same way, so every figure can be read as a ratio.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { createLogger } from '../apps/server/src/platform/log';
import { createScratchDatabase, startEmbeddedPostgres } from '../apps/server/src/platform/db';

export async function benchDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  let base = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!base) {
    const e = await startEmbeddedPostgres('data/bench', createLogger('warn', false));
    base = e.url;
    stopEmbedded = e.stop;
  }
  const db = await createScratchDatabase(base, 'pond_bench');
  return {
    url: db.url,
    async close() {
      await db.drop();
      await stopEmbedded?.();
    },
  };
}

export interface LoadRequest { method?: string; path: string; body?: string; headers?: Record<string, string> }
/** `startedAt`: epoch ms when the first request was due (after the load process read its spec). */
export interface LoadResult { count: number; errors: number; non2xx: number; ms: number; rps: number; p50: number; p99: number; startedAt: number }

/**
 * Sends each request once over `connections` keep-alive connections from a separate process: closed loop
 * (as fast as answers come back), or open loop at `opts.rate` requests/s (latency counted from when each
 * request was due, so a server that falls behind shows it).
 */
export function runLoad(url: string, connections: number, requests: LoadRequest[], opts: { rate?: number } = {}): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pond-load-'));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify({ url, connections, requests, rate: opts.rate }));
  const script = fileURLToPath(new URL('./load.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, file], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

/** A bare Fastify route (same body, same load generator) — the ceiling Pond's figures are read against. */
export async function bareFastifyBaseline(connections: number, requests: LoadRequest[], opts: { rate?: number } = {}): Promise<LoadResult> {
  const app = Fastify();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_r, b, d) => d(null, b));
  app.post('/*', async (_req, reply) => reply.type('text/plain').send(''));
  app.get('/*', async (_req, reply) => reply.type('text/html').send('<!doctype html><p>ok</p>'));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const r = await runLoad(url, connections, requests, opts);
  await app.close();
  return r;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
