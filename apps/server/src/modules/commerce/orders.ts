// Orders from the shop (ADR 0008): the webhook's secret, storing paid orders once per (corp, order id),
// matching them to a customer (external_userid, else unionid, else later when the unionid becomes known),
// refunds, and what the customer page shows. Every write to `orders` and the customer's summary happens in
// one transaction, so a failed request leaves nothing half-counted and the shop's retry starts clean.
import type pg from 'pg';
import { withTransaction } from '../../platform/db';
import type { CorpService } from '../org';
import { AppError } from '../../platform/errors';
import { appendTimeline } from '../customers';
import { matchOrder, recomputeSummary, refundDedupeKey } from './repo';
import { readThresholds, rfmOf, shanghaiDay } from './rfm';
import type { OrderWebhookBody, PaidOrder, RefundedOrder } from './schemas';

export interface WebhookResult { ok: true; orderId: string; duplicate: boolean; matched: boolean }

export const webhookPath = (corpId: string, token: string) => `/webhooks/orders/${encodeURIComponent(corpId)}/${token}`;

export class OrderService {
  constructor(private pool: pg.Pool, private corps: CorpService) {}

  /** A wrong token and an unknown corp get the same 401 (CorpService.verifyWebhookToken). */
  verifyWebhook(corpId: string, token: string): Promise<void> {
    return this.corps.verifyWebhookToken(corpId, token);
  }

  async webhookToken(corpId: string): Promise<string> {
    return (await this.corps.require(corpId)).orderWebhookToken;
  }

  /** A new secret: the old webhook URL stops working at once. */
  regenerateToken(corpId: string): Promise<string> {
    return this.corps.regenerateWebhookToken(corpId);
  }

  async receive(corpId: string, body: OrderWebhookBody): Promise<WebhookResult> {
    if (body.order.corpId !== undefined && body.order.corpId !== corpId) throw AppError.validation('order.corpId', 'must be the corp of the webhook URL');
    return body.event === 'order.paid' ? this.paid(corpId, body.order) : this.refunded(corpId, body.order);
  }

  /** Stored once; a re-delivery changes nothing except that a still unmatched order may now find its customer. */
  private async paid(corpId: string, order: PaidOrder): Promise<WebhookResult> {
    return withTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO orders (corp_id, order_id, unionid, openid, amount, currency, items, paid_at, payload)
         VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9) ON CONFLICT (corp_id, order_id) DO NOTHING`,
        [corpId, order.orderId, order.unionid || null, order.openid || null, order.amount.toFixed(2), order.currency,
         JSON.stringify(order.items), order.paidAt, JSON.stringify(order)]);
      const duplicate = rowCount === 0;
      const { rows: [cur] } = await client.query('SELECT external_userid, unionid FROM orders WHERE corp_id = $1 AND order_id = $2', [corpId, order.orderId]);
      if (cur.external_userid) return { ok: true, orderId: order.orderId, duplicate, matched: true };
      const ext = await this.findCustomer(client, corpId, order.externalUserid || null, order.unionid || cur.unionid || null);
      const matched = ext ? await matchOrder(client, corpId, order.orderId, ext) : false;
      return { ok: true, orderId: order.orderId, duplicate, matched };
    });
  }

  /** The customer an order belongs to: its external_userid when Pond knows it, else the customer with its unionid. */
  private async findCustomer(db: pg.PoolClient, corpId: string, externalUserid: string | null, unionid: string | null): Promise<string | null> {
    if (!externalUserid && !unionid) return null;
    const { rows: [c] } = await db.query(
      `SELECT external_userid FROM (
         SELECT external_userid, 1 AS rank, first_added_at FROM customers WHERE corp_id = $1 AND external_userid = $2
         UNION ALL
         SELECT external_userid, 2, first_added_at FROM customers WHERE corp_id = $1 AND unionid = $3) x
       ORDER BY rank, first_added_at NULLS LAST LIMIT 1`, [corpId, externalUserid, unionid]);
    return c?.external_userid ?? null;
  }

  /**
   * A refund: part of the order (`amount`, with the shop's `refundId`) or what is left of it. Stored once per refund id;
   * the order's net amount (amount − refunds) is what the customer's total counts, and an order refunded in full leaves
   * their order count too. A refund before its paid order is refused (404): the shop retries.
   */
  private async refunded(corpId: string, order: RefundedOrder): Promise<WebhookResult> {
    return withTransaction(this.pool, async (client) => {
      const { rows: [o] } = await client.query('SELECT * FROM orders WHERE corp_id = $1 AND order_id = $2 FOR UPDATE', [corpId, order.orderId]);
      if (!o) throw new AppError('not_found', `order ${order.orderId} not found: deliver its order.paid first`);
      const refundId = order.refundId ?? '';
      const duplicate = { ok: true as const, orderId: order.orderId, duplicate: true, matched: !!o.external_userid };
      const { rows: [seen] } = await client.query('SELECT 1 FROM order_refunds WHERE corp_id = $1 AND order_id = $2 AND refund_id = $3', [corpId, order.orderId, refundId]);
      // Fen, so that sums are exact.
      const left = Math.round(Number(o.amount) * 100) - Math.round(Number(o.refunded_amount) * 100);
      if (seen || left === 0) return duplicate;
      const fen = order.amount === undefined ? left : Math.round(order.amount * 100);
      if (fen > left) throw AppError.validation('order.amount', `must not exceed what is left of the order (${(left / 100).toFixed(2)} yuan)`);
      const at = order.refundedAt ? new Date(order.refundedAt) : new Date();
      if (at < o.paid_at) throw AppError.validation('order.refundedAt', 'must not be before the order was paid');
      const amount = (fen / 100).toFixed(2);
      const full = fen === left;
      await client.query(
        'INSERT INTO order_refunds (corp_id, order_id, refund_id, amount, refunded_at, completes) VALUES ($1, $2, $3, $4::numeric, $5, $6)',
        [corpId, order.orderId, refundId, amount, at, full]);
      await client.query(
        `UPDATE orders SET refunded_amount = refunded_amount + $3::numeric, refunded_at = CASE WHEN $4 THEN $5::timestamptz END
         WHERE corp_id = $1 AND order_id = $2`, [corpId, order.orderId, amount, full, at]);
      if (o.external_userid) {
        // Lock first, then recompute in a fresh statement: it sees every match committed before the lock.
        await client.query('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 FOR UPDATE', [corpId, o.external_userid]);
        await recomputeSummary(client, corpId, o.external_userid);
        await appendTimeline(client, corpId, [{
          externalUserid: o.external_userid, type: 'order.refunded', userid: o.userid, occurredAt: at,
          data: {
            orderId: o.order_id, amount: fen / 100, orderAmount: Number(o.amount), full, refundId: order.refundId ?? null,
            currency: o.currency, items: o.items, channel: o.channel, codeId: o.code_id,
          },
          dedupeKey: refundDedupeKey(o.order_id, refundId),
        }]);
      }
      return { ok: true, orderId: order.orderId, duplicate: false, matched: !!o.external_userid };
    });
  }

  /** The customer page's orders card: the summary, R/F/M against the corp's thresholds, and the latest orders. */
  async customerOrders(corpId: string, externalUserid: string, today = shanghaiDay(new Date())) {
    const [{ rows: [c] }, { rows }, thresholds] = await Promise.all([
      this.pool.query('SELECT order_count, order_total, first_order_at, last_order_at FROM customers WHERE corp_id = $1 AND external_userid = $2', [corpId, externalUserid]),
      this.pool.query(
        `SELECT o.*, s.name AS staff_name, lc.name AS code_name, st.name AS store_name FROM orders o
           LEFT JOIN staff s ON s.corp_id = o.corp_id AND s.userid = o.userid
           LEFT JOIN live_codes lc ON lc.corp_id = o.corp_id AND lc.id = o.code_id
           LEFT JOIN stores st ON st.corp_id = o.corp_id AND st.id = o.store_id
         WHERE o.corp_id = $1 AND o.external_userid = $2 ORDER BY o.paid_at DESC, o.order_id LIMIT 200`, [corpId, externalUserid]),
      readThresholds(this.pool, corpId),
    ]);
    if (!c) throw AppError.notFound(`customer ${externalUserid}`);
    const summary = { orderCount: c.order_count as number, orderTotal: Number(c.order_total), firstOrderAt: c.first_order_at as Date | null, lastOrderAt: c.last_order_at as Date | null };
    return {
      summary: { ...summary, averageOrder: summary.orderCount ? Math.round((summary.orderTotal / summary.orderCount) * 100) / 100 : null, ...rfmOf(summary, thresholds, today) },
      thresholds,
      items: rows.map((o) => ({
        orderId: o.order_id, amount: Number(o.amount), refundedAmount: Number(o.refunded_amount), currency: o.currency, items: o.items, paidAt: o.paid_at, refundedAt: o.refunded_at,
        receivedAt: o.received_at, userid: o.userid, staffName: o.staff_name, codeId: o.code_id, codeName: o.code_name, channel: o.channel,
        storeId: o.store_id, storeName: o.store_name,
      })),
    };
  }
}
