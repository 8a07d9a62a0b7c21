// Handover (在职继承 / 离职继承): move a staff member's customers and groups to another member through WeCom's
// transfer APIs, within WeCom's limits, and follow every customer to its final result.
import { z } from 'zod';
import { DateTime, ExternalUserid, ItemsOf, List, RowId, TagId, Userid } from './common';

/** WeCom's limits: customers per call, transfers per customer in 90 days, groups per owner per day, hours before the
 * takeover, characters of the message the customer sees. */
export const HANDOVER_LIMITS = { customersPerCall: 100, transfersPer90Days: 2, groupsPerDay: 300, takeoverHours: 24, messageMax: 200 };

export const HANDOVER_KINDS = ['onjob', 'resigned'] as const;
export type HandoverKind = (typeof HANDOVER_KINDS)[number];
export const HANDOVER_JOB_STATUSES = ['running', 'waiting', 'done'] as const;
export type HandoverJobStatus = (typeof HANDOVER_JOB_STATUSES)[number];
/** pending → waiting (WeCom accepted, takeover in 24 h) → done | refused | limit | failed; skipped: not eligible. */
export const HANDOVER_ITEM_STATUSES = ['pending', 'waiting', 'done', 'refused', 'limit', 'failed', 'skipped'] as const;
export type HandoverItemStatus = (typeof HANDOVER_ITEM_STATUSES)[number];
export const HANDOVER_ITEM_KINDS = ['customer', 'group'] as const;

// ---- requests ----

/** Which of the handover member's customers move: all, or those listed, with some tags, in a saved segment (evaluated
 * now, within the caller's scope); with their groups when `includeGroups`. */
export const HandoverInput = z.object({
  kind: z.enum(HANDOVER_KINDS, { message: 'must be onjob or resigned' }),
  handoverUserid: Userid,
  takeoverUserid: Userid,
  message: z.string().max(HANDOVER_LIMITS.messageMax, `must be at most ${HANDOVER_LIMITS.messageMax} characters (WeCom)`).optional(),
  externalUserids: List(ExternalUserid, 100_000).optional(),
  tagIds: List(TagId, 100).optional(),
  segmentId: RowId.optional(),
  includeGroups: z.boolean().default(false),
});
export type HandoverInput = z.input<typeof HandoverInput>;

// ---- responses ----

export const HandoverPreview = z.object({
  customers: z.array(z.object({
    externalUserid: z.string(), name: z.string().nullable(), transfers90d: z.number().int(),
    eligible: z.boolean(), reason: z.string().nullable(),
  })),
  groups: z.array(z.object({ chatId: z.string(), name: z.string(), memberCount: z.number().int() })),
  limits: z.object({
    customersPerCall: z.number(), transfersPer90Days: z.number(), groupsPerDay: z.number(), takeoverHours: z.number(), messageMax: z.number(),
  }),
  notes: z.array(z.string()),
});
export type HandoverPreview = z.input<typeof HandoverPreview>;

export const HandoverJob = z.object({
  id: z.number().int(), kind: z.enum(HANDOVER_KINDS), handoverUserid: z.string(), takeoverUserid: z.string(),
  message: z.string().nullable(), status: z.enum(HANDOVER_JOB_STATUSES),
  /** Items per status. */
  counts: z.partialRecord(z.enum(HANDOVER_ITEM_STATUSES), z.number().int()),
  createdBy: z.string().nullable(), createdAt: DateTime, finishedAt: DateTime.nullable(),
});
export type HandoverJob = z.input<typeof HandoverJob>;
export const HandoverJobList = ItemsOf(HandoverJob);

export const HandoverItem = z.object({
  kind: z.enum(HANDOVER_ITEM_KINDS), id: z.string(), name: z.string().nullable(), status: z.enum(HANDOVER_ITEM_STATUSES),
  errcode: z.number().int().nullable(), error: z.string().nullable(), takeoverAt: DateTime.nullable(),
});
export type HandoverItem = z.input<typeof HandoverItem>;

export const HandoverJobDetail = HandoverJob.extend({ items: z.array(HandoverItem) });
export type HandoverJobDetail = z.input<typeof HandoverJobDetail>;

/** A customer of a member who left that nobody has taken over (get_unassigned_list); dimissionTime in Unix seconds. */
export const UnassignedCustomer = z.object({ handoverUserid: z.string(), externalUserid: z.string(), dimissionTime: z.number() });
export type UnassignedCustomer = z.input<typeof UnassignedCustomer>;
export const UnassignedList = ItemsOf(UnassignedCustomer);
