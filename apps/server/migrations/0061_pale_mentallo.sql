ALTER TABLE "analytics_customers" ADD COLUMN "repeat_weeks" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_customers" ADD COLUMN "repeat_months" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE INDEX "analytics_customers_converted_idx" ON "analytics_customers" USING btree ("corp_id","converted_at") WHERE converted_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "archived_messages_chat_sent_idx" ON "archived_messages" USING btree ("corp_id","chat_id","sent_at") WHERE action = 'send';--> statement-breakpoint
-- The new columns are filled by a full pass: the next rollup pass of every corp recomputes everything.
UPDATE "analytics_state" SET "ran_at" = NULL;
