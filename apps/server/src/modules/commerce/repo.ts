// Matching orders to customers and keeping the customers' order summary (ADR 0008). An order is matched
// once (the UPDATE only takes orders without a customer, under the row lock), and the statement that
// matches it also takes the attribution, adds it to the customer's summary, writes the timeline and
// queues the auto-tag check — so a re-delivered or re-matched order is never counted twice.
import type pg from 'pg';
import { enqueueSql, notifyInbox, Priority } from '../../platform/inbox';
import type { OrderLine, PaidOrder, RfmThresholds } from '@pond/contracts/commerce';
import type { Cols, Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { LOCKED_FIRST } from '../customers';
import type { Scope } from '../../platform/auth';
import { attributionPartsVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

type Queryable = Pick<pg.Pool, 'query'>;

/** Pond's own inbox event after an order was matched: auto-tag rules on orders run from it. */
export const ORDER_EVENT = 'pond_order';

/**
 * The one statement behind every match. `candidates` is SQL yielding (order_id, external_userid) pairs
 * ($1 is the corp; candidates bring their own parameters from $2). Data-modifying CTEs run to completion
 * whether or not the final SELECT reads them. Attribution at match time: the customer's active relation added
 * last, and their latest live-code attribution (code, channel, store; else the staff member's store).
 */
function matchSql(candidates: string): string {
  return `
    WITH cand AS (${candidates}),
    m AS (
      UPDATE orders o SET external_userid = cand.external_userid, matched_at = now(),
        userid = f.userid, code_id = a.code_id, channel = a.channel, store_id = coalesce(a.store_id, s.store_id)
      FROM cand
        LEFT JOIN LATERAL (SELECT fo.userid FROM follows fo WHERE fo.corp_id = $1 AND fo.external_userid = cand.external_userid AND fo.status = 'active'
                           ORDER BY fo.added_at DESC NULLS LAST LIMIT 1) f ON true
        LEFT JOIN LATERAL (SELECT ab.code_id, ab.channel, ab.store_id FROM attributions ab WHERE ab.corp_id = $1 AND ab.external_userid = cand.external_userid
                             AND ab.code_id IS NOT NULL ORDER BY ab.added_at DESC, ab.id DESC LIMIT 1) a ON true
        LEFT JOIN staff s ON s.corp_id = $1 AND s.userid = f.userid
      WHERE o.corp_id = $1 AND o.order_id = cand.order_id AND o.external_userid IS NULL
      RETURNING o.*),
    -- The matched customers are locked in key order before any of them is written (ADR 0009): the order in which the
    -- summary's UPDATE would visit them is the planner's choice. (Orders first, then customers: as refunds lock them.)
    locked AS MATERIALIZED (
      SELECT c.external_userid FROM customers c WHERE c.corp_id = $1 AND c.external_userid IN (SELECT external_userid FROM m)
      ORDER BY c.external_userid FOR UPDATE OF c),
    summary AS (
      UPDATE customers c SET order_count = c.order_count + x.n, order_total = c.order_total + x.total,
        first_order_at = CASE WHEN x.n > 0 THEN least(c.first_order_at, x.first) ELSE c.first_order_at END,
        last_order_at = CASE WHEN x.n > 0 THEN greatest(c.last_order_at, x.last) ELSE c.last_order_at END,
        last_event_at = greatest(coalesce(c.last_event_at, 'epoch'), x.last_event)
      FROM (SELECT external_userid, count(*) FILTER (WHERE refunded_at IS NULL)::int AS n,
                   coalesce(sum(amount - refunded_amount) FILTER (WHERE refunded_at IS NULL), 0) AS total,
                   min(paid_at) FILTER (WHERE refunded_at IS NULL) AS first, max(paid_at) FILTER (WHERE refunded_at IS NULL) AS last,
                   greatest(max(paid_at), max((SELECT max(r.refunded_at) FROM order_refunds r WHERE r.corp_id = $1 AND r.order_id = m.order_id))) AS last_event
            FROM m GROUP BY external_userid) x
      WHERE c.corp_id = $1 AND c.external_userid = x.external_userid AND ${LOCKED_FIRST}),
    events AS (
      INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at, data, dedupe_key)
      SELECT $1, m.external_userid, 'order.paid', m.userid, m.paid_at,
             jsonb_build_object('orderId', m.order_id, 'amount', m.amount, 'currency', m.currency, 'items', m.items, 'channel', m.channel, 'codeId', m.code_id),
             'order:' || m.order_id || ':paid'
      FROM m
      -- (Refunds received before the match: the orders_matched trigger.)
      ON CONFLICT (corp_id, dedupe_key) DO NOTHING),
    queued AS (${enqueueSql(`${ORDER_EVENT}/matched`, Priority.Other, {
      corpId: '$1', key: `'order:' || m.order_id`, from: 'm WHERE m.refunded_at IS NULL',
      fields: { ExternalUserID: 'm.external_userid', OrderId: 'm.order_id', CreateTime: 'extract(epoch FROM now())::bigint' } })})
    SELECT m.order_id, m.external_userid FROM m`;
}

type MatchedRow = Cols<'orders', 'order_id'> & { external_userid: string };

/** Matches one order (just stored, without a customer) to the customer found for it. */
export async function matchOrder(db: Queryable, corpId: string, orderId: string, externalUserid: string): Promise<boolean> {
  const { rows } = await db.query<MatchedRow>(matchSql('SELECT $2::text AS order_id, $3::text AS external_userid'), [corpId, orderId, externalUserid]);
  if (rows.length) await notifyInbox(db);
  return rows.length > 0;
}

/**
 * Orders waiting for a customer whose unionid is now known (called where customers' details are stored).
 * One statement, an index probe per customer on the waiting orders; returns how many were matched.
 */
export async function matchWaitingOrders(db: Queryable, corpId: string, externalUserids: string[]): Promise<number> {
  if (externalUserids.length === 0) return 0;
  const { rows } = await db.query<MatchedRow>(matchSql(
    `SELECT o.order_id, c.external_userid FROM customers c
       JOIN orders o ON o.corp_id = c.corp_id AND o.unionid = c.unionid AND o.external_userid IS NULL
     WHERE c.corp_id = $1 AND c.external_userid = ANY($2::text[]) AND c.unionid IS NOT NULL`), [corpId, externalUserids]);
  if (rows.length) await notifyInbox(db);
  return rows.length;
}

/** Recomputes one customer's summary from their orders; the caller holds the customer's row lock (see OrderService.refund). */
export async function recomputeSummary(db: Queryable, corpId: string, externalUserid: string): Promise<void> {
  await db.query(
    `UPDATE customers c SET order_count = x.n, order_total = x.total, first_order_at = x.first, last_order_at = x.last
     FROM (SELECT count(*)::int AS n, coalesce(sum(amount - refunded_amount), 0) AS total, min(paid_at) AS first, max(paid_at) AS last
           FROM orders WHERE corp_id = $1 AND external_userid = $2 AND refunded_at IS NULL) x
     WHERE c.corp_id = $1 AND c.external_userid = $2`, [corpId, externalUserid]);
}

/** The timeline's dedupe key of a refund (a refund without the shop's id is stored with the id '', keyed as before
 * partial refunds). The orders_matched trigger builds the same key in SQL. */
export const refundDedupeKey = (orderId: string, refundId: string) => `order:${orderId}${refundId === '' ? ':refunded' : `:refund:${refundId}`}`;

// ---- orders as the webhook stores them ----

/** An order row, its items typed as the webhook stored them. */
export type OrderRow = Omit<Row<'orders'>, 'items'> & { items: OrderLine[] };

/** Stores a paid order once per (corp, order id); false when it was stored before. */
export async function insertOrder(db: Queryable, corpId: string, order: PaidOrder): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO orders (corp_id, order_id, unionid, openid, amount, currency, items, paid_at, payload)
     VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9) ON CONFLICT (corp_id, order_id) DO NOTHING`,
    [corpId, order.orderId, order.unionid || null, order.openid || null, order.amount.toFixed(2), order.currency,
     JSON.stringify(order.items), order.paidAt, JSON.stringify(order)]);
  return rowCount !== 0;
}

/** The stored order's customer (null until matched) and unionid. */
export async function orderCustomer(db: Queryable, corpId: string, orderId: string): Promise<Cols<'orders', 'external_userid' | 'unionid'> | undefined> {
  const { rows: [o] } = await db.query<Cols<'orders', 'external_userid' | 'unionid'>>(
    'SELECT external_userid, unionid FROM orders WHERE corp_id = $1 AND order_id = $2', [corpId, orderId]);
  return o;
}

/** The customer an order belongs to: its external_userid when Pond knows it, else the first added customer with its unionid. */
export async function findOrderCustomer(db: Queryable, corpId: string, externalUserid: string | null, unionid: string | null): Promise<string | null> {
  if (!externalUserid && !unionid) return null;
  const { rows: [c] } = await db.query<Cols<'customers', 'external_userid'>>(
    `SELECT external_userid FROM (
       SELECT external_userid, 1 AS rank, first_added_at FROM customers WHERE corp_id = $1 AND external_userid = $2
       UNION ALL
       SELECT external_userid, 2, first_added_at FROM customers WHERE corp_id = $1 AND unionid = $3) x
     ORDER BY rank, first_added_at NULLS LAST LIMIT 1`, [corpId, externalUserid, unionid]);
  return c?.external_userid ?? null;
}

/** The order, locked for its refund (the caller's transaction). */
export async function lockOrder(db: Queryable, corpId: string, orderId: string): Promise<OrderRow | undefined> {
  const { rows: [o] } = await db.query<OrderRow>('SELECT * FROM orders WHERE corp_id = $1 AND order_id = $2 FOR UPDATE', [corpId, orderId]);
  return o;
}

export async function refundStored(db: Queryable, corpId: string, orderId: string, refundId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM order_refunds WHERE corp_id = $1 AND order_id = $2 AND refund_id = $3', [corpId, orderId, refundId]);
  return (rowCount ?? 0) > 0;
}

/** Stores a refund of `amount` yuan (a decimal string) and adds it to its order; `full` when it completes the order's refund. */
export async function storeRefund(
  db: Queryable, corpId: string, r: { orderId: string; refundId: string; amount: string; at: Date; full: boolean },
): Promise<void> {
  await db.query(
    'INSERT INTO order_refunds (corp_id, order_id, refund_id, amount, refunded_at, completes) VALUES ($1, $2, $3, $4::numeric, $5, $6)',
    [corpId, r.orderId, r.refundId, r.amount, r.at, r.full]);
  await db.query(
    `UPDATE orders SET refunded_amount = refunded_amount + $3::numeric, refunded_at = CASE WHEN $4 THEN $5::timestamptz END
     WHERE corp_id = $1 AND order_id = $2`, [corpId, r.orderId, r.amount, r.full, r.at]);
}

/** Locks the customer's row (the caller's transaction), before their summary is recomputed. */
export async function lockCustomer(db: Queryable, corpId: string, externalUserid: string): Promise<void> {
  await db.query('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 FOR UPDATE', [corpId, externalUserid]);
}

export type OrderSummaryRow = Cols<'customers', 'order_count' | 'order_total' | 'first_order_at' | 'last_order_at'>;

export async function orderSummary(db: Queryable, corpId: string, externalUserid: string): Promise<OrderSummaryRow | undefined> {
  const { rows: [c] } = await db.query<OrderSummaryRow>(
    'SELECT order_count, order_total, first_order_at, last_order_at FROM customers WHERE corp_id = $1 AND external_userid = $2', [corpId, externalUserid]);
  return c;
}

export type CustomerOrderRow = OrderRow & { staff_name: string | null; code_name: string | null; store_name: string | null };
type OrderRowShown = CustomerOrderRow & { attribution_shown: boolean };

/**
 * A customer's latest 200 orders, with the names of the staff member, live code and store they are attributed to. The
 * orders are the customer's (every caller who sees the customer sees them); the attribution (staff member, code, channel,
 * store) is shown only where the scope sees each of its parts (platform/resources.ts) and otherwise left out whole.
 */
export async function ordersOf(db: Queryable, scope: Scope, externalUserid: string): Promise<CustomerOrderRow[]> {
  const p = new Params();
  const corp = p.add(scope.corpId);
  const ext = p.add(externalUserid);
  const shown = attributionPartsVisibleSql(scope, p, { userid: 'o.userid', codeId: 'o.code_id', storeId: 'o.store_id', corp: 'o.corp_id' });
  const { rows } = await db.query<OrderRowShown>(
    `SELECT o.*, s.name AS staff_name, lc.name AS code_name, st.name AS store_name, ${shown} AS attribution_shown FROM orders o
       LEFT JOIN staff s ON s.corp_id = o.corp_id AND s.userid = o.userid
       LEFT JOIN live_codes lc ON lc.corp_id = o.corp_id AND lc.id = o.code_id
       LEFT JOIN stores st ON st.corp_id = o.corp_id AND st.id = o.store_id
     WHERE o.corp_id = ${corp} AND o.external_userid = ${ext} ORDER BY o.paid_at DESC, o.order_id LIMIT 200`, p.values);
  return rows.map(({ attribution_shown: shownRow, ...o }) => (shownRow ? o : {
    ...o, userid: null, staff_name: null, code_id: null, code_name: null, channel: null, store_id: null, store_name: null,
  }));
}

// ---- the corp's RFM thresholds ----

export async function readThresholds(db: Queryable, corpId: string): Promise<RfmThresholds> {
  const { rows: [c] } = await db.query<Cols<'corps', 'rfm_recency_days' | 'rfm_order_count' | 'rfm_order_total'>>(
    'SELECT rfm_recency_days, rfm_order_count, rfm_order_total FROM corps WHERE id = $1', [corpId]);
  if (!c) throw AppError.notFound(`corp ${corpId}`);
  return { recencyDays: c.rfm_recency_days, orderCount: c.rfm_order_count, orderTotal: Number(c.rfm_order_total) };
}

export async function updateThresholds(db: Queryable, corpId: string, input: Partial<RfmThresholds>): Promise<RfmThresholds> {
  await db.query(
    `UPDATE corps SET rfm_recency_days = coalesce($2, rfm_recency_days), rfm_order_count = coalesce($3, rfm_order_count),
       rfm_order_total = coalesce($4::numeric, rfm_order_total), updated_at = now() WHERE id = $1`,
    [corpId, input.recencyDays ?? null, input.orderCount ?? null, input.orderTotal ?? null]);
  return readThresholds(db, corpId);
}
