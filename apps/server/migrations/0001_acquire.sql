CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "attributions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"userid" text NOT NULL,
	"code_id" bigint,
	"channel" text,
	"store_id" bigint,
	"visit_id" bigint,
	"state" text,
	"added_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	"inbox_id" bigint
);
--> statement-breakpoint
CREATE TABLE "code_locks" (
	"code_id" bigint NOT NULL,
	"visitor_key" text NOT NULL,
	"corp_id" text NOT NULL,
	"userid" text NOT NULL,
	"external_userid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	CONSTRAINT "code_locks_code_id_visitor_key_pk" PRIMARY KEY("code_id","visitor_key")
);
--> statement-breakpoint
CREATE TABLE "code_visits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"code_id" bigint NOT NULL,
	"visitor_key" text NOT NULL,
	"visitor_kind" text NOT NULL,
	"unionid" text,
	"userid" text,
	"chat_id" text,
	"store_id" bigint,
	"reason" text NOT NULL,
	"external_userid" text,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "live_code_groups" (
	"code_id" bigint NOT NULL,
	"corp_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"auto_created" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_code_groups_code_id_chat_id_pk" PRIMARY KEY("code_id","chat_id")
);
--> statement-breakpoint
CREATE TABLE "live_code_staff" (
	"code_id" bigint NOT NULL,
	"corp_id" text NOT NULL,
	"userid" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"weight" integer DEFAULT 1 NOT NULL,
	"daily_cap" integer,
	"total_cap" integer,
	"assigned_total" integer DEFAULT 0 NOT NULL,
	"config_id" text,
	"qr_url" text,
	CONSTRAINT "live_code_staff_code_id_userid_pk" PRIMARY KEY("code_id","userid")
);
--> statement-breakpoint
CREATE TABLE "live_code_staff_daily" (
	"code_id" bigint NOT NULL,
	"userid" text NOT NULL,
	"day" text NOT NULL,
	"assigned" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "live_code_staff_daily_code_id_day_userid_pk" PRIMARY KEY("code_id","day","userid")
);
--> statement-breakpoint
CREATE TABLE "live_codes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"channel" text DEFAULT '' NOT NULL,
	"store_id" bigint,
	"mode" text DEFAULT 'pond' NOT NULL,
	"strategy" text DEFAULT 'round_robin' NOT NULL,
	"lock_enabled" boolean DEFAULT true NOT NULL,
	"skip_verify" boolean DEFAULT true NOT NULL,
	"tag_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"remark_template" text,
	"description" text,
	"welcome_id" bigint,
	"schedule" jsonb,
	"backup_userids" text[] DEFAULT '{}'::text[] NOT NULL,
	"group_cap" integer DEFAULT 200 NOT NULL,
	"group_auto_create" boolean DEFAULT true NOT NULL,
	"group_base_name" text,
	"group_next_seq" integer DEFAULT 1 NOT NULL,
	"group_welcome_template_id" text,
	"wecom_config_id" text,
	"wecom_qr_url" text,
	"state" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "live_codes_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "welcome_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"inbox_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"userid" text NOT NULL,
	"template_id" bigint,
	"code_id" bigint,
	"status" text NOT NULL,
	"errcode" integer,
	"error" text,
	"received_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"latency_ms" integer
);
--> statement-breakpoint
CREATE TABLE "welcome_templates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"userids" text[] DEFAULT '{}'::text[] NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "live_code_groups" ADD CONSTRAINT "live_code_groups_code_id_live_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."live_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_code_staff" ADD CONSTRAINT "live_code_staff_code_id_live_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."live_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_codes" ADD CONSTRAINT "live_codes_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "welcome_templates" ADD CONSTRAINT "welcome_templates_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_corp_idx" ON "alerts" USING btree ("corp_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_dedupe_uq" ON "alerts" USING btree ("corp_id","dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "attributions_inbox_uq" ON "attributions" USING btree ("corp_id","inbox_id");--> statement-breakpoint
CREATE INDEX "attributions_code_idx" ON "attributions" USING btree ("code_id","added_at");--> statement-breakpoint
CREATE INDEX "attributions_customer_idx" ON "attributions" USING btree ("corp_id","external_userid","userid");--> statement-breakpoint
CREATE INDEX "code_locks_external_idx" ON "code_locks" USING btree ("corp_id","external_userid");--> statement-breakpoint
CREATE INDEX "code_visits_code_idx" ON "code_visits" USING btree ("code_id","created_at");--> statement-breakpoint
CREATE INDEX "code_visits_unionid_idx" ON "code_visits" USING btree ("corp_id","unionid");--> statement-breakpoint
CREATE INDEX "code_visits_match_idx" ON "code_visits" USING btree ("code_id","userid","created_at");--> statement-breakpoint
CREATE INDEX "live_codes_corp_idx" ON "live_codes" USING btree ("corp_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "live_codes_state_uq" ON "live_codes" USING btree ("corp_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "welcome_sends_inbox_uq" ON "welcome_sends" USING btree ("corp_id","inbox_id");--> statement-breakpoint
CREATE INDEX "welcome_sends_code_idx" ON "welcome_sends" USING btree ("code_id","sent_at");--> statement-breakpoint
CREATE INDEX "welcome_templates_corp_idx" ON "welcome_templates" USING btree ("corp_id","scope","status");