// Customer segments (客户分层): the rule a segment is and what the segment routes take and answer. A rule is nested
// AND/OR over tags (any/all/none of), attributes (gender, store, staff, channel, added between), behaviour (event X at
// least/at most N times in the last D days) and orders (last order within D days, order count, total spent; RFM
// buckets against the corp's thresholds). It is bounded (RULE_LIMITS, array sizes) when it is saved and again whenever
// a saved one is used, so every rule compiles to a small statement.
import { z } from 'zod';
import { boundedRule, DateTime, ItemsOf, List, PageOf, RowId, TagId, Text, Userid, Yuan } from './common';

/** Timeline event types a behaviour condition counts (and the rolling windows keep, in this order: ADR 0009). */
export const SEGMENT_EVENT_TYPES = ['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed', 'order.paid',
  // Spread (issue 14, migration 0049): a friend credited to an inviter; a referral's commission earned.
  'invite.credited', 'referral.commission_earned',
  // The fission paths (issue 14): a customer visited a service path's landing page; signed up on its form.
  'fission.visited', 'fission.signed_up',
  // Group operations and the rest of spread (issue 16, its migration): a question asked / answered (FAQ), a group rule
  // broken / blocked from group codes (moderation), a day the customer spoke in a group / 1:1 (the archive), and the
  // invite steps besides the credit.
  'faq.asked', 'faq.answered', 'moderation.violated', 'moderation.blocked', 'message.group', 'message.private',
  'invite.joined', 'invite.invited', 'invite.tier_reached', 'invite.voided'] as const;
export type SegmentEventType = (typeof SEGMENT_EVENT_TYPES)[number];

/** The eight classic RFM buckets (ADR 0008), by name; the server's commerce module says which is which. */
export const RFM_BUCKET_NAMES = ['important_value', 'important_develop', 'important_keep', 'important_retain', 'general_value', 'general_develop', 'general_keep', 'general_retain'] as const;
export type RfmBucket = (typeof RFM_BUCKET_NAMES)[number];

/** Levels of and/or groups, and conditions plus groups in one rule: a statement stays small and quick to plan. Group segments share them. */
export const RULE_LIMITS = { depth: 5, nodes: 200 };

export const TAG_MATCH_MODES = ['any', 'all', 'none'] as const;
export type TagMatchMode = (typeof TAG_MATCH_MODES)[number];

export const SegmentCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tags'), mode: z.enum(TAG_MATCH_MODES, { message: 'must be any, all or none' }), tagIds: List(TagId, 100).min(1, 'choose at least one tag') }),
  z.object({ type: z.literal('gender'), values: List(z.number().int().min(0).max(2), 3).min(1, 'choose at least one') }),
  z.object({ type: z.literal('staff'), userids: List(Userid, 1000).min(1, 'choose at least one staff member') }),
  z.object({ type: z.literal('store'), storeIds: List(RowId, 1000).min(1, 'choose at least one store') }),
  z.object({ type: z.literal('channel'), channels: List(Text(30), 100).min(1, 'choose at least one channel') }),
  z.object({ type: z.literal('added'), from: z.string().date('must be YYYY-MM-DD').optional(), to: z.string().date('must be YYYY-MM-DD').optional() }),
  z.object({
    type: z.literal('event'), eventType: z.enum(SEGMENT_EVENT_TYPES, { message: `must be one of ${SEGMENT_EVENT_TYPES.join(', ')}` }),
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
      if (!(RFM_BUCKET_NAMES as readonly string[]).includes(b)) ctx.addIssue({ code: 'custom', path: [i], message: `must be one of ${RFM_BUCKET_NAMES.join(', ')}` });
    })),
  }),
]);
export type SegmentCondition = z.infer<typeof SegmentCondition>;

/** A rule over conditions `C`: a condition, or an and/or group of rules. */
export type RuleOf<C> = C | { op: 'and' | 'or'; conditions: RuleOf<C>[] };

/**
 * A rule schema over `condition`, registered under `id` (OpenAPI shows it once) and bounded: depth and size checked
 * first (iteratively, RULE_LIMITS), then the conditions.
 */
export function ruleSchemaOf<C extends z.ZodType>(condition: C, id: string) {
  type Rule = RuleOf<z.infer<C>>;
  const tree: z.ZodType<Rule> = z.lazy(() => z.union([
    z.object({ op: z.enum(['and', 'or'], { message: 'must be and or or' }), conditions: z.array(tree).min(1, 'needs at least one condition').max(50, 'at most 50 conditions in a group') }),
    condition,
  ]));
  z.globalRegistry.add(tree, { id });
  return boundedRule(tree, RULE_LIMITS);
}

export type SegmentRule = RuleOf<SegmentCondition>;
/** A customer segment's rule, as requests send it. */
export const SegmentRule = ruleSchemaOf(SegmentCondition, 'SegmentRule');

/** A rule as saved, sent back as it is (a rule saved before today's limits is still listed, to be edited; using it is a 400). */
export const savedRuleOf = <R>(description: string) => z.custom<R>(() => true).describe(description);

/** `{ name, rule }` of a saved rule (a segment or a group segment); PATCH takes any part of it. */
export const SavedRuleBodyOf = <R extends z.ZodType>(rule: R) => z.object({ name: z.string().trim().min(1, 'is required').max(60), rule });
/** A saved rule (a segment or a group segment) as the API answers it. */
export const SavedRuleOf = <R extends z.ZodType>(rule: R) => z.object({
  id: z.number().int(), name: z.string(), rule, createdBy: z.string().nullable(), createdAt: DateTime, updatedAt: DateTime,
});

// ---- requests ----

export const SegmentPreviewBody = z.object({ rule: SegmentRule });
export const SegmentBody = SavedRuleBodyOf(SegmentRule);
// (Rules are checked by a preprocess step, whose input type is `unknown`: request types with a rule are the parsed form.)
export type SegmentBody = z.output<typeof SegmentBody>;
export const SegmentPatch = SegmentBody.partial();
export type SegmentPatch = z.output<typeof SegmentPatch>;

// ---- responses ----

/** A member of a segment (or of a rule's preview). */
export const SegmentMember = z.object({
  externalUserid: z.string(), name: z.string(), avatar: z.string().nullable(), gender: z.number().int(), firstAddedAt: DateTime.nullable(),
});
export type SegmentMember = z.input<typeof SegmentMember>;

/** A rule's live count and the first members. */
export const SegmentPreview = z.object({ count: z.number().int(), sample: z.array(SegmentMember) });
export type SegmentPreview = z.input<typeof SegmentPreview>;

export const SegmentMembers = PageOf(SegmentMember);

export const Segment = SavedRuleOf(savedRuleOf<SegmentRule>('The rule as saved (a SegmentRule)'));
export type Segment = z.input<typeof Segment>;
export const SegmentList = ItemsOf(Segment);
