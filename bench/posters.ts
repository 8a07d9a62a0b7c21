// npm run bench -- posters
// Drawing personal posters (modules/posters: satori lays out, resvg rasterises; the CJK font shipped): the 9:16
// invite poster (the built-in design with a campaign's copy, the participant's QR, nickname and staff) for
// BENCH_POSTERS (default 40) different participants one after another (cold: first drawing of each), the same
// again from the service's cache, and BENCH_CONCURRENCY (default 8) × BENCH_ROUNDS (default 3) drawings asked for at
// once (what a campaign's launch does: many participants open their page together) — per poster latency, wall time,
// the event loop's worst stall meanwhile (a stalled loop delays every other request of the process, WeCom's
// callbacks included), and memory (RSS and heap growth, peak RSS). The baseline, in the same run: a bare resvg
// rasterisation of the same SVG (satori's output for one poster, drawn without Pond: new Resvg(svg).render(), on the
// main thread), and satori alone. Drawings at once are limited per process (render.ts DRAW_CONCURRENCY).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import satori from 'satori';
import { Resvg } from '@resvg/resvg-js';
import { createLogger } from '../apps/server/src/platform/log';
import { PosterService, defaultPosterDesign } from '../apps/server/src/modules/posters';
import { percentile } from './lib';

const N = Number(process.env.BENCH_POSTERS ?? process.argv[2] ?? 40);
const C = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE = Number(process.env.BENCH_BASELINE ?? 20);

const mb = (b: number) => Math.round(b / 1024 / 1024);
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms`;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function main() {
  // The service as app.ts builds it, minus what this design never reads (no database, no background picture).
  const corps = { get: async () => ({ name: '鱼塘示范企业' }) };
  const posters = new PosterService({
    pool: null as never, codes: null as never, media: null as never, corps: corps as never, publicUrl: () => 'https://pond.example.com',
    log: createLogger('warn', false),
  });
  const design = defaultPosterDesign({ title: '邀请好友 领好礼', subtitle: '某某 邀请你 · invites you', body: '邀请 3 位好友添加顾问，即得 20 元无门槛券；邀请 10 位再得精美礼盒一份。' });
  const vars = (i: number) => ({ qrText: `https://pond.example.com/l/i/bp${String(i).padStart(10, '0')}`, nickname: `参与者${i}`, staffName: '小鱼顾问' });

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
  const rss0 = process.memoryUsage().rss;

  // The first drawing of the process: loads satori, resvg and the fonts (~20 MB of CJK glyphs).
  let t = performance.now();
  await posters.renderDesign('bench', design, vars(0));
  const firstMs = performance.now() - t;
  console.log(`first poster of the process (modules and fonts loaded): ${firstMs.toFixed(0)} ms`);

  // Baseline: the same poster's SVG (satori's output) rasterised by resvg alone, and satori alone.
  const render = await import('../apps/server/src/modules/posters/render');
  const svg = await render.posterSvg({ design, qrText: vars(0).qrText, texts: { nickname: '参与者0', staff_name: '小鱼顾问', store: '', corp: '鱼塘示范企业' } });
  const bare: number[] = [];
  for (let i = 0; i < BASELINE; i++) {
    t = performance.now();
    const r = new Resvg(svg, { fitTo: { mode: 'width', value: 1080 }, font: { loadSystemFonts: false } }).render();
    r.asPng();
    bare.push(performance.now() - t);
  }
  const satoriOnly: number[] = [];
  const fonts = render.posterFonts();
  for (let i = 0; i < BASELINE; i++) {
    t = performance.now();
    await satori({ type: 'div', props: { style: { display: 'flex', width: 1080, height: 1920, fontFamily: 'Noto Sans SC', fontSize: 48 }, children: `邀请好友 领好礼 ${i}` } } as never, { width: 1080, height: 1920, fonts });
    satoriOnly.push(performance.now() - t);
  }
  console.log(`baseline: bare resvg of the same SVG (${Math.round(svg.length / 1024)} KB) ${fmt(sorted(bare))}; satori alone, one line of text ${fmt(sorted(satoriOnly))}`);

  // Cold, one after another: each participant's first drawing.
  const cold: number[] = [];
  for (let i = 1; i <= N; i++) {
    t = performance.now();
    await posters.renderDesign('bench', design, vars(i));
    cold.push(performance.now() - t);
  }
  console.log(`cold, one at a time (${N}): ${fmt(sorted(cold))}`);

  // Cached: the same posters asked for again.
  const cached: number[] = [];
  const hits = posters.cache.hits;
  for (let i = 1; i <= N; i++) {
    t = performance.now();
    await posters.renderDesign('bench', design, vars(i));
    cached.push(performance.now() - t);
  }
  if (posters.cache.hits - hits !== N) throw new Error(`expected ${N} cache hits, got ${posters.cache.hits - hits}`);
  console.log(`cached (${N}): p50 ${percentile(sorted(cached), 50).toFixed(2)} ms, p99 ${percentile(sorted(cached), 99).toFixed(2)} ms`);

  // Concurrent: C new posters asked for at once, ROUNDS times; the event loop's stalls measured meanwhile.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const conc: number[] = [];
  const wallStart = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    await Promise.all(Array.from({ length: C }, async (_, k) => {
      const a = performance.now();
      await posters.renderDesign('bench', design, vars(10_000 + r * C + k));
      conc.push(performance.now() - a);
    }));
  }
  const wall = performance.now() - wallStart;
  loop.disable();
  const stallMs = loop.max / 1e6;
  const perSec = (C * ROUNDS) / (wall / 1000);
  console.log(`concurrent ${C} × ${ROUNDS}: ${fmt(sorted(conc))}; ${perSec.toFixed(1)} posters/s; event loop worst stall ${stallMs.toFixed(0)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms)`);

  clearInterval(sampler);
  const mem = process.memoryUsage();
  console.log(`memory: rss ${mb(rss0)} → ${mb(mem.rss)} MB (peak ${mb(peakRss)} MB), heap used ${mb(mem.heapUsed)} MB; cache ${posters.cache.size} posters, ${mb(posters.cache.byteSize)} MB`);
  const { DRAW_CONCURRENCY } = render;
  console.log(`RESULT posters n=${N} concurrency=${C} draw_slots=${DRAW_CONCURRENCY} first_ms=${firstMs.toFixed(0)} cold_p50_ms=${percentile(sorted(cold), 50).toFixed(0)} cold_p99_ms=${percentile(sorted(cold), 99).toFixed(0)} `
    + `cached_p99_ms=${percentile(sorted(cached), 99).toFixed(2)} concurrent_p99_ms=${percentile(sorted(conc), 99).toFixed(0)} posters_per_s=${perSec.toFixed(1)} loop_stall_ms=${stallMs.toFixed(0)} `
    + `bare_resvg_p50_ms=${percentile(sorted(bare), 50).toFixed(0)} bare_resvg_p99_ms=${percentile(sorted(bare), 99).toFixed(0)} satori_line_p50_ms=${percentile(sorted(satoriOnly), 50).toFixed(0)} `
    + `rss_peak_mb=${mb(peakRss)} rss_growth_mb=${mb(mem.rss - rss0)}`);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
