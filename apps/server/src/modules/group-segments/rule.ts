// Group segment rules (their schema: @pond/contracts/group-segments) compiled to one SQL condition over `groups g`.
// Bounded like customer segment rules, when saved and whenever a saved one is used.
import { RULE_LIMITS } from '@pond/contracts/segments';
import type { GroupSegmentRule } from '@pond/contracts/group-segments';
import type { Params } from '../../platform/sql';
import { AppError } from '../../platform/errors';
import { ruleShapeProblem } from '../../platform/schemas';

const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
const localDay = (col: string) => `(${col} AT TIME ZONE 'Asia/Shanghai')::date`;

/** SQL (a boolean expression over alias `g`) for a rule, with its parameters added to `p`. */
export function compileGroupRule(node: GroupSegmentRule, p: Params, depth = 0): string {
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
