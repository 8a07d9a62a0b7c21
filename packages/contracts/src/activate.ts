// Activate (issue 13): what every campaign kind shares — the campaign row's kinds and states, who may take part
// (eligibility), what entering costs (free, points, a paid shop product), and the reward ledger's kinds, adapters
// and states. Each kind's own requests live in its file (lottery.ts, checkin.ts, offers.ts, rewards.ts).
import { z } from 'zod';
import { ChatId, DateTime, HttpUrl, Int4, List, patchOf, RequiredText, RowId, TagId, Text } from './common';

export const CAMPAIGN_KINDS = ['lottery', 'checkin', 'coupon', 'groupbuy', 'bargain', 'redpacket',
  // Spread (issue 14): referral commission (分销), invite tasks and group fission (invites.ts).
  'referral', 'invite'] as const;
export const CampaignKind = z.enum(CAMPAIGN_KINDS, { message: `must be one of ${CAMPAIGN_KINDS.join(', ')}` });
export type CampaignKind = z.infer<typeof CampaignKind>;

/** draft (being set up, previewable) → active ⇄ paused → ended (final). */
export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;
export const CampaignStatus = z.enum(CAMPAIGN_STATUSES, { message: `must be one of ${CAMPAIGN_STATUSES.join(', ')}` });
export type CampaignStatus = z.infer<typeof CampaignStatus>;

/** Most ids an eligibility list holds. */
export const MAX_ELIGIBILITY_IDS = 50;
const ids = <T extends z.ZodType>(item: T) => List(item, MAX_ELIGIBILITY_IDS).optional();

/**
 * Who may take part. Every list given must match (AND between lists, OR within one); none given: every customer.
 * `tagIds`: has any of the tags; `segmentIds`: in any segment; `chatIds`: a member of any group; `groupTiers`: a
 * member of a group of any tier; `storeIds`: a customer of a store (their staff's store).
 */
export const Eligibility = z.object({
  tagIds: ids(TagId),
  segmentIds: ids(RowId),
  chatIds: ids(ChatId),
  groupTiers: ids(RequiredText(32)),
  storeIds: ids(RowId),
}).strict();
export type Eligibility = z.infer<typeof Eligibility>;

/** Most fen a campaign amount (a price, a fee, a red packet, a budget) holds: ¥10,000,000. */
export const MAX_FEN = 1_000_000_000;
export const Fen = (what = 'an amount in fen (1 yuan = 100 fen)') => Int4(0, MAX_FEN).describe(what);

/**
 * What taking part costs. `free`; `points`: that many points from the customer's balance per entry; `paid`: a shop
 * product (its `sku`) whose paid order, arriving through the order webhook, grants `entriesPerOrder` entries (the
 * 1-cent draw; the check-in challenge's fee). A refund revokes what is still unused.
 */
export const EntryCost = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('free') }).strict(),
  z.object({ kind: z.literal('points'), points: Int4(1, 1_000_000) }).strict(),
  z.object({
    kind: z.literal('paid'), sku: RequiredText(64), priceFen: Int4(1, MAX_FEN), productUrl: HttpUrl().optional(),
    entriesPerOrder: Int4(1, 100).default(1),
  }).strict(),
], { error: 'must be { kind: free | points | paid }' });
export type EntryCost = z.infer<typeof EntryCost>;

// ---- the reward ledger ----

/** What a reward is. `gift`: a physical prize shipped by the shop (address collected); `cashback`: 打卡返现. */
/** `cash`: money earned (a referral commission payout). */
export const REWARD_KINDS = ['coupon', 'points', 'gift', 'redpacket', 'cashback', 'custom', 'cash'] as const;
export const RewardKind = z.enum(REWARD_KINDS, { message: `must be one of ${REWARD_KINDS.join(', ')}` });
export type RewardKind = z.infer<typeof RewardKind>;

/** How it is issued: a code from a pool, the points balance, a signed webhook to the shop, WeChat Pay, by hand. */
export const REWARD_ADAPTERS = ['coupon', 'points', 'webhook', 'wechatpay', 'manual'] as const;
export const RewardAdapter = z.enum(REWARD_ADAPTERS, { message: `must be one of ${REWARD_ADAPTERS.join(', ')}` });
export type RewardAdapter = z.infer<typeof RewardAdapter>;

/** pending → issuing → issued; failed (retries exhausted, an operator may retry) ; void (revoked before issue). */
export const REWARD_STATES = ['pending', 'issuing', 'issued', 'failed', 'void'] as const;
export const RewardState = z.enum(REWARD_STATES, { message: `must be one of ${REWARD_STATES.join(', ')}` });
export type RewardState = z.infer<typeof RewardState>;

/** Where a reward came from. */
export const REWARD_SOURCES = ['lottery', 'checkin', 'coupon', 'groupbuy', 'bargain', 'invite', 'referral', 'plan', 'manual'] as const;
export const RewardSource = z.enum(REWARD_SOURCES, { message: `must be one of ${REWARD_SOURCES.join(', ')}` });
export type RewardSource = z.infer<typeof RewardSource>;

// ---- the campaign's shared fields (each kind's create body extends CampaignBase with its `config`) ----

export const CampaignBase = z.object({
  name: RequiredText(60),
  startsAt: DateTime,
  endsAt: DateTime.nullable().default(null),
  eligibility: Eligibility.default({}),
  entry: EntryCost.default({ kind: 'free' }),
  /** The live code shown to a visitor who is not a customer yet. */
  joinCodeId: RowId.nullable().default(null),
  rules: Text(2000).default(''),
  budgetTotalFen: Int4(0, MAX_FEN).nullable().default(null),
  budgetDailyFen: Int4(0, MAX_FEN).nullable().default(null),
  rewardsPerCustomer: Int4(1, 10_000).nullable().default(null),
});
export type CampaignBase = z.infer<typeof CampaignBase>;

/**
 * CampaignBase's fields for a PATCH: each optional and without its default, so an absent field stays as it is
 * (`CampaignBase.partial()` would fill in the defaults and reset rules, entry, budgets… the PATCH did not name).
 */
export const CampaignPatch = patchOf(CampaignBase);

/** endsAt after startsAt: every create and update body refines with it. */
export function windowIssue(o: { startsAt?: Date; endsAt?: Date | null }, ctx: z.RefinementCtx): void {
  if (o.startsAt && o.endsAt && o.endsAt <= o.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
}

export const Campaign = z.object({
  id: z.number(),
  kind: CampaignKind,
  name: z.string(),
  status: CampaignStatus,
  startsAt: DateTime,
  endsAt: DateTime.nullable(),
  eligibility: Eligibility,
  entry: EntryCost,
  joinCodeId: z.number().nullable(),
  rules: z.string(),
  budgetTotalFen: z.number().nullable(),
  budgetDailyFen: z.number().nullable(),
  rewardsPerCustomer: z.number().nullable(),
  createdBy: z.string().nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
  /** The customer page (open it in WeChat; the console previews it). */
  pageUrl: z.string(),
});
export type Campaign = z.infer<typeof Campaign>;

/** The numbers every campaign has (the kind's page adds its own). */
export const CampaignNumbers = z.object({
  participants: z.number(),
  rewards: z.number(),
  costFen: z.number(),
  /** Orders attributed to the campaign (paid entries, redeemed coupons) and their amount. */
  orders: z.number(),
  gmvFen: z.number(),
});
export type CampaignNumbers = z.infer<typeof CampaignNumbers>;

export const CampaignListItem = Campaign.extend({ numbers: CampaignNumbers });
export const CampaignList = z.object({ items: z.array(CampaignListItem), total: z.number() });
export const CampaignListQuery = z.object({
  kind: CampaignKind.optional(),
  status: CampaignStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const CampaignStatusBody = z.object({ status: CampaignStatus });
