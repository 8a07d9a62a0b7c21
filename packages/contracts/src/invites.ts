// Invite tasks (任务宝) and group fission (群裂变), issue 14: a campaign of kind 'invite'. A participant (a customer)
// gets a personal poster whose QR opens /l/i/<token>; a friend who scans it is shown the campaign's live code (staff
// or group, routed like any scan) and, once they add or join, is credited to the participant. Credits wait out a
// holding period (a delete or leave voids them), suspicious ones wait for an operator (the review queue), and
// tiers (N friends → a reward) are granted through the reward ledger once each.
import { z } from 'zod';
import { Campaign, CampaignBase, CampaignNumbers, CampaignPatch, windowIssue } from './activate';
import { MilestoneReward } from './checkin';
import { DateTime, Int4, List, RowId, RowIdParam, Text } from './common';

/**
 * What counts as a friend brought in. `add`: added a staff member through the campaign's staff code; `group`: joined
 * one of the campaign's group code's groups (group fission); `add_and_stay`: added and is still a contact `stayDays`
 * later.
 */
export const INVITE_RULES = ['add', 'group', 'add_and_stay'] as const;
export const InviteRule = z.enum(INVITE_RULES, { message: `must be one of ${INVITE_RULES.join(', ')}` });
export type InviteRule = z.infer<typeof InviteRule>;

/** Most reward tiers a campaign has. */
export const MAX_INVITE_TIERS = 10;
/** Most friends a tier may ask for. */
export const MAX_TIER_FRIENDS = 100_000;
/** Longest holding period, in days. */
export const MAX_HOLD_DAYS = 30;

/** N friends counted → a reward (a coupon, points, a red packet, or something handed out by hand). */
export const InviteTier = z.object({
  friends: Int4(1, MAX_TIER_FRIENDS),
  reward: MilestoneReward,
}).strict();
export type InviteTier = z.infer<typeof InviteTier>;

/**
 * Rate anomalies that send a credit to the review queue instead of counting it: more than `maxPerIp` friends of the
 * campaign scanning from one IP address within a day, or `burstCount` friends of one participant within
 * `burstSeconds`. null switches a check off.
 */
export const InviteAntiFraud = z.object({
  maxPerIp: Int4(1, 100_000).nullable().default(5),
  burstCount: Int4(2, 100_000).nullable().default(5),
  burstSeconds: Int4(1, 86_400).default(60),
}).strict();
export type InviteAntiFraud = z.output<typeof InviteAntiFraud>;

export const InviteConfig = z.object({
  /** The live code friends are routed by (its strategy, caps and lock): a staff code, or a group code for `group`. */
  codeId: RowId,
  rule: InviteRule.default('add'),
  /** add_and_stay: days the friend must stay a contact. */
  stayDays: Int4(1, MAX_HOLD_DAYS).nullable().default(null),
  /** Days a credit waits before it is final and counts for tiers; a delete or leave within it voids the credit. */
  holdDays: Int4(0, MAX_HOLD_DAYS).default(3),
  tiers: List(InviteTier, MAX_INVITE_TIERS).min(1, 'at least 1 tier'),
  /** The poster template (modules/posters); null: Pond's default poster. */
  posterTemplateId: RowId.nullable().default(null),
  /** The default poster's headline and copy. */
  posterTitle: Text(40).default(''),
  posterText: Text(200).default(''),
  /** How many the leaderboard lists. */
  leaderboardSize: Int4(3, 100).default(20),
  antiFraud: InviteAntiFraud.default({ maxPerIp: 5, burstCount: 5, burstSeconds: 60 }),
}).strict();
export type InviteConfig = z.output<typeof InviteConfig>;

export function inviteConfigIssues(c: Partial<InviteConfig>, ctx: z.RefinementCtx, path: (string | number)[] = ['config']): void {
  if (c.rule === 'add_and_stay' && !c.stayDays) ctx.addIssue({ code: 'custom', path: [...path, 'stayDays'], message: 'is required for the rule add_and_stay' });
  if (c.rule !== 'add_and_stay' && c.stayDays) ctx.addIssue({ code: 'custom', path: [...path, 'stayDays'], message: 'is only for the rule add_and_stay' });
  const seen = new Set<number>();
  (c.tiers ?? []).forEach((t, i) => {
    if (seen.has(t.friends)) ctx.addIssue({ code: 'custom', path: [...path, 'tiers', i, 'friends'], message: 'must differ from the other tiers' });
    seen.add(t.friends);
  });
}

export const CreateInviteBody = CampaignBase.extend({ config: InviteConfig }).strict().superRefine((o, ctx) => {
  windowIssue(o, ctx);
  inviteConfigIssues(o.config, ctx);
  if (o.entry.kind !== 'free') ctx.addIssue({ code: 'custom', path: ['entry'], message: 'an invite campaign is free to join (entry kind free)' });
});
export type CreateInviteBody = z.output<typeof CreateInviteBody>;

/** Every field optional (absent: unchanged); `config` replaces the whole config when given. */
export const UpdateInviteBody = CampaignPatch.extend({ config: InviteConfig.optional() }).strict().superRefine((o, ctx) => {
  windowIssue(o, ctx);
  if (o.config) inviteConfigIssues(o.config, ctx);
  if (o.entry && o.entry.kind !== 'free') ctx.addIssue({ code: 'custom', path: ['entry'], message: 'an invite campaign is free to join (entry kind free)' });
});
export type UpdateInviteBody = z.output<typeof UpdateInviteBody>;

/** pending (holding period), review (flagged: an operator decides), credited (final, counts), voided. */
export const CREDIT_STATUSES = ['pending', 'review', 'credited', 'voided'] as const;
export const CreditStatus = z.enum(CREDIT_STATUSES, { message: `must be one of ${CREDIT_STATUSES.join(', ')}` });
export type CreditStatus = z.infer<typeof CreditStatus>;

/** Why a credit was voided or flagged. */
export const CREDIT_REASONS = ['self_invite', 'existing_customer', 'deleted', 'left_group', 'rejected', 'ip_anomaly', 'burst_anomaly', 'not_staying', 'campaign_closed'] as const;
export type CreditReason = (typeof CREDIT_REASONS)[number];

export const Invite = Campaign.extend({ config: InviteConfig });
export type Invite = z.infer<typeof Invite>;

export const InviteNumbers = CampaignNumbers.extend({
  /** Friends who scanned a participant's poster (distinct WeChat identities). */
  scanned: z.number(),
  /** Friends who added or joined (every credit row, whatever became of it). */
  invitees: z.number(),
  pending: z.number(),
  review: z.number(),
  credited: z.number(),
  voided: z.number(),
  /** Participants who brought at least one credited friend. */
  activeParticipants: z.number(),
  /** Credited friends per participant (the viral coefficient K). */
  kFactor: z.number(),
  /** Reward cost per credited friend, in fen (null: none credited). */
  costPerNewFen: z.number().nullable(),
  tiers: z.array(z.object({ friends: z.number(), title: z.string(), reached: z.number() })),
  voidReasons: z.array(z.object({ reason: z.string(), n: z.number() })),
});

export const InviteDetail = Invite.extend({ numbers: InviteNumbers });
export type InviteDetail = z.infer<typeof InviteDetail>;

export const InviteParticipantsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const InviteParticipant = z.object({
  externalUserid: z.string(),
  name: z.string().nullable(),
  userid: z.string().nullable(),
  credited: z.number(),
  pending: z.number(),
  voided: z.number(),
  tiersReached: z.number(),
  joinedAt: DateTime,
});
export const InviteParticipants = z.object({ items: z.array(InviteParticipant), total: z.number() });

export const InviteCreditsQuery = z.object({
  status: CreditStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const InviteCredit = z.object({
  id: z.number(),
  inviterExternalUserid: z.string(),
  inviterName: z.string().nullable(),
  inviteeExternalUserid: z.string(),
  inviteeName: z.string().nullable(),
  kind: z.enum(['add', 'group']),
  status: CreditStatus,
  reason: z.string().nullable(),
  flags: z.array(z.string()),
  ip: z.string().nullable(),
  eventAt: DateTime,
  holdUntil: DateTime,
  decidedBy: z.string().nullable(),
  decidedAt: DateTime.nullable(),
});
export type InviteCredit = z.infer<typeof InviteCredit>;
export const InviteCredits = z.object({ items: z.array(InviteCredit), total: z.number() });

export const CreditParams = z.object({ id: RowIdParam, creditId: RowIdParam });
/** approve: the credit counts (after its holding period); reject: voided. */
export const CreditReviewBody = z.object({ decision: z.enum(['approve', 'reject'], { message: 'must be approve or reject' }) }).strict();

// ---- the customer's page (/c/api/…): who they are comes from the session only ----

export const LeaderboardRow = z.object({ rank: z.number(), name: z.string(), credited: z.number(), me: z.boolean() });

export const CustomerInviteView = z.object({
  rule: InviteRule,
  holdDays: z.number(),
  joined: z.boolean(),
  /** The participant's link (what the poster's QR encodes); null until joined. */
  shareUrl: z.string().nullable(),
  posterUrl: z.string().nullable(),
  progress: z.object({ credited: z.number(), pending: z.number(), voided: z.number() }),
  tiers: z.array(z.object({
    friends: z.number(), title: z.string(), kind: z.string(), reached: z.boolean(),
    rewardId: z.number().nullable(), rewardState: z.string().nullable(), couponCode: z.string().nullable(),
  })),
  /** Friends, newest first (names only as far as the participant may see them: a masked nickname). */
  friends: z.array(z.object({ name: z.string(), status: CreditStatus, at: DateTime })),
  leaderboard: z.array(LeaderboardRow),
  myRank: z.number().nullable(),
});
export type CustomerInviteView = z.infer<typeof CustomerInviteView>;
