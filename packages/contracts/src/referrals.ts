// Referral commission (分销, issue 14): a programme is a `referral` campaign (ADR 0022) whose `config` is
// ReferralConfig. Referrers (customers from their H5 page, staff from the task page) get a short code and a link;
// a referee's first touch binds them for `attributionDays`; their paid orders in that window (or any order carrying
// the referrer's personal coupon code) earn commission by the order-number tiers. Commission is pending until the
// shop's refund window passes, then payable; payouts go through the reward ledger (customers) or payroll (staff).
// ADR 0025 explains the model.
import { z } from 'zod';
import { Campaign, CampaignBase, CampaignNumbers, CampaignPatch, Fen, windowIssue } from './activate';
import { DateTime, Int4, List, RowId, RowIdParam, CorpId } from './common';

/** Longest attribution window and refund window, in days. */
export const MAX_ATTRIBUTION_DAYS = 365;
export const MAX_REFUND_WINDOW_DAYS = 90;
export const MAX_RATE_TIERS = 10;
/** Rates are basis points: 1000 = 10%. At most 50%. */
export const MAX_RATE_BP = 5000;

/**
 * One tier of the commission rate: from the referee's `fromOrder`-th commissioned order on (1 = the first), `rateBp`
 * basis points of the order's paid amount. Tiers ascend by fromOrder; the first starts at 1.
 */
export const RateTier = z.object({
  fromOrder: Int4(1, 1000),
  rateBp: Int4(0, MAX_RATE_BP).describe('basis points of the order amount (1000 = 10%)'),
}).strict();
export type RateTier = z.infer<typeof RateTier>;

export const PAYOUT_METHODS = ['wechatpay', 'webhook', 'manual'] as const;
export const PayoutMethod = z.enum(PAYOUT_METHODS, { message: `must be one of ${PAYOUT_METHODS.join(', ')}` });

export const ReferralConfig = z.object({
  /** A referee's first touch binds them to the referrer for this many days (first touch wins inside it). */
  attributionDays: Int4(1, MAX_ATTRIBUTION_DAYS).default(30),
  /** Staff may be referrers (from the task page), besides customers. */
  staffCanRefer: z.boolean().default(true),
  /** Customers may be referrers (from the programme's H5 page). */
  customersCanRefer: z.boolean().default(true),
  rateTiers: List(RateTier, MAX_RATE_TIERS).min(1, 'at least 1 item').default([{ fromOrder: 1, rateBp: 1000 }]),
  /** Most commission one order earns (null: no cap). */
  maxPerOrderFen: Fen().nullable().default(null),
  /** The shop's refund window: commission becomes payable this many days after the order was paid. */
  refundWindowDays: Int4(0, MAX_REFUND_WINDOW_DAYS).default(7),
  /** How a customer referrer's payout is paid (staff are paid with their wages: manual). */
  payoutMethod: PayoutMethod.default('wechatpay'),
  /** A referrer is paid out only once their payable commission reaches this. */
  minPayoutFen: Fen().default(100),
  /** A coupon pool whose codes become referrers' personal coupon codes (an order carrying one is attributed). */
  couponPoolId: RowId.nullable().default(null),
}).strict();
export type ReferralConfig = z.output<typeof ReferralConfig>;

export function referralConfigIssues(c: Partial<ReferralConfig>, ctx: z.RefinementCtx, path: (string | number)[] = ['config']): void {
  const tiers = c.rateTiers ?? [];
  if (tiers.length && tiers[0].fromOrder !== 1) ctx.addIssue({ code: 'custom', path: [...path, 'rateTiers', 0, 'fromOrder'], message: 'must be 1 (the first tier starts at the first order)' });
  tiers.forEach((t, i) => {
    if (i > 0 && t.fromOrder <= tiers[i - 1].fromOrder) ctx.addIssue({ code: 'custom', path: [...path, 'rateTiers', i, 'fromOrder'], message: 'must be above the previous tier\'s fromOrder' });
  });
  if (c.customersCanRefer === false && c.staffCanRefer === false) ctx.addIssue({ code: 'custom', path: [...path, 'customersCanRefer'], message: 'customers or staff (or both) must be able to refer' });
}

export const CreateReferralBody = CampaignBase.extend({ config: ReferralConfig }).strict().superRefine((o, ctx) => {
  windowIssue(o, ctx);
  referralConfigIssues(o.config, ctx);
  if (o.entry.kind !== 'free') ctx.addIssue({ code: 'custom', path: ['entry'], message: 'a referral programme is free to join (kind free)' });
});
export type CreateReferralBody = z.output<typeof CreateReferralBody>;

export const UpdateReferralBody = CampaignPatch.extend({ config: ReferralConfig.optional() }).strict().superRefine((o, ctx) => {
  windowIssue(o, ctx);
  if (o.config) referralConfigIssues(o.config, ctx);
  if (o.entry && o.entry.kind !== 'free') ctx.addIssue({ code: 'custom', path: ['entry'], message: 'a referral programme is free to join (kind free)' });
});
export type UpdateReferralBody = z.output<typeof UpdateReferralBody>;

export const COMMISSION_STATES = ['pending', 'payable', 'paid', 'cancelled'] as const;
export const CommissionState = z.enum(COMMISSION_STATES, { message: `must be one of ${COMMISSION_STATES.join(', ')}` });
export type CommissionState = z.infer<typeof CommissionState>;

export const REFERRER_KINDS = ['customer', 'staff'] as const;
export const ReferrerKind = z.enum(REFERRER_KINDS, { message: 'must be customer or staff' });

const Earnings = z.object({ pendingFen: z.number(), payableFen: z.number(), paidFen: z.number(), cancelledFen: z.number() });

export const ReferralProgramme = Campaign.extend({
  config: ReferralConfig,
  numbers: CampaignNumbers.extend({
    referrers: z.number(),
    referees: z.number(),
    /** Orders that earned commission (not cancelled) and their paid amount, refunds netted. */
    referredOrders: z.number(),
    referredGmvFen: z.number(),
    /** Commission not cancelled (pending + payable + paid): what the programme costs. */
    commissionFen: z.number(),
    earnings: Earnings,
  }),
});
export type ReferralProgramme = z.infer<typeof ReferralProgramme>;

export const Referrer = z.object({
  id: z.number(),
  kind: ReferrerKind,
  externalUserid: z.string().nullable(),
  userid: z.string().nullable(),
  name: z.string().nullable(),
  code: z.string(),
  couponCode: z.string().nullable(),
  link: z.string(),
  referees: z.number(),
  orders: z.number(),
  gmvFen: z.number(),
  earnings: Earnings,
  createdAt: DateTime,
});
export type Referrer = z.infer<typeof Referrer>;
export const ReferrerList = z.object({ items: z.array(Referrer), total: z.number() });
export const ReferrerListQuery = z.object({
  kind: ReferrerKind.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const Commission = z.object({
  id: z.number(),
  referrerId: z.number(),
  referrerName: z.string().nullable(),
  refereeExternalUserid: z.string(),
  refereeName: z.string().nullable(),
  orderId: z.string(),
  via: z.enum(['link', 'coupon']),
  orderSeq: z.number(),
  rateBp: z.number(),
  orderFen: z.number(),
  amountFen: z.number(),
  /** Refunded after the commission was paid out: what Pond did not claw back (the operator settles it). */
  clawbackFen: z.number(),
  state: CommissionState,
  paidAt: DateTime,
  maturesAt: DateTime,
  payoutId: z.number().nullable(),
  createdAt: DateTime,
});
export const CommissionList = z.object({ items: z.array(Commission), total: z.number() });
export const CommissionListQuery = z.object({
  state: CommissionState.optional(),
  referrerId: RowIdParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const Payout = z.object({
  id: z.number(),
  referrerId: z.number(),
  referrerName: z.string().nullable(),
  kind: ReferrerKind,
  amountFen: z.number(),
  commissions: z.number(),
  method: PayoutMethod,
  /** The reward-ledger row that pays it (customer referrers); null for staff (paid with wages). */
  rewardId: z.number().nullable(),
  /** The ledger's state (pending → issuing → issued / failed), or `manual` for staff payouts. */
  state: z.string(),
  createdBy: z.string().nullable(),
  createdAt: DateTime,
});
export const PayoutList = z.object({ items: z.array(Payout), total: z.number() });
export const PayoutListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
/** Create payouts from payable commission: every referrer at or above the minimum, or the ones named. */
export const CreatePayoutsBody = z.object({ referrerIds: List(RowId, 500).optional() }).strict();
export const CreatePayoutsResult = z.object({ created: z.array(Payout), skipped: z.number() });

// ---- the staff member's own link (task page) ----

export const MyReferralLink = z.object({
  campaignId: z.number(),
  name: z.string(),
  code: z.string(),
  link: z.string(),
  couponCode: z.string().nullable(),
  referees: z.number(),
  earnings: Earnings,
});
export const MyReferralLinks = z.object({ items: z.array(MyReferralLink) });

// ---- the customer's page (/c/api/<corpId>/referral/<id>/…) ----

export const ReferralCodeParams = z.object({ corpId: CorpId, id: RowIdParam });
export const TouchBody = z.object({ code: z.string().regex(/^[A-Z2-9]{8}$/, 'must be a referral code (8 letters and digits)') }).strict();
export const TouchResult = z.object({
  /** `bound`: this referrer now has the visitor for attributionDays; `kept`: an earlier touch still holds; `self`: one's own link. */
  outcome: z.enum(['bound', 'kept', 'self', 'closed']),
  referrerName: z.string().nullable(),
});

export const ReferralMe = z.object({
  /** false: not a customer yet (add via the campaign's code first). */
  isCustomer: z.boolean(),
  canRefer: z.boolean(),
  code: z.string().nullable(),
  link: z.string().nullable(),
  couponCode: z.string().nullable(),
  /** The link as a QR (data URL of an SVG), for a plain poster. */
  qrSvg: z.string().nullable(),
  attributionDays: z.number(),
  refundWindowDays: z.number(),
  rateTiers: z.array(RateTier),
  friends: z.array(z.object({ name: z.string().nullable(), touchedAt: DateTime, joined: z.boolean(), orders: z.number() })),
  earnings: Earnings,
  commissions: z.array(z.object({ orderFen: z.number(), amountFen: z.number(), state: CommissionState, paidAt: DateTime, maturesAt: DateTime })),
  leaderboard: z.array(z.object({ rank: z.number(), name: z.string(), earnedFen: z.number(), me: z.boolean() })),
  myRank: z.number().nullable(),
});
export type ReferralMe = z.infer<typeof ReferralMe>;
