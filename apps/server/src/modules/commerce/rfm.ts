// RFM (ADR 0008): each customer with orders is high or low on recency (an order in the last N days,
// Asia/Shanghai), frequency (at least N orders) and monetary value (at least N yuan), refunds excluded,
// against thresholds kept per corp; the three answers name one of the eight classic buckets.
// Customers without orders are in no bucket.
import type pg from 'pg';
import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { Yuan } from '../../platform/schemas';

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
} as const satisfies Record<string, readonly [boolean, boolean, boolean]>;
export type RfmBucket = keyof typeof RFM_BUCKETS;
export const RFM_BUCKET_NAMES = Object.keys(RFM_BUCKETS) as [RfmBucket, ...RfmBucket[]];

/** A bucket as a number: 4 × R + 2 × F + M (high = 1), the form segment SQL compares. */
export const bucketCode = (b: RfmBucket): number => {
  const [r, f, m] = RFM_BUCKETS[b];
  return (r ? 4 : 0) + (f ? 2 : 0) + (m ? 1 : 0);
};

export interface RfmThresholds { recencyDays: number; orderCount: number; orderTotal: number }


export const RfmThresholdsInput = z.object({
  recencyDays: z.number().int('must be a whole number of days').min(1, 'must be ≥ 1').max(3650, 'must be ≤ 3650'),
  orderCount: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(100_000, 'must be ≤ 100000'),
  orderTotal: Yuan().refine((v) => v > 0, 'must be more than 0 yuan'),
}).partial().refine((b) => Object.keys(b).length > 0, { message: 'change at least one of recencyDays, orderCount, orderTotal', path: ['recencyDays'] });

export async function readThresholds(db: Pick<pg.Pool, 'query'>, corpId: string): Promise<RfmThresholds> {
  const { rows: [c] } = await db.query('SELECT rfm_recency_days, rfm_order_count, rfm_order_total FROM corps WHERE id = $1', [corpId]);
  if (!c) throw AppError.notFound(`corp ${corpId}`);
  return { recencyDays: c.rfm_recency_days, orderCount: c.rfm_order_count, orderTotal: Number(c.rfm_order_total) };
}

export async function updateThresholds(db: Pick<pg.Pool, 'query'>, corpId: string, input: Partial<RfmThresholds>): Promise<RfmThresholds> {
  await db.query(
    `UPDATE corps SET rfm_recency_days = coalesce($2, rfm_recency_days), rfm_order_count = coalesce($3, rfm_order_count),
       rfm_order_total = coalesce($4::numeric, rfm_order_total), updated_at = now() WHERE id = $1`,
    [corpId, input.recencyDays ?? null, input.orderCount ?? null, input.orderTotal ?? null]);
  return readThresholds(db, corpId);
}

/** The day (YYYY-MM-DD) an instant falls on in Asia/Shanghai (UTC+8, no daylight saving). */
export const shanghaiDay = (at: Date): string => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Whole days from `day` to `today` (both YYYY-MM-DD). */
export const daysBetween = (day: string, today: string): number => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86400_000);

/** A customer's R/F/M answers and bucket; null bucket without orders. "Last N days" is the N days up to today. */
export function rfmOf(summary: { orderCount: number; orderTotal: number; lastOrderAt: Date | null }, t: RfmThresholds, today: string) {
  if (summary.orderCount <= 0 || !summary.lastOrderAt) return { recencyDays: null, r: null, f: null, m: null, bucket: null };
  const recencyDays = daysBetween(shanghaiDay(summary.lastOrderAt), today);
  const r = recencyDays < t.recencyDays;
  const f = summary.orderCount >= t.orderCount;
  const m = summary.orderTotal >= t.orderTotal;
  const bucket = RFM_BUCKET_NAMES.find((b) => RFM_BUCKETS[b][0] === r && RFM_BUCKETS[b][1] === f && RFM_BUCKETS[b][2] === m)!;
  return { recencyDays, r, f, m, bucket };
}
