// A small HTTP load generator run as its own process (so the server under test keeps its event loop):
// node bench/load.mjs <spec.json>  → prints one JSON line {count, errors, non2xx, rps, p50, p99, ms, startedAt}.
// `startedAt` (epoch ms) is when request 0 was due: a caller timing what the requests cause counts from it, not from
// before this process read its spec (which takes seconds for a large one).
// spec: { url, connections, requests: [{ method, path, body?, headers? }], timeoutMs?, rate? } — sent once each, in order.
// Without `rate`: closed loop, each connection sends its next request when the last one answered (throughput
// at saturation). With `rate` (requests/s): open loop, request i is due at i/rate s and its latency counts
// from that moment, so queueing behind a slow server is measured (no coordinated omission).
import http from 'node:http';
import { readFileSync } from 'node:fs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const target = new URL(spec.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
const reqs = spec.requests.map((r) => ({ ...r, buf: r.body != null ? Buffer.from(r.body) : null }));
const lat = new Float64Array(reqs.length);
let next = 0, errors = 0, non2xx = 0;

function one(i, due) {
  const r = reqs[i];
  return new Promise((resolve) => {
    const t0 = due ?? process.hrtime.bigint();
    const req = http.request({ host: target.hostname, port: target.port, path: r.path, method: r.method ?? 'GET', agent,
      headers: { ...(r.headers ?? {}), ...(r.buf ? { 'content-length': r.buf.length } : {}) }, timeout: spec.timeoutMs ?? 10000 }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
        lat[i] = Number(process.hrtime.bigint() - t0) / 1e6;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => { errors++; lat[i] = Number(process.hrtime.bigint() - t0) / 1e6; resolve(); });
    if (r.buf) req.write(r.buf);
    req.end();
  });
}

const start = process.hrtime.bigint();
const startedAt = Date.now();
if (spec.rate) {
  const interval = 1e9 / spec.rate;
  const inflight = [];
  for (let i = 0; i < reqs.length; i++) {
    const due = start + BigInt(Math.round(i * interval));
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one(i, due));
  }
  await Promise.all(inflight);
} else {
  await Promise.all(Array.from({ length: spec.connections }, async () => {
    for (let i = next++; i < reqs.length; i = next++) await one(i);
  }));
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const sorted = Array.from(lat).sort((a, b) => a - b);
const pct = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
console.log(JSON.stringify({ count: reqs.length, errors, non2xx, ms: Math.round(ms), rps: Math.round(reqs.length / (ms / 1000)), p50: pct(50), p99: pct(99), startedAt }));
agent.destroy();
