ALTER TABLE "order_refunds" ADD COLUMN "completes" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- A refund without the shop's id was stored as 'full', which a shop could also send as its own id: now ''.
UPDATE "order_refunds" SET "refund_id" = '', "completes" = true WHERE "refund_id" = 'full';--> statement-breakpoint
UPDATE "order_refunds" r SET "completes" = true FROM "orders" o
WHERE o.corp_id = r.corp_id AND o.order_id = r.order_id AND o.refunded_at IS NOT NULL AND r.refunded_at = o.refunded_at;--> statement-breakpoint
-- When an order finds its customer, the refunds it received before go on the customer's timeline. A trigger rather
-- than part of the matching statement: the matching UPDATE may have waited for a refund of the same order to commit,
-- and its statement's snapshot would not see that refund's row; the trigger's INSERT takes a fresh one.
CREATE OR REPLACE FUNCTION pond_order_matched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at, data, dedupe_key)
  SELECT NEW.corp_id, NEW.external_userid, 'order.refunded', NEW.userid, r.refunded_at,
         jsonb_build_object('orderId', NEW.order_id, 'amount', r.amount, 'orderAmount', NEW.amount, 'full', r.completes,
                            'refundId', nullif(r.refund_id, ''), 'currency', NEW.currency, 'items', NEW.items, 'channel', NEW.channel, 'codeId', NEW.code_id),
         'order:' || NEW.order_id || CASE WHEN r.refund_id = '' THEN ':refunded' ELSE ':refund:' || r.refund_id END
  FROM order_refunds r WHERE r.corp_id = NEW.corp_id AND r.order_id = NEW.order_id
  ON CONFLICT (corp_id, dedupe_key) DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_matched AFTER UPDATE OF external_userid ON orders FOR EACH ROW
  WHEN (OLD.external_userid IS NULL AND NEW.external_userid IS NOT NULL) EXECUTE FUNCTION pond_order_matched();
