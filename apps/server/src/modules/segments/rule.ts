// Segment rules: nested AND/OR over tags (any/all/none of), attributes (gender, store, staff, channel,
// added between) and behaviour (event X at least/at most N times in the last D days), compiled to one
// SQL condition over `customers c` (active customers of the corp, within the caller's scope).
import { z } from 'zod';
import { Params } from '../../platform/sql';

const EVENT_TYPES = ['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed'] as const;

export const Condition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tags'), mode: z.enum(['any', 'all', 'none'], { message: 'must be any, all or none' }), tagIds: z.array(z.string()).min(1, 'choose at least one tag').max(100) }),
  z.object({ type: z.literal('gender'), values: z.array(z.number().int().min(0).max(2)).min(1, 'choose at least one') }),
  z.object({ type: z.literal('staff'), userids: z.array(z.string()).min(1, 'choose at least one staff member') }),
  z.object({ type: z.literal('store'), storeIds: z.array(z.number().int()).min(1, 'choose at least one store') }),
  z.object({ type: z.literal('channel'), channels: z.array(z.string()).min(1, 'choose at least one channel') }),
  z.object({ type: z.literal('added'), from: z.string().date('must be YYYY-MM-DD').optional(), to: z.string().date('must be YYYY-MM-DD').optional() }),
  z.object({
    type: z.literal('event'), eventType: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }),
    op: z.enum(['atLeast', 'atMost'], { message: 'must be atLeast or atMost' }),
    count: z.number().int().min(0).max(100000), days: z.number().int().min(1, 'must be ≥ 1').max(3650),
  }),
]);
export type Condition = z.infer<typeof Condition>;

export type RuleNode = Condition | { op: 'and' | 'or'; conditions: RuleNode[] };
export const RuleNode: z.ZodType<RuleNode> = z.lazy(() => z.union([
  z.object({ op: z.enum(['and', 'or'], { message: 'must be and or or' }), conditions: z.array(RuleNode).min(1, 'needs at least one condition').max(50) }),
  Condition,
])) as z.ZodType<RuleNode>;

/** SQL (a boolean expression over alias `c`) for a rule, with its parameters added to `p`. */
export function compileRule(node: RuleNode, p: Params, depth = 0): string {
  if (depth > 5) throw new Error('rules may nest at most 5 levels');
  if ('conditions' in node) {
    const parts = node.conditions.map((n) => compileRule(n, p, depth + 1));
    return `(${parts.join(node.op === 'and' ? ' AND ' : ' OR ')})`;
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
                  AND e.type = ${p.add(node.eventType)} AND e.occurred_at > now() - make_interval(days => ${p.add(node.days)}))`;
      return node.op === 'atLeast' ? `${n} >= ${p.add(node.count)}` : `${n} <= ${p.add(node.count)}`;
    }
  }
}
