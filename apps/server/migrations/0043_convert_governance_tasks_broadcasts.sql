CREATE TABLE "broadcast_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"broadcast_id" bigint NOT NULL,
	"sender_userid" text NOT NULL,
	"chunk" integer DEFAULT 0 NOT NULL,
	"msgid" text,
	"status" text NOT NULL,
	"target_count" integer DEFAULT 0 NOT NULL,
	"sent_count" integer DEFAULT 0 NOT NULL,
	"not_friend_count" integer DEFAULT 0 NOT NULL,
	"over_cap_count" integer DEFAULT 0 NOT NULL,
	"reminders" smallint DEFAULT 0 NOT NULL,
	"last_reminded_at" timestamp with time zone,
	"issuing_at" timestamp with time zone,
	"issued_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"polled_at" timestamp with time zone,
	"errcode" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "broadcast_targets" (
	"corp_id" text NOT NULL,
	"broadcast_id" bigint NOT NULL,
	"target_id" text NOT NULL,
	"sender_userid" text,
	"send_id" bigint,
	"status" text NOT NULL,
	"reason" text,
	"ledger_id" bigint,
	"sent_at" timestamp with time zone,
	CONSTRAINT "broadcast_targets_broadcast_id_target_id_pk" PRIMARY KEY("broadcast_id","target_id")
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"origin" text DEFAULT 'pond' NOT NULL,
	"name" text NOT NULL,
	"content" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"scheduled_at" timestamp with time zone,
	"remind_after" integer[] DEFAULT '{}'::int[] NOT NULL,
	"status" text NOT NULL,
	"override_by" text,
	"override_reason" text,
	"audience_count" integer DEFAULT 0 NOT NULL,
	"planned_count" integer DEFAULT 0 NOT NULL,
	"skipped_count" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp with time zone,
	"error" text,
	"created_by" text,
	"created_by_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_heads" (
	"corp_id" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"last_planned_at" timestamp with time zone,
	CONSTRAINT "contact_heads_corp_id_target_kind_target_id_pk" PRIMARY KEY("corp_id","target_kind","target_id")
);
--> statement-breakpoint
CREATE TABLE "contact_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"channel" text NOT NULL,
	"via" text NOT NULL,
	"source_kind" text NOT NULL,
	"source_id" bigint,
	"source_ref" text DEFAULT '' NOT NULL,
	"staff_userid" text,
	"content_hash" text NOT NULL,
	"preview" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"override_by" text,
	"override_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "contact_policies" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"customer_per_day" integer NOT NULL,
	"customer_per_week" integer NOT NULL,
	"customer_per_month" integer NOT NULL,
	"group_per_day" integer NOT NULL,
	"group_per_week" integer NOT NULL,
	"min_gap_minutes" integer NOT NULL,
	"quiet_start" text,
	"quiet_end" text,
	"quiet_action" text NOT NULL,
	"dedupe_days" integer NOT NULL,
	"dnd_tag_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"wecom_cap" text NOT NULL,
	"count_moments" boolean NOT NULL,
	"overdue_after_minutes" integer NOT NULL,
	"digest_time" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"owner_userid" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"target_kind" text NOT NULL,
	"external_userid" text,
	"chat_id" text,
	"content" jsonb NOT NULL,
	"source_kind" text NOT NULL,
	"source_id" bigint,
	"source_name" text DEFAULT '' NOT NULL,
	"ledger_id" bigint,
	"status" text DEFAULT 'pending' NOT NULL,
	"done_at" timestamp with time zone,
	"done_via" text,
	"skip_reason" text,
	"notified_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"dedupe_key" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_digests" (
	"corp_id" text NOT NULL,
	"day" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"staff_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "task_digests_corp_id_day_pk" PRIMARY KEY("corp_id","day")
);
--> statement-breakpoint
ALTER TABLE "broadcast_sends" ADD CONSTRAINT "broadcast_sends_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_targets" ADD CONSTRAINT "broadcast_targets_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_policies" ADD CONSTRAINT "contact_policies_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_sends_uq" ON "broadcast_sends" USING btree ("broadcast_id","sender_userid","chunk");--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_sends_msgid_uq" ON "broadcast_sends" USING btree ("corp_id","msgid","sender_userid");--> statement-breakpoint
CREATE INDEX "broadcast_sends_open_idx" ON "broadcast_sends" USING btree ("status") WHERE status IN ('pending', 'issuing', 'issued');--> statement-breakpoint
CREATE INDEX "broadcast_targets_send_idx" ON "broadcast_targets" USING btree ("send_id");--> statement-breakpoint
CREATE INDEX "broadcasts_corp_idx" ON "broadcasts" USING btree ("corp_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_ledger_source_uq" ON "contact_ledger" USING btree ("corp_id","source_kind","source_id","source_ref","target_kind","target_id");--> statement-breakpoint
CREATE INDEX "contact_ledger_target_idx" ON "contact_ledger" USING btree ("corp_id","target_kind","target_id","at");--> statement-breakpoint
CREATE INDEX "contact_ledger_planned_idx" ON "contact_ledger" USING btree ("corp_id","source_kind","source_id") WHERE status = 'planned';--> statement-breakpoint
CREATE UNIQUE INDEX "staff_tasks_dedupe_uq" ON "staff_tasks" USING btree ("corp_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "staff_tasks_owner_idx" ON "staff_tasks" USING btree ("corp_id","owner_userid","status","due_at");--> statement-breakpoint
CREATE INDEX "staff_tasks_open_due_idx" ON "staff_tasks" USING btree ("due_at") WHERE status IN ('pending', 'overdue');--> statement-breakpoint
CREATE INDEX "staff_tasks_customer_idx" ON "staff_tasks" USING btree ("corp_id","external_userid") WHERE external_userid IS NOT NULL;--> statement-breakpoint
CREATE INDEX "staff_tasks_chat_idx" ON "staff_tasks" USING btree ("corp_id","chat_id") WHERE chat_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "staff_tasks_source_idx" ON "staff_tasks" USING btree ("corp_id","source_kind","source_id");