// The overview page: counts within the caller's scope, adds and deletes per day over the last 30 days (the corp's
// calendar days), and the buyers: repurchase rate, what they spent net of refunds, and the RFM buckets.
import { z } from 'zod';
import { RfmBucket } from './commerce';

export const OverviewCounts = z.object({
  /** Customers with at least one active relation. */
  customers: z.number(),
  follows: z.number(),
  staff: z.number(),
  stores: z.number(),
  groups: z.number(),
  groupMembers: z.number(),
  tags: z.number(),
});
export type OverviewCounts = z.infer<typeof OverviewCounts>;

export const DailyChange = z.object({
  /** YYYY-MM-DD in the corp's time zone. */
  date: z.string(),
  adds: z.number(),
  deletes: z.number(),
  net: z.number(),
});
export type DailyChange = z.infer<typeof DailyChange>;

export const OverviewOrders = z.object({
  buyers: z.number(),
  repeatBuyers: z.number(),
  /** repeat buyers ÷ buyers; null without buyers */
  repurchaseRate: z.number().nullable(),
  orders: z.number(),
  /** Yuan, net of refunds. */
  total: z.number(),
  /** Buyers per bucket. */
  buckets: z.record(RfmBucket, z.number()),
});
export type OverviewOrders = z.infer<typeof OverviewOrders>;

export const Overview = z.object({ counts: OverviewCounts, daily: z.array(DailyChange), orders: OverviewOrders });
export type Overview = z.infer<typeof Overview>;
