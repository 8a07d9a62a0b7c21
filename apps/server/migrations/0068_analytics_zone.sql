ALTER TABLE "analytics_state" ADD COLUMN "timezone" text;--> statement-breakpoint
CREATE INDEX "analytics_customers_seq_idx" ON "analytics_customers" USING btree ("corp_id","seq");--> statement-breakpoint
CREATE INDEX "code_visits_corp_day_idx" ON "code_visits" USING btree ("corp_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_paid_idx" ON "orders" USING btree ("corp_id","paid_at");--> statement-breakpoint
-- The rollups so far are in each corp's present zone.
UPDATE "analytics_state" s SET "timezone" = c."timezone" FROM "corps" c WHERE c."id" = s."corp_id";
