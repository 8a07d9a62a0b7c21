CREATE TABLE "bargain_helps" (
	"bargain_id" bigint NOT NULL,
	"helper_key" text NOT NULL,
	"helper_external_userid" text,
	"cut_fen" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bargain_helps_bargain_id_helper_key_pk" PRIMARY KEY("bargain_id","helper_key")
);
--> statement-breakpoint
CREATE TABLE "bargains" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"owner_external_userid" text NOT NULL,
	"start_fen" integer NOT NULL,
	"floor_fen" integer NOT NULL,
	"price_fen" integer NOT NULL,
	"helps" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"coupon_code" text,
	"reward_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bargains_price" CHECK (price_fen >= floor_fen AND price_fen <= start_fen)
);
--> statement-breakpoint
CREATE TABLE "campaign_participants" (
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"userid" text,
	"store_id" bigint,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_participants_campaign_id_external_userid_pk" PRIMARY KEY("campaign_id","external_userid")
);
--> statement-breakpoint
CREATE TABLE "campaign_spend" (
	"campaign_id" bigint NOT NULL,
	"day" date NOT NULL,
	"cost_fen" bigint DEFAULT 0 NOT NULL,
	"rewards" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "campaign_spend_campaign_id_day_pk" PRIMARY KEY("campaign_id","day")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"eligibility" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"entry" jsonb DEFAULT '{"kind":"free"}'::jsonb NOT NULL,
	"join_code_id" bigint,
	"rules" text DEFAULT '' NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"budget_total_fen" bigint,
	"budget_daily_fen" bigint,
	"rewards_per_customer" integer,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_window" CHECK (ends_at IS NULL OR ends_at > starts_at)
);
--> statement-breakpoint
CREATE TABLE "checkin_days" (
	"enrolment_id" bigint NOT NULL,
	"day" date NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"makeup" boolean DEFAULT false NOT NULL,
	CONSTRAINT "checkin_days_enrolment_id_day_pk" PRIMARY KEY("enrolment_id","day")
);
--> statement-breakpoint
CREATE TABLE "checkin_enrolments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"order_id" text,
	"fee_fen" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"start_day" date NOT NULL,
	"streak" integer DEFAULT 0 NOT NULL,
	"best_streak" integer DEFAULT 0 NOT NULL,
	"days" integer DEFAULT 0 NOT NULL,
	"last_day" date,
	"makeups_used" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"reward_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coupon_codes" (
	"corp_id" text NOT NULL,
	"code" text NOT NULL,
	"pool_id" bigint NOT NULL,
	"state" text DEFAULT 'available' NOT NULL,
	"external_userid" text,
	"reward_id" bigint,
	"campaign_id" bigint,
	"claimed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"redeemed_at" timestamp with time zone,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupon_codes_corp_id_code_pk" PRIMARY KEY("corp_id","code")
);
--> statement-breakpoint
CREATE TABLE "coupon_pools" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"name" text NOT NULL,
	"face_value_fen" integer NOT NULL,
	"threshold_fen" integer DEFAULT 0 NOT NULL,
	"valid_until" timestamp with time zone,
	"valid_days" integer,
	"use_url" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groupbuy_members" (
	"groupbuy_id" bigint NOT NULL,
	"member_key" text NOT NULL,
	"external_userid" text,
	"unionid" text,
	"coupon_code" text,
	"reward_id" bigint,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "groupbuy_members_groupbuy_id_member_key_pk" PRIMARY KEY("groupbuy_id","member_key")
);
--> statement-breakpoint
CREATE TABLE "groupbuys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"opener_external_userid" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"needed" integer NOT NULL,
	"joined" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"full_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "groupbuys_joined" CHECK (joined >= 0 AND joined <= needed)
);
--> statement-breakpoint
CREATE TABLE "lottery_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"source" text NOT NULL,
	"order_id" text,
	"order_seq" integer,
	"day" date,
	"state" text DEFAULT 'unused' NOT NULL,
	"prize_id" bigint,
	"reward_id" bigint,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"drawn_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "lottery_prizes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"weight" integer NOT NULL,
	"stock" integer,
	"won" integer DEFAULT 0 NOT NULL,
	"coupon_pool_id" bigint,
	"points" integer DEFAULT 0 NOT NULL,
	"amount_fen" integer DEFAULT 0 NOT NULL,
	"cost_fen" integer DEFAULT 0 NOT NULL,
	"image_url" text,
	CONSTRAINT "lottery_prizes_stock" CHECK (stock IS NULL OR (stock >= 0 AND won <= stock)),
	CONSTRAINT "lottery_prizes_weight" CHECK (weight >= 0)
);
--> statement-breakpoint
CREATE TABLE "points_accounts" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"balance" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_accounts_corp_id_external_userid_pk" PRIMARY KEY("corp_id","external_userid"),
	CONSTRAINT "points_balance_non_negative" CHECK (balance >= 0)
);
--> statement-breakpoint
CREATE TABLE "points_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"delta" integer NOT NULL,
	"reason" text NOT NULL,
	"ref" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"reward_id" bigint NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"actor" text,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rewards" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"campaign_id" bigint,
	"source" text NOT NULL,
	"source_ref" text NOT NULL,
	"kind" text NOT NULL,
	"adapter" text NOT NULL,
	"title" text NOT NULL,
	"amount_fen" integer DEFAULT 0 NOT NULL,
	"cost_fen" integer DEFAULT 0 NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"coupon_pool_id" bigint,
	"coupon_code" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"out_trade_no" text,
	"external_ref" text,
	"last_error" text,
	"issued_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rewards_amounts" CHECK (amount_fen >= 0 AND cost_fen >= 0 AND points >= 0)
);
--> statement-breakpoint
ALTER TABLE "bargain_helps" ADD CONSTRAINT "bargain_helps_bargain_id_bargains_id_fk" FOREIGN KEY ("bargain_id") REFERENCES "public"."bargains"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bargains" ADD CONSTRAINT "bargains_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_participants" ADD CONSTRAINT "campaign_participants_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_spend" ADD CONSTRAINT "campaign_spend_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_days" ADD CONSTRAINT "checkin_days_enrolment_id_checkin_enrolments_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."checkin_enrolments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_enrolments" ADD CONSTRAINT "checkin_enrolments_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_codes" ADD CONSTRAINT "coupon_codes_pool_id_coupon_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."coupon_pools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_pools" ADD CONSTRAINT "coupon_pools_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groupbuy_members" ADD CONSTRAINT "groupbuy_members_groupbuy_id_groupbuys_id_fk" FOREIGN KEY ("groupbuy_id") REFERENCES "public"."groupbuys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groupbuys" ADD CONSTRAINT "groupbuys_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lottery_entries" ADD CONSTRAINT "lottery_entries_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lottery_prizes" ADD CONSTRAINT "lottery_prizes_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_accounts" ADD CONSTRAINT "points_accounts_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_events" ADD CONSTRAINT "reward_events_reward_id_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."rewards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bargains_owner_uq" ON "bargains" USING btree ("campaign_id","owner_external_userid");--> statement-breakpoint
CREATE INDEX "campaign_participants_customer_idx" ON "campaign_participants" USING btree ("corp_id","external_userid");--> statement-breakpoint
CREATE INDEX "campaigns_corp_idx" ON "campaigns" USING btree ("corp_id","kind","status");--> statement-breakpoint
CREATE UNIQUE INDEX "checkin_enrolments_uq" ON "checkin_enrolments" USING btree ("campaign_id","external_userid");--> statement-breakpoint
CREATE INDEX "checkin_enrolments_state_idx" ON "checkin_enrolments" USING btree ("campaign_id","state");--> statement-breakpoint
CREATE INDEX "coupon_codes_available_idx" ON "coupon_codes" USING btree ("pool_id","code") WHERE state = 'available';--> statement-breakpoint
CREATE INDEX "coupon_codes_customer_idx" ON "coupon_codes" USING btree ("corp_id","external_userid") WHERE external_userid IS NOT NULL;--> statement-breakpoint
CREATE INDEX "coupon_codes_campaign_idx" ON "coupon_codes" USING btree ("campaign_id","state");--> statement-breakpoint
CREATE INDEX "groupbuys_campaign_idx" ON "groupbuys" USING btree ("campaign_id","state");--> statement-breakpoint
CREATE INDEX "groupbuys_expiry_idx" ON "groupbuys" USING btree ("expires_at") WHERE state = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "lottery_entries_order_uq" ON "lottery_entries" USING btree ("campaign_id","order_id","order_seq") WHERE order_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "lottery_entries_request_uq" ON "lottery_entries" USING btree ("campaign_id","external_userid","request_id") WHERE request_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "lottery_entries_customer_idx" ON "lottery_entries" USING btree ("campaign_id","external_userid","state");--> statement-breakpoint
CREATE INDEX "lottery_entries_prize_idx" ON "lottery_entries" USING btree ("campaign_id","prize_id") WHERE prize_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "lottery_prizes_campaign_idx" ON "lottery_prizes" USING btree ("campaign_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "points_entries_ref_uq" ON "points_entries" USING btree ("corp_id","ref");--> statement-breakpoint
CREATE INDEX "points_entries_customer_idx" ON "points_entries" USING btree ("corp_id","external_userid","id");--> statement-breakpoint
CREATE INDEX "reward_events_reward_idx" ON "reward_events" USING btree ("reward_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_source_uq" ON "rewards" USING btree ("corp_id","source","source_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_trade_uq" ON "rewards" USING btree ("corp_id","out_trade_no");--> statement-breakpoint
CREATE INDEX "rewards_due_idx" ON "rewards" USING btree ("next_attempt_at") WHERE state IN ('pending', 'issuing');--> statement-breakpoint
CREATE INDEX "rewards_customer_idx" ON "rewards" USING btree ("corp_id","external_userid","created_at");--> statement-breakpoint
CREATE INDEX "rewards_campaign_idx" ON "rewards" USING btree ("campaign_id","created_at");