CREATE TABLE "analytics_buyer_days" (
	"corp_id" text NOT NULL,
	"day" date NOT NULL,
	"external_userid" text NOT NULL,
	"channel" text NOT NULL,
	"store_id" bigint NOT NULL,
	"userid" text NOT NULL,
	"orders" integer NOT NULL,
	CONSTRAINT "analytics_buyer_days_corp_id_day_external_userid_pk" PRIMARY KEY("corp_id","day","external_userid")
);
--> statement-breakpoint
ALTER TABLE "analytics_customers" ADD COLUMN "order_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_customers" ADD COLUMN "order_total" numeric(22, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_buyer_days" ADD CONSTRAINT "analytics_buyer_days_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_buyer_days_customer_idx" ON "analytics_buyer_days" USING btree ("corp_id","external_userid");--> statement-breakpoint
-- The new table and columns are filled by a full pass: the next rollup pass of every corp recomputes everything.
UPDATE "analytics_state" SET "ran_at" = NULL;
