// Matching orders to customers and keeping the customers' order summary (ADR 0008). An order is matched
// once (the UPDATE only takes orders without a customer, under the row lock), and the statement that
// matches it also takes the attribution, adds it to the customer's summary, writes the timeline and
// queues the auto-tag check — so a re-delivered or re-matched order is never counted twice.
import type pg from 'pg';
import { enqueueSql, notifyInbox, Priority } from '../../platform/inbox';
import { LOCKED_FIRST } from '../customers';

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
      fields: { ExternalUserID: 'm.external_userid', CreateTime: 'extract(epoch FROM now())::bigint' } })})
    SELECT m.order_id, m.external_userid FROM m`;
}

/** Matches one order (just stored, without a customer) to the customer found for it. */
export async function matchOrder(db: Queryable, corpId: string, orderId: string, externalUserid: string): Promise<boolean> {
  const { rows } = await db.query(matchSql('SELECT $2::text AS order_id, $3::text AS external_userid'), [corpId, orderId, externalUserid]);
  if (rows.length) await notifyInbox(db);
  return rows.length > 0;
}

/**
 * Orders waiting for a customer whose unionid is now known (called where customers' details are stored).
 * One statement, an index probe per customer on the waiting orders; returns how many were matched.
 */
export async function matchWaitingOrders(db: Queryable, corpId: string, externalUserids: string[]): Promise<number> {
  if (externalUserids.length === 0) return 0;
  const { rows } = await db.query(matchSql(
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
