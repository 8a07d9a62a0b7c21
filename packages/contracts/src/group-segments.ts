// Group segments (群分层): a rule over groups — nested AND/OR over a group's tier, labels (any/all/none of), owner,
// store, size, growth (net members joined in the last D days), activity (WeCom's group statistics per owner),
// created between and status — bounded like customer segment rules, and what the group segment routes answer.
import { z } from 'zod';
import { Int4, ItemsOf, List, PageOf, RowId, Userid } from './common';
import { Group, GROUP_STATUSES } from './groups';
import { ruleSchemaOf, type RuleOf, SavedRuleBodyOf, SavedRuleOf, savedRuleOf, TAG_MATCH_MODES } from './segments';

const Op = z.enum(['atLeast', 'atMost'], { message: 'must be atLeast or atMost' });
const Day = z.string().date('must be YYYY-MM-DD');

export const GroupCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tier'), tiers: z.array(z.string().trim().min(1).max(30)).min(1, 'choose at least one tier').max(50) }),
  z.object({ type: z.literal('labels'), mode: z.enum(TAG_MATCH_MODES, { message: 'must be any, all or none' }), labels: z.array(z.string().trim().min(1).max(30)).min(1, 'choose at least one label').max(50) }),
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
  z.object({ type: z.literal('status'), values: List(z.enum(GROUP_STATUSES, { message: 'must be active or dismissed' }), 2).min(1, 'choose at least one status') }),
]);
export type GroupCondition = z.infer<typeof GroupCondition>;

export type GroupSegmentRule = RuleOf<GroupCondition>;
/** A group segment's rule, as requests send it. */
export const GroupSegmentRule = ruleSchemaOf(GroupCondition, 'GroupSegmentRule');

// ---- requests ----

export const GroupSegmentPreviewBody = z.object({ rule: GroupSegmentRule });
export const GroupSegmentBody = SavedRuleBodyOf(GroupSegmentRule);
// (The parsed form, as for segments: a rule's schema takes `unknown` in.)
export type GroupSegmentBody = z.output<typeof GroupSegmentBody>;
export const GroupSegmentPatch = GroupSegmentBody.partial();
export type GroupSegmentPatch = z.output<typeof GroupSegmentPatch>;

// ---- responses ----

/** A group in a group segment (or a rule's preview). */
export const SegmentGroup = Group.pick({
  chatId: true, name: true, ownerUserid: true, ownerName: true, tier: true, labels: true,
  memberCount: true, customerCount: true, storeId: true, createdAt: true, status: true,
});
export type SegmentGroup = z.input<typeof SegmentGroup>;

export const GroupSegmentPreview = z.object({
  count: z.number().int(), sample: z.array(SegmentGroup),
  /** The last day of WeCom group statistics stored (activity conditions read them). */
  statsThrough: z.string().nullable(),
});
export type GroupSegmentPreview = z.input<typeof GroupSegmentPreview>;

export const GroupSegmentGroups = PageOf(SegmentGroup);

export const GroupSegment = SavedRuleOf(savedRuleOf<GroupSegmentRule>('The rule as saved (a GroupSegmentRule)'));
export type GroupSegment = z.input<typeof GroupSegment>;
export const GroupSegmentList = ItemsOf(GroupSegment);
