// Group segment rules: nested AND/OR over a group's tier, labels (any/all/none of), owner, store, size,
// growth (net members joined in the last D days, from group_members), activity (WeCom's group
// statistics per owner, shared by the owner's groups), created between and status — compiled to one SQL
// condition over `groups g`. Bounded like customer segment rules, when saved and whenever a saved one is used.
import { z } from 'zod';
import { Params } from '../../platform/sql';
import { AppError } from '../../platform/errors';
import { boundedRule, Int4, List, RowId, Userid, ruleShapeProblem } from '../../platform/schemas';
import { RULE_LIMITS } from '../segments';

const Op = z.enum(['atLeast', 'atMost'], { message: 'must be atLeast or atMost' });
const Day = z.string().date('must be YYYY-MM-DD');

export const GroupCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tier'), tiers: z.array(z.string().trim().min(1).max(30)).min(1, 'choose at least one tier').max(50) }),
  z.object({ type: z.literal('labels'), mode: z.enum(['any', 'all', 'none'], { message: 'must be any, all or none' }), labels: z.array(z.string().trim().min(1).max(30)).min(1, 'choose at least one label').max(50) }),
  z.object({ type: z.literal('owner'), userids: List(Userid, 500).min(1, 'choose at least one owner') }),
  z.object({ type: z.literal('store'), storeIds: List(RowId, 500).min(1, 'choose at least one store') }),
  z.object({
    type: z.literal('memberCount'), of: z.enum(['all', 'customers'], { message: 'must be all or customers' }).default('all'),
    min: Int4().optional(), max: Int4().optional(),
  }).refine((c) => c.min !== undefined || c.max !== undefined, { message: 'give min or max (or both)', path: ['min'] })
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, { message: 'must not be above max', path: ['min'] }),
  z.object({
    type: z.literal('growth'), op: Op, count: z.number().int().min(-100000).max(100000),
    days: z.number().int().min(1, 'must be ≥ 1').max(3650),
  }),
  z.object({
    type: z.literal('activity'), metric: z.enum(['messages', 'activeMembers'], { message: 'must be messages or activeMembers' }), op: Op,
    value: z.number().min(0, 'must be ≥ 0').max(1_000_000),
    days: z.number().int().min(1, 'must be ≥ 1').max(180, 'WeCom keeps group statistics for 180 days'),
  }),
  z.object({ type: z.literal('created'), from: Day.optional(), to: Day.optional() })
    .refine((c) => c.from || c.to, { message: 'give from or to (or both)', path: ['from'] }),
  z.object({ type: z.literal('status'), values: List(z.enum(['active', 'dismissed'], { message: 'must be active or dismissed' }), 2).min(1, 'choose at least one status') }),
]);
export type GroupCondition = z.infer<typeof GroupCondition>;

export type GroupRuleNode = GroupCondition | { op: 'and' | 'or'; conditions: GroupRuleNode[] };
const GroupRuleTree: z.ZodType<GroupRuleNode> = z.lazy(() => z.union([
  z.object({ op: z.enum(['and', 'or'], { message: 'must be and or or' }), conditions: z.array(GroupRuleTree).min(1, 'needs at least one condition').max(50, 'at most 50 conditions in a group') }),
  GroupCondition,
])) as z.ZodType<GroupRuleNode>;
z.globalRegistry.add(GroupRuleTree, { id: 'GroupSegmentRule' });
export const GroupRuleNode = boundedRule(GroupRuleTree, RULE_LIMITS);

/** A rule read back from a saved group segment, checked again (see savedRule in segments/rule.ts). */
export function savedGroupRule(rule: unknown, field: string, what: string): GroupRuleNode {
  const r = GroupRuleNode.safeParse(rule);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? ` (at ${issue.path.join('.')})` : '';
  throw AppError.validation(field, `${what}'s saved rule ${issue.message}${at}; edit it and save it again`);
}

const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
const localDay = (col: string) => `(${col} AT TIME ZONE 'Asia/Shanghai')::date`;

/** SQL (a boolean expression over alias `g`) for a rule, with its parameters added to `p`. */
export function compileGroupRule(node: GroupRuleNode, p: Params, depth = 0): string {
  if (depth === 0) {
    const problem = ruleShapeProblem(node, RULE_LIMITS);
    if (problem) throw AppError.validation('rule', problem);
  }
  if ('conditions' in node) {
    const parts = node.conditions.map((n) => compileGroupRule(n, p, depth + 1));
    return `(${parts.join(node.op === 'and' ? ' AND ' : ' OR ')})`;
  }
  const cmp = (op: 'atLeast' | 'atMost') => (op === 'atLeast' ? '>=' : '<=');
  switch (node.type) {
    case 'tier': return `coalesce(g.tier = ANY(${p.add(node.tiers)}::text[]), false)`;
    case 'labels': {
      const l = p.add(node.labels);
      return node.mode === 'any' ? `g.labels && ${l}::text[]` : node.mode === 'all' ? `g.labels @> ${l}::text[]` : `NOT (g.labels && ${l}::text[])`;
    }
    case 'owner': return `coalesce(g.owner_userid = ANY(${p.add(node.userids)}::text[]), false)`;
    case 'store': return `coalesce(g.store_id = ANY(${p.add(node.storeIds)}::bigint[]), false)`;
    case 'memberCount': {
      const col = node.of === 'customers' ? 'g.customer_count' : 'g.member_count';
      const parts: string[] = [];
      if (node.min !== undefined) parts.push(`${col} >= ${p.add(node.min)}`);
      if (node.max !== undefined) parts.push(`${col} <= ${p.add(node.max)}`);
      return `(${parts.join(' AND ')})`;
    }
    case 'growth': {
      // Net joins over the D calendar days up to and including today (Beijing). A member who left and
      // came back has one row (WeCom reports the latest join), so their earlier leave is not counted.
      const since = `(${TODAY} - ${p.add(node.days)}::int)`;
      const net = `(SELECT count(*) FILTER (WHERE ${localDay('m.join_time')} > ${since}) - count(*) FILTER (WHERE ${localDay('m.left_at')} > ${since})
                    FROM group_members m WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id)`;
      return `${net} ${cmp(node.op)} ${p.add(node.count)}`;
    }
    case 'activity': {
      // WeCom only reports days that are over (up to yesterday), per owner: the D days ending yesterday,
      // each day's figure shared equally by the owner's groups that day.
      const d = p.add(node.days);
      const col = node.metric === 'messages' ? 'st.msg_total' : 'st.member_has_msg';
      const per = node.metric === 'messages' ? '' : ` / ${d}::numeric`;
      const v = `(SELECT coalesce(sum(${col}::numeric / st.chat_total), 0)${per} FROM group_owner_stats st
                  WHERE st.corp_id = g.corp_id AND st.owner_userid = g.owner_userid AND st.chat_total > 0
                    AND st.day >= ${TODAY} - ${d}::int AND st.day < ${TODAY})`;
      return `${v} ${cmp(node.op)} ${p.add(node.value)}`;
    }
    case 'created': {
      const parts = ['g.created_at IS NOT NULL'];
      if (node.from) parts.push(`g.created_at >= (${p.add(node.from)}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
      if (node.to) parts.push(`g.created_at < (${p.add(node.to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
      return `(${parts.join(' AND ')})`;
    }
    case 'status': return `g.status = ANY(${p.add(node.values)}::text[])`;
  }
}
