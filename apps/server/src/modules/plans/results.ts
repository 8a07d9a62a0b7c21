// Campaign results (活动效果): one comparable table of every live code, broadcast, playbook and campaign over a period.
// Each kind brings a `ResultProvider` (its figures from its own tables, through the SQL its own pages use); the registry
// asks every provider, computes rates and ROI in one place, sorts, totals and writes the CSV. A kind that lands later
// (invite tasks) plugs in with one provider registered in app.ts (ADR 0030).
import type pg from 'pg';
import type { ResultRow, Results, ResultTotals } from '@pond/contracts/plans';
import { RESULTS_MAX_DAYS } from '@pond/contracts/plans';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { addDays, corpZone, dayIn } from '../../platform/time';
import { toCsv } from '../../platform/csv';

/** What a provider is asked: the corp days [from, to] and the instants they span, a store, and which items. */
export interface ResultQuery {
  scope: Scope;
  from: string;
  to: string;
  tz: string;
  /** [lo, hi): `from` 00:00 and `to + 1` 00:00 in the corp's zone. */
  lo: Date;
  hi: Date;
  storeId: number | null;
  /** Only these items (a plan's links), whatever their status or window; absent = every item the period touches. */
  ids?: number[];
}

/** A provider's figures for one item; amounts in fen. The registry adds the rates and ROI. */
export interface ProviderRow {
  id: number; name: string; status: string; reach: number; participants: number; conversions: number; orders: number; gmvFen: number; costFen: number;
}

export interface ResultProvider {
  /** The results page's kind (a campaign kind, or live_code / broadcast / playbook). */
  kind: string;
  /** What each figure counts for this kind, shown on the page (ADR 0030 defines them). */
  meaning: { reach: string; participants: string; conversions: string; orders: string };
  /** Whether a caller of this scope sees this kind at all (e.g. broadcasts: admins and operators only). */
  visibleTo?(scope: Scope): boolean;
  /** The console path of one item's own page. */
  path(id: number): string;
  rows(db: Pick<pg.Pool, 'query'>, q: ResultQuery): Promise<ProviderRow[]>;
}

const yuan = (fen: number) => Math.round(fen) / 100;
const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);
/** ROI = GMV ÷ cost (the rewards the ledger granted), null when nothing was spent. */
export const roiOf = (gmvFen: number, costFen: number) => ratio(gmvFen, costFen);

export function toResultRow(kind: string, path: string, r: ProviderRow): ResultRow {
  return {
    kind, id: r.id, name: r.name, status: r.status, path, reach: r.reach, participants: r.participants, conversions: r.conversions,
    conversionRate: ratio(r.conversions, r.reach), orders: r.orders, gmv: yuan(r.gmvFen), cost: yuan(r.costFen), roi: roiOf(r.gmvFen, r.costFen),
  };
}

/** Totals of rows: sums, and ROI of the sums (not a mean of ROIs). */
export function totalsOf(rows: ResultRow[]): ResultTotals {
  const gmvFen = rows.reduce((a, r) => a + Math.round(r.gmv * 100), 0);
  const costFen = rows.reduce((a, r) => a + Math.round(r.cost * 100), 0);
  return {
    reach: rows.reduce((a, r) => a + r.reach, 0), participants: rows.reduce((a, r) => a + r.participants, 0),
    conversions: rows.reduce((a, r) => a + r.conversions, 0), orders: rows.reduce((a, r) => a + r.orders, 0),
    gmv: yuan(gmvFen), cost: yuan(costFen), roi: roiOf(gmvFen, costFen),
  };
}

const SORT_KEYS = { reach: 'reach', participants: 'participants', conversions: 'conversions', orders: 'orders', gmv: 'gmv', cost: 'cost', roi: 'roi' } as const;

export class ResultRegistry {
  private providers = new Map<string, ResultProvider>();

  constructor(private pool: pg.Pool, providers: ResultProvider[] = []) {
    for (const p of providers) this.register(p);
  }

  /** Adds a kind's provider (one per kind; a second for the same kind is a wiring mistake). */
  register(p: ResultProvider): void {
    if (this.providers.has(p.kind)) throw new Error(`a result provider for ${p.kind} is already registered`);
    this.providers.set(p.kind, p);
  }

  kinds(): string[] {
    return [...this.providers.keys()];
  }

  /** The corp days of a query (default: the last 30 days up to today), checked. */
  async period(corpId: string, q: { from?: string; to?: string }): Promise<{ from: string; to: string; tz: string; lo: Date; hi: Date }> {
    const tz = await corpZone(this.pool, corpId);
    const to = q.to ?? dayIn(new Date(), tz);
    const from = q.from ?? addDays(to, -29);
    if (from > to) throw AppError.validation('from', 'must be on or before to');
    if (addDays(from, RESULTS_MAX_DAYS - 1) < to) throw AppError.validation('to', `must be within ${RESULTS_MAX_DAYS} days of from`);
    const { rows: [b] } = await this.pool.query<{ lo: Date; hi: Date }>(
      `SELECT ($1::date::timestamp AT TIME ZONE $3) AS lo, (($2::date + 1)::timestamp AT TIME ZONE $3) AS hi`, [from, to, tz]);
    return { from, to, tz, lo: b.lo, hi: b.hi };
  }

  /** Rows of one kind (a plan's links: `ids`), or of every kind the caller sees. */
  async rows(scope: Scope, period: { from: string; to: string; tz: string; lo: Date; hi: Date }, opts: { kind?: string; storeId?: number | null; ids?: Record<string, number[]> }): Promise<ResultRow[]> {
    if (opts.kind && !this.providers.has(opts.kind)) throw AppError.validation('kind', `must be one of ${this.kinds().join(', ')}`);
    const out: ResultRow[] = [];
    for (const p of this.providers.values()) {
      if (opts.kind && p.kind !== opts.kind) continue;
      if (p.visibleTo && !p.visibleTo(scope)) continue;
      const ids = opts.ids ? opts.ids[p.kind] ?? [] : undefined;
      if (ids && ids.length === 0) continue;
      const rows = await p.rows(this.pool, { scope, ...period, storeId: opts.storeId ?? null, ids });
      for (const r of rows) out.push(toResultRow(p.kind, p.path(r.id), r));
    }
    return out;
  }

  async results(scope: Scope, q: { from?: string; to?: string; kind?: string; storeId?: number; sort: keyof typeof SORT_KEYS | 'name'; order: 'asc' | 'desc' }): Promise<Results> {
    const period = await this.period(scope.corpId, q);
    const rows = await this.rows(scope, period, { kind: q.kind, storeId: q.storeId ?? null });
    const dir = q.order === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      if (q.sort === 'name') return dir * a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind) || a.id - b.id;
      const k = SORT_KEYS[q.sort];
      // null ROI (nothing spent) sorts last either way.
      const x = a[k] ?? (dir > 0 ? Infinity : -Infinity);
      const y = b[k] ?? (dir > 0 ? Infinity : -Infinity);
      return dir * (x - y) || a.kind.localeCompare(b.kind) || a.id - b.id;
    });
    return {
      from: period.from, to: period.to, rows, totals: totalsOf(rows),
      kinds: [...this.providers.values()].filter((p) => !p.visibleTo || p.visibleTo(scope)).map((p) => ({ kind: p.kind, ...p.meaning })),
    };
  }

  async csv(scope: Scope, q: Parameters<ResultRegistry['results']>[1]): Promise<string> {
    const r = await this.results(scope, q);
    return resultsCsv(r.rows, await corpZone(this.pool, scope.corpId));
  }
}

export const RESULT_CSV_COLUMNS = [
  { key: 'kind', header: '类型 Kind' }, { key: 'id', header: 'ID' }, { key: 'name', header: '名称 Name' }, { key: 'status', header: '状态 Status' },
  { key: 'reach', header: '触达 Reach' }, { key: 'participants', header: '参与 Participants' }, { key: 'conversions', header: '转化 Conversions' },
  { key: 'conversionRate', header: '转化率 Conversion rate' }, { key: 'orders', header: '订单 Orders' }, { key: 'gmv', header: 'GMV (¥)' },
  { key: 'cost', header: '成本 Cost (¥)' }, { key: 'roi', header: 'ROI' },
];

export function resultsCsv(rows: ResultRow[], tz: string): string {
  return toCsv(RESULT_CSV_COLUMNS, rows.map((r) => ({ ...r, gmv: r.gmv.toFixed(2), cost: r.cost.toFixed(2), roi: r.roi ?? '', conversionRate: r.conversionRate ?? '' })), tz);
}
