// Offers (issue 13): coupon campaigns and limited-time offers (领券), group-buy (拼团) and bargain (砍价) — the
// campaign kinds 'coupon', 'groupbuy', 'bargain'. Each create body is CampaignBase + the kind's `config`; the customer
// pages' requests carry only a RequestId (who the customer is comes from the WeChat session, never from a body).
import { z } from 'zod';
import { Campaign, CampaignBase, CampaignNumbers, Fen, MAX_FEN, windowIssue } from './activate';
import { RequestId } from './campaigns-h5';
import { CorpId, DateTime, HttpUrl, Int4, RequiredText, RowId, RowIdParam } from './common';

export const OFFER_KINDS = ['coupon', 'groupbuy', 'bargain'] as const;
export const OfferKind = z.enum(OFFER_KINDS, { message: `must be one of ${OFFER_KINDS.join(', ')}` });
export type OfferKind = z.infer<typeof OfferKind>;

/** Group-buy sizes and windows, bargain windows: declared once here. */
export const GROUP_SIZE_MIN = 2;
export const GROUP_SIZE_MAX = 50;
export const OFFER_HOURS_MAX = 168;
export const PER_CUSTOMER_LIMIT_MAX = 100;

/**
 * A coupon campaign (领券 / limited-time offer): customers claim codes from a pool during the campaign's window
 * (startsAt–endsAt); `perCustomerLimit` codes each; group-exclusive coupons use the campaign's eligibility
 * (chatIds / groupTiers). `showCountdown`: the H5 page counts down to endsAt (the limited-time offer).
 */
export const CouponConfig = z.object({
  couponPoolId: RowId,
  perCustomerLimit: Int4(1, PER_CUSTOMER_LIMIT_MAX).default(1),
  showCountdown: z.boolean({ message: 'must be true or false' }).default(true),
}).strict();
export type CouponConfig = z.infer<typeof CouponConfig>;

const product = {
  productName: RequiredText(60),
  sku: RequiredText(64),
  imageUrl: HttpUrl().nullable().default(null),
};

/**
 * A group-buy (拼团): a customer opens a group for the product at `priceFen`, needing `groupSize` people (the opener
 * included) within `hours`; friends join from the share link. When full, every member gets a coupon from
 * `couponPoolId`, or — without a pool — the right to buy at the group price at `productUrl` (a manual reward).
 */
export const GroupbuyConfig = z.object({
  ...product,
  priceFen: Int4(1, MAX_FEN),
  originalPriceFen: Int4(1, MAX_FEN),
  groupSize: Int4(GROUP_SIZE_MIN, GROUP_SIZE_MAX),
  hours: Int4(1, OFFER_HOURS_MAX),
  couponPoolId: RowId.nullable().default(null),
  productUrl: HttpUrl().nullable().default(null),
  /** Groups one customer may open (open or full ones; expired ones do not count). */
  maxGroupsPerCustomer: Int4(1, 100).default(1),
}).strict().superRefine((c, ctx) => {
  if (c.priceFen >= c.originalPriceFen) ctx.addIssue({ code: 'custom', path: ['priceFen'], message: 'must be below originalPriceFen' });
  if (c.couponPoolId === null && c.productUrl === null) ctx.addIssue({ code: 'custom', path: ['productUrl'], message: 'is required when there is no couponPoolId' });
});
export type GroupbuyConfig = z.infer<typeof GroupbuyConfig>;

/**
 * A bargain (砍价): the owner starts at `startFen`; each friend's help cuts a random amount in [minCutFen, maxCutFen]
 * (never below `floorFen`: the cut that would pass it stops on it). `helpsToFloor`: about that many helps reach the
 * floor (the last lands exactly on it). `newCustomersOnly`: a helper must not be a customer yet when they help.
 * The owner buys at the price reached at `productUrl` (a manual reward in the ledger carrying the price and sku).
 */
export const BargainConfig = z.object({
  ...product,
  startFen: Int4(1, MAX_FEN),
  floorFen: Int4(0, MAX_FEN),
  minCutFen: Int4(1, MAX_FEN),
  maxCutFen: Int4(1, MAX_FEN),
  hours: Int4(1, OFFER_HOURS_MAX),
  newCustomersOnly: z.boolean({ message: 'must be true or false' }).default(false),
  helpsToFloor: Int4(1, 1000).nullable().default(null),
  productUrl: HttpUrl(),
}).strict().superRefine((c, ctx) => {
  if (c.floorFen >= c.startFen) ctx.addIssue({ code: 'custom', path: ['floorFen'], message: 'must be below startFen' });
  if (c.minCutFen > c.maxCutFen) ctx.addIssue({ code: 'custom', path: ['minCutFen'], message: 'must be at most maxCutFen' });
  if (c.maxCutFen > c.startFen - c.floorFen) ctx.addIssue({ code: 'custom', path: ['maxCutFen'], message: 'must be at most startFen − floorFen' });
});
export type BargainConfig = z.infer<typeof BargainConfig>;

export const CouponCampaignBody = CampaignBase.extend({ config: CouponConfig }).superRefine(windowIssue);
export const GroupbuyCampaignBody = CampaignBase.extend({ config: GroupbuyConfig }).superRefine(windowIssue);
export const BargainCampaignBody = CampaignBase.extend({ config: BargainConfig }).superRefine(windowIssue);
export type CouponCampaignBody = z.output<typeof CouponCampaignBody>;
export type GroupbuyCampaignBody = z.output<typeof GroupbuyCampaignBody>;
export type BargainCampaignBody = z.output<typeof BargainCampaignBody>;

/**
 * An edit: the shared fields it names; `config`, when given, replaces the kind's config whole and is checked by the
 * kind's schema (a 400 names `config.<field>`). A live campaign's pool and sizes may change: what was handed out stays.
 */
export const OfferPatch = CampaignBase.partial().extend({ config: z.record(z.string(), z.unknown()).optional() }).strict().superRefine(windowIssue);
export type OfferPatch = z.output<typeof OfferPatch>;

export const OfferPoolInfo = z.object({
  id: z.number(), name: z.string(), faceValueFen: z.number(), thresholdFen: z.number(), validUntil: DateTime.nullable(), validDays: z.number().nullable(),
  useUrl: z.string().nullable(), available: z.number(),
});
export type OfferPoolInfo = z.infer<typeof OfferPoolInfo>;

export const OfferNumbers = CampaignNumbers.extend({
  /** Coupons handed out by this campaign and redeemed by an order (coupon_codes). */
  claims: z.number(),
  redeemed: z.number(),
  groupbuysOpen: z.number(),
  groupbuysFull: z.number(),
  groupbuysExpired: z.number(),
  groupbuyMembers: z.number(),
  bargains: z.number(),
  bargainsAtFloor: z.number(),
  bargainsBought: z.number(),
  helps: z.number(),
});
export type OfferNumbers = z.infer<typeof OfferNumbers>;

/** One corp day of a campaign: who took part, codes claimed and redeemed, group-buy joins, bargain helps. */
export const OfferDay = z.object({ day: z.string(), participants: z.number(), claims: z.number(), redeemed: z.number(), joins: z.number(), helps: z.number() });

export const OfferDetail = Campaign.extend({
  kind: OfferKind,
  config: z.record(z.string(), z.unknown()),
  pool: OfferPoolInfo.nullable(),
  numbers: OfferNumbers,
  daily: z.array(OfferDay),
});
export type OfferDetail = z.infer<typeof OfferDetail>;

export const OfferMember = z.object({
  memberKey: z.string(), externalUserid: z.string().nullable(), name: z.string().nullable(), avatar: z.string().nullable(),
  couponCode: z.string().nullable(), rewardId: z.number().nullable(), joinedAt: DateTime,
});
export const GroupbuyItem = z.object({
  id: z.number(), opener: z.object({ externalUserid: z.string(), name: z.string().nullable() }), state: z.enum(['open', 'full', 'expired']),
  needed: z.number(), joined: z.number(), expiresAt: DateTime, fullAt: DateTime.nullable(), createdAt: DateTime, members: z.array(OfferMember),
});
export const GroupbuyPage = z.object({ items: z.array(GroupbuyItem), total: z.number() });
export const BargainHelpItem = z.object({
  helperKey: z.string(), externalUserid: z.string().nullable(), name: z.string().nullable(), avatar: z.string().nullable(), cutFen: z.number(), at: DateTime,
});
export const BargainItem = z.object({
  id: z.number(), owner: z.object({ externalUserid: z.string(), name: z.string().nullable() }), state: z.enum(['open', 'floor', 'bought', 'expired']),
  startFen: z.number(), floorFen: z.number(), priceFen: z.number(), helps: z.number(), expiresAt: DateTime, createdAt: DateTime,
  rewardId: z.number().nullable(), helpers: z.array(BargainHelpItem),
});
export const BargainPage = z.object({ items: z.array(BargainItem), total: z.number() });
export const OfferListQuery = z.object({
  state: z.string().regex(/^[a-z]{1,16}$/, 'must be a state name').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

// ---- the customer pages (/c/api/:corpId/offers/…) ----

export const CustomerOfferParams = z.object({ corpId: CorpId, id: RowIdParam });
export const CustomerGroupbuyParams = CustomerOfferParams.extend({ groupbuyId: RowIdParam });
export const CustomerBargainParams = CustomerOfferParams.extend({ bargainId: RowIdParam });
/** The page's share link carries the group-buy (`g`) or the bargain (`b`) a friend opened. */
export const CustomerOfferQuery = z.object({ g: RowIdParam.optional(), b: RowIdParam.optional() });
export const CustomerActionBody = z.object({ requestId: RequestId }).strict();

export const CustomerCoupon = z.object({ code: z.string(), state: z.string(), expiresAt: DateTime.nullable(), claimedAt: DateTime.nullable() });

export const CustomerGroupbuy = z.object({
  id: z.number(), state: z.enum(['open', 'full', 'expired']), needed: z.number(), joined: z.number(), expiresAt: DateTime,
  /** The opener is the current visitor; they are a member. */
  mine: z.boolean(), member: z.boolean(),
  members: z.array(z.object({ name: z.string().nullable(), avatar: z.string().nullable(), opener: z.boolean() })),
  /** When full, the visitor's reward: a coupon code, or the shop link at the group price. */
  couponCode: z.string().nullable(),
  buyUrl: z.string().nullable(),
  shareUrl: z.string(),
});
export type CustomerGroupbuy = z.infer<typeof CustomerGroupbuy>;

export const CustomerBargain = z.object({
  id: z.number(), state: z.enum(['open', 'floor', 'bought', 'expired']), startFen: z.number(), floorFen: z.number(), priceFen: z.number(),
  helps: z.number(), expiresAt: DateTime, mine: z.boolean(),
  /** The visitor's own cut on this bargain, if they helped. */
  myCutFen: z.number().nullable(),
  helpers: z.array(z.object({ name: z.string().nullable(), avatar: z.string().nullable(), cutFen: z.number(), at: DateTime })),
  /** The owner's link to buy at the price reached, once they chose to buy. */
  buyUrl: z.string().nullable(),
  shareUrl: z.string(),
});
export type CustomerBargain = z.infer<typeof CustomerBargain>;

/** What the offer page shows: the kind's config as the customer sees it, and the visitor's own state. */
export const CustomerOffer = z.object({
  kind: OfferKind,
  endsAt: DateTime.nullable(),
  showCountdown: z.boolean(),
  now: DateTime,
  coupon: z.object({
    name: z.string(), faceValueFen: Fen(), thresholdFen: Fen(), validUntil: DateTime.nullable(), validDays: z.number().nullable(), useUrl: z.string().nullable(),
    perCustomerLimit: z.number(), left: z.number(), mine: z.array(CustomerCoupon),
  }).nullable(),
  product: z.object({
    name: z.string(), sku: z.string(), imageUrl: z.string().nullable(), priceFen: z.number(), originalPriceFen: z.number(),
  }).nullable(),
  groupSize: z.number().nullable(),
  hours: z.number().nullable(),
  newCustomersOnly: z.boolean(),
  /** The group-buy the link names (?g=), else the visitor's own open or latest one. */
  groupbuy: CustomerGroupbuy.nullable(),
  /** The bargain the link names (?b=), else the visitor's own. */
  bargain: CustomerBargain.nullable(),
  /** The visitor's WeChat identity is known (a friend who is not a customer may still help a bargain). */
  identified: z.boolean(),
});
export type CustomerOffer = z.infer<typeof CustomerOffer>;

export const ClaimResult = z.object({ coupon: CustomerCoupon, claimed: z.number(), limit: z.number() });
export type ClaimResult = z.infer<typeof ClaimResult>;
export const HelpResult = z.object({ cutFen: z.number(), bargain: CustomerBargain });
export type HelpResult = z.infer<typeof HelpResult>;
