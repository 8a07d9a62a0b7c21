// Lottery (抽奖, issue 13): a campaign of kind 'lottery' with 1–12 prize slots (odds by weight, stock never
// oversold), per-customer limits (per corp day, in total) and a wheel or grid on the customer's H5 page. The entry
// cost (free, points, a paid 1-cent product) is the campaign's `entry` (activate.ts EntryCost).
import { z } from 'zod';
import { Campaign, CampaignBase, CampaignNumbers, CampaignPatch, Fen, windowIssue } from './activate';
import { DateTime, HttpUrl, Int4, List, RequiredText, RowId } from './common';
import { RequestId } from './campaigns-h5';

export const PRIZE_KINDS = ['coupon', 'gift', 'points', 'redpacket', 'nothing'] as const;
export const PrizeKind = z.enum(PRIZE_KINDS, { message: `must be one of ${PRIZE_KINDS.join(', ')}` });
export type PrizeKind = z.infer<typeof PrizeKind>;

/** Most prize slots a wheel or grid holds. */
export const MAX_PRIZES = 12;
/** Most of one prize a campaign may stock. */
export const MAX_PRIZE_STOCK = 10_000_000;
/** WeChat Pay's red packet bounds: ¥1 – ¥200. */
export const REDPACKET_MIN_FEN = 100;
export const REDPACKET_MAX_FEN = 20_000;

/**
 * One slot. `weight`: the odds (weight / sum of weights); `stock`: how many may be won (null = unlimited, only for
 * 'nothing'). A prize whose stock is gone counts as the "thank you" slot (the odds of the others do not change).
 * coupon: a code from `couponPoolId`; points: `points` credited; redpacket: `amountFen` by WeChat Pay; gift: shipped
 * by the shop (the winner gives an address). `costFen`: what one costs the campaign's budget (a red packet: its amount).
 */
export const LotteryPrizeInput = z.object({
  /** An existing prize (edits of an active campaign name their prizes by id). */
  id: RowId.optional(),
  name: RequiredText(40),
  kind: PrizeKind,
  weight: Int4(0, 1_000_000),
  stock: Int4(0, MAX_PRIZE_STOCK).nullable().default(null),
  couponPoolId: RowId.nullable().default(null),
  points: Int4(0, 1_000_000).default(0),
  amountFen: Fen().default(0),
  costFen: Fen().default(0),
  imageUrl: HttpUrl().nullable().default(null),
}).strict();
export type LotteryPrizeInput = z.output<typeof LotteryPrizeInput>;

export const LOTTERY_DISPLAYS = ['wheel', 'grid'] as const;

/** Per-customer limits on draws (null: no limit): `perDay` in the corp's calendar day, `total` over the campaign. */
export const LotteryConfig = z.object({
  perDay: Int4(1, 1000).nullable().default(1),
  total: Int4(1, 100_000).nullable().default(null),
  display: z.enum(LOTTERY_DISPLAYS, { message: 'must be wheel or grid' }).default('wheel'),
}).strict();
export type LotteryConfig = z.output<typeof LotteryConfig>;

/** The rules every prize list follows (create, draft edits). */
export function prizesIssue(prizes: LotteryPrizeInput[] | undefined, ctx: z.RefinementCtx, path: (string | number)[] = ['prizes']): void {
  if (!prizes) return;
  prizes.forEach((p, i) => {
    const at = (field: string) => [...path, i, field];
    if (p.kind !== 'nothing' && p.stock === null) ctx.addIssue({ code: 'custom', path: at('stock'), message: `is required for a ${p.kind} prize (null only for nothing)` });
    if (p.kind === 'coupon' && !p.couponPoolId) ctx.addIssue({ code: 'custom', path: at('couponPoolId'), message: 'is required for a coupon prize' });
    if (p.kind !== 'coupon' && p.couponPoolId) ctx.addIssue({ code: 'custom', path: at('couponPoolId'), message: 'only a coupon prize has a coupon pool' });
    if (p.kind === 'points' && p.points < 1) ctx.addIssue({ code: 'custom', path: at('points'), message: 'must be at least 1 for a points prize' });
    if (p.kind === 'redpacket' && (p.amountFen < REDPACKET_MIN_FEN || p.amountFen > REDPACKET_MAX_FEN)) {
      ctx.addIssue({ code: 'custom', path: at('amountFen'), message: `must be ${REDPACKET_MIN_FEN}–${REDPACKET_MAX_FEN} fen (¥1–¥200) for a red packet` });
    }
  });
  if (prizes.length && prizes.every((p) => p.weight === 0)) ctx.addIssue({ code: 'custom', path: [...path], message: 'at least one prize must have a weight above 0' });
  const ids = prizes.map((p) => p.id).filter((x) => x !== undefined);
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: [...path], message: 'a prize id appears twice' });
}

const prizesList = List(LotteryPrizeInput, MAX_PRIZES).min(1, 'at least 1 prize');

export const LotteryCreateBody = CampaignBase.extend({
  config: LotteryConfig.default({ perDay: 1, total: null, display: 'wheel' }),
  prizes: prizesList,
}).strict().superRefine((o, ctx) => {
  windowIssue(o, ctx);
  prizesIssue(o.prizes, ctx);
});
export type LotteryCreateBody = z.output<typeof LotteryCreateBody>;

/**
 * Changes what it names. `prizes` replaces the list while the campaign is a draft; once published it must name the
 * same prizes (by id) and only `stock` may change, never below what was won.
 */
export const LotteryUpdateBody = CampaignPatch.extend({
  config: LotteryConfig.optional(),
  prizes: prizesList.optional(),
}).strict().superRefine((o, ctx) => {
  windowIssue(o, ctx);
  prizesIssue(o.prizes, ctx);
});
export type LotteryUpdateBody = z.output<typeof LotteryUpdateBody>;

export const LotteryPrize = z.object({
  id: z.number(),
  position: z.number(),
  name: z.string(),
  kind: PrizeKind,
  weight: z.number(),
  stock: z.number().nullable(),
  won: z.number(),
  couponPoolId: z.number().nullable(),
  points: z.number(),
  amountFen: z.number(),
  costFen: z.number(),
  imageUrl: z.string().nullable(),
});
export type LotteryPrize = z.infer<typeof LotteryPrize>;

export const Lottery = Campaign.extend({ config: LotteryConfig, prizes: z.array(LotteryPrize) });
export type Lottery = z.infer<typeof Lottery>;

export const LotteryDetail = Lottery.extend({
  numbers: CampaignNumbers.extend({
    draws: z.number(),
    /** Draws that won a prize (not "thank you"). */
    winners: z.number(),
    /** Paid entries bought and not drawn yet; revoked by refunds. */
    entriesUnused: z.number(),
    entriesRevoked: z.number(),
  }),
  perPrize: z.array(z.object({ prizeId: z.number(), name: z.string(), kind: PrizeKind, won: z.number(), stockLeft: z.number().nullable(), costFen: z.number() })),
  /** Draws and wins per corp day (the chart). */
  drawsPerDay: z.array(z.object({ day: z.string(), draws: z.number(), winners: z.number() })),
});
export type LotteryDetail = z.infer<typeof LotteryDetail>;

export const LotteryWinnersQuery = z.object({
  prizeId: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const LotteryWinner = z.object({
  entryId: z.number(),
  externalUserid: z.string(),
  customerName: z.string().nullable(),
  prizeId: z.number(),
  prizeName: z.string(),
  prizeKind: PrizeKind,
  drawnAt: DateTime,
  rewardId: z.number().nullable(),
  rewardState: z.string().nullable(),
  couponCode: z.string().nullable(),
  points: z.number(),
  amountFen: z.number(),
  /** A gift's shipping address (null until the winner gives it). */
  address: z.record(z.string(), z.unknown()).nullable(),
});
export const LotteryWinners = z.object({ items: z.array(LotteryWinner), total: z.number() });

// ---- the customer's page (/c/api/…): who they are comes from the session, never from these bodies ----

export const LotteryDrawBody = z.object({ requestId: RequestId }).strict();

/** A slot as the customer sees it (no weights, no stock). */
export const CustomerPrize = z.object({ id: z.number(), position: z.number(), name: z.string(), kind: PrizeKind, imageUrl: z.string().nullable() });

export const CustomerReward = z.object({
  entryId: z.number(),
  prizeId: z.number(),
  prizeName: z.string(),
  kind: PrizeKind,
  drawnAt: DateTime,
  rewardId: z.number().nullable(),
  /** pending → issued; a gift is pending until its address is given and it ships. */
  state: z.string().nullable(),
  couponCode: z.string().nullable(),
  points: z.number(),
  amountFen: z.number(),
  /** A gift waiting for the winner's shipping address (given with POST /c/api/:corpId/rewards/:rewardId/address). */
  needsAddress: z.boolean(),
});

export const LotteryRemaining = z.object({
  /** Draws left today / in total by the limits (null: no limit). */
  today: z.number().nullable(),
  total: z.number().nullable(),
  /** Paid entries bought and not drawn yet (paid campaigns). */
  paidEntries: z.number(),
});

export const CustomerLotteryView = z.object({
  display: z.enum(LOTTERY_DISPLAYS),
  prizes: z.array(CustomerPrize),
  remaining: LotteryRemaining,
  myPrizes: z.array(CustomerReward),
});
export type CustomerLotteryView = z.infer<typeof CustomerLotteryView>;

export const LotteryDrawResult = z.object({
  entryId: z.number(),
  /** The slot the wheel stops on (null: "thank you" without a slot). */
  prize: CustomerPrize.nullable(),
  won: z.boolean(),
  reward: CustomerReward.nullable(),
  remaining: LotteryRemaining,
  /** true: this requestId was drawn before; the same result again. */
  repeated: z.boolean(),
});
export type LotteryDrawResult = z.infer<typeof LotteryDrawResult>;
