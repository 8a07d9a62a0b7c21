// Customer groups (客户群): the list and its filters, a group with its members, tiers and labels in use, and the
// Pond-side profile (tier, labels, owner persona, rules, announcement template) an operator sets.
import { z } from 'zod';
import { ChatId, DateTime, Page, PageOf, RowIdParam, Userid } from './common';

export const GROUP_STATUSES = ['active', 'dismissed'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

// ---- requests ----

export const GroupsQuery = Page.extend({
  q: z.string().max(100).optional(), owner: Userid.optional(), status: z.enum(GROUP_STATUSES).optional(),
  tier: z.string().max(30).optional(), label: z.string().max(30).optional(), storeId: RowIdParam.optional(),
});
/** The query's parsed form (numbers for page, pageSize and storeId). */
export type GroupsQuery = z.output<typeof GroupsQuery>;

export const GroupParams = z.object({ chatId: ChatId });

export const GroupProfileBody = z.object({
  tier: z.string().trim().max(30, 'must be at most 30 characters').nullish(),
  labels: z.array(z.string().trim().min(1).max(30, 'each label at most 30 characters')).max(20, 'at most 20 labels').optional(),
  persona: z.string().max(1000).nullish(),
  rulesText: z.string().max(2000).nullish(),
  announcementTemplate: z.string().max(4000, 'must be at most 4000 characters').nullish(),
});
export type GroupProfileBody = z.input<typeof GroupProfileBody>;

// ---- responses ----

export const Group = z.object({
  chatId: z.string(), name: z.string(), ownerUserid: z.string().nullable(), ownerName: z.string().nullable(),
  memberCount: z.number().int(), customerCount: z.number().int(), createdAt: DateTime.nullable(), status: z.enum(GROUP_STATUSES),
  notice: z.string().nullable(), storeId: z.number().int().nullable(),
  /** groupchat/list status: 0 normal, 1 owner resigned, 2 takeover in progress, 3 taken over. */
  ownerStatus: z.number().int(), adminUserids: z.array(z.string()),
  tier: z.string().nullable(), labels: z.array(z.string()), persona: z.string().nullable(), rulesText: z.string().nullable(),
  announcementTemplate: z.string().nullable(),
});
export type Group = z.input<typeof Group>;

export const GroupPage = PageOf(Group);

/** WeCom's member type: 1 a corp member (staff), 2 an external contact (customer). */
export const GroupMember = z.object({
  memberId: z.string(), type: z.number().int(), name: z.string().nullable(), groupNickname: z.string().nullable(),
  joinTime: DateTime.nullable(), joinScene: z.number().int().nullable(), invitor: z.string().nullable(), state: z.string().nullable(),
  leftAt: DateTime.nullable(), quitScene: z.number().int().nullable(),
});
export type GroupMember = z.input<typeof GroupMember>;

export const GroupDetail = z.object({ group: Group, members: z.array(GroupMember) });
export type GroupDetail = z.input<typeof GroupDetail>;

/** Tiers and labels of the active groups in view, with counts (filter options and the tier picker). */
export const GroupTiers = z.object({
  tiers: z.array(z.object({ tier: z.string(), groups: z.number().int(), members: z.number().int() })),
  labels: z.array(z.object({ label: z.string(), groups: z.number().int() })),
});
export type GroupTiers = z.input<typeof GroupTiers>;
