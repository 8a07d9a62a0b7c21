CREATE TABLE "referral_commissions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"referrer_id" bigint NOT NULL,
	"referee_external_userid" text NOT NULL,
	"order_id" text NOT NULL,
	"via" text NOT NULL,
	"order_seq" integer NOT NULL,
	"rate_bp" integer NOT NULL,
	"order_fen" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"clawback_fen" bigint DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"matures_at" timestamp with time zone NOT NULL,
	"payout_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_commissions_amounts" CHECK (amount_fen >= 0 AND order_fen >= 0 AND clawback_fen >= 0)
);
--> statement-breakpoint
CREATE TABLE "referral_payouts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"referrer_id" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"commissions" integer NOT NULL,
	"method" text NOT NULL,
	"reward_id" bigint,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_payouts_amount" CHECK (amount_fen > 0)
);
--> statement-breakpoint
CREATE TABLE "referral_referees" (
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"referee_key" text NOT NULL,
	"referrer_id" bigint NOT NULL,
	"via" text NOT NULL,
	"touched_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"external_userid" text,
	"attributed_at" timestamp with time zone,
	CONSTRAINT "referral_referees_campaign_id_referee_key_pk" PRIMARY KEY("campaign_id","referee_key")
);
--> statement-breakpoint
CREATE TABLE "referral_referrers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"external_userid" text,
	"userid" text,
	"identity_key" text,
	"code" text NOT NULL,
	"coupon_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_referrers_kind" CHECK ((kind = 'customer' AND external_userid IS NOT NULL AND userid IS NULL) OR (kind = 'staff' AND userid IS NOT NULL AND external_userid IS NULL))
);
--> statement-breakpoint
ALTER TABLE "referral_commissions" ADD CONSTRAINT "referral_commissions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_commissions" ADD CONSTRAINT "referral_commissions_referrer_id_referral_referrers_id_fk" FOREIGN KEY ("referrer_id") REFERENCES "public"."referral_referrers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_payouts" ADD CONSTRAINT "referral_payouts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_payouts" ADD CONSTRAINT "referral_payouts_referrer_id_referral_referrers_id_fk" FOREIGN KEY ("referrer_id") REFERENCES "public"."referral_referrers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_referees" ADD CONSTRAINT "referral_referees_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_referees" ADD CONSTRAINT "referral_referees_referrer_id_referral_referrers_id_fk" FOREIGN KEY ("referrer_id") REFERENCES "public"."referral_referrers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_referrers" ADD CONSTRAINT "referral_referrers_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_referrers" ADD CONSTRAINT "referral_referrers_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "referral_commissions_order_uq" ON "referral_commissions" USING btree ("corp_id","order_id","referrer_id");--> statement-breakpoint
CREATE INDEX "referral_commissions_referrer_idx" ON "referral_commissions" USING btree ("referrer_id","state");--> statement-breakpoint
CREATE INDEX "referral_commissions_campaign_idx" ON "referral_commissions" USING btree ("campaign_id","created_at");--> statement-breakpoint
CREATE INDEX "referral_commissions_due_idx" ON "referral_commissions" USING btree ("matures_at") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "referral_payouts_campaign_idx" ON "referral_payouts" USING btree ("campaign_id","id");--> statement-breakpoint
CREATE INDEX "referral_referees_customer_idx" ON "referral_referees" USING btree ("campaign_id","external_userid");--> statement-breakpoint
CREATE INDEX "referral_referees_referrer_idx" ON "referral_referees" USING btree ("referrer_id");--> statement-breakpoint
CREATE INDEX "referral_referees_unresolved_idx" ON "referral_referees" USING btree ("corp_id","referee_key") WHERE external_userid IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "referral_referrers_code_uq" ON "referral_referrers" USING btree ("corp_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_referrers_customer_uq" ON "referral_referrers" USING btree ("campaign_id","external_userid") WHERE external_userid IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "referral_referrers_staff_uq" ON "referral_referrers" USING btree ("campaign_id","userid") WHERE userid IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "referral_referrers_coupon_uq" ON "referral_referrers" USING btree ("corp_id","coupon_code") WHERE coupon_code IS NOT NULL;