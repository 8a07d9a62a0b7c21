CREATE TABLE "faq_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"question" text NOT NULL,
	"synonyms" text[] DEFAULT '{}'::text[] NOT NULL,
	"answer" jsonb NOT NULL,
	"tiers" text[] DEFAULT '{}'::text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "faq_questions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"msgid" text NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"text" text NOT NULL,
	"chat_id" text,
	"external_userid" text,
	"owner_userid" text,
	"faq_id" bigint,
	"score" double precision,
	"task_id" bigint,
	"asked_at" timestamp with time zone NOT NULL,
	"suggested_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"answered_via" text,
	"escalated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "faq_settings" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"threshold" double precision DEFAULT 0.6 NOT NULL,
	"escalate_after_minutes" integer DEFAULT 10 NOT NULL,
	"direct_chats" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_tier_profiles" (
	"corp_id" text NOT NULL,
	"tier" text NOT NULL,
	"persona_name" text DEFAULT '' NOT NULL,
	"tone" text DEFAULT '' NOT NULL,
	"intro" text DEFAULT '' NOT NULL,
	"rules" text DEFAULT '' NOT NULL,
	"announcement" text DEFAULT '' NOT NULL,
	"slots" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_tier_profiles_corp_id_tier_pk" PRIMARY KEY("corp_id","tier")
);
--> statement-breakpoint
CREATE TABLE "moderation_intercept_rules" (
	"corp_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"name" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "moderation_intercept_rules_corp_id_rule_id_pk" PRIMARY KEY("corp_id","rule_id")
);
--> statement-breakpoint
CREATE TABLE "moderation_offenders" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"strikes" integer DEFAULT 0 NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"blocked_at" timestamp with time zone,
	"pardoned_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "moderation_offenders_corp_id_external_userid_pk" PRIMARY KEY("corp_id","external_userid")
);
--> statement-breakpoint
CREATE TABLE "moderation_posts" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"chat_id" text NOT NULL,
	"text_hash" text,
	"msgid" text NOT NULL,
	CONSTRAINT "moderation_posts_corp_id_external_userid_at_msgid_pk" PRIMARY KEY("corp_id","external_userid","at","msgid")
);
--> statement-breakpoint
CREATE TABLE "moderation_rules" (
	"corp_id" text NOT NULL,
	"tier" text NOT NULL,
	"config" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "moderation_rules_corp_id_tier_pk" PRIMARY KEY("corp_id","tier")
);
--> statement-breakpoint
CREATE TABLE "moderation_violations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"msgid" text NOT NULL,
	"rule" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"chat_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"owner_userid" text,
	"task_id" bigint,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "faq_entries" ADD CONSTRAINT "faq_entries_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faq_questions" ADD CONSTRAINT "faq_questions_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faq_settings" ADD CONSTRAINT "faq_settings_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_tier_profiles" ADD CONSTRAINT "group_tier_profiles_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_intercept_rules" ADD CONSTRAINT "moderation_intercept_rules_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_offenders" ADD CONSTRAINT "moderation_offenders_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_rules" ADD CONSTRAINT "moderation_rules_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_violations" ADD CONSTRAINT "moderation_violations_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "faq_entries_corp_idx" ON "faq_entries" USING btree ("corp_id");--> statement-breakpoint
CREATE UNIQUE INDEX "faq_questions_msg_uq" ON "faq_questions" USING btree ("corp_id","msgid");--> statement-breakpoint
CREATE INDEX "faq_questions_open_chat_idx" ON "faq_questions" USING btree ("corp_id","chat_id","asked_at") WHERE status = 'matched';--> statement-breakpoint
CREATE INDEX "faq_questions_open_peer_idx" ON "faq_questions" USING btree ("corp_id","external_userid","asked_at") WHERE status = 'matched' AND chat_id IS NULL;--> statement-breakpoint
CREATE INDEX "faq_questions_status_idx" ON "faq_questions" USING btree ("corp_id","status","asked_at");--> statement-breakpoint
CREATE INDEX "faq_questions_escalate_idx" ON "faq_questions" USING btree ("asked_at") WHERE status = 'matched' AND escalated_at IS NULL;--> statement-breakpoint
CREATE INDEX "moderation_posts_at_idx" ON "moderation_posts" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "moderation_violations_msg_uq" ON "moderation_violations" USING btree ("corp_id","msgid","rule");--> statement-breakpoint
CREATE INDEX "moderation_violations_corp_idx" ON "moderation_violations" USING btree ("corp_id","occurred_at");--> statement-breakpoint
CREATE INDEX "moderation_violations_customer_idx" ON "moderation_violations" USING btree ("corp_id","external_userid");