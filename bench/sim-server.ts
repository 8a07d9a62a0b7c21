// The WeCom simulator as its own process, for benchmarks where WeCom must not share Pond's event
// loop (in production it is a remote service). Usage: tsx bench/sim-server.ts <databaseUrl> ; prints
// "ready <url>" once listening.
import Fastify from 'fastify';
import pg from 'pg';
import { createSimulator } from '@pond/wecom-sim';

const pool = new pg.Pool({ connectionString: process.argv[2], max: 16, options: '-c synchronous_commit=off' });
const app = Fastify();
const sim = await createSimulator({ pool, callbackConcurrency: 64, transferPollMs: 0 });
await app.register(sim.plugin, { prefix: '/sim' });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`ready ${url}`);
process.on('SIGTERM', () => void (async () => { await app.close(); await sim.close(); await pool.end(); process.exit(0); })());
