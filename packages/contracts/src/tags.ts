// Corp tags (企业标签) and their groups, as WeCom keeps them; auto-tag rules (tags put on customers when they add
// through a code or channel, join a group, reach a count of events or of orders); bulk tag jobs (tag or untag every
// relation of a filtered or uploaded customer list, in the background).
import { z } from 'zod';
import { ChatId, DateTime, ExternalUserid, ItemsOf, List, RowId, TagId, Text, Userid, Yuan } from './common';

// ---- tags ----

/** A tag's or tag group's name (WeCom: at most 30 characters). */
export const TagName = z.string().trim().min(1, 'is required').max(30, 'must be at most 30 characters (WeCom limit)');
/** WeCom's sort order (larger first), an unsigned 32-bit number. */
export const TagOrder = z.number().int().min(0, 'must be ≥ 0').max(2 ** 32 - 1, 'must be < 2^32').optional();

export const TagIdParams = z.object({ id: TagId });
export const TagGroupBody = z.object({ name: TagName, order: TagOrder, tags: z.array(z.object({ name: TagName, order: TagOrder })).min(1, 'a tag group needs at least one tag').max(100) });
export type TagGroupBody = z.input<typeof TagGroupBody>;
export const TagBody = z.object({ groupId: TagId, name: TagName, order: TagOrder });
export type TagBody = z.input<typeof TagBody>;
/** PATCH of a tag or a tag group. */
export const TagPatch = z.object({ name: TagName.optional(), order: TagOrder });
export type TagPatch = z.input<typeof TagPatch>;

/** A tag in the tree; `customerCount`: customers with an active relation carrying it (null where not counted). */
export const Tag = z.object({ id: z.string(), name: z.string(), order: z.number().int(), customerCount: z.number().int().nullable() });
export type Tag = z.input<typeof Tag>;
export const TagGroup = z.object({ id: z.string(), name: z.string(), order: z.number().int(), tags: z.array(Tag) });
export type TagGroup = z.input<typeof TagGroup>;
export const TagTree = z.object({ groups: z.array(TagGroup) });
export type TagTree = z.input<typeof TagTree>;
/** A tag as written (PATCH); a new one (POST) also has its count, 0. */
export const SavedTag = z.object({ id: z.string(), groupId: z.string(), name: z.string(), order: z.number().int() });
export type SavedTag = z.input<typeof SavedTag>;
export const CreatedTag = SavedTag.extend({ customerCount: z.number().int() });
export type CreatedTag = z.input<typeof CreatedTag>;

// ---- auto-tag rules ----

export const AUTO_TAG_RULE_KINDS = ['code', 'channel', 'group', 'behaviour', 'order'] as const;
export type AutoTagRuleKind = (typeof AUTO_TAG_RULE_KINDS)[number];
/** What a behaviour rule counts: adds, group joins, or distinct codes scanned. */
export const BEHAVIOUR_EVENTS = ['customer.added', 'group.joined', 'scan'] as const;
export type BehaviourEvent = (typeof BEHAVIOUR_EVENTS)[number];

/** The params of each kind of rule (checked once the kind is known, so errors name `params.<field>`). */
export const AutoTagRuleParams = {
  code: z.object({ codeIds: List(RowId, 100).min(1, 'choose at least one live code') }),
  channel: z.object({ channels: List(Text(30).min(1, 'is required'), 100).min(1, 'choose at least one channel') }),
  /** No chat ids: any group. */
  group: z.object({ chatIds: List(ChatId, 500).default([]) }),
  behaviour: z.object({
    eventType: z.enum(BEHAVIOUR_EVENTS, { message: 'must be customer.added, group.joined or scan' }),
    min: z.number().int().min(1, 'must be ≥ 1').max(1000),
    days: z.number().int().min(1, 'must be ≥ 1').max(365, 'must be ≤ 365'),
  }),
  /** Paid orders without refunds: at least minCount of them and minTotal yuan, in the last withinDays days (Asia/Shanghai) when set. */
  order: z.object({
    minCount: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(100_000).default(1),
    minTotal: Yuan().refine((v) => v >= 0, 'must be ≥ 0').default(0),
    withinDays: z.number().int('must be a whole number of days').min(1, 'must be ≥ 1').max(3650, 'must be ≤ 3650').optional(),
  }),
} satisfies Record<AutoTagRuleKind, z.ZodType>;
/** The params of a rule of kind K, as sent and as stored. */
export type AutoTagRuleParamsInput<K extends AutoTagRuleKind = AutoTagRuleKind> = z.input<(typeof AutoTagRuleParams)[K]>;
export type AutoTagRuleParamsOf<K extends AutoTagRuleKind = AutoTagRuleKind> = z.output<(typeof AutoTagRuleParams)[K]>;

export const AutoTagRuleBody = z.object({
  name: z.string().trim().min(1, 'is required').max(60),
  kind: z.enum(AUTO_TAG_RULE_KINDS, { message: 'must be code, channel, group, behaviour or order' }),
  /** AutoTagRuleParams[kind]. */
  params: z.record(z.string(), z.unknown()),
  tagIds: List(TagId, 20).min(1, 'choose at least one tag'),
  enabled: z.boolean().default(true),
});
export type AutoTagRuleBody = z.input<typeof AutoTagRuleBody>;
export const AutoTagRuleToggle = z.object({ enabled: z.boolean() });

export const AutoTagRule = z.object({
  id: z.number().int(), name: z.string(), kind: z.enum(AUTO_TAG_RULE_KINDS),
  /** AutoTagRuleParams[kind], as stored. */
  params: z.record(z.string(), z.unknown()),
  tagIds: z.array(z.string()), enabled: z.boolean(), createdAt: DateTime,
});
export type AutoTagRule = z.input<typeof AutoTagRule>;
export const AutoTagRuleList = ItemsOf(AutoTagRule);

// ---- bulk tag jobs ----

export const BULK_TAG_ACTIONS = ['add', 'remove'] as const;
export type BulkTagAction = (typeof BULK_TAG_ACTIONS)[number];
export const BULK_TAG_JOB_STATUSES = ['queued', 'running', 'done', 'cancelled'] as const;
export type BulkTagJobStatus = (typeof BULK_TAG_JOB_STATUSES)[number];

/** A customer filter as the customer list has it; `segmentId`: a saved segment's members, evaluated when the job is created. */
export const BulkTagFilter = z.object({ q: z.string().max(100).optional(), tagIds: List(TagId, 100).optional(), userid: Userid.optional(), storeId: RowId.optional(), segmentId: RowId.optional() });
export type BulkTagFilter = z.input<typeof BulkTagFilter>;

export const BulkTagJobBody = z.object({
  action: z.enum(BULK_TAG_ACTIONS, { message: 'must be add or remove' }),
  tagIds: List(TagId, 100).min(1, 'choose at least one tag'),
  filter: BulkTagFilter.optional(),
  externalUserids: List(ExternalUserid, 100_000).optional(),
});
export type BulkTagJobBody = z.input<typeof BulkTagJobBody>;

/** Whom a job tags, as given when it was created (a filter, or a list of customers: uploaded, or a rule's backfill). */
export const BulkTagSource = z.object({
  filter: z.object({ q: z.string().optional(), tagIds: z.array(z.string()).optional(), userid: z.string().optional(), storeId: z.number().optional(), segmentId: z.number().optional() }).optional(),
  externalUserids: z.array(z.string()).optional(),
});
export type BulkTagSource = z.input<typeof BulkTagSource>;

export const BulkTagJob = z.object({
  id: z.number().int(), action: z.enum(BULK_TAG_ACTIONS), tagIds: z.array(z.string()), source: BulkTagSource,
  status: z.enum(BULK_TAG_JOB_STATUSES), total: z.number().int(), done: z.number().int(), failed: z.number().int(),
  createdBy: z.string().nullable(), createdAt: DateTime, finishedAt: DateTime.nullable(),
});
export type BulkTagJob = z.input<typeof BulkTagJob>;
export const BulkTagJobList = ItemsOf(BulkTagJob);

/** A job with the relations WeCom refused (at most 1,000). */
export const BulkTagJobDetail = BulkTagJob.extend({
  failures: z.array(z.object({ externalUserid: z.string(), name: z.string().nullable(), userid: z.string(), error: z.string().nullable() })),
});
export type BulkTagJobDetail = z.input<typeof BulkTagJobDetail>;
