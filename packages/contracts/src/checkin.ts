// Check-in (签到 / 打卡, issue 13): a daily check-in or an N-day challenge with milestones, make-up cards, and for
// a paid challenge the entry fee returned on completion (打卡返现). The create body is CampaignBase plus `config`;
// days are the corp's calendar days (its time zone).
import { z } from 'zod';
import { Campaign, CampaignBase, CampaignNumbers, CampaignPatch, Fen, RewardState, windowIssue } from './activate';
import { RequestId } from './campaigns-h5';
import { DateTime, Day, Int4, List, RequiredText, RowId } from './common';

/** Most milestones a campaign has. */
export const MAX_MILESTONES = 10;
/** Longest challenge, in days. */
export const MAX_CHALLENGE_DAYS = 365;
/** Most make-up cards per customer. */
export const MAX_MAKEUP_CARDS = 10;
/** Furthest back a make-up may go, in days. */
export const MAX_MAKEUP_WINDOW_DAYS = 30;

/** What a milestone gives: a coupon from a pool, points, a red packet (WeChat Pay), or something handed out by hand. */
export const MilestoneReward = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('coupon'), couponPoolId: RowId, title: RequiredText(60) }).strict(),
  z.object({ kind: z.literal('points'), points: Int4(1, 1_000_000), title: RequiredText(60) }).strict(),
  z.object({ kind: z.literal('redpacket'), amountFen: Int4(1, 20_000).describe('a red packet in fen (¥0.01–¥200)'), title: RequiredText(60) }).strict(),
  z.object({ kind: z.literal('custom'), title: RequiredText(60) }).strict(),
], { error: 'must be { kind: coupon | points | redpacket | custom }' });
export type MilestoneReward = z.infer<typeof MilestoneReward>;

export const Milestone = z.object({
  /** Reached at this many days (cumulative) or this long a streak (consecutive). */
  days: Int4(1, MAX_CHALLENGE_DAYS),
  reward: MilestoneReward,
}).strict();
export type Milestone = z.infer<typeof Milestone>;

export const CHECKIN_MODES = ['daily', 'challenge'] as const;
export const STREAK_RULES = ['consecutive', 'cumulative'] as const;
/** A consecutive challenge whose streak broke (a missed day that can no longer be made up): failed, or start the streak again. */
export const BREAK_RULES = ['fail', 'restart'] as const;

export const CheckinConfig = z.object({
  /** `daily`: check in every day, milestones along the way, no end; `challenge`: finish N days (打卡挑战). */
  mode: z.enum(CHECKIN_MODES, { message: 'must be daily or challenge' }),
  /** The challenge's N (2–365); required for a challenge. */
  challengeDays: Int4(2, MAX_CHALLENGE_DAYS).nullable().default(null),
  /** consecutive: the streak counts (and must not break in a challenge); cumulative: any N days count. */
  streakRule: z.enum(STREAK_RULES, { message: 'must be consecutive or cumulative' }).default('consecutive'),
  /** A broken streak in a consecutive challenge: `fail` (no cash-back) or `restart` (the streak starts again). */
  onBreak: z.enum(BREAK_RULES, { message: 'must be fail or restart' }).default('fail'),
  milestones: List(Milestone, MAX_MILESTONES).default([]),
  /** Make-up cards (补签卡) per customer. */
  makeupCards: Int4(0, MAX_MAKEUP_CARDS).default(0),
  /** How many days back a missed day may be made up (1: only yesterday). */
  makeupWindowDays: Int4(1, MAX_MAKEUP_WINDOW_DAYS).default(3),
  /** A paid challenge returns the entry fee on completion (打卡返现). */
  cashback: z.boolean().default(true),
}).strict();
export type CheckinConfig = z.output<typeof CheckinConfig>;

/** The config's own rules (also checked against the entry by the create body). */
export function checkinConfigIssues(c: Partial<CheckinConfig>, ctx: z.RefinementCtx, path: (string | number)[] = ['config']): void {
  if (c.mode === 'challenge' && !c.challengeDays) ctx.addIssue({ code: 'custom', path: [...path, 'challengeDays'], message: 'is required for a challenge' });
  if (c.mode === 'daily' && c.challengeDays) ctx.addIssue({ code: 'custom', path: [...path, 'challengeDays'], message: 'is only for a challenge (mode challenge)' });
  const seen = new Set<number>();
  (c.milestones ?? []).forEach((m, i) => {
    if (seen.has(m.days)) ctx.addIssue({ code: 'custom', path: [...path, 'milestones', i, 'days'], message: 'must differ from the other milestones' });
    seen.add(m.days);
    if (c.mode === 'challenge' && c.challengeDays && m.days > c.challengeDays) {
      ctx.addIssue({ code: 'custom', path: [...path, 'milestones', i, 'days'], message: `must be at most challengeDays (${c.challengeDays})` });
    }
  });
}

export const CreateCheckinBody = CampaignBase.extend({ config: CheckinConfig }).superRefine((o, ctx) => {
  windowIssue(o, ctx);
  checkinConfigIssues(o.config, ctx);
  if (o.entry.kind === 'paid' && o.config.mode !== 'challenge') ctx.addIssue({ code: 'custom', path: ['entry'], message: 'a paid entry is for a challenge (mode challenge) only' });
});
export type CreateCheckinBody = z.output<typeof CreateCheckinBody>;

/** Every field optional (absent: unchanged); `config` replaces the whole config when given. */
export const UpdateCheckinBody = CampaignPatch.extend({ config: CheckinConfig.optional() }).strict().superRefine((o, ctx) => {
  windowIssue(o, ctx);
  if (o.config) checkinConfigIssues(o.config, ctx);
});
export type UpdateCheckinBody = z.output<typeof UpdateCheckinBody>;

export const ENROLMENT_STATES = ['active', 'completed', 'failed', 'refunded'] as const;
export const EnrolmentState = z.enum(ENROLMENT_STATES);
export type EnrolmentState = z.infer<typeof EnrolmentState>;

/** A check-in campaign with its numbers, for the console's detail page. */
export const CheckinCampaign = Campaign.extend({
  config: CheckinConfig,
  numbers: CampaignNumbers.extend({
    active: z.number(),
    completed: z.number(),
    failed: z.number(),
    refunded: z.number(),
    /** completed ÷ (everyone enrolled but refunded), 0–1. */
    completionRate: z.number(),
    checkins: z.number(),
    makeups: z.number(),
    /** Check-ins per corp day (the last 60 days of the campaign). */
    perDay: z.array(z.object({ day: z.string(), checkins: z.number(), makeups: z.number() })),
    milestones: z.array(z.object({ days: z.number(), title: z.string(), granted: z.number() })),
    cashback: z.object({ pending: z.number(), issued: z.number(), void: z.number(), pendingFen: z.number(), paidFen: z.number() }),
  }),
});
export type CheckinCampaign = z.infer<typeof CheckinCampaign>;

export const CheckinParticipantsQuery = z.object({
  state: EnrolmentState.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const CheckinParticipant = z.object({
  enrolmentId: z.number(),
  externalUserid: z.string(),
  name: z.string().nullable(),
  state: EnrolmentState,
  streak: z.number(),
  bestStreak: z.number(),
  days: z.number(),
  lastDay: z.string().nullable(),
  makeupsUsed: z.number(),
  orderId: z.string().nullable(),
  feeFen: z.number(),
  completedAt: DateTime.nullable(),
  cashbackState: RewardState.nullable(),
  joinedAt: DateTime,
});
export const CheckinParticipantList = z.object({ items: z.array(CheckinParticipant), total: z.number() });

// ---- the customer's page (/c/api/<corpId>/checkin/<id>/…) ----

export const CheckinBody = z.object({ requestId: RequestId }).strict();
export const MakeupBody = z.object({ day: Day, requestId: RequestId.optional() }).strict();

/** The customer's check-in as the H5 page shows it. Days are the corp's (YYYY-MM-DD). */
export const CheckinMe = z.object({
  today: z.string(),
  enrolled: z.boolean(),
  /** A paid challenge the customer has not paid for: pay first (entry.productUrl). */
  needsPayment: z.boolean(),
  state: EnrolmentState.nullable(),
  mode: z.enum(CHECKIN_MODES),
  streakRule: z.enum(STREAK_RULES),
  challengeDays: z.number().nullable(),
  /** The current streak (0 when yesterday and today were missed). */
  streak: z.number(),
  bestStreak: z.number(),
  days: z.number(),
  checkedToday: z.boolean(),
  startDay: z.string().nullable(),
  /** Every day checked in (make-ups marked). */
  checked: z.array(z.object({ day: z.string(), makeup: z.boolean() })),
  /** Missed days that may be made up now (cards left, within the window). */
  makeupDays: z.array(z.string()),
  makeupCardsLeft: z.number(),
  milestones: z.array(z.object({
    days: z.number(), title: z.string(), kind: z.string(), reached: z.boolean(),
    rewardState: RewardState.nullable(), couponCode: z.string().nullable(),
  })),
  /** 打卡返现: what completing returns (a paid challenge), and the reward's state once granted. */
  cashback: z.object({ amountFen: Fen(), state: RewardState.nullable() }).nullable(),
  completedAt: DateTime.nullable(),
});
export type CheckinMe = z.infer<typeof CheckinMe>;

/** A check-in or make-up's answer: the state after it, and what it did. */
export const CheckinResult = CheckinMe.extend({
  /** false: already checked in today (a retry or a double tap) — nothing new. */
  created: z.boolean(),
  /** Milestones reached by this action. */
  newMilestones: z.array(z.number()),
  completedNow: z.boolean(),
});
export type CheckinResult = z.infer<typeof CheckinResult>;
