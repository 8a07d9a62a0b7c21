// Broadcasts (群发): a mass send to customers (one add_msg_template per sending staff member per ≤ 10,000 customers)
// or to groups (sender = owner, ≤ 2,000 chats per call), with its audience, the contact budget applied before
// anything is sent, a schedule, reminders to staff who have not confirmed, and results read back from WeCom.
import { z } from 'zod';
import { ChatId, DateTime, ExternalUserid, Int4, ItemsOf, List, PageOf, RequiredText, RowId, TagId, Text, Userid } from './common';
import { Content, ContentInput } from './content';
import { GovernancePreview, OverrideInput, SKIP_REASONS } from './governance';

export const BROADCAST_KINDS = ['customer', 'group'] as const;
export type BroadcastKind = (typeof BROADCAST_KINDS)[number];
/** draft → scheduled → planning → sending (issued to staff) → done; cancelled; failed (nothing could be issued). */
export const BROADCAST_STATUSES = ['draft', 'scheduled', 'planning', 'sending', 'done', 'cancelled', 'failed'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
/** pending → issuing (add_msg_template in flight) → issued (waiting for the staff member) → sent (confirmed); cancelled, failed. */
export const BROADCAST_SEND_STATUSES = ['pending', 'issuing', 'issued', 'sent', 'cancelled', 'failed'] as const;
export type BroadcastSendStatus = (typeof BROADCAST_SEND_STATUSES)[number];
/** planned (in a send), skipped (by the budget or the audience's rules), then WeCom's: sent, unsent, not_friend, over_cap. */
export const BROADCAST_TARGET_STATUSES = ['planned', 'skipped', 'sent', 'unsent', 'not_friend', 'over_cap', 'cancelled'] as const;
export type BroadcastTargetStatus = (typeof BROADCAST_TARGET_STATUSES)[number];

/** The largest uploaded list of recipients. */
export const AUDIENCE_LIST_MAX = 100_000;

/** Who receives it. Customers: any listed tags (or all), a segment, a list, limited to some staff; minus excluded tags and
 * segment. Groups: tiers, group tags, a group segment, listed chats, limited to some owners; minus listed chats. */
export const Audience = z.object({
  tagIds: List(TagId, 100).optional(),
  tagMode: z.enum(['any', 'all']).optional(),
  segmentId: RowId.optional(),
  externalUserids: List(ExternalUserid, AUDIENCE_LIST_MAX).optional(),
  staffUserids: List(Userid, 10_000).optional(),
  excludeTagIds: List(TagId, 100).optional(),
  excludeSegmentId: RowId.optional(),
  tiers: List(Text(30), 50).optional(),
  groupLabels: List(Text(30), 50).optional(),
  groupSegmentId: RowId.optional(),
  chatIds: List(ChatId, 10_000).optional(),
  excludeChatIds: List(ChatId, 10_000).optional(),
});
export type Audience = z.output<typeof Audience>;
export type AudienceInput = z.input<typeof Audience>;

const BroadcastFields = {
  name: RequiredText(60),
  content: ContentInput,
  audience: Audience,
  /** Send at this time (ISO with offset); absent = as soon as it is sent. */
  scheduledAt: z.iso.datetime({ offset: true, message: 'must be an ISO date-time with offset' }).nullish(),
  /** Remind staff who have not confirmed this many minutes after the send was issued (at most 3; WeCom allows 3 per 24 h). */
  remindAfter: List(Int4(5, 10_080), 3).optional(),
};
export const BroadcastBody = z.object({ kind: z.enum(BROADCAST_KINDS, { error: `must be one of ${BROADCAST_KINDS.join(', ')}` }), ...BroadcastFields });
export type BroadcastInput = z.input<typeof BroadcastBody>;
export const BroadcastPatchBody = z.object({
  name: BroadcastFields.name.optional(), content: ContentInput.optional(), audience: Audience.optional(),
  scheduledAt: BroadcastFields.scheduledAt, remindAfter: BroadcastFields.remindAfter,
});
export type BroadcastPatch = z.input<typeof BroadcastPatchBody>;

/** Send (now or at its schedule). An override of the budget needs the admin role and a reason. */
export const BroadcastSendBody = z.object({ override: OverrideInput.optional() });
export type BroadcastSendInput = z.input<typeof BroadcastSendBody>;

export const BroadcastSendRow = z.object({
  id: z.number(),
  senderUserid: z.string(),
  senderName: z.string(),
  chunk: z.number().int(),
  msgid: z.string().nullable(),
  status: z.enum(BROADCAST_SEND_STATUSES),
  targetCount: z.number().int(),
  sentCount: z.number().int(),
  notFriendCount: z.number().int(),
  overCapCount: z.number().int(),
  reminders: z.number().int(),
  issuedAt: DateTime.nullable(),
  confirmedAt: DateTime.nullable(),
  error: z.string().nullable(),
});
export type BroadcastSendRow = z.input<typeof BroadcastSendRow>;
export type BroadcastSendRowOutput = z.output<typeof BroadcastSendRow>;

export const Broadcast = z.object({
  id: z.number(),
  kind: z.enum(BROADCAST_KINDS),
  origin: z.enum(['pond', 'wecom']),
  name: z.string(),
  content: Content,
  audience: Audience,
  scheduledAt: DateTime.nullable(),
  remindAfter: z.array(z.number().int()),
  status: z.enum(BROADCAST_STATUSES),
  override: z.object({ by: z.string(), reason: z.string() }).nullable(),
  audienceCount: z.number().int(),
  plannedCount: z.number().int(),
  skippedCount: z.number().int(),
  /** Targets WeCom reports delivered, not friends, over its cap; staff who confirmed of all senders. */
  results: z.object({
    sent: z.number().int(), unsent: z.number().int(), notFriend: z.number().int(), overCap: z.number().int(),
    senders: z.number().int(), confirmedSenders: z.number().int(),
  }),
  sentAt: DateTime.nullable(),
  error: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Broadcast = z.input<typeof Broadcast>;
export type BroadcastOutput = z.output<typeof Broadcast>;
export const BroadcastPage = PageOf(Broadcast);
export const BroadcastListQuery = z.object({
  kind: z.enum(BROADCAST_KINDS).optional(),
  status: z.enum(BROADCAST_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type BroadcastListQuery = z.input<typeof BroadcastListQuery>;

export const BroadcastDetail = Broadcast.extend({ sends: z.array(BroadcastSendRow) });
export type BroadcastDetail = z.input<typeof BroadcastDetail>;

/** The audience with the budget applied, before anything is sent. */
export const BroadcastPreview = GovernancePreview.extend({
  senders: z.number().int(),
  /** add_msg_template calls it would make. */
  calls: z.number().int(),
});
export type BroadcastPreview = z.input<typeof BroadcastPreview>;
export const BroadcastPreviewBody = z.object({
  kind: z.enum(BROADCAST_KINDS), audience: Audience, content: ContentInput.optional(),
  scheduledAt: BroadcastFields.scheduledAt, override: OverrideInput.optional(),
});
export type BroadcastPreviewInput = z.input<typeof BroadcastPreviewBody>;

export const BroadcastTargetRow = z.object({
  targetId: z.string(),
  name: z.string(),
  senderUserid: z.string().nullable(),
  status: z.enum(BROADCAST_TARGET_STATUSES),
  reason: z.enum(SKIP_REASONS).nullable(),
  sentAt: DateTime.nullable(),
});
export const BroadcastTargetPage = PageOf(BroadcastTargetRow);
export const BroadcastTargetQuery = z.object({
  status: z.enum(BROADCAST_TARGET_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export const BroadcastSenders = ItemsOf(BroadcastSendRow);
