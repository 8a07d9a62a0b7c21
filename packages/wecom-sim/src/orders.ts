// Orders a simulated customer pays (the shop side of the demo). Each is stored and, when the
// corp has an orderWebhookUrl, POSTed there as JSON — the same shape a shop webhook would send.
import type { SimContext } from './context';
import { num } from './db';
import { ControlError } from './errors';
import { newIds } from './ids';
import { requireWechatUser } from './customers';
import type { OrderItem, SimCorpRow, SimCustomerRow, SimOrderRow } from './rows';
import { prop } from './validate';

export type { OrderItem };

export interface PayOrderInput {
  corpId?: string;
  /** Total in yuan; defaults to the sum of the items. */
  amount?: number;
  items?: OrderItem[];
}

export interface SimOrder {
  orderId: string;
  corpId: string;
  wechatUserId: string;
  externalUserid: string | null;
  unionid: string;
  openid: string;
  nickname: string;
  amount: number;
  currency: 'CNY';
  items: OrderItem[];
  paidAt: string;
  webhook: { status: number | null; error: string | null } | null;
}

/** Order items as given (control API, phone form): each { name, price, quantity?, sku? }, or a 400 naming it. */
export function readOrderItems(items: unknown): OrderItem[] {
  if (items === undefined) return [];
  if (!Array.isArray(items)) throw new ControlError('items: an array of {name, price, quantity}');
  return items.map((it: unknown, i) => {
    const name = prop(it, 'name');
    if (!it || typeof name !== 'string' || !name) throw new ControlError(`items[${i}].name: required`);
    const price = Number(prop(it, 'price'));
    const q = prop(it, 'quantity');
    const quantity = q === undefined ? 1 : Number(q);
    if (!Number.isFinite(price) || price < 0) throw new ControlError(`items[${i}].price: a non-negative number of yuan`);
    if (!Number.isInteger(quantity) || quantity < 1) throw new ControlError(`items[${i}].quantity: a whole number ≥ 1`);
    const sku = prop(it, 'sku');
    return { name, price, quantity, ...(sku ? { sku: String(sku) } : {}) };
  });
}

export async function payOrder(ctx: SimContext, corpId: string, wechatUserId: string, input: PayOrderInput): Promise<SimOrder> {
  const user = await requireWechatUser(ctx.db, wechatUserId);
  const items = readOrderItems(input.items);
  const amount = input.amount ?? Math.round(items.reduce((s, it) => s + it.price * it.quantity, 0) * 100) / 100;
  if (!Number.isFinite(amount) || amount <= 0) throw new ControlError('amount: a positive number of yuan (or items with prices)');
  const customer = await ctx.db.one<Pick<SimCustomerRow, 'external_userid'>>(`SELECT external_userid FROM {s}.customers WHERE corp_id = $1 AND wechat_user_id = $2`, [
    corpId,
    wechatUserId,
  ]);
  const now = ctx.clock.now();
  const order: SimOrder = {
    orderId: newIds.orderId(),
    corpId,
    wechatUserId,
    externalUserid: customer?.external_userid ?? null,
    unionid: user.unionid,
    openid: user.openid,
    nickname: user.nickname,
    amount: Math.round(amount * 100) / 100,
    currency: 'CNY',
    items: items.length ? items : [{ name: '商品 (item)', price: amount, quantity: 1 }],
    paidAt: new Date(now).toISOString(),
    webhook: null,
  };
  await ctx.db.q(
    `INSERT INTO {s}.orders (order_id, corp_id, wechat_user_id, external_userid, amount, items, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [order.orderId, corpId, wechatUserId, order.externalUserid, order.amount, JSON.stringify(order.items), now],
  );
  const { webhook: _omit, ...payload } = order;
  order.webhook = await postToShopWebhook(ctx, corpId, { event: 'order.paid', order: payload });
  if (order.webhook) {
    await ctx.db.q(`UPDATE {s}.orders SET webhook_status = $2, webhook_error = $3 WHERE order_id = $1`, [order.orderId, order.webhook.status, order.webhook.error]);
  }
  return order;
}

/** POSTs a shop event to the corp's order webhook, when it has one; null when it has none. */
export async function postToShopWebhook(ctx: SimContext, corpId: string, body: unknown): Promise<{ status: number | null; error: string | null } | null> {
  const corp = await ctx.db.one<Pick<SimCorpRow, 'order_webhook_url'>>(`SELECT order_webhook_url FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  if (!corp?.order_webhook_url) return null;
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await ctx.fetch(corp.order_webhook_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    status = res.status;
    await res.text();
    if (res.status >= 300) error = `HTTP ${res.status}`;
  } catch (err) {
    error = String((err as Error).message ?? err);
  }
  return { status, error };
}

export interface SimRefund {
  orderId: string;
  refundId: string;
  amount: number;
  /** What is left of the order after this refund. */
  left: number;
  refundedAt: string;
  webhook: { status: number | null; error: string | null } | null;
}

/**
 * The shop refunds part or all of a customer's order (`amount` in yuan; default: what is left) and sends
 * `order.refunded` with its own refund id, as a shop would.
 */
export async function refundOrder(ctx: SimContext, wechatUserId: string, orderId: string, input: { amount?: number } = {}): Promise<SimRefund> {
  const o = await ctx.db.one<Pick<SimOrderRow, 'corp_id' | 'amount' | 'refunded' | 'refunds'>>(
    `SELECT corp_id, amount, refunded, refunds FROM {s}.orders WHERE order_id = $1 AND wechat_user_id = $2`, [orderId, wechatUserId]);
  if (!o) throw new ControlError(`orderId: no order ${orderId} of this customer`, 404);
  const leftFen = Math.round(Number(o.amount) * 100) - Math.round(Number(o.refunded) * 100);
  if (leftFen <= 0) throw new ControlError(`orderId: order ${orderId} is refunded in full already`);
  const fen = input.amount === undefined ? leftFen : Math.round(Number(input.amount) * 100);
  if (!Number.isFinite(fen) || fen <= 0 || fen > leftFen) throw new ControlError(`amount: a positive number of yuan, at most ${(leftFen / 100).toFixed(2)}`);
  const refundId = `${orderId}-R${o.refunds + 1}`;
  const refundedAt = new Date(ctx.clock.now()).toISOString();
  await ctx.db.q(`UPDATE {s}.orders SET refunded = refunded + $2, refunds = refunds + 1 WHERE order_id = $1`, [orderId, fen / 100]);
  const webhook = await postToShopWebhook(ctx, o.corp_id, { event: 'order.refunded', order: { orderId, corpId: o.corp_id, refundId, amount: fen / 100, refundedAt } });
  return { orderId, refundId, amount: fen / 100, left: (leftFen - fen) / 100, refundedAt, webhook };
}

export async function listOrders(ctx: SimContext, wechatUserId: string) {
  const rows = await ctx.db.q<SimOrderRow>(`SELECT * FROM {s}.orders WHERE wechat_user_id = $1 ORDER BY created_at DESC LIMIT 100`, [wechatUserId]);
  return rows.map((r) => ({
    orderId: r.order_id,
    corpId: r.corp_id,
    amount: Number(r.amount),
    refunded: Number(r.refunded),
    items: r.items,
    paidAt: new Date(num(r.created_at)).toISOString(),
    webhookStatus: r.webhook_status,
  }));
}

