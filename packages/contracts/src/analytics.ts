// Measure (数据, issue 15): the five-stage funnel, cohorts and commerce numbers, read from the daily rollups (ADR 0023).
// Periods are the corp's calendar days; amounts are yuan here (fen inside Pond).
import { z } from 'zod';
import { Day, Int4Param, List, RowIdParam, Text, Userid, Int4 } from './common';

/** The five stages, in the seeds' order: acquire, activate, retain, convert, spread. */
export const FUNNEL_STAGES = ['acquire', 'activate', 'retain', 'convert', 'spread'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** What a funnel or the commerce page can be broken down by. */
export const FUNNEL_DIMENSIONS = ['channel', 'code', 'store', 'staff', 'campaign'] as const;
export const COMMERCE_DIMENSIONS = [...FUNNEL_DIMENSIONS, 'group'] as const;
export type CommerceDimension = (typeof COMMERCE_DIMENSIONS)[number];

/** Timeline types an operator may choose for activate and spread (the names Pond writes; some may have no rows yet). */
export const ANALYTICS_EVENT_TYPES = [
  'group.joined', 'lottery.drew', 'checkin.done', 'coupon.claimed', 'groupbuy.opened', 'groupbuy.joined', 'bargain.started', 'bargain.helped',
  'campaign.entered', 'order.paid', 'invite.credited', 'referral.commission_earned',
] as const;
const EventType = z.enum(ANALYTICS_EVENT_TYPES, { message: `must be one of ${ANALYTICS_EVENT_TYPES.join(', ')}` });

/** Defaults of the stage definitions (a corp without its own settings). */
export const ANALYTICS_DEFAULTS = {
  activateDays: 7,
  activateTypes: ['group.joined', 'lottery.drew', 'checkin.done', 'coupon.claimed', 'groupbuy.opened', 'groupbuy.joined', 'bargain.started', 'bargain.helped'],
  retainDays: 30,
  spreadTypes: ['invite.credited', 'referral.commission_earned'],
  windowDays: 30,
  activeDays: 30,
} as const;

export const AnalyticsSettings = z.object({
  /** Activate: an event of one of `activateTypes` within this many days of the first add. */
  activateDays: Int4(1, 90),
  activateTypes: List(EventType, ANALYTICS_EVENT_TYPES.length).min(1, 'choose at least one'),
  /** Retain: still a contact this many days after the first add. */
  retainDays: Int4(1, 365),
  /** Spread: an event of one of these types (brought a friend, referred an order). */
  spreadTypes: List(EventType, ANALYTICS_EVENT_TYPES.length).min(1, 'choose at least one'),
  /** Order attribution looks back this many days for first and last touch. */
  windowDays: Int4(1, 365),
  /** MAU: an activation-type event or an order in the last this many days. */
  activeDays: Int4(1, 90),
});
export type AnalyticsSettings = z.infer<typeof AnalyticsSettings>;
export const AnalyticsSettingsInput = AnalyticsSettings.partial();

/** The filters every page takes: period (corp days, default the last 30 days), store, staff, channel. */
export const AnalyticsFilter = z.object({
  from: Day.optional(),
  to: Day.optional(),
  storeId: RowIdParam.optional(),
  userid: Userid.optional(),
  channel: Text(30).optional(),
});
export type AnalyticsFilter = z.input<typeof AnalyticsFilter>;

export const FunnelQuery = AnalyticsFilter.extend({
  by: z.enum([...FUNNEL_DIMENSIONS, 'day'], { message: `must be one of ${[...FUNNEL_DIMENSIONS, 'day'].join(', ')}` }).default('channel'),
});
export type FunnelQuery = z.input<typeof FunnelQuery>;

/** Counts of one slice: scanned (visitors per day), added (of them through a code), and the stage counts of those added. */
export const FunnelCounts = z.object({
  scanned: z.number(), added: z.number(), codeAdded: z.number(), activated: z.number(), retainDue: z.number(), retained: z.number(),
  converted: z.number(), spread: z.number(),
});
export type FunnelCounts = z.infer<typeof FunnelCounts>;

export const FunnelStageRow = z.object({
  stage: z.enum(FUNNEL_STAGES),
  numerator: z.number(),
  denominator: z.number(),
  /** numerator ÷ denominator; null when the denominator is 0. */
  rate: z.number().nullable(),
  /** The same stage in the period just before, of the same length. */
  previousRate: z.number().nullable(),
  /** rate ÷ previousRate (the seeds' 0.9 or 1.1). */
  change: z.number().nullable(),
});

export const FunnelRow = FunnelCounts.extend({ key: z.string(), name: z.string(), rates: z.record(z.enum(FUNNEL_STAGES), z.number().nullable()) });

export const Funnel = z.object({
  from: Day, to: Day,
  totals: FunnelCounts,
  stages: z.array(FunnelStageRow),
  /** The product of the five rates, and of their changes: the seeds' 0.9⁵ = 59%, 1.1⁵ = 161%. */
  product: z.number().nullable(),
  productChange: z.number().nullable(),
  rows: z.array(FunnelRow),
  settings: AnalyticsSettings,
  /** When the rollups were last brought up to date. */
  asOf: z.string().nullable(),
  /** The stage definitions changed since the last pass: the figures are still the old definitions' until the next one. */
  rebuilding: z.boolean(),
});
export type Funnel = z.infer<typeof Funnel>;

export const CohortQuery = AnalyticsFilter.extend({
  unit: z.enum(['week', 'month'], { message: 'must be week or month' }).default('week'),
  kind: z.enum(['contact', 'order'], { message: 'must be contact or order' }).default('contact'),
  /** Periods since shown (columns). */
  span: Int4Param(1, 52).default(12),
});
export type CohortQuery = z.input<typeof CohortQuery>;

export const CohortRow = z.object({
  /** The first day of the cohort's week (Monday) or month. */
  cohort: Day,
  size: z.number(),
  /** [k]: of the cohort, how many were still a contact (contact) or ordered again (order) in period k; null before it came. */
  cells: z.array(z.number().nullable()),
});
export const Cohorts = z.object({ unit: z.enum(['week', 'month']), kind: z.enum(['contact', 'order']), rows: z.array(CohortRow) });
export type Cohorts = z.infer<typeof Cohorts>;

export const CommerceQuery = AnalyticsFilter.extend({
  by: z.enum(COMMERCE_DIMENSIONS, { message: `must be one of ${COMMERCE_DIMENSIONS.join(', ')}` }).default('channel'),
  touch: z.enum(['first', 'last'], { message: 'must be first or last' }).default('last'),
});
export type CommerceQuery = z.input<typeof CommerceQuery>;

const Yuan = z.number();
const Side = z.object({
  customers: z.number(), buyers: z.number(), repeatBuyers: z.number(), orders: z.number(), gmv: Yuan,
  /** repeat buyers ÷ buyers; orders ÷ buyers; gmv ÷ orders — null without a denominator. */
  repurchaseRate: z.number().nullable(), frequency: z.number().nullable(), aov: Yuan.nullable(),
});
export type CommerceSide = z.infer<typeof Side>;

export const Commerce = z.object({
  from: Day, to: Day,
  /** Orders of customers in the pond paid in the period (refunded in full left out), net of refunds. */
  gmv: Yuan, orders: z.number(), aov: Yuan.nullable(),
  buyers: z.number(), repeatBuyers: z.number(), repurchaseRate: z.number().nullable(), frequency: z.number().nullable(),
  /** Customers whose first order after their add was paid in the period. */
  firstOrders: z.number(),
  /** Customers with an activation-type event or an order in the last `activeDays` (up to the period's end). */
  mau: z.number(),
  byTouch: z.enum(['first', 'last']),
  rows: z.array(z.object({ key: z.string(), name: z.string(), orders: z.number(), gmv: Yuan })),
  daily: z.array(z.object({ date: Day, orders: z.number(), gmv: Yuan })),
  /** Customers added in the period: those who joined a group and those who did not (their orders to date). */
  withWithout: z.object({ joined: Side, notJoined: Side }),
  /** Customers who first joined a group in the period, at least 90 days ago: their 90 days before vs after. */
  beforeAfter: z.object({ customers: z.number(), before: Side, after: Side }),
});
export type Commerce = z.infer<typeof Commerce>;

export const RollupResult = z.object({
  customers: z.number(), days: z.number(), full: z.boolean(), ms: z.number(),
  /** Milliseconds per step of the pass (dirty, facts, touch, days, funnel, scan, order, slim_lost, slim_ww, slim_conv, slim_active; vacuum after a full pass). */
  steps: z.record(z.string(), z.number()),
});
export type RollupResult = z.infer<typeof RollupResult>;

export const ChannelList = z.object({ items: List(z.string(), 10000) });
