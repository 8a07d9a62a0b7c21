// Orders from the shop (ADR 0008): the webhook's secret, storing paid orders once per (corp, order id),
// matching them to a customer (external_userid, else unionid, else later when the unionid becomes known),
// refunds, and what the customer page shows. Every write to `orders` and the customer's summary happens in
// one transaction, so a failed request leaves nothing half-counted and the shop's retry starts clean.
import type pg from 'pg';
import type { z } from 'zod';
import type { CustomerOrders, OrderWebhookBody, OrderWebhookResult, PaidOrder, RefundedOrder, RfmThresholds } from '@pond/contracts/commerce';
import type { Scope } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import type { CorpService } from '../org';
import { AppError } from '../../platform/errors';
import { appendTimeline } from '../customers';
import { enqueue, notifyInbox, Priority } from '../../platform/inbox';
import {
  findOrderCustomer, insertOrder, lockCustomer, lockOrder, matchOrder, orderCustomer, orderSummary, ordersOf, readThresholds, recomputeSummary,
  refundDedupeKey, refundStored, storeRefund, updateThresholds,
} from './repo';
import { rfmOf, shanghaiDay } from './rfm';

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

  /** The corp's RFM thresholds. */
  thresholds(corpId: string): Promise<RfmThresholds> {
    return readThresholds(this.pool, corpId);
  }

  updateThresholds(corpId: string, input: Partial<RfmThresholds>): Promise<RfmThresholds> {
    return updateThresholds(this.pool, corpId, input);
  }

  async receive(corpId: string, body: OrderWebhookBody): Promise<OrderWebhookResult> {
    if (body.order.corpId !== undefined && body.order.corpId !== corpId) throw AppError.validation('order.corpId', 'must be the corp of the webhook URL');
    return body.event === 'order.paid' ? this.paid(corpId, body.order) : this.refunded(corpId, body.order);
  }

  /** Stored once; a re-delivery changes nothing except that a still unmatched order may now find its customer. */
  private async paid(corpId: string, order: PaidOrder): Promise<OrderWebhookResult> {
    return withTransaction(this.pool, async (client) => {
      const duplicate = !(await insertOrder(client, corpId, order));
      const cur = await orderCustomer(client, corpId, order.orderId);
      if (cur?.external_userid) return { ok: true, orderId: order.orderId, duplicate, matched: true };
      const ext = await findOrderCustomer(client, corpId, order.externalUserid || null, order.unionid || cur?.unionid || null);
      const matched = ext ? await matchOrder(client, corpId, order.orderId, ext) : false;
      return { ok: true, orderId: order.orderId, duplicate, matched };
    });
  }

  /**
   * A refund: part of the order (`amount`, with the shop's `refundId`) or what is left of it. Stored once per refund id;
   * the order's net amount (amount − refunds) is what the customer's total counts, and an order refunded in full leaves
   * their order count too. A refund before its paid order is refused (404): the shop retries.
   */
  private async refunded(corpId: string, order: RefundedOrder): Promise<OrderWebhookResult> {
    return withTransaction(this.pool, async (client) => {
      const o = await lockOrder(client, corpId, order.orderId);
      if (!o) throw new AppError('not_found', `order ${order.orderId} not found: deliver its order.paid first`);
      const refundId = order.refundId ?? '';
      const duplicate = { ok: true as const, orderId: order.orderId, duplicate: true, matched: !!o.external_userid };
      const seen = await refundStored(client, corpId, order.orderId, refundId);
      // Fen, so that sums are exact.
      const left = Math.round(Number(o.amount) * 100) - Math.round(Number(o.refunded_amount) * 100);
      if (seen || left === 0) return duplicate;
      const fen = order.amount === undefined ? left : Math.round(order.amount * 100);
      if (fen > left) throw AppError.validation('order.amount', `must not exceed what is left of the order (${(left / 100).toFixed(2)} yuan)`);
      const at = order.refundedAt ? new Date(order.refundedAt) : new Date();
      if (at < o.paid_at) throw AppError.validation('order.refundedAt', 'must not be before the order was paid');
      const full = fen === left;
      await storeRefund(client, corpId, { orderId: order.orderId, refundId, amount: (fen / 100).toFixed(2), at, full });
      if (o.external_userid) {
        // Campaigns revoke what the order paid for (OrderHooks), from an event queued with the refund.
        await enqueue(client, 'pond_order/refunded', [{
          corpId, key: `refund:${o.order_id}:${refundId}`,
          payload: { ExternalUserID: o.external_userid, OrderId: o.order_id, RefundId: refundId, Full: full ? '1' : '0', CreateTime: String(Math.floor(Date.now() / 1000)) },
        }], Priority.Other);
        await notifyInbox(client);
        // Lock first, then recompute in a fresh statement: it sees every match committed before the lock.
        await lockCustomer(client, corpId, o.external_userid);
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
  async customerOrders(scope: Scope, externalUserid: string, today = shanghaiDay(new Date())): Promise<z.output<typeof CustomerOrders>> {
    const [c, rows, thresholds] = await Promise.all([
      orderSummary(this.pool, scope.corpId, externalUserid),
      ordersOf(this.pool, scope, externalUserid),
      readThresholds(this.pool, scope.corpId),
    ]);
    if (!c) throw AppError.notFound(`customer ${externalUserid}`);
    const summary = { orderCount: c.order_count, orderTotal: Number(c.order_total), firstOrderAt: c.first_order_at, lastOrderAt: c.last_order_at };
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
