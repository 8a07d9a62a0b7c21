// The demo shop's past: about six months of orders of the demo corp's customers, so that what Pond builds on
// orders (RFM buckets, repeat buyers, the customer page's orders card) has something to show on first start.
// Not everyone buys; some buy once, regulars come back, a few loyal ones weekly, a few spend big (gift boxes,
// office orders); some orders are refunded in part or in full. A PRNG seeded by the corp and each customer
// decides it all and order ids are derived from it, so seeding again adds nothing. The orders reach Pond the
// way real ones do, through the corp's order webhook (deliverDemoOrders), once Pond knows the customers.
import type { SimContext } from '../context';
import { num } from '../db';
import { hashId, seededRandom } from '../ids';
import { postToShopWebhook, type OrderItem } from '../orders';
import type { DemoRefund, Int8, SimCustomerRow, SimOrderRow, SimWechatUserRow } from '../rows';
import { MENU } from './demo-data';

const DAY_MS = 86_400_000;
/** The shop is in Shanghai: orders are paid in its opening hours there (UTC+8). */
const SHOP_OFFSET_MS = 8 * 3_600_000;
const HISTORY_DAYS = 180;

export type { DemoRefund };
export interface DemoOrder {
  orderId: string;
  externalUserid: string;
  wechatUserId: string;
  items: OrderItem[];
  amount: number;
  paidAt: number;
  refunds: DemoRefund[];
}

type Profile = 'none' | 'once' | 'regular' | 'loyal' | 'big';

const fen = (yuan: number) => Math.round(yuan * 100);
const menu = (kind: string) => MENU.filter((m) => m.kind === kind);

/** One customer's orders over the last HISTORY_DAYS days before `now`, newest last. */
export function planCustomerOrders(corpId: string, customer: { externalUserid: string; wechatUserId: string }, now: number): DemoOrder[] {
  const rand = seededRandom(`pond-demo-orders|${corpId}|${customer.externalUserid}`);
  const r = rand();
  const profile: Profile = r < 0.38 ? 'none' : r < 0.62 ? 'once' : r < 0.85 ? 'regular' : r < 0.96 ? 'loyal' : 'big';
  if (profile === 'none') return [];
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const count = { once: 1, regular: between(2, 4), loyal: between(5, 12), big: between(2, 6) }[profile];
  // Days ago of the last order (recency), and how far back the first one lies.
  const last = { once: between(0, 175), regular: between(0, 150), loyal: Math.floor(rand() * rand() * 40), big: between(0, 90) }[profile];
  const first = Math.min(HISTORY_DAYS - 1, last + (count === 1 ? 0 : between(count * 7, HISTORY_DAYS)));
  const days = [last, ...Array.from({ length: count - 1 }, () => between(last, first))].sort((a, b) => b - a);

  const pickFrom = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const orders: DemoOrder[] = [];
  days.forEach((daysAgo, k) => {
    const items: OrderItem[] = [];
    const add = (m: (typeof MENU)[number], quantity: number) => {
      const same = items.find((i) => i.sku === m.sku);
      if (same) same.quantity += quantity;
      else items.push({ sku: m.sku, name: m.name, price: m.price, quantity });
    };
    const office = profile === 'big' && rand() < 0.3;
    if (office) add(pickFrom(menu('drink')), between(10, 30));
    else for (let n = rand() < 0.75 ? 1 : 2; n > 0; n--) add(pickFrom(menu('drink')), rand() < 0.8 ? 1 : 2);
    if (rand() < 0.4) add(pickFrom(menu('food')), 1);
    if (rand() < (profile === 'big' ? 0.6 : 0.06)) add(pickFrom(menu('retail')), profile === 'big' ? between(1, 4) : 1);
    const amount = items.reduce((s, i) => s + fen(i.price) * i.quantity, 0) / 100;

    // Paid between 07:30 and 21:00 in the shop's day, never after `now`.
    const shopDay = Math.floor((now + SHOP_OFFSET_MS) / DAY_MS) - daysAgo;
    let paidAt = shopDay * DAY_MS - SHOP_OFFSET_MS + Math.floor((7.5 + rand() * 13.5) * 3_600_000);
    if (paidAt > now - 60_000) paidAt = now - 60_000 - Math.floor(rand() * 3_600_000);

    const orderId = `DM${hashId(`demo-order|${corpId}|${customer.externalUserid}|${k}`, 16, '0123456789')}`;
    const refunds: DemoRefund[] = [];
    const refundRoll = rand();
    const refundAt = Math.min(now - 1000, paidAt + Math.floor(rand() * 2 * DAY_MS));
    if (refundRoll < 0.03 && refundAt > paidAt) refunds.push({ refundId: `${orderId}-R1`, amount, at: refundAt });
    else if (refundRoll < 0.07 && refundAt > paidAt) {
      // Part of the order: its cheapest line, or half of a single line.
      const cheapest = items.length > 1 ? Math.min(...items.map((i) => fen(i.price))) : Math.round(fen(amount) / 2);
      refunds.push({ refundId: `${orderId}-R1`, amount: cheapest / 100, at: refundAt });
    }
    orders.push({ orderId, externalUserid: customer.externalUserid, wechatUserId: customer.wechatUserId, items, amount, paidAt, refunds });
  });
  return orders;
}

export interface DemoOrdersSummary { orders: number; buyers: number; refunds: number; delivered: number; failed: number }

/**
 * Stores the demo shop's order history for the corp's customers (those it has at the time; once) and delivers
 * what Pond has not acknowledged yet to the corp's order webhook: each order.paid, then its refunds.
 */
export async function seedDemoOrders(ctx: SimContext, corpId: string): Promise<DemoOrdersSummary> {
  const now = ctx.clock.now();
  await ctx.db.tx(async (tx) => {
    await tx.q(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`wecom-sim:demo-orders:${corpId}`]);
    // Only on the first seed: a later one would give customers added since a past they did not have.
    const seeded = await tx.one(`SELECT 1 FROM {s}.orders WHERE corp_id = $1 AND demo_refunds IS NOT NULL LIMIT 1`, [corpId]);
    if (seeded) return;
    const customers = await tx.q<Pick<SimCustomerRow, 'external_userid' | 'wechat_user_id'>>(
      `SELECT external_userid, wechat_user_id FROM {s}.customers WHERE corp_id = $1 ORDER BY external_userid`, [corpId]);
    const plan = customers.flatMap((c) => planCustomerOrders(corpId, { externalUserid: c.external_userid, wechatUserId: c.wechat_user_id }, now));
    if (plan.length === 0) return;
    await tx.q(
      `INSERT INTO {s}.orders (order_id, corp_id, wechat_user_id, external_userid, amount, items, created_at, refunded, refunds, demo_refunds)
       SELECT o.id, $1, o.wx, o.ext, o.amount, o.items, o.at, o.refunded, jsonb_array_length(o.refunds), o.refunds
         FROM unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::jsonb[], $7::bigint[], $8::numeric[], $9::jsonb[])
           AS o(id, wx, ext, amount, items, at, refunded, refunds)
       ON CONFLICT (order_id) DO NOTHING`,
      [
        corpId,
        plan.map((o) => o.orderId),
        plan.map((o) => o.wechatUserId),
        plan.map((o) => o.externalUserid),
        plan.map((o) => o.amount),
        plan.map((o) => JSON.stringify(o.items)),
        plan.map((o) => o.paidAt),
        plan.map((o) => o.refunds.reduce((s, x) => s + fen(x.amount), 0) / 100),
        plan.map((o) => JSON.stringify(o.refunds)),
      ],
    );
  });
  const { delivered, failed } = await deliverDemoOrders(ctx, corpId);
  const stored = await ctx.db.one<{ orders: Int8; buyers: Int8; refunds: Int8 }>(
    `SELECT count(*) AS orders, count(DISTINCT external_userid) AS buyers, coalesce(sum(jsonb_array_length(demo_refunds)), 0) AS refunds
       FROM {s}.orders WHERE corp_id = $1 AND demo_refunds IS NOT NULL`, [corpId]);
  return { orders: num(stored?.orders), buyers: num(stored?.buyers), refunds: num(stored?.refunds), delivered, failed };
}

/** Posts the demo orders the corp's webhook has not taken yet (none, or failed before), 8 at a time. */
export async function deliverDemoOrders(ctx: SimContext, corpId: string): Promise<{ delivered: number; failed: number }> {
  const rows = await ctx.db.q<SimOrderRow & Pick<SimWechatUserRow, 'unionid' | 'openid' | 'nickname'>>(
    `SELECT o.*, w.unionid, w.openid, w.nickname FROM {s}.orders o JOIN {s}.wechat_users w ON w.id = o.wechat_user_id
      WHERE o.corp_id = $1 AND o.demo_refunds IS NOT NULL AND (o.webhook_status IS NULL OR o.webhook_status >= 300)
      ORDER BY o.created_at, o.order_id`, [corpId]);
  let delivered = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const o = rows[next++];
      const paid = {
        orderId: o.order_id, corpId, wechatUserId: o.wechat_user_id, externalUserid: o.external_userid, unionid: o.unionid, openid: o.openid,
        nickname: o.nickname, amount: Number(o.amount), currency: 'CNY', items: o.items, paidAt: new Date(num(o.created_at)).toISOString(),
      };
      let result = await postToShopWebhook(ctx, corpId, { event: 'order.paid', order: paid });
      for (const r of o.demo_refunds ?? []) {
        if (!result || result.error) break;
        result = await postToShopWebhook(ctx, corpId, {
          event: 'order.refunded', order: { orderId: o.order_id, corpId, refundId: r.refundId, amount: r.amount, refundedAt: new Date(r.at).toISOString() },
        });
      }
      if (!result) return;
      if (result.error) failed++;
      else delivered++;
      await ctx.db.q(`UPDATE {s}.orders SET webhook_status = $2, webhook_error = $3 WHERE order_id = $1`, [o.order_id, result.status, result.error]);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { delivered, failed };
}
