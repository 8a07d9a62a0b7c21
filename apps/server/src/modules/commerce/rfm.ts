// RFM (ADR 0008): each customer with orders is high or low on recency (an order in the last N days,
// Asia/Shanghai), frequency (at least N orders) and monetary value (at least N yuan), refunds excluded,
// against thresholds kept per corp (repo.ts); the three answers name one of the eight classic buckets.
// Customers without orders are in no bucket.
import { RFM_BUCKET_NAMES, type RfmBucket, type RfmThresholds } from '@pond/contracts/commerce';

export { RFM_BUCKET_NAMES, type RfmBucket, type RfmThresholds };

/** The classic eight buckets, by [R high, F high, M high]. */
export const RFM_BUCKETS = {
  important_value: [true, true, true],
  important_develop: [true, false, true],
  important_keep: [false, true, true],
  important_retain: [false, false, true],
  general_value: [true, true, false],
  general_develop: [true, false, false],
  general_keep: [false, true, false],
  general_retain: [false, false, false],
} as const satisfies Record<RfmBucket, readonly [boolean, boolean, boolean]>;

/** A bucket as a number: 4 × R + 2 × F + M (high = 1), the form segment SQL compares. */
export const bucketCode = (b: RfmBucket): number => {
  const [r, f, m] = RFM_BUCKETS[b];
  return (r ? 4 : 0) + (f ? 2 : 0) + (m ? 1 : 0);
};

/** The day (YYYY-MM-DD) an instant falls on in Asia/Shanghai (UTC+8, no daylight saving). */
export const shanghaiDay = (at: Date): string => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Whole days from `day` to `today` (both YYYY-MM-DD). */
export const daysBetween = (day: string, today: string): number => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86400_000);

export interface RfmAnswers { recencyDays: number | null; r: boolean | null; f: boolean | null; m: boolean | null; bucket: RfmBucket | null }

/** A customer's R/F/M answers and bucket; null bucket without orders. "Last N days" is the N days up to today. */
export function rfmOf(summary: { orderCount: number; orderTotal: number; lastOrderAt: Date | null }, t: RfmThresholds, today: string): RfmAnswers {
  if (summary.orderCount <= 0 || !summary.lastOrderAt) return { recencyDays: null, r: null, f: null, m: null, bucket: null };
  const recencyDays = daysBetween(shanghaiDay(summary.lastOrderAt), today);
  const r = recencyDays < t.recencyDays;
  const f = summary.orderCount >= t.orderCount;
  const m = summary.orderTotal >= t.orderTotal;
  const bucket = RFM_BUCKET_NAMES.find((b) => RFM_BUCKETS[b][0] === r && RFM_BUCKETS[b][1] === f && RFM_BUCKETS[b][2] === m) ?? null;
  return { recencyDays, r, f, m, bucket };
}
