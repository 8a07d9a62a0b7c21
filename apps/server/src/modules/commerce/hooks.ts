// Order hooks: what other modules do when an order reaches its customer (a paid draw entry, a check-in fee, a
// redeemed coupon) and when such an order is refunded. Both run from Pond's own inbox events (pond_order/matched,
// queued by the statement that matched the order; pond_order/refunded, queued with the refund), in one transaction
// per event; a failure rolls it back and the inbox retries it — so every listener must be idempotent (unique keys).
import type pg from 'pg';
import type { OrderLine } from '@pond/contracts/commerce';
import { withTransaction } from '../../platform/db';
import type { Row } from '../../platform/db/rows';

type Db = Pick<pg.PoolClient, 'query'>;

/** An order as listeners see it: matched to its customer; amounts in fen (exact). */
export interface HookOrder {
  corpId: string;
  orderId: string;
  externalUserid: string;
  amountFen: number;
  refundedFen: number;
  /** Refunded in full. */
  refunded: boolean;
  items: OrderLine[];
  paidAt: Date;
  /** The order as the shop sent it (couponCodes, its own fields). */
  payload: Record<string, unknown>;
  userid: string | null;
}

export interface HookRefund {
  refundId: string;
  amountFen: number;
  /** The order is refunded in full now. */
  full: boolean;
}

export interface OrderListener {
  paid?(db: Db, order: HookOrder): Promise<void>;
  refunded?(db: Db, order: HookOrder, refund: HookRefund): Promise<void>;
}

const fen = (v: string) => Math.round(Number(v) * 100);

export class OrderHooks {
  private listeners: OrderListener[] = [];

  constructor(private pool: pg.Pool) {}

  register(listener: OrderListener): this {
    this.listeners.push(listener);
    return this;
  }

  private async load(db: Db, corpId: string, orderId: string): Promise<HookOrder | null> {
    // Locked: a refund and a match of the same order run one after the other.
    const { rows: [o] } = await db.query<Row<'orders'>>('SELECT * FROM orders WHERE corp_id = $1 AND order_id = $2 FOR UPDATE', [corpId, orderId]);
    if (!o?.external_userid) return null;
    return {
      corpId, orderId, externalUserid: o.external_userid, amountFen: fen(o.amount), refundedFen: fen(o.refunded_amount), refunded: !!o.refunded_at,
      items: o.items as OrderLine[], paidAt: o.paid_at, payload: o.payload as Record<string, unknown>, userid: o.userid,
    };
  }

  /** The pond_order/matched event. */
  async onMatched(corpId: string, orderId: string): Promise<void> {
    if (!this.listeners.some((l) => l.paid !== undefined)) return;
    await withTransaction(this.pool, async (db) => {
      const order = await this.load(db, corpId, orderId);
      if (!order || order.refunded) return;
      for (const l of this.listeners) await l.paid?.(db, order);
    });
  }

  /** The pond_order/refunded event. */
  async onRefunded(corpId: string, orderId: string, refundId: string): Promise<void> {
    if (!this.listeners.some((l) => l.refunded !== undefined)) return;
    await withTransaction(this.pool, async (db) => {
      const order = await this.load(db, corpId, orderId);
      if (!order) return;
      const { rows: [r] } = await db.query<{ amount: string; completes: boolean }>(
        'SELECT amount, completes FROM order_refunds WHERE corp_id = $1 AND order_id = $2 AND refund_id = $3', [corpId, orderId, refundId]);
      if (!r) return;
      for (const l of this.listeners) await l.refunded?.(db, order, { refundId, amountFen: fen(r.amount), full: order.refunded });
    });
  }
}
