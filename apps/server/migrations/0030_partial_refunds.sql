CREATE TABLE "order_refunds" (
	"corp_id" text NOT NULL,
	"order_id" text NOT NULL,
	"refund_id" text NOT NULL,
	"amount" numeric(12, 2) NOT NULL,
	"refunded_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_refunds_corp_id_order_id_refund_id_pk" PRIMARY KEY("corp_id","order_id","refund_id"),
	CONSTRAINT "order_refunds_amount_positive" CHECK (amount > 0)
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "refunded_amount" numeric(12, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "order_refunds" ADD CONSTRAINT "order_refunds_corp_id_order_id_orders_corp_id_order_id_fk" FOREIGN KEY ("corp_id","order_id") REFERENCES "public"."orders"("corp_id","order_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_refunded_amount" CHECK (refunded_amount >= 0 AND refunded_amount <= amount);--> statement-breakpoint
-- Orders refunded before partial refunds existed were refunded in full.
UPDATE "orders" SET "refunded_amount" = "amount" WHERE "refunded_at" IS NOT NULL;--> statement-breakpoint
INSERT INTO "order_refunds" ("corp_id", "order_id", "refund_id", "amount", "refunded_at", "received_at")
SELECT "corp_id", "order_id", 'full', "amount", "refunded_at", "refunded_at" FROM "orders" WHERE "refunded_at" IS NOT NULL;
