// The order webhook's body: the generic shape any shop can send (docs/api.md), the one the simulator's
// shop sends. Amounts are yuan with at most two decimals; only CNY is summed, so other currencies are refused.
import { z } from 'zod';
import { Yuan } from '../../platform/schemas';

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
