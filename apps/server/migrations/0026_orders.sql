CREATE TABLE "orders" (
	"corp_id" text NOT NULL,
	"order_id" text NOT NULL,
	"external_userid" text,
	"unionid" text,
	"openid" text,
	"amount" numeric(12, 2) NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"refunded_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"matched_at" timestamp with time zone,
	"userid" text,
	"code_id" bigint,
	"channel" text,
	"store_id" bigint,
	"payload" jsonb NOT NULL,
	CONSTRAINT "orders_corp_id_order_id_pk" PRIMARY KEY("corp_id","order_id"),
	CONSTRAINT "orders_amount_positive" CHECK (amount > 0)
);
--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "order_webhook_token" text DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "rfm_recency_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "rfm_order_count" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "rfm_order_total" numeric(12, 2) DEFAULT '200' NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "order_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "order_total" numeric(12, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "first_order_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "last_order_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_customer_idx" ON "orders" USING btree ("corp_id","external_userid","paid_at");--> statement-breakpoint
CREATE INDEX "orders_waiting_idx" ON "orders" USING btree ("corp_id","unionid") WHERE external_userid IS NULL;