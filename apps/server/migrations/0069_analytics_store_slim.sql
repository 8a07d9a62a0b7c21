ALTER TABLE "analytics_buyer_sets" ADD COLUMN "store_id" bigint DEFAULT -1 NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_buyer_sets" DROP CONSTRAINT "analytics_buyer_sets_corp_id_day_pk";--> statement-breakpoint
ALTER TABLE "analytics_buyer_sets" ADD CONSTRAINT "analytics_buyer_sets_corp_id_day_store_id_pk" PRIMARY KEY("corp_id","day","store_id");--> statement-breakpoint
CREATE INDEX "analytics_buyer_days_staff_idx" ON "analytics_buyer_days" USING btree ("corp_id","userid","day");--> statement-breakpoint
CREATE INDEX "analytics_customers_staff_idx" ON "analytics_customers" USING btree ("corp_id","userid");--> statement-breakpoint
-- The per-store slim rows and buyer sets are filled by a full pass: the next rollup pass of every corp recomputes everything.
UPDATE "analytics_state" SET "ran_at" = NULL;
