// Campaign results and activity plans (活动效果 / 活动策划 / 复盘, issue 15; ADR 0030). Results: every live code,
// broadcast, playbook and campaign of any kind on one comparable table — reach, participants, conversions, orders, GMV,
// cost (rewards from the ledger) and ROI over a period. Plans: the seeds' checklist (purpose, theme, reserve, promotion
// channels, time nodes, expected output, data review) as a form; the review fills itself from the same numbers.
import { z } from 'zod';
import { DateTime, Day, Int4, ItemsOf, List, RequiredText, RowId, RowIdParam, Text } from './common';

/** Kinds the results page knows today; a module that lands later registers its own kind (any lowercase word). */
export const RESULT_KINDS = ['live_code', 'broadcast', 'playbook', 'lottery', 'checkin', 'coupon', 'groupbuy', 'bargain', 'referral', 'redpacket'] as const;
export const ResultKindName = z.string().regex(/^[a-z][a-z_]{1,29}$/, 'must be a result kind (lowercase letters and _)');

export const RESULT_SORTS = ['reach', 'participants', 'conversions', 'orders', 'gmv', 'cost', 'roi', 'name'] as const;

/** Days a results period may span (a leap year and a day). */
export const RESULTS_MAX_DAYS = 366;

export const ResultsQuery = z.object({
  /** Corp days (default: the last 30 days up to today). */
  from: Day.optional(),
  to: Day.optional(),
  kind: ResultKindName.optional(),
  storeId: RowIdParam.optional(),
  sort: z.enum(RESULT_SORTS, { message: `must be one of ${RESULT_SORTS.join(', ')}` }).default('gmv'),
  order: z.enum(['asc', 'desc'], { message: 'must be asc or desc' }).default('desc'),
});
export type ResultsQuery = z.input<typeof ResultsQuery>;

/** One campaign's figures over the period; amounts in yuan. ROI = GMV ÷ cost (null without cost). */
export const ResultRow = z.object({
  kind: z.string(),
  id: z.number(),
  name: z.string(),
  status: z.string(),
  /** The console page of the item (its own detail). */
  path: z.string(),
  reach: z.number(),
  participants: z.number(),
  conversions: z.number(),
  /** conversions ÷ reach. */
  conversionRate: z.number().nullable(),
  orders: z.number(),
  gmv: z.number(),
  cost: z.number(),
  roi: z.number().nullable(),
});
export type ResultRow = z.infer<typeof ResultRow>;

export const ResultTotals = z.object({
  reach: z.number(), participants: z.number(), conversions: z.number(), orders: z.number(), gmv: z.number(), cost: z.number(), roi: z.number().nullable(),
});
export type ResultTotals = z.infer<typeof ResultTotals>;

export const ResultKindInfo = z.object({
  kind: z.string(),
  /** What reach, participants and conversions count for this kind (shown on the page). */
  reach: z.string(), participants: z.string(), conversions: z.string(), orders: z.string(),
});
export const Results = z.object({
  from: Day, to: Day,
  rows: z.array(ResultRow),
  totals: ResultTotals,
  kinds: z.array(ResultKindInfo),
});
export type Results = z.infer<typeof Results>;

// ---- plans ----

/** Goal metrics: from the corp's Measure numbers over the plan's days (new customers, GMV, orders, buyers, repurchase) or
 * summed over the plan's linked campaigns (reach, participants, conversions, campaign GMV and orders, cost, ROI). */
export const PLAN_METRICS = [
  'new_customers', 'gmv', 'orders', 'buyers', 'repurchase_rate',
  'reach', 'participants', 'conversions', 'campaign_orders', 'campaign_gmv', 'roi',
] as const;
export const PlanMetric = z.enum(PLAN_METRICS, { message: `must be one of ${PLAN_METRICS.join(', ')}` });
export type PlanMetric = z.infer<typeof PlanMetric>;
/** Metrics that are ratios (targets between 0 and 1 for rates; ROI any multiple). */
export const RATIO_METRICS: readonly PlanMetric[] = ['repurchase_rate', 'roi'];
/** Metrics in yuan. */
export const YUAN_METRICS: readonly PlanMetric[] = ['gmv', 'campaign_gmv'];

export const PLAN_STATUSES = ['draft', 'active', 'done'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_LINK_MAX = 50;

const Target = z.number({ message: 'must be a number' }).min(0, 'must be ≥ 0').max(1e12, 'must be at most 1,000,000,000,000');
export const MetricTarget = z.object({ metric: PlanMetric, target: Target }).strict();

export const Milestone = z.object({ date: Day, label: RequiredText(100), done: z.boolean().default(false) }).strict();
export const PromotionChannel = z.object({ name: RequiredText(30), note: Text(200).default('') }).strict();

export const PlanLinks = z.object({
  campaignIds: List(RowId, PLAN_LINK_MAX).default([]),
  liveCodeIds: List(RowId, PLAN_LINK_MAX).default([]),
  broadcastIds: List(RowId, PLAN_LINK_MAX).default([]),
  playbookIds: List(RowId, PLAN_LINK_MAX).default([]),
}).strict();
export type PlanLinks = z.output<typeof PlanLinks>;

export const ReviewNotes = z.object({ worked: Text(4000).default(''), didnt: Text(4000).default(''), next: Text(4000).default('') }).strict();

const planFields = {
  name: RequiredText(60),
  /** 目的: why the activity is run. */
  purpose: Text(1000).default(''),
  /** 主题 */
  theme: Text(200).default(''),
  /** The goal: one metric and its target. */
  goal: MetricTarget,
  /** 储备: prizes, stock and people prepared; the budget in fen. */
  reserve: Text(1000).default(''),
  budgetFen: Int4(0).nullable().default(null),
  /** 推广渠道 */
  channels: List(PromotionChannel, 20).default([]),
  /** 时间节点: the plan's days (corp zone) and its milestones. */
  startsOn: Day,
  endsOn: Day,
  milestones: List(Milestone, 50).default([]),
  /** 预计产出: targets of other metrics, and the words. */
  expected: List(MetricTarget, PLAN_METRICS.length).default([]),
  expectedText: Text(1000).default(''),
  /** One store's plan (its numbers narrowed to it), or the whole corp's. */
  storeId: RowId.nullable().default(null),
  links: PlanLinks.default({ campaignIds: [], liveCodeIds: [], broadcastIds: [], playbookIds: [] }),
  notes: Text(4000).default(''),
};

function checkPlan(p: { startsOn?: string; endsOn?: string; milestones?: { date: string }[]; expected?: { metric: string; target: number }[]; goal?: { metric: string; target: number } }, ctx: z.RefinementCtx) {
  if (p.startsOn && p.endsOn && p.endsOn < p.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'must be on or after startsOn' });
  if (p.startsOn && p.endsOn) {
    const days = (Date.parse(p.endsOn) - Date.parse(p.startsOn)) / 86_400_000;
    if (days > 365) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'must be within 366 days of startsOn' });
  }
  const seen = new Set<string>();
  p.expected?.forEach((e, i) => {
    if (seen.has(e.metric)) ctx.addIssue({ code: 'custom', path: ['expected', i, 'metric'], message: `${e.metric} is listed twice` });
    seen.add(e.metric);
  });
  if (p.goal && p.goal.metric === 'repurchase_rate' && p.goal.target > 1) ctx.addIssue({ code: 'custom', path: ['goal', 'target'], message: 'must be a rate between 0 and 1' });
  p.expected?.forEach((e, i) => {
    if (e.metric === 'repurchase_rate' && e.target > 1) ctx.addIssue({ code: 'custom', path: ['expected', i, 'target'], message: 'must be a rate between 0 and 1' });
  });
}

export const PlanInput = z.object(planFields).strict().superRefine(checkPlan);
export type PlanInput = z.input<typeof PlanInput>;
export const PlanPatch = z.object({
  ...Object.fromEntries(Object.entries(planFields).map(([k, v]) => [k, (v instanceof z.ZodDefault ? v.unwrap() : v).optional()])) as {
    [K in keyof typeof planFields]: z.ZodOptional<(typeof planFields)[K] extends z.ZodDefault<infer I> ? I : (typeof planFields)[K]>
  },
  status: z.enum(PLAN_STATUSES, { message: `must be one of ${PLAN_STATUSES.join(', ')}` }).optional(),
  review: ReviewNotes.optional(),
}).strict().superRefine(checkPlan);
export type PlanPatch = z.input<typeof PlanPatch>;

export const Plan = z.object({
  id: z.number(), name: z.string(), status: z.enum(PLAN_STATUSES), purpose: z.string(), theme: z.string(),
  goal: z.object({ metric: PlanMetric, target: z.number() }),
  reserve: z.string(), budgetFen: z.number().nullable(),
  channels: z.array(z.object({ name: z.string(), note: z.string() })),
  startsOn: Day, endsOn: Day,
  milestones: z.array(z.object({ date: Day, label: z.string(), done: z.boolean() })),
  expected: z.array(z.object({ metric: PlanMetric, target: z.number() })), expectedText: z.string(),
  storeId: z.number().nullable(),
  links: z.object({ campaignIds: z.array(z.number()), liveCodeIds: z.array(z.number()), broadcastIds: z.array(z.number()), playbookIds: z.array(z.number()) }),
  notes: z.string(),
  review: z.object({ worked: z.string(), didnt: z.string(), next: z.string() }),
  createdBy: z.string().nullable(), createdAt: DateTime, updatedAt: DateTime,
});
export type Plan = z.infer<typeof Plan>;

export const PlanListQuery = z.object({
  status: z.enum(PLAN_STATUSES, { message: `must be one of ${PLAN_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const PlanList = z.object({ items: z.array(Plan), total: z.number() });

export const MetricRow = z.object({
  metric: PlanMetric,
  target: z.number().nullable(),
  actual: z.number().nullable(),
  /** actual ÷ target (null without a target). */
  progress: z.number().nullable(),
});
export const ReviewDay = z.object({
  date: Day, newCustomers: z.number(), orders: z.number(), gmv: z.number(),
  participants: z.number(), cost: z.number(), cumulativeCost: z.number(),
});
export const ReviewChannel = z.object({
  channel: z.string(), planned: z.boolean(), newCustomers: z.number(), orders: z.number(), gmv: z.number(),
});
export const SentItem = z.object({
  kind: z.enum(['broadcast', 'moment', 'playbook']), id: z.number(), name: z.string(), at: DateTime,
  /** The day in the corp's zone. */
  day: Day,
  count: z.number(),
  linked: z.boolean(),
});
export const PlanReview = z.object({
  plan: Plan,
  from: Day, to: Day,
  /** Today is within the plan (numbers still move), or after it. */
  state: z.enum(['upcoming', 'running', 'ended']),
  goal: MetricRow,
  metrics: z.array(MetricRow),
  cost: z.object({ spent: z.number(), budget: z.number().nullable(), ratio: z.number().nullable() }),
  days: z.array(ReviewDay),
  channels: z.array(ReviewChannel),
  sent: z.array(SentItem),
  linked: z.array(ResultRow),
  linkedTotals: ResultTotals,
  milestones: z.array(z.object({ date: Day, label: z.string(), done: z.boolean(), overdue: z.boolean() })),
});
export type PlanReview = z.infer<typeof PlanReview>;

export const PlanIdParams = z.object({ id: RowIdParam });
export const PlanItems = ItemsOf(Plan);
