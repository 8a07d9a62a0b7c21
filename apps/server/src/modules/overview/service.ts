// The overview page: counts within the caller's scope, adds and deletes per day over the last 30 days, and the
// buyers: the share who bought again (the repurchase rate), what they spent net of refunds, and the RFM buckets.
import type pg from 'pg';
import type { Overview } from '@pond/contracts/overview';
import type { Scope } from '../../platform/auth';
import { bucketCode, RFM_BUCKET_NAMES, type RfmBucket } from '../commerce';
import { buyersByBucket, counts, dailyChanges } from './repo';

export class OverviewService {
  constructor(private pool: pg.Pool) {}

  async overview(scope: Scope): Promise<Overview> {
    const [r, daily, buckets] = await Promise.all([counts(this.pool, scope), dailyChanges(this.pool, scope), buyersByBucket(this.pool, scope)]);
    const buyers = buckets.reduce((n, b) => n + b.buyers, 0);
    const repeat = buckets.reduce((n, b) => n + b.repeat, 0);
    const orders = buckets.reduce((n, b) => n + b.orders, 0);
    const fen = buckets.reduce((n, b) => n + Math.round(Number(b.total) * 100), 0);
    return {
      counts: { customers: r.customers, follows: r.follows, staff: r.staff, stores: r.stores, groups: r.groups, groupMembers: r.group_members, tags: r.tags },
      daily: daily.map((x) => ({ date: x.date, adds: x.adds, deletes: x.deletes, net: x.adds - x.deletes })),
      orders: {
        buyers, repeatBuyers: repeat, repurchaseRate: buyers ? Math.round((repeat / buyers) * 1000) / 1000 : null, orders, total: fen / 100,
        buckets: Object.fromEntries(RFM_BUCKET_NAMES.map((b) => [b, buckets.find((x) => x.code === bucketCode(b))?.buyers ?? 0])) as Record<RfmBucket, number>,
      },
    };
  }
}
