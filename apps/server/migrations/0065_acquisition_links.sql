CREATE TABLE "acquisition_link_settings" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"max_range_users" integer DEFAULT 100 NOT NULL,
	"quota_state" text DEFAULT 'ok' NOT NULL,
	"quota_state_at" timestamp with time zone,
	"quota_total" integer,
	"quota_balance" integer,
	"quota_read_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "code_visits" ADD COLUMN "channel_state" text;--> statement-breakpoint
ALTER TABLE "live_codes" ADD COLUMN "link_id" text;--> statement-breakpoint
ALTER TABLE "live_codes" ADD COLUMN "link_url" text;--> statement-breakpoint
ALTER TABLE "live_codes" ADD COLUMN "link_status" text;--> statement-breakpoint
ALTER TABLE "live_codes" ADD COLUMN "link_status_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "acquisition_link_settings" ADD CONSTRAINT "acquisition_link_settings_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "code_visits_channel_uq" ON "code_visits" USING btree ("code_id","channel_state") WHERE channel_state IS NOT NULL;