// Activity plans (活动策划) and their review (复盘): a plan is the seeds' checklist; the review is read, never stored —
// the goal and the expected output against the corp's Measure numbers over the plan's days (funnel, commerce) and the
// linked items' results (the same providers as the results page), per day and per channel, cost against the budget,
// what was sent, and the notes. Exports: CSV here, the print page in the console.
import type pg from 'pg';
import type { z } from 'zod';
import type { Plan, PlanInput, PlanListQuery, PlanMetric, PlanPatch, PlanReview, ResultRow } from '@pond/contracts/plans';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { addDays, corpZone, dayIn } from '../../platform/time';
import { toCsv } from '../../platform/csv';
import type { AnalyticsService } from '../analytics';
import * as repo from './repo';
import { totalsOf, type ResultRegistry } from './results';

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);

function toPlan(r: repo.PlanRow): Plan {
  return {
    id: r.id, name: r.name, status: r.status, purpose: r.purpose, theme: r.theme, goal: { metric: r.goal_metric, target: r.goal_target },
    reserve: r.reserve, budgetFen: r.budget_fen, channels: r.channels, startsOn: r.starts_on, endsOn: r.ends_on, milestones: r.milestones,
    expected: r.expected, expectedText: r.expected_text, storeId: r.store_id, links: { ...repo.emptyLinks(), ...r.links }, notes: r.notes,
    review: r.review, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export class PlanService {
  constructor(private pool: pg.Pool, private deps: { results: ResultRegistry; analytics: AnalyticsService }) {}

  async create(corpId: string, input: z.output<typeof PlanInput>, actor: string | null): Promise<Plan> {
    return toPlan(await repo.insertPlan(this.pool, corpId, input, actor));
  }

  async update(corpId: string, id: number, patch: z.output<typeof PlanPatch>): Promise<Plan> {
    const cur = await this.row(corpId, id);
    const startsOn = patch.startsOn ?? cur.starts_on;
    const endsOn = patch.endsOn ?? cur.ends_on;
    if (endsOn < startsOn) throw AppError.validation(patch.endsOn ? 'endsOn' : 'startsOn', patch.endsOn ? 'must be on or after startsOn' : 'must be on or before endsOn');
    if (addDays(startsOn, 365) < endsOn) throw AppError.validation('endsOn', 'must be within 366 days of startsOn');
    const r = await repo.updatePlan(this.pool, corpId, id, patch);
    if (!r) throw AppError.notFound(`plan ${id}`);
    return toPlan(r);
  }

  private async row(corpId: string, id: number): Promise<repo.PlanRow> {
    const r = await repo.getPlan(this.pool, corpId, id);
    if (!r) throw AppError.notFound(`plan ${id}`);
    return r;
  }

  async get(corpId: string, id: number): Promise<Plan> {
    return toPlan(await this.row(corpId, id));
  }

  async list(scope: Scope, q: z.output<typeof PlanListQuery>): Promise<{ items: Plan[]; total: number }> {
    const { rows, total } = await repo.listPlans(this.pool, scope, q);
    return { items: rows.map(toPlan), total };
  }

  async remove(corpId: string, id: number): Promise<void> {
    if (!(await repo.deletePlan(this.pool, corpId, id))) throw AppError.notFound(`plan ${id}`);
  }

  /** The linked items' results over the plan's days (the results page's providers, asked for these ids). */
  async linkedResults(scope: Scope, plan: Plan, period: Awaited<ReturnType<ResultRegistry['period']>>): Promise<ResultRow[]> {
    const ids: Record<string, number[]> = {
      live_code: plan.links.liveCodeIds, broadcast: plan.links.broadcastIds, playbook: plan.links.playbookIds,
      ...Object.fromEntries(await repo.campaignKinds(this.pool, scope.corpId, plan.links.campaignIds)),
    };
    return this.deps.results.rows(scope, period, { storeId: plan.storeId, ids });
  }

  async review(scope: Scope, id: number): Promise<PlanReview> {
    const plan = await this.get(scope.corpId, id);
    const { results, analytics } = this.deps;
    const period = await results.period(scope.corpId, { from: plan.startsOn, to: plan.endsOn });
    const store = plan.storeId ? { storeId: plan.storeId } : {};
    const [linked, byDay, byChannel, commerce, daily, sent] = await Promise.all([
      this.linkedResults(scope, plan, period),
      analytics.funnel(scope, { from: period.from, to: period.to, by: 'day', ...store }),
      analytics.funnel(scope, { from: period.from, to: period.to, by: 'channel', ...store }),
      analytics.commerce(scope, { from: period.from, to: period.to, by: 'channel', touch: 'last', ...store }),
      repo.linkedDaily(this.pool, scope.corpId, plan.links.campaignIds, period.lo, period.hi, period.tz, plan.storeId),
      repo.sentIn(this.pool, scope.corpId, period.lo, period.hi, period.tz, plan.storeId),
    ]);
    const totals = totalsOf(linked);
    const actual: Record<PlanMetric, number | null> = {
      new_customers: byDay.totals.added, gmv: commerce.gmv, orders: commerce.orders, buyers: commerce.buyers, repurchase_rate: commerce.repurchaseRate,
      reach: totals.reach, participants: totals.participants, conversions: totals.conversions, campaign_orders: totals.orders, campaign_gmv: totals.gmv, roi: totals.roi,
    };
    const row = (metric: PlanMetric, target: number | null) => ({ metric, target, actual: actual[metric], progress: target && actual[metric] !== null ? ratio(actual[metric], target) : null });
    const targets = new Map(plan.expected.map((e) => [e.metric, e.target]));
    targets.set(plan.goal.metric, plan.goal.target);
    const metrics = (Object.keys(actual) as PlanMetric[]).map((m) => row(m, targets.get(m) ?? null));

    const newByDay = new Map(byDay.rows.map((r) => [r.key, r.added]));
    const salesByDay = new Map(commerce.daily.map((d) => [d.date, d]));
    const days: PlanReview['days'] = [];
    let cumulative = 0;
    for (let d = period.from; d <= period.to; d = addDays(d, 1)) {
      const l = daily.get(d);
      cumulative += l?.costFen ?? 0;
      days.push({
        date: d, newCustomers: newByDay.get(d) ?? 0, orders: salesByDay.get(d)?.orders ?? 0, gmv: salesByDay.get(d)?.gmv ?? 0,
        participants: l?.participants ?? 0, cost: (l?.costFen ?? 0) / 100, cumulativeCost: cumulative / 100,
      });
    }

    const planned = new Set(plan.channels.map((c) => c.name));
    const channelNames = new Set([...planned, ...byChannel.rows.map((r) => r.key), ...commerce.rows.map((r) => r.key)]);
    const added = new Map(byChannel.rows.map((r) => [r.key, r.added]));
    const sales = new Map(commerce.rows.map((r) => [r.key, r]));
    const channels = [...channelNames].map((c) => ({
      channel: c, planned: planned.has(c), newCustomers: added.get(c) ?? 0, orders: sales.get(c)?.orders ?? 0, gmv: sales.get(c)?.gmv ?? 0,
    })).sort((a, b) => Number(b.planned) - Number(a.planned) || b.gmv - a.gmv || b.newCustomers - a.newCustomers || a.channel.localeCompare(b.channel));

    const linkedIds = { broadcast: new Set(plan.links.broadcastIds), playbook: new Set(plan.links.playbookIds), moment: new Set<number>() };
    const today = dayIn(new Date(), period.tz);
    const budget = plan.budgetFen === null ? null : plan.budgetFen / 100;
    return {
      plan, from: period.from, to: period.to,
      state: today < plan.startsOn ? 'upcoming' : today > plan.endsOn ? 'ended' : 'running',
      goal: row(plan.goal.metric, plan.goal.target),
      metrics,
      cost: { spent: totals.cost, budget, ratio: budget ? ratio(totals.cost, budget) : null },
      days, channels,
      // Broadcasts are not a store manager's (as their own pages).
      sent: sent.filter((s) => !scope.storeIds || s.kind !== 'broadcast').map((s) => ({ ...s, linked: linkedIds[s.kind].has(s.id) })),
      linked, linkedTotals: totals,
      milestones: plan.milestones.map((m) => ({ ...m, overdue: !m.done && m.date < today })),
    };
  }

  /** The review as one CSV: the metrics (target, actual, progress), the days, and the linked items. */
  async reviewCsv(scope: Scope, id: number): Promise<{ csv: string; name: string }> {
    const r = await this.review(scope, id);
    const tz = await corpZone(this.pool, scope.corpId);
    const rows: Record<string, unknown>[] = [
      ...r.metrics.map((m) => ({ section: '指标 metric', name: m.metric, target: m.target ?? '', actual: m.actual ?? '', progress: m.progress ?? '' })),
      { section: '成本 cost', name: 'budget', target: r.cost.budget ?? '', actual: r.cost.spent, progress: r.cost.ratio ?? '' },
      ...r.days.map((d) => ({ section: '每日 day', name: d.date, newCustomers: d.newCustomers, orders: d.orders, gmv: d.gmv.toFixed(2), participants: d.participants, cost: d.cost.toFixed(2) })),
      ...r.channels.map((c) => ({ section: '渠道 channel', name: c.channel, newCustomers: c.newCustomers, orders: c.orders, gmv: c.gmv.toFixed(2) })),
      ...r.linked.map((l) => ({
        section: `关联 ${l.kind}`, name: `${l.name} #${l.id}`, reach: l.reach, participants: l.participants, conversions: l.conversions, orders: l.orders,
        gmv: l.gmv.toFixed(2), cost: l.cost.toFixed(2), roi: l.roi ?? '',
      })),
      ...r.sent.map((s) => ({ section: `发送 ${s.kind}`, name: `${s.name} #${s.id}`, at: s.at, reach: s.count })),
    ];
    const csv = toCsv([
      { key: 'section', header: '部分 Section' }, { key: 'name', header: '项目 Item' }, { key: 'target', header: '目标 Target' }, { key: 'actual', header: '实际 Actual' },
      { key: 'progress', header: '完成率 Progress' }, { key: 'at', header: '时间 At' }, { key: 'newCustomers', header: '新客 New customers' },
      { key: 'reach', header: '触达 Reach' }, { key: 'participants', header: '参与 Participants' }, { key: 'conversions', header: '转化 Conversions' },
      { key: 'orders', header: '订单 Orders' }, { key: 'gmv', header: 'GMV (¥)' }, { key: 'cost', header: '成本 Cost (¥)' }, { key: 'roi', header: 'ROI' },
    ], rows, tz);
    return { csv, name: `plan-${id}-review.csv` };
  }
}
