CREATE TABLE "analytics_customers" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	"add_day" date NOT NULL,
	"channel" text DEFAULT '' NOT NULL,
	"code_id" bigint DEFAULT 0 NOT NULL,
	"store_id" bigint DEFAULT 0 NOT NULL,
	"userid" text DEFAULT '' NOT NULL,
	"campaign_id" bigint DEFAULT 0 NOT NULL,
	"activated" boolean DEFAULT false NOT NULL,
	"retained" boolean,
	"converted_at" timestamp with time zone,
	"spread" boolean DEFAULT false NOT NULL,
	"lost_at" timestamp with time zone,
	"active_at" timestamp with time zone,
	"group_joined_at" timestamp with time zone,
	"orders_before" integer DEFAULT 0 NOT NULL,
	"fen_before" bigint DEFAULT 0 NOT NULL,
	"orders_after" integer DEFAULT 0 NOT NULL,
	"fen_after" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_customers_corp_id_external_userid_pk" PRIMARY KEY("corp_id","external_userid")
);
--> statement-breakpoint
CREATE TABLE "analytics_daily" (
	"corp_id" text NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"touch" text NOT NULL,
	"channel" text NOT NULL,
	"code_id" bigint NOT NULL,
	"store_id" bigint NOT NULL,
	"userid" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"chat_id" text NOT NULL,
	"scanned" integer DEFAULT 0 NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"activated" integer DEFAULT 0 NOT NULL,
	"retain_due" integer DEFAULT 0 NOT NULL,
	"retained" integer DEFAULT 0 NOT NULL,
	"converted" integer DEFAULT 0 NOT NULL,
	"spread" integer DEFAULT 0 NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"fen" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_settings" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"activate_days" integer DEFAULT 7 NOT NULL,
	"activate_types" text[] NOT NULL,
	"retain_days" integer DEFAULT 30 NOT NULL,
	"spread_types" text[] NOT NULL,
	"window_days" integer DEFAULT 30 NOT NULL,
	"active_days" integer DEFAULT 30 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_state" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"event_id" bigint DEFAULT 0 NOT NULL,
	"visit_id" bigint DEFAULT 0 NOT NULL,
	"ran_at" timestamp with time zone,
	"settings_version" integer DEFAULT 0 NOT NULL,
	"full_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "analytics_customers" ADD CONSTRAINT "analytics_customers_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily" ADD CONSTRAINT "analytics_daily_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_settings" ADD CONSTRAINT "analytics_settings_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_state" ADD CONSTRAINT "analytics_state_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_customers_day_idx" ON "analytics_customers" USING btree ("corp_id","add_day");--> statement-breakpoint
CREATE INDEX "analytics_customers_joined_idx" ON "analytics_customers" USING btree ("corp_id","group_joined_at") WHERE group_joined_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "analytics_customers_active_idx" ON "analytics_customers" USING btree ("corp_id","active_at");--> statement-breakpoint
CREATE INDEX "analytics_daily_day_idx" ON "analytics_daily" USING btree ("corp_id","kind","day");--> statement-breakpoint
-- Period buyers (distinct customers do not sum across days): a covering index over matched orders by paid time, read
-- by the commerce page's buyers, repurchase and frequency, and by the rollup of one day's orders (ADR 0023).
CREATE INDEX "analytics_orders_paid_idx" ON "orders" ("corp_id", "paid_at") INCLUDE ("external_userid", "amount", "refunded_amount", "refunded_at") WHERE external_userid IS NOT NULL;--> statement-breakpoint
-- Scans of one corp day (the rollup of a day's visits).
CREATE INDEX "analytics_code_visits_day_idx" ON "code_visits" ("corp_id", "created_at");
