// Segment rules: nested AND/OR over tags (any/all/none of), attributes (gender, store, staff, channel,
// added between), behaviour (event X at least/at most N times in the last D days) and orders (last order
// within D days, order count, total spent; RFM buckets against the corp's thresholds), compiled to one
// SQL condition over `customers c` (active customers of the corp, within the caller's scope). A rule is bounded
// (RULE_LIMITS, array sizes) when it is saved and again whenever a saved one is used, so every rule compiles.
import { z } from 'zod';
import { Params } from '../../platform/sql';
import { AppError } from '../../platform/errors';
import { boundedRule, List, RowId, TagId, Text, Userid, Yuan, ruleShapeProblem } from '../../platform/schemas';
import { bucketCode, RFM_BUCKET_NAMES, type RfmBucket } from '../commerce';
import type { EventWindows } from './windows';

export const EVENT_TYPES = ['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed', 'order.paid'] as const;

/** Levels of and/or groups, and conditions plus groups in one rule: a statement stays small and quick to plan. */
export const RULE_LIMITS = { depth: 5, nodes: 200 };

export const Condition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tags'), mode: z.enum(['any', 'all', 'none'], { message: 'must be any, all or none' }), tagIds: List(TagId, 100).min(1, 'choose at least one tag') }),
  z.object({ type: z.literal('gender'), values: List(z.number().int().min(0).max(2), 3).min(1, 'choose at least one') }),
  z.object({ type: z.literal('staff'), userids: List(Userid, 1000).min(1, 'choose at least one staff member') }),
  z.object({ type: z.literal('store'), storeIds: List(RowId, 1000).min(1, 'choose at least one store') }),
  z.object({ type: z.literal('channel'), channels: List(Text(30), 100).min(1, 'choose at least one channel') }),
  z.object({ type: z.literal('added'), from: z.string().date('must be YYYY-MM-DD').optional(), to: z.string().date('must be YYYY-MM-DD').optional() }),
  z.object({
    type: z.literal('event'), eventType: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }),
    op: z.enum(['atLeast', 'atMost'], { message: 'must be atLeast or atMost' }),
    count: z.number().int().min(0).max(100000), days: z.number().int().min(1, 'must be ≥ 1').max(3650),
  }),
  // recency: the last order (refunds excluded) within / not within the last `value` days (customers without
  // orders match neither); frequency: order count; monetary: total spent in yuan (no orders count as 0).
  z.object({
    type: z.literal('orders'),
    metric: z.enum(['recency', 'frequency', 'monetary'], { message: 'must be recency, frequency or monetary' }),
    op: z.enum(['within', 'notWithin', 'atLeast', 'atMost'], { message: 'must be within, notWithin, atLeast or atMost' }),
    value: z.number({ message: 'must be a number' }).min(0, 'must be ≥ 0'),
  }).superRefine((c, ctx) => {
    const recency = c.metric === 'recency';
    if (recency !== (c.op === 'within' || c.op === 'notWithin')) {
      ctx.addIssue({ code: 'custom', path: ['op'], message: recency ? 'must be within or notWithin for recency' : 'must be atLeast or atMost' });
    } else if (c.metric !== 'monetary' && (!Number.isInteger(c.value) || c.value > (recency ? 3650 : 100_000) || (recency && c.value < 1))) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: recency ? 'must be a whole number of days from 1 to 3650' : 'must be a whole number from 0 to 100000' });
    } else if (c.metric === 'monetary' && !Yuan().safeParse(c.value).success) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be yuan with at most 2 decimals, below 10,000,000,000' });
    }
  }),
  z.object({
    type: z.literal('rfm'),
    // Checked here rather than by an enum so the error names the bucket (an enum failure inside the rule's union is reported on `rule`).
    buckets: z.array(z.string()).min(1, 'choose at least one bucket').max(8).superRefine((bs, ctx) => bs.forEach((b, i) => {
      if (!(RFM_BUCKET_NAMES as string[]).includes(b)) ctx.addIssue({ code: 'custom', path: [i], message: `must be one of ${RFM_BUCKET_NAMES.join(', ')}` });
    })),
  }),
]);
export type Condition = z.infer<typeof Condition>;

export type RuleNode = Condition | { op: 'and' | 'or'; conditions: RuleNode[] };
const RuleTree: z.ZodType<RuleNode> = z.lazy(() => z.union([
  z.object({ op: z.enum(['and', 'or'], { message: 'must be and or or' }), conditions: z.array(RuleTree).min(1, 'needs at least one condition').max(50, 'at most 50 conditions in a group') }),
  Condition,
])) as z.ZodType<RuleNode>;
z.globalRegistry.add(RuleTree, { id: 'SegmentRule' });
/** A rule as requests send it: depth and size checked first (iteratively), then the conditions. */
export const RuleNode = boundedRule(RuleTree, RULE_LIMITS);

/**
 * A rule read back from a saved segment, checked again: rules saved before these limits (or edited in the database)
 * give a 400 naming `field`, never a failing statement.
 */
export function savedRule(rule: unknown, field: string, what: string): RuleNode {
  const r = RuleNode.safeParse(rule);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? ` (at ${issue.path.join('.')})` : '';
  throw AppError.validation(field, `${what}'s saved rule ${issue.message}${at}; edit it and save it again`);
}

/** "In the last D days": the D calendar days up to and including today (Asia/Shanghai, or `today` when given). */
const sinceDay = (days: string, today?: string) => `(${today ? `${today}::date` : `(now() AT TIME ZONE 'Asia/Shanghai')::date`} - ${days}::int)`;
/** The first instant of the last D days: midnight in Asia/Shanghai after sinceDay. */
const sinceInstant = (days: string, today?: string) => `((${sinceDay(days, today)} + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

/** The corp's RFM thresholds, read by the query itself so that every caller (saved segments in bulk jobs, handover) applies them. */
const threshold = (column: 'rfm_recency_days' | 'rfm_order_count' | 'rfm_order_total', corp: string) => `(SELECT k.${column} FROM corps k WHERE k.id = ${corp})`;

/** A customer's (`c`, with orders) RFM bucket as its code (bucketCode), from the summary columns: segments and the overview. */
export const rfmCodeSql = (corp: string, today?: string) =>
  `(CASE WHEN c.last_order_at >= ${sinceInstant(threshold('rfm_recency_days', corp), today)} THEN 4 ELSE 0 END
    + CASE WHEN c.order_count >= ${threshold('rfm_order_count', corp)} THEN 2 ELSE 0 END
    + CASE WHEN c.order_total >= ${threshold('rfm_order_total', corp)} THEN 1 ELSE 0 END)`;

/** Window lengths kept per customer (ADR 0006, 0007, 0009), in the order of their slots. */
export const WINDOW_DAYS = [7, 30, 90, 180] as const;

/**
 * The slot of `customers.event_windows` (1-based, as SQL arrays) holding the count of `eventType` in the last `days`
 * days, or null when that window is not kept. Must agree with pond_event_window_type() in SQL (a test checks it).
 */
export function windowSlot(eventType: string, days: number): number | null {
  const t = (EVENT_TYPES as readonly string[]).indexOf(eventType);
  const k = (WINDOW_DAYS as readonly number[]).indexOf(days);
  return t < 0 || k < 0 ? null : t * WINDOW_DAYS.length + k + 1;
}

export interface CompileOptions {
  /** 'fast' reads the customer-level arrays, the rolling event windows and the per-day event counts (ADR 0005,
   * 0006, 0007); 'plain' is the straightforward SQL over the normalized tables, kept as the benchmark's baseline and for tests. */
  mode: 'fast' | 'plain';
  corpId: string;
  /** Today and the event types whose windows are rolled to it (readEventWindows); without it behaviour
   * conditions read the per-day counts up to the database's today. */
  windows?: EventWindows;
}

/** SQL (a boolean expression over alias `c`) for a rule — one that passed RuleNode — with its parameters added to `p`. */
export function compileRule(node: RuleNode, p: Params, opts: CompileOptions = { mode: 'plain', corpId: '' }, depth = 0): string {
  if (depth === 0) {
    const problem = ruleShapeProblem(node, RULE_LIMITS);
    if (problem) throw AppError.validation('rule', problem);
  }
  if ('conditions' in node) {
    return `(${node.conditions.map((n) => compileRule(n, p, opts, depth + 1)).join(node.op === 'and' ? ' AND ' : ' OR ')})`;
  }
  if (opts.mode === 'fast') {
    const fast = compileFast(node, p, opts.corpId, opts.windows);
    if (fast) return fast;
  }
  const activeFollows = `FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active'`;
  switch (node.type) {
    case 'tags': {
      const t = p.add(node.tagIds);
      if (node.mode === 'any') return `EXISTS (SELECT 1 ${activeFollows} AND f.tag_ids && ${t}::text[])`;
      if (node.mode === 'none') return `NOT EXISTS (SELECT 1 ${activeFollows} AND f.tag_ids && ${t}::text[])`;
      return `${t}::text[] <@ ARRAY(SELECT unnest(f.tag_ids) ${activeFollows})`;
    }
    case 'gender': return `c.gender = ANY(${p.add(node.values)}::smallint[])`;
    case 'staff': return `EXISTS (SELECT 1 ${activeFollows} AND f.userid = ANY(${p.add(node.userids)}::text[]))`;
    case 'store': return `EXISTS (SELECT 1 ${activeFollows} AND f.userid IN (SELECT s.userid FROM staff s WHERE s.corp_id = c.corp_id AND s.store_id = ANY(${p.add(node.storeIds)}::bigint[])))`;
    case 'channel': return `EXISTS (SELECT 1 FROM attributions a WHERE a.corp_id = c.corp_id AND a.external_userid = c.external_userid AND a.channel = ANY(${p.add(node.channels)}::text[]))`;
    case 'added': {
      const parts = ['c.first_added_at IS NOT NULL'];
      if (node.from) parts.push(`c.first_added_at >= (${p.add(node.from)}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
      if (node.to) parts.push(`c.first_added_at < (${p.add(node.to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
      return `(${parts.join(' AND ')})`;
    }
    case 'event': {
      const n = `(SELECT count(*) FROM customer_events e WHERE e.corp_id = c.corp_id AND e.external_userid = c.external_userid
                  AND e.type = ${p.add(node.eventType)} AND (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date > ${sinceDay(p.add(node.days), opts.windows && p.add(opts.windows.today))})`;
      return node.op === 'atLeast' ? `${n} >= ${p.add(node.count)}` : `${n} <= ${p.add(node.count)}`;
    }
    case 'orders': {
      // Straight from the orders table (the fast form reads the customer's summary columns).
      const paid = `FROM orders o WHERE o.corp_id = c.corp_id AND o.external_userid = c.external_userid AND o.refunded_at IS NULL`;
      const cmp = node.op === 'atLeast' ? '>=' : '<=';
      if (node.metric === 'frequency') return `(SELECT count(*) ${paid}) ${cmp} ${p.add(node.value)}`;
      if (node.metric === 'monetary') return `(SELECT coalesce(sum(o.amount - o.refunded_amount), 0) ${paid}) ${cmp} ${p.add(node.value)}::numeric`;
      const lastDay = `(SELECT (max(o.paid_at) AT TIME ZONE 'Asia/Shanghai')::date ${paid})`;
      const since = sinceDay(p.add(node.value), opts.windows && p.add(opts.windows.today));
      return node.op === 'within' ? `${lastDay} > ${since}` : `${lastDay} <= ${since}`;
    }
    case 'rfm': {
      const today = opts.windows && p.add(opts.windows.today);
      return `EXISTS (SELECT 1 FROM (SELECT count(*) AS n, sum(o.amount - o.refunded_amount) AS total, (max(o.paid_at) AT TIME ZONE 'Asia/Shanghai')::date AS last_day
                                     FROM orders o WHERE o.corp_id = c.corp_id AND o.external_userid = c.external_userid AND o.refunded_at IS NULL) x
                      JOIN corps k ON k.id = c.corp_id
                      WHERE x.n > 0 AND (CASE WHEN x.last_day > ${sinceDay('k.rfm_recency_days', today)} THEN 4 ELSE 0 END
                                         + CASE WHEN x.n >= k.rfm_order_count THEN 2 ELSE 0 END
                                         + CASE WHEN x.total >= k.rfm_order_total THEN 1 ELSE 0 END) = ANY(${p.add(node.buckets.map((b) => bucketCode(b as RfmBucket)))}::int[]))`;
    }
  }
}

/** A behaviour condition answered by the windows: a kept length, windows rolled to today, and not the trivial "at least 0". */
function windowedCondition(node: Condition, windows?: EventWindows): boolean {
  return node.type === 'event' && !(node.op === 'atLeast' && node.count <= 0) && windowSlot(node.eventType, node.days) !== null
    && windows !== undefined && windows.ready.includes(node.eventType);
}

/** Conditions with a faster form over the arrays, windows and counts; null for the rest (same SQL as plain). */
function compileFast(node: Condition, p: Params, corpId: string, windows?: EventWindows): string | null {
  switch (node.type) {
    case 'tags': {
      const t = p.add(node.tagIds);
      return node.mode === 'any' ? `c.tag_ids && ${t}::text[]` : node.mode === 'all' ? `c.tag_ids @> ${t}::text[]` : `NOT (c.tag_ids && ${t}::text[])`;
    }
    case 'staff': return `c.staff_ids && ${p.add(node.userids)}::text[]`;
    case 'store': {
      if (windows?.storeStaff) return `c.staff_ids && ${p.add([...new Set(node.storeIds.flatMap((id) => windows.storeStaff![Number(id)] ?? []))])}::text[]`;
      return `c.staff_ids && ARRAY(SELECT s.userid FROM staff s WHERE s.corp_id = ${p.add(corpId)} AND s.store_id = ANY(${p.add(node.storeIds)}::bigint[]))`;
    }
    case 'event': {
      if (node.op === 'atLeast' && node.count <= 0) return 'true';
      // A kept window is read off the customer's row (NULL: no events, every count 0; ADR 0009); other lengths, or
      // windows not rolled to today, sum the per-day counts.
      if (windowedCondition(node, windows)) {
        return `coalesce(c.event_windows[${windowSlot(node.eventType, node.days)}], 0) ${node.op === 'atLeast' ? '>=' : '<='} ${p.add(node.count)}`;
      }
      const who = (having: string) => `c.external_userid IN (SELECT k.external_userid FROM customer_event_counts k
          WHERE k.corp_id = ${p.add(corpId)} AND k.type = ${p.add(node.eventType)} AND k.day > ${sinceDay(p.add(node.days), windows && p.add(windows.today))}
          GROUP BY k.external_userid HAVING ${having})`;
      if (node.op === 'atLeast') return who(`sum(k.n) >= ${p.add(node.count)}`);
      return `NOT ${who(`sum(k.n) > ${p.add(node.count)}`)}`;
    }
    case 'orders': {
      const cmp = node.op === 'atLeast' ? '>=' : '<=';
      if (node.metric === 'frequency') return `c.order_count ${cmp} ${p.add(node.value)}`;
      if (node.metric === 'monetary') return `c.order_total ${cmp} ${p.add(node.value)}::numeric`;
      const since = sinceInstant(p.add(node.value), windows && p.add(windows.today));
      // Only customers with orders have a last order; saying so lets the planner use customers_orders_idx.
      return node.op === 'within' ? `(c.order_count > 0 AND c.last_order_at >= ${since})` : `(c.order_count > 0 AND c.last_order_at < ${since})`;
    }
    case 'rfm':
      return `(c.order_count > 0 AND ${rfmCodeSql(p.add(corpId), windows && p.add(windows.today))} = ANY(${p.add(node.buckets.map((b) => bucketCode(b as RfmBucket)))}::int[]))`;
    default: return null;
  }
}
