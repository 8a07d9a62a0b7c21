// Segment rules (their schema: @pond/contracts/segments) compiled to one SQL condition over `customers c` (active
// customers of the corp, within the caller's scope). A rule is bounded (RULE_LIMITS, array sizes) when it is saved and
// again whenever a saved one is used, so every rule compiles.
import type { z } from 'zod';
import { RULE_LIMITS, type RfmBucket as ContractRfmBucket, type SegmentCondition, type SegmentRule } from '@pond/contracts/segments';
import type { Params } from '../../platform/sql';
import { AppError } from '../../platform/errors';
import { ruleShapeProblem } from '../../platform/schemas';
import { bucketCode, type RfmBucket } from '../commerce';
import { windowSlot, type EventWindows } from './windows';

// The buckets a rule names (the contract's list) are commerce's buckets: the build fails when the two disagree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameBuckets: Same<RfmBucket, ContractRfmBucket> = true;

/**
 * A rule read back from a saved segment or group segment, checked again with its schema: rules saved before these
 * limits (or edited in the database) give a 400 naming `field`, never a failing statement.
 */
export function savedRule<S extends z.ZodType>(schema: S, rule: unknown, field: string, what: string): z.output<S> {
  const r = schema.safeParse(rule);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
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

export interface CompileOptions {
  /** 'fast' reads the customer-level arrays, the rolling event windows and the per-day event counts (ADR 0005,
   * 0006, 0007); 'plain' is the straightforward SQL over the normalized tables, kept as the benchmark's baseline and for tests. */
  mode: 'fast' | 'plain';
  corpId: string;
  /** Today and the event types whose windows are rolled to it (readEventWindows); without it behaviour
   * conditions read the per-day counts up to the database's today. */
  windows?: EventWindows;
  /**
   * The relations a relation condition (tags, staff, store) may read, as a condition over `follows` alias `f`: a store
   * manager's or staff member's scope (platform/resources.ts followVisibleSql). Without it, every relation; with it,
   * those conditions read the relations themselves (the customer-level arrays hold everyone's), so another store's tags
   * cannot be probed through a segment.
   */
  follows?: (p: Params, alias: string) => string;
}

/** Conditions on what a staff member did with the customer (their relation, or the add they were attributed): narrowed by `follows`. */
const RELATION_CONDITIONS: ReadonlySet<string> = new Set(['tags', 'staff', 'store', 'channel']);

/** SQL (a boolean expression over alias `c`) for a rule — one that passed SegmentRule — with its parameters added to `p`. */
export function compileRule(node: SegmentRule, p: Params, opts: CompileOptions = { mode: 'plain', corpId: '' }, depth = 0): string {
  if (depth === 0) {
    const problem = ruleShapeProblem(node, RULE_LIMITS);
    if (problem) throw AppError.validation('rule', problem);
  }
  if ('conditions' in node) {
    return `(${node.conditions.map((n) => compileRule(n, p, opts, depth + 1)).join(node.op === 'and' ? ' AND ' : ' OR ')})`;
  }
  const narrowed = opts.follows !== undefined && RELATION_CONDITIONS.has(node.type);
  if (opts.mode === 'fast' && !narrowed) {
    const fast = compileFast(node, p, opts.corpId, opts.windows);
    if (fast) return fast;
  }
  // Built where a condition uses it: the narrowing adds parameters, and a statement must use every one it binds.
  const activeFollows = () => `FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active'${narrowed ? ` AND ${opts.follows!(p, 'f')}` : ''}`;
  switch (node.type) {
    case 'tags': {
      const t = p.add(node.tagIds);
      if (node.mode === 'any') return `EXISTS (SELECT 1 ${activeFollows()} AND f.tag_ids && ${t}::text[])`;
      if (node.mode === 'none') return `NOT EXISTS (SELECT 1 ${activeFollows()} AND f.tag_ids && ${t}::text[])`;
      return `${t}::text[] <@ ARRAY(SELECT unnest(f.tag_ids) ${activeFollows()})`;
    }
    case 'gender': return `c.gender = ANY(${p.add(node.values)}::smallint[])`;
    case 'staff': return `EXISTS (SELECT 1 ${activeFollows()} AND f.userid = ANY(${p.add(node.userids)}::text[]))`;
    case 'store': return `EXISTS (SELECT 1 ${activeFollows()} AND f.userid IN (SELECT s.userid FROM staff s WHERE s.corp_id = c.corp_id AND s.store_id = ANY(${p.add(node.storeIds)}::bigint[])))`;
    case 'channel': return `EXISTS (SELECT 1 FROM attributions a WHERE a.corp_id = c.corp_id AND a.external_userid = c.external_userid AND a.channel = ANY(${p.add(node.channels)}::text[])${narrowed ? ` AND ${opts.follows!(p, 'a')}` : ''})`;
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
function windowedCondition(node: SegmentCondition, windows?: EventWindows): boolean {
  return node.type === 'event' && !(node.op === 'atLeast' && node.count <= 0) && windowSlot(node.eventType, node.days) !== null
    && windows !== undefined && windows.ready.includes(node.eventType);
}

/** Conditions with a faster form over the arrays, windows and counts; null for the rest (same SQL as plain). */
function compileFast(node: SegmentCondition, p: Params, corpId: string, windows?: EventWindows): string | null {
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
