CREATE TABLE "invite_credits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"participant_id" bigint NOT NULL,
	"invitee_external_userid" text NOT NULL,
	"visit_id" bigint,
	"kind" text NOT NULL,
	"userid" text,
	"chat_id" text,
	"status" text NOT NULL,
	"reason" text,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"ip" text,
	"event_at" timestamp with time zone NOT NULL,
	"hold_until" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invite_participants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"token" text NOT NULL,
	"unionid" text,
	"openid" text,
	"userid" text,
	"credited" integer DEFAULT 0 NOT NULL,
	"pending" integer DEFAULT 0 NOT NULL,
	"voided" integer DEFAULT 0 NOT NULL,
	"credited_at" timestamp with time zone,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invite_posters" (
	"participant_id" bigint NOT NULL,
	"hash" text NOT NULL,
	"png" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invite_posters_participant_id_hash_pk" PRIMARY KEY("participant_id","hash")
);
--> statement-breakpoint
CREATE TABLE "invite_tiers" (
	"participant_id" bigint NOT NULL,
	"friends" integer NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"reward_id" bigint,
	"reached_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	CONSTRAINT "invite_tiers_participant_id_friends_pk" PRIMARY KEY("participant_id","friends")
);
--> statement-breakpoint
CREATE TABLE "invite_visits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"campaign_id" bigint NOT NULL,
	"participant_id" bigint NOT NULL,
	"visitor_key" text NOT NULL,
	"unionid" text,
	"openid" text,
	"ip" text,
	"code_visit_id" bigint,
	"was_customer" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invite_credits" ADD CONSTRAINT "invite_credits_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invite_credits" ADD CONSTRAINT "invite_credits_participant_id_invite_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."invite_participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invite_participants" ADD CONSTRAINT "invite_participants_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invite_posters" ADD CONSTRAINT "invite_posters_participant_id_invite_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."invite_participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invite_tiers" ADD CONSTRAINT "invite_tiers_participant_id_invite_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."invite_participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invite_visits" ADD CONSTRAINT "invite_visits_participant_id_invite_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."invite_participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invite_credits_uq" ON "invite_credits" USING btree ("campaign_id","invitee_external_userid");--> statement-breakpoint
CREATE INDEX "invite_credits_participant_idx" ON "invite_credits" USING btree ("participant_id","created_at");--> statement-breakpoint
CREATE INDEX "invite_credits_due_idx" ON "invite_credits" USING btree ("hold_until") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "invite_credits_status_idx" ON "invite_credits" USING btree ("campaign_id","status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "invite_participants_uq" ON "invite_participants" USING btree ("campaign_id","external_userid");--> statement-breakpoint
CREATE UNIQUE INDEX "invite_participants_token_uq" ON "invite_participants" USING btree ("token");--> statement-breakpoint
CREATE INDEX "invite_participants_board_idx" ON "invite_participants" USING btree ("campaign_id","credited","credited_at");--> statement-breakpoint
CREATE INDEX "invite_tiers_notify_idx" ON "invite_tiers" USING btree ("reached_at") WHERE notified_at IS NULL;--> statement-breakpoint
CREATE INDEX "invite_visits_unionid_idx" ON "invite_visits" USING btree ("campaign_id","unionid","created_at");--> statement-breakpoint
CREATE INDEX "invite_visits_code_visit_idx" ON "invite_visits" USING btree ("code_visit_id");--> statement-breakpoint
CREATE INDEX "invite_visits_ip_idx" ON "invite_visits" USING btree ("campaign_id","ip","created_at");--> statement-breakpoint
-- Spread (issue 14): a friend credited to an inviter ('invite.credited') and a referral's commission earned
-- ('referral.commission_earned', written by modules/referrals) become behaviour conditions. Appended to the kept
-- types in SEGMENT_EVENT_TYPES' order (a test checks that they agree); their slots follow the existing ones, so
-- windows written before read them as 0 through coalesce, and the event trigger lengthens a shorter array. Every
-- non-NULL array must have all slots (ADR 0009): forgetting every corp's roll makes the next roll (at worker start)
-- rebuild the windows from the per-day counts, as 0027 did; until then segments read the per-day counts.
CREATE OR REPLACE FUNCTION pond_event_window_types() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed', 'order.paid',
    'invite.credited', 'referral.commission_earned']::text[]
$$;
--> statement-breakpoint
DELETE FROM customer_event_window_rolls;
