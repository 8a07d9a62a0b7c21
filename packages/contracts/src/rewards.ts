// The reward ledger as operators and customers see it (issue 13): the ledger list, a reward's trail, operator
// actions (retry, mark issued, void), the customer's rewards card, the payout settings (the shop's reward webhook,
// the WeChat Pay merchant), coupon pools and their codes, and the customer H5 "my prizes" API.
import { z } from 'zod';
import { RewardAdapter, RewardKind, RewardSource, RewardState, MAX_FEN } from './activate';
import { DateTime, ExternalUserid, HttpUrl, Int4, Page, PageOf, RequiredText, RowIdParam, Text } from './common';

// ---- the ledger ----

export const Reward = z.object({
  id: z.number(),
  externalUserid: z.string(),
  customerName: z.string().nullable(),
  campaignId: z.number().nullable(),
  campaignName: z.string().nullable(),
  source: RewardSource,
  sourceRef: z.string(),
  kind: RewardKind,
  adapter: RewardAdapter,
  title: z.string(),
  amountFen: z.number(),
  costFen: z.number(),
  points: z.number(),
  couponPoolId: z.number().nullable(),
  couponCode: z.string().nullable(),
  /** A gift's shipping address (name, phone, address), `needsAddress` while waiting for it, the payee's openid… */
  details: z.record(z.string(), z.unknown()),
  state: RewardState,
  attempts: z.number(),
  nextAttemptAt: DateTime,
  outTradeNo: z.string().nullable(),
  externalRef: z.string().nullable(),
  lastError: z.string().nullable(),
  issuedAt: DateTime.nullable(),
  voidedAt: DateTime.nullable(),
  voidReason: z.string().nullable(),
  createdAt: DateTime,
});
export type Reward = z.infer<typeof Reward>;

export const RewardEvent = z.object({
  id: z.number(),
  fromState: RewardState.nullable(),
  toState: RewardState,
  /** Who: a member's name, or null for Pond itself. */
  actor: z.string().nullable(),
  note: z.string().nullable(),
  at: DateTime,
});
export const RewardDetail = Reward.extend({ events: z.array(RewardEvent) });
export type RewardDetail = z.infer<typeof RewardDetail>;

export const RewardFilters = z.object({
  state: RewardState.optional(),
  source: RewardSource.optional(),
  kind: RewardKind.optional(),
  adapter: RewardAdapter.optional(),
  campaignId: RowIdParam.optional(),
  externalUserid: ExternalUserid.optional(),
  /** Created on or after / before (exclusive) these instants. */
  from: z.iso.datetime({ offset: true, message: 'must be an ISO date-time with offset' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'must be an ISO date-time with offset' }).optional(),
});
export const RewardListQuery = RewardFilters.extend(Page.shape);
export type RewardListQuery = z.infer<typeof RewardListQuery>;
export const RewardList = PageOf(Reward);

export const MAX_REWARD_NOTE = 200;
export const MarkIssuedBody = z.object({ note: Text(MAX_REWARD_NOTE).optional() }).strict();
export const VoidBody = z.object({ reason: RequiredText(MAX_REWARD_NOTE) }).strict();

/** The customer page's card: their rewards (newest 50) and points balance. */
export const CustomerRewards = z.object({ points: z.number(), items: z.array(Reward), total: z.number() });
export type CustomerRewards = z.infer<typeof CustomerRewards>;

// ---- payout settings (admins) ----

export const PAY_API_BASE = 'https://api.mch.weixin.qq.com';
const PEM = Text(8000).refine((s) => /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/.test(s), 'must be a PEM private key (-----BEGIN PRIVATE KEY-----…)');
const PUBLIC_PEM = Text(4000).refine((s) => /-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.test(s), 'must be a PEM public key (-----BEGIN PUBLIC KEY-----…)');

export const RewardSettings = z.object({
  webhookUrl: z.string().nullable(),
  /** The signing secret is never shown again after it was generated: only whether there is one. */
  webhookSecretSet: z.boolean(),
  wechatPay: z.object({
    mchid: z.string().nullable(),
    appid: z.string().nullable(),
    serialNo: z.string().nullable(),
    apiV3KeySet: z.boolean(),
    privateKeySet: z.boolean(),
    /** WeChat Pay's public key id (微信支付公钥 ID) whose key verifies every answer; the key itself is not secret. */
    platformKeyId: z.string().nullable(),
    platformPublicKey: z.string().nullable(),
    apiBase: z.string(),
    /** Whether every field needed to pay is set. */
    ready: z.boolean(),
  }),
  dailyPayoutCapFen: z.number().nullable(),
  updatedAt: DateTime.nullable(),
  updatedBy: z.string().nullable(),
});
export type RewardSettings = z.infer<typeof RewardSettings>;

/** Changes what is given; a secret left out keeps its stored value, `null` clears it. */
export const RewardSettingsBody = z.object({
  webhookUrl: HttpUrl().nullable().optional(),
  wechatPay: z.object({
    mchid: z.string().regex(/^\d{8,12}$/, 'must be a WeChat Pay merchant id (8-12 digits)').nullable().optional(),
    appid: z.string().regex(/^wx[0-9A-Za-z]{16}$/, 'must be an appid (wx + 16 letters or digits)').nullable().optional(),
    serialNo: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the merchant certificate serial number (hex)').nullable().optional(),
    apiV3Key: z.string().length(32, 'must be the 32-character API v3 key').nullable().optional(),
    privateKey: PEM.nullable().optional(),
    platformKeyId: z.string().regex(/^PUB_KEY_ID_[0-9A-Za-z]{8,64}$/, 'must be a WeChat Pay public key id (PUB_KEY_ID_…)').nullable().optional(),
    platformPublicKey: PUBLIC_PEM.nullable().optional(),
    apiBase: HttpUrl().optional(),
  }).strict().optional(),
  dailyPayoutCapFen: Int4(1, MAX_FEN).nullable().optional(),
}).strict();
export type RewardSettingsBody = z.infer<typeof RewardSettingsBody>;

/** The settings after a change; `webhookSecret` only when this change generated it (shown this once). */
export const RewardSettingsSaved = RewardSettings.extend({ webhookSecret: z.string().optional() });

/** The webhook signing secret, shown once when (re)generated. */
export const WebhookSecret = z.object({ secret: z.string() });

// ---- coupon pools ----

export const CouponPoolFields = z.object({
  name: RequiredText(60),
  faceValueFen: Int4(1, MAX_FEN),
  thresholdFen: Int4(0, MAX_FEN).default(0),
  /** Valid until a date, or for N days from the claim (the earlier of both when both are set). */
  validUntil: DateTime.nullable().default(null),
  validDays: Int4(1, 3650).nullable().default(null),
  useUrl: HttpUrl().nullable().default(null),
});
export const CouponPoolBody = CouponPoolFields.strict();
export const CouponPoolPatch = z.object({
  name: RequiredText(60).optional(),
  faceValueFen: Int4(1, MAX_FEN).optional(),
  thresholdFen: Int4(0, MAX_FEN).optional(),
  validUntil: DateTime.nullable().optional(),
  validDays: Int4(1, 3650).nullable().optional(),
  useUrl: HttpUrl().nullable().optional(),
}).strict();

export const CouponPool = z.object({
  id: z.number(),
  name: z.string(),
  faceValueFen: z.number(),
  thresholdFen: z.number(),
  validUntil: DateTime.nullable(),
  validDays: z.number().nullable(),
  useUrl: z.string().nullable(),
  counts: z.object({ available: z.number(), claimed: z.number(), redeemed: z.number(), void: z.number() }),
  createdBy: z.string().nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type CouponPool = z.infer<typeof CouponPool>;
export const CouponPoolList = z.object({ items: z.array(CouponPool) });

export const COUPON_CODE_RE = /^[A-Za-z0-9_-]{4,64}$/;
export const CouponCodeText = z.string().regex(COUPON_CODE_RE, 'must be 4-64 letters, digits, _ or -');
/** Most codes one import or generation adds. */
export const MAX_CODES_PER_IMPORT = 100_000;

export const GenerateCodesBody = z.object({
  count: Int4(1, MAX_CODES_PER_IMPORT),
  prefix: z.string().regex(/^[A-Za-z0-9_-]{0,16}$/, 'must be at most 16 letters, digits, _ or -').default(''),
}).strict();

export const CodeImportReport = z.object({
  added: z.number(),
  /** Codes already in this corp (any pool) or twice in the file. */
  duplicates: z.number(),
  /** Lines refused, with their line numbers (1 = the first line of the file). */
  rejected: z.array(z.object({ line: z.number(), value: z.string(), reason: z.string() })),
  rejectedTotal: z.number(),
});
export type CodeImportReport = z.infer<typeof CodeImportReport>;

export const COUPON_CODE_STATES = ['available', 'claimed', 'redeemed', 'void'] as const;
export const CouponCodeState = z.enum(COUPON_CODE_STATES, { message: `must be one of ${COUPON_CODE_STATES.join(', ')}` });
export const CouponCodeQuery = z.object({ state: CouponCodeState.optional(), q: Text(64).optional() }).extend(Page.shape);
export const CouponCode = z.object({
  code: z.string(),
  state: CouponCodeState,
  externalUserid: z.string().nullable(),
  rewardId: z.number().nullable(),
  campaignId: z.number().nullable(),
  claimedAt: DateTime.nullable(),
  expiresAt: DateTime.nullable(),
  redeemedAt: DateTime.nullable(),
  orderId: z.string().nullable(),
});
export const CouponCodeList = PageOf(CouponCode);

export const CouponPoolParams = z.object({ id: RowIdParam });

// ---- the customer H5: my prizes ----

export const MyPrize = z.object({
  id: z.number(),
  title: z.string(),
  kind: RewardKind,
  state: RewardState,
  campaignId: z.number().nullable(),
  amountFen: z.number(),
  points: z.number(),
  couponCode: z.string().nullable(),
  couponExpiresAt: DateTime.nullable(),
  couponUseUrl: z.string().nullable(),
  /** A gift waiting for its shipping address. */
  needsAddress: z.boolean(),
  /** The address given (shown back to its owner). */
  address: z.object({ name: z.string(), phone: z.string(), address: z.string() }).nullable(),
  createdAt: DateTime,
});
export type MyPrize = z.infer<typeof MyPrize>;
export const MyPrizes = z.object({ items: z.array(MyPrize) });

export const MyPrizeParams = z.object({ corpId: z.string().min(1).max(64), id: RowIdParam });
export const MyPrizesParams = z.object({ corpId: z.string().min(1).max(64) });

export const GiftAddressBody = z.object({
  name: RequiredText(30),
  phone: z.string().regex(/^(\+?\d[\d -]{5,18}\d)$/, 'must be a phone number (digits, 7-20)'),
  address: RequiredText(200),
}).strict();
export type GiftAddressBody = z.infer<typeof GiftAddressBody>;

