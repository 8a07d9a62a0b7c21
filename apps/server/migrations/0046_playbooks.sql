CREATE TABLE "playbook_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"last_id" bigint DEFAULT 0 NOT NULL,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "playbook_enrolments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"playbook_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"owner_userid" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"source" text NOT NULL,
	"trigger_key" text,
	"enrolled_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"exit_reason" text
);
--> statement-breakpoint
CREATE TABLE "playbook_mass_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"playbook_id" bigint NOT NULL,
	"step_id" bigint NOT NULL,
	"sender_userid" text NOT NULL,
	"chat_type" text NOT NULL,
	"msgid" text,
	"status" text NOT NULL,
	"target_count" integer DEFAULT 0 NOT NULL,
	"issued_at" timestamp with time zone,
	"polled_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "playbook_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"playbook_id" bigint NOT NULL,
	"step_id" bigint NOT NULL,
	"enrolment_id" bigint,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"occurrence" text NOT NULL,
	"owner_userid" text,
	"delivery" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"send_at" timestamp with time zone,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"late" boolean DEFAULT false NOT NULL,
	"ledger_id" bigint,
	"task_id" bigint,
	"mass_send_id" bigint,
	"claimed_until" timestamp with time zone,
	"claim" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "playbook_segment_members" (
	"playbook_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	CONSTRAINT "playbook_segment_members_playbook_id_external_userid_pk" PRIMARY KEY("playbook_id","external_userid")
);
--> statement-breakpoint
CREATE TABLE "playbook_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"playbook_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"day" integer,
	"time" text,
	"offset_minutes" integer,
	"schedule" jsonb,
	"content" jsonb NOT NULL,
	"delivery" text NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "playbooks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"trigger" jsonb,
	"audience" jsonb,
	"exits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reentry" text DEFAULT 'never' NOT NULL,
	"quiet_action" text DEFAULT 'defer' NOT NULL,
	"activated_at" timestamp with time zone,
	"segment_baseline_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "broadcast_sends_msgid_uq";--> statement-breakpoint
ALTER TABLE "playbook_enrolments" ADD CONSTRAINT "playbook_enrolments_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_mass_sends" ADD CONSTRAINT "playbook_mass_sends_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_runs" ADD CONSTRAINT "playbook_runs_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_segment_members" ADD CONSTRAINT "playbook_segment_members_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_steps" ADD CONSTRAINT "playbook_steps_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbooks" ADD CONSTRAINT "playbooks_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "playbook_enrolments_live_uq" ON "playbook_enrolments" USING btree ("playbook_id","external_userid") WHERE status = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "playbook_enrolments_trigger_uq" ON "playbook_enrolments" USING btree ("playbook_id","trigger_key");--> statement-breakpoint
CREATE INDEX "playbook_enrolments_customer_idx" ON "playbook_enrolments" USING btree ("corp_id","external_userid");--> statement-breakpoint
CREATE INDEX "playbook_enrolments_playbook_customer_idx" ON "playbook_enrolments" USING btree ("playbook_id","external_userid");--> statement-breakpoint
CREATE INDEX "playbook_mass_sends_open_idx" ON "playbook_mass_sends" USING btree ("status") WHERE status IN ('issuing', 'issued');--> statement-breakpoint
CREATE UNIQUE INDEX "playbook_runs_uq" ON "playbook_runs" USING btree ("step_id","target_id","occurrence");--> statement-breakpoint
CREATE INDEX "playbook_runs_due_idx" ON "playbook_runs" USING btree ("due_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "playbook_runs_planned_idx" ON "playbook_runs" USING btree ("send_at") WHERE status = 'planned';--> statement-breakpoint
CREATE INDEX "playbook_runs_enrolment_idx" ON "playbook_runs" USING btree ("enrolment_id");--> statement-breakpoint
CREATE INDEX "playbook_runs_playbook_idx" ON "playbook_runs" USING btree ("playbook_id","step_id","status");--> statement-breakpoint
CREATE INDEX "playbook_runs_task_idx" ON "playbook_runs" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "playbook_runs_mass_idx" ON "playbook_runs" USING btree ("mass_send_id");--> statement-breakpoint
CREATE INDEX "playbook_steps_playbook_idx" ON "playbook_steps" USING btree ("playbook_id");--> statement-breakpoint
CREATE INDEX "playbooks_corp_idx" ON "playbooks" USING btree ("corp_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_sends_msgid_uq" ON "broadcast_sends" USING btree ("corp_id","msgid","sender_userid");