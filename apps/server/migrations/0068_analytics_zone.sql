ALTER TABLE "analytics_state" ADD COLUMN "timezone" text;--> statement-breakpoint
CREATE INDEX "analytics_customers_seq_idx" ON "analytics_customers" USING btree ("corp_id","seq");--> statement-breakpoint
-- The rollups so far are in each corp's present zone.
UPDATE "analytics_state" s SET "timezone" = c."timezone" FROM "corps" c WHERE c."id" = s."corp_id";
