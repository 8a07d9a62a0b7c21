// The Measure pages (数据): the five-stage funnel, cohorts and commerce numbers, from the rollups (ADR 0023), and the
// job that keeps the rollups current (nightly for the day that ended, every few minutes for today).
import type pg from 'pg';
import type { z } from 'zod';
import type { AnalyticsSettings, Cohorts, Commerce, CommerceSide, Funnel, FunnelCounts, FunnelStage } from '@pond/contracts/analytics';
import { FUNNEL_STAGES, type CohortQuery, type CommerceQuery, type FunnelQuery } from '@pond/contracts/analytics';
import type { Scope } from '../../platform/auth';
import { defineClock, EVERY_TEN_MINUTES, type Queue } from '../../platform/queue';
import type { Logger } from '../../platform/log';
import { addDays, corpZone, dayIn } from '../../platform/time';
import { AppError } from '../../platform/errors';
import type { Cols } from '../../platform/db/rows';
import * as repo from './repo';
import { readSettings, refresh, writeSettings, type RefreshOptions, type RefreshResult } from './rollup';

/** Days a period may span (a year and a day: a leap year's whole year). */
export const MAX_PERIOD_DAYS = 366;

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);
const yuan = (fen: number | string): number => Math.round(Number(fen)) / 100;

/** The five stages of a slice: numerator and denominator. */
export function stageParts(c: FunnelCounts): Record<FunnelStage, [number, number]> {
  return {
    acquire: [c.codeAdded, c.scanned],
    activate: [c.activated, c.added],
    retain: [c.retained, c.retainDue],
    convert: [c.converted, c.added],
    spread: [c.spread, c.added],
  };
}

function counts(r: repo.FunnelSums | undefined): FunnelCounts {
  return {
    scanned: r?.scanned ?? 0, added: r?.added ?? 0, codeAdded: r?.code_added ?? 0, activated: r?.activated ?? 0, retainDue: r?.retain_due ?? 0,
    retained: r?.retained ?? 0, converted: r?.converted ?? 0, spread: r?.spread ?? 0,
  };
}

function side(customers: number, buyers: number, repeat: number, orders: number, fen: number | string): CommerceSide {
  const gmv = yuan(fen);
  return {
    customers, buyers, repeatBuyers: repeat, orders, gmv, repurchaseRate: ratio(repeat, buyers), frequency: ratio(orders, buyers),
    aov: orders > 0 ? Math.round((Number(fen) / orders)) / 100 : null,
  };
}

export class AnalyticsService {
  /** Nightly (and on each worker start): every corp's rollups brought up to date, the day that ended included. */
  // Every 10 minutes: today stays current, and the first pass after midnight closes yesterday.
  readonly rollupJob = defineClock('analytics.rollup', EVERY_TEN_MINUTES, () => this.refreshAll(), { retryLimit: 3, retryDelaySeconds: 120, expireInMinutes: 120 });

  constructor(private pool: pg.Pool, private log: Logger, private queue?: Queue) {}

  async refreshAll(): Promise<void> {
    const { rows } = await this.pool.query<Cols<'corps', 'id'>>('SELECT id FROM corps ORDER BY id');
    for (const { id } of rows) {
      const started = Date.now();
      const r = await refresh(this.pool, id);
      const ms = Date.now() - started;
      this.log[ms >= 1000 ? 'info' : 'debug']({ corpId: id, ...r, ms }, 'analytics rollups refreshed');
    }
  }

  refresh(corpId: string, opts?: RefreshOptions): Promise<RefreshResult> {
    return refresh(this.pool, corpId, opts);
  }

  async settings(corpId: string): Promise<AnalyticsSettings> {
    const { version: _v, ...s } = await readSettings(this.pool, corpId);
    return s;
  }

  async updateSettings(corpId: string, input: Partial<AnalyticsSettings>, by: string): Promise<AnalyticsSettings> {
    await writeSettings(this.pool, corpId, input, by);
    // The next pass rebuilds everything with the new definitions: run it now rather than at the next ten minutes.
    await this.queue?.send(this.rollupJob, {}, { singletonKey: 'settings' });
    return this.settings(corpId);
  }

  /** The period asked for, in the corp's days: default the last 30 days, today included. */
  private async period(corpId: string, q: { from?: string; to?: string }): Promise<repo.Period & { tz: string; now: Date }> {
    const tz = await corpZone(this.pool, corpId);
    const now = new Date();
    const to = q.to ?? dayIn(now, tz);
    const from = q.from ?? addDays(to, -29);
    if (from > to) throw AppError.validation('from', 'must be on or before to');
    if (Date.parse(to) - Date.parse(from) >= MAX_PERIOD_DAYS * 86400_000) throw AppError.validation('from', `a period spans at most ${MAX_PERIOD_DAYS} days`);
    return { from, to, tz, now };
  }

  async funnel(scope: Scope, q: z.output<typeof FunnelQuery>): Promise<Funnel> {
    const { from, to } = await this.period(scope.corpId, q);
    const f = { storeId: q.storeId, userid: q.userid, channel: q.channel };
    const len = Math.round((Date.parse(to) - Date.parse(from)) / 86400_000) + 1;
    const prev = { from: addDays(from, -len), to: addDays(from, -1) };
    const [[before], rows, { version, ...s }, run] = await Promise.all([
      repo.funnelSums(this.pool, scope, f, prev, 'all'),
      repo.funnelSums(this.pool, scope, f, { from, to }, q.by), readSettings(this.pool, scope.corpId), repo.lastRun(this.pool, scope.corpId),
    ]);
    // Every row has one key: the totals are the rows' sums (one read of the period, not two).
    const totals = rows.map(counts).reduce((a, c) => {
      for (const k of Object.keys(a) as (keyof FunnelCounts)[]) a[k] += c[k];
      return a;
    }, counts(undefined));
    const parts = stageParts(totals);
    const prevParts = stageParts(counts(before));
    const stages = FUNNEL_STAGES.map((stage) => {
      const rate = ratio(...parts[stage]);
      const previousRate = ratio(...prevParts[stage]);
      return { stage, numerator: parts[stage][0], denominator: parts[stage][1], rate, previousRate, change: rate !== null && previousRate ? ratio(rate, previousRate) : null };
    });
    const product = stages.every((x) => x.rate !== null) ? Math.round(stages.reduce((n, x) => n * x.rate!, 1) * 1e6) / 1e6 : null;
    const productChange = stages.every((x) => x.change !== null) ? Math.round(stages.reduce((n, x) => n * x.change!, 1) * 1e4) / 1e4 : null;
    const names = await repo.namesOf(this.pool, scope.corpId, q.by, rows.map((r) => r.key));
    return {
      from, to, totals, stages, product, productChange, settings: s, asOf: run.ranAt?.toISOString() ?? null,
      rebuilding: run.settingsVersion !== null && run.settingsVersion !== version,
      rows: rows.map((r) => {
        const c = counts(r);
        const p = stageParts(c);
        return {
          key: r.key, name: names.get(r.key) ?? r.key, ...c,
          rates: Object.fromEntries(FUNNEL_STAGES.map((st) => [st, ratio(...p[st])])) as Record<FunnelStage, number | null>,
        };
      }),
    };
  }

  async cohorts(scope: Scope, q: z.output<typeof CohortQuery>): Promise<Cohorts> {
    const tz = await corpZone(this.pool, scope.corpId);
    const now = new Date();
    const unitDays = q.unit === 'week' ? 7 : 30;
    const to = q.to ?? dayIn(now, tz);
    const from = q.from ?? addDays(to, -(q.span * unitDays - 1));
    if (from > to) throw AppError.validation('from', 'must be on or before to');
    const f = { storeId: q.storeId, userid: q.userid, channel: q.channel };
    const today = dayIn(now, tz);
    // Period k of a cohort is shown once the cohort's last day has reached it.
    const unitEnd = (cohort: string) => (q.unit === 'week' ? addDays(cohort, 6) : addDays(`${cohort.slice(0, 7)}-01`, new Date(Date.UTC(Number(cohort.slice(0, 4)), Number(cohort.slice(5, 7)), 0)).getUTCDate() - 1));
    const reached = (cohort: string, k: number) => addDays(unitEnd(cohort), k * unitDays) <= today;
    const span = q.span;
    if (q.kind === 'contact') {
      const rows = await repo.contactCohorts(this.pool, scope, f, { from, to }, q.unit, now);
      const by = new Map<string, { size: number; cells: number[] }>();
      for (const r of rows) {
        const c = by.get(r.cohort) ?? { size: 0, cells: new Array<number>(span).fill(0) };
        c.size += r.n;
        for (let k = 0; k < span; k++) if (r.lost === null || r.lost >= k) c.cells[k] += r.n;
        by.set(r.cohort, c);
      }
      return {
        unit: q.unit, kind: q.kind,
        rows: [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cohort, c]) => ({ cohort, size: c.size, cells: c.cells.map((n, k) => (reached(cohort, k) ? n : null)) })),
      };
    }
    const { sizes, cells } = await repo.orderCohorts(this.pool, scope, f, { from, to, tz }, q.unit);
    return {
      unit: q.unit, kind: q.kind,
      rows: sizes.sort((a, b) => a.cohort.localeCompare(b.cohort)).map((s) => ({
        cohort: s.cohort, size: s.n,
        cells: Array.from({ length: span }, (_, k) => (reached(s.cohort, k) ? cells.find((c) => c.cohort === s.cohort && c.k === k)?.n ?? 0 : null)),
      })),
    };
  }

  async commerce(scope: Scope, q: z.output<typeof CommerceQuery>): Promise<Commerce> {
    const { from, to, now, tz } = await this.period(scope.corpId, q);
    const f = { storeId: q.storeId, userid: q.userid, channel: q.channel };
    const s = await this.settings(scope.corpId);
    const [[total], rows, daily, b, ww, ba] = await Promise.all([
      repo.orderSums(this.pool, scope, f, { from, to }, q.touch, 'all'), repo.orderSums(this.pool, scope, f, { from, to }, q.touch, q.by),
      repo.orderSums(this.pool, scope, f, { from, to }, q.touch, 'day'), repo.buyerSums(this.pool, scope, f, { from, to, tz }, s.activeDays),
      repo.withWithout(this.pool, scope, f, { from, to }), repo.beforeAfter(this.pool, scope, f, { from, to, tz }, now),
    ]);
    const names = await repo.namesOf(this.pool, scope.corpId, q.by, rows.map((r) => r.key));
    const orders = total?.orders ?? 0;
    const fen = Number(total?.fen ?? 0);
    const days = new Map(daily.map((d) => [d.key, d]));
    const series = [];
    for (let d = from; d <= to; d = addDays(d, 1)) series.push({ date: d, orders: days.get(d)?.orders ?? 0, gmv: yuan(days.get(d)?.fen ?? 0) });
    return {
      from, to, gmv: yuan(fen), orders, aov: orders ? Math.round(fen / orders) / 100 : null,
      buyers: b.buyers, repeatBuyers: b.repeat_buyers, repurchaseRate: ratio(b.repeat_buyers, b.buyers), frequency: ratio(b.orders, b.buyers),
      firstOrders: b.first_orders, mau: b.mau, byTouch: q.touch,
      rows: rows.map((r) => ({ key: r.key, name: names.get(r.key) ?? r.key, orders: r.orders, gmv: yuan(r.fen) })),
      daily: series,
      withWithout: {
        joined: side(ww.joined.customers, ww.joined.buyers, ww.joined.repeat_buyers, ww.joined.orders, ww.joined.fen),
        notJoined: side(ww.not_joined.customers, ww.not_joined.buyers, ww.not_joined.repeat_buyers, ww.not_joined.orders, ww.not_joined.fen),
      },
      beforeAfter: {
        customers: ba.customers,
        before: side(ba.customers, ba.b_buyers, ba.b_repeat, ba.b_orders, ba.b_fen),
        after: side(ba.customers, ba.a_buyers, ba.a_repeat, ba.a_orders, ba.a_fen),
      },
    };
  }

  channels(corpId: string): Promise<string[]> {
    return repo.channels(this.pool, corpId);
  }
}
