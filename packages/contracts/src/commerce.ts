// Orders from the shop (ADR 0008): the order webhook's body (the generic shape any shop can send, docs/api.md; the
// one the simulator's shop sends) and answer, a customer's orders with their R/F/M, and the order settings (the
// webhook URL and the RFM thresholds). Amounts are yuan with at most two decimals; only CNY is summed.
import { z } from 'zod';
import { DateTime, Yuan } from './common';

// ---- RFM ----

/** The classic eight RFM buckets (which [R, F, M] each one is: the server's rfm.ts). */
export const RfmBucket = z.enum([
  'important_value', 'important_develop', 'important_keep', 'important_retain',
  'general_value', 'general_develop', 'general_keep', 'general_retain',
]);
export type RfmBucket = z.infer<typeof RfmBucket>;
export const RFM_BUCKET_NAMES = RfmBucket.options;

export const RfmThresholds = z.object({
  /** High on R: an order in the last N days (Asia/Shanghai). */
  recencyDays: z.number(),
  /** High on F: at least N orders. */
  orderCount: z.number(),
  /** High on M: at least N yuan, refunds excluded. */
  orderTotal: z.number(),
});
export type RfmThresholds = z.infer<typeof RfmThresholds>;

/** PUT /api/settings/rfm: the thresholds to change. */
export const RfmThresholdsInput = z.object({
  recencyDays: z.number().int('must be a whole number of days').min(1, 'must be ≥ 1').max(3650, 'must be ≤ 3650'),
  orderCount: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(100_000, 'must be ≤ 100000'),
  orderTotal: Yuan().refine((v) => v > 0, 'must be more than 0 yuan'),
}).partial().refine((b) => Object.keys(b).length > 0, { message: 'change at least one of recencyDays, orderCount, orderTotal', path: ['recencyDays'] });
export type RfmThresholdsInput = z.input<typeof RfmThresholdsInput>;

/** The order settings: the webhook URL and the RFM thresholds. */
export const OrderSettings = z.object({
  /** Carries the secret: null unless the caller is an admin. */
  webhookUrl: z.string().nullable(),
  rfm: RfmThresholds,
});
export type OrderSettings = z.input<typeof OrderSettings>;

// ---- the order webhook ----

/** Paid and refund times: ISO-8601 with an offset, not before 2000 and at most a day ahead of the server's clock. */
const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time with an offset, e.g. 2025-01-31T12:00:00+08:00' })
  .refine((s) => !(Date.parse(s) < Date.parse('2000-01-01T00:00:00Z')), 'must not be before 2000-01-01')
  .refine((s) => !(Date.parse(s) > Date.now() + 86400_000), 'must not be more than a day in the future');

const Id = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

export const OrderItem = z.object({
  name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  price: Yuan('a price in yuan').refine((v) => v >= 0, 'must be ≥ 0'),
  quantity: z.number({ message: 'must be a whole number ≥ 1' }).int('must be a whole number ≥ 1').min(1, 'must be ≥ 1').max(100_000),
  sku: Id(100).optional(),
});
export type OrderItem = z.infer<typeof OrderItem>;

export const OrderId = z.string({ message: 'is required' }).trim().min(1, 'is required').max(128, 'must be at most 128 characters');

export const PaidOrder = z.object({
  orderId: OrderId,
  /** When sent, must be the corp of the URL. */
  corpId: Id(64).optional(),
  externalUserid: Id(128).nullish(),
  unionid: Id(128).nullish(),
  openid: Id(128).nullish(),
  nickname: Id(200).nullish(),
  amount: Yuan('a positive amount of yuan').refine((v) => v > 0, 'must be a positive amount of yuan'),
  currency: z.literal('CNY', { message: 'must be CNY (Pond sums amounts in yuan)' }).default('CNY'),
  items: z.array(OrderItem).max(500, 'at most 500 items').default([]),
  paidAt: Instant,
  /** Coupon codes the customer used on this order (Pond's coupon pools): redeemed when the order reaches its customer. */
  couponCodes: z.array(z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters')).max(20, 'at most 20 codes').optional(),
}).passthrough();
export type PaidOrder = z.infer<typeof PaidOrder>;

export const RefundedOrder = z.object({
  orderId: OrderId,
  corpId: Id(64).optional(),
  /** The shop's id of this refund: how a re-delivery is recognised. Required with `amount`. */
  refundId: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  /** Yuan refunded; without it, whatever is left of the order. */
  amount: Yuan('a positive amount of yuan').refine((v) => v > 0, 'must be a positive amount of yuan').optional(),
  /** Defaults to when Pond received the refund. */
  refundedAt: Instant.optional(),
}).passthrough().superRefine((o, ctx) => {
  if (o.amount !== undefined && o.refundId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['refundId'], message: 'is required with amount (a partial refund): re-deliveries are recognised by it' });
  }
});
export type RefundedOrder = z.infer<typeof RefundedOrder>;

export const OrderWebhookBody = z.discriminatedUnion('event', [
  z.object({ event: z.literal('order.paid'), order: PaidOrder }),
  z.object({ event: z.literal('order.refunded'), order: RefundedOrder }),
], { error: 'must be order.paid or order.refunded' });
export type OrderWebhookBody = z.infer<typeof OrderWebhookBody>;

/** `/webhooks/orders/:corpId/:token` */
export const OrderWebhookParams = z.object({ corpId: z.string().min(1).max(64), token: z.string().min(1).max(128) });

/** The webhook's answer: `duplicate` when the order (or refund) was stored before, `matched` when it has its customer. */
export const OrderWebhookResult = z.object({ ok: z.literal(true), orderId: z.string(), duplicate: z.boolean(), matched: z.boolean() });
export type OrderWebhookResult = z.infer<typeof OrderWebhookResult>;

// ---- a customer's orders ----

/** An order line as stored (the webhook's items). */
export const OrderLine = z.object({ name: z.string(), price: z.number(), quantity: z.number(), sku: z.string().optional() });
export type OrderLine = z.infer<typeof OrderLine>;

export const CustomerOrder = z.object({
  orderId: z.string(),
  amount: z.number(),
  /** Yuan refunded so far (partial refunds); equal to amount once refundedAt is set. */
  refundedAmount: z.number(),
  currency: z.string(),
  items: z.array(OrderLine),
  paidAt: DateTime,
  /** Set when refunded in full: the order then counts nowhere. */
  refundedAt: DateTime.nullable(),
  receivedAt: DateTime,
  /** The attribution taken when the order was matched to the customer. */
  userid: z.string().nullable(),
  staffName: z.string().nullable(),
  codeId: z.number().nullable(),
  codeName: z.string().nullable(),
  channel: z.string().nullable(),
  storeId: z.number().nullable(),
  storeName: z.string().nullable(),
});
export type CustomerOrder = z.input<typeof CustomerOrder>;

export const CustomerOrders = z.object({
  summary: z.object({
    orderCount: z.number(),
    orderTotal: z.number(),
    averageOrder: z.number().nullable(),
    firstOrderAt: DateTime.nullable(),
    lastOrderAt: DateTime.nullable(),
    /** Days since the last order (Asia/Shanghai days); null without orders. */
    recencyDays: z.number().nullable(),
    r: z.boolean().nullable(),
    f: z.boolean().nullable(),
    m: z.boolean().nullable(),
    bucket: RfmBucket.nullable(),
  }),
  thresholds: RfmThresholds,
  /** The latest 200, refunded ones included. */
  items: z.array(CustomerOrder),
});
export type CustomerOrders = z.input<typeof CustomerOrders>;
