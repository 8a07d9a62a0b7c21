CREATE TABLE "group_daily_stats" (
	"corp_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"day" date NOT NULL,
	"owner_userid" text,
	"store_id" bigint,
	"tier" text,
	"members" integer DEFAULT 0 NOT NULL,
	"joins" integer DEFAULT 0 NOT NULL,
	"leaves" integer DEFAULT 0 NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_daily_stats_corp_id_chat_id_day_pk" PRIMARY KEY("corp_id","chat_id","day")
);
--> statement-breakpoint
CREATE TABLE "staff_daily_stats" (
	"corp_id" text NOT NULL,
	"userid" text NOT NULL,
	"day" date NOT NULL,
	"store_id" bigint,
	"department_id" integer,
	"new_apply_cnt" integer,
	"new_contact_cnt" integer,
	"chat_cnt" integer,
	"message_cnt" integer,
	"reply_percentage" double precision,
	"avg_reply_time" integer,
	"negative_feedback_cnt" integer,
	"added" integer DEFAULT 0 NOT NULL,
	"deleted_by_customer" integer DEFAULT 0 NOT NULL,
	"deleted_by_staff" integer DEFAULT 0 NOT NULL,
	"groups_created" integer DEFAULT 0 NOT NULL,
	"groups_total" integer DEFAULT 0 NOT NULL,
	"group_members" integer DEFAULT 0 NOT NULL,
	"group_new_members" integer DEFAULT 0 NOT NULL,
	"group_members_spoke" integer DEFAULT 0 NOT NULL,
	"tasks_done" integer DEFAULT 0 NOT NULL,
	"tasks_overdue" integer DEFAULT 0 NOT NULL,
	"broadcasts_confirmed" integer DEFAULT 0 NOT NULL,
	"moments_posted" integer DEFAULT 0 NOT NULL,
	"moment_reach" integer DEFAULT 0 NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"gmv" numeric(16, 2) DEFAULT '0' NOT NULL,
	"wecom_error" text,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_daily_stats_corp_id_userid_day_pk" PRIMARY KEY("corp_id","userid","day")
);
--> statement-breakpoint
CREATE TABLE "staff_stats_digests" (
	"corp_id" text NOT NULL,
	"manager_userid" text NOT NULL,
	"week" date NOT NULL,
	"status" text DEFAULT 'sending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "staff_stats_digests_corp_id_manager_userid_week_pk" PRIMARY KEY("corp_id","manager_userid","week")
);
--> statement-breakpoint
CREATE TABLE "staff_stats_runs" (
	"corp_id" text NOT NULL,
	"day" date NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"groups_done" boolean DEFAULT false NOT NULL,
	"cursor" text,
	"staff_done" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease" text,
	"locked_until" timestamp with time zone,
	"error" text,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "staff_stats_runs_corp_id_day_pk" PRIMARY KEY("corp_id","day")
);
--> statement-breakpoint
CREATE TABLE "staff_stats_settings" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"nightly_time" text DEFAULT '04:00' NOT NULL,
	"silent_days" integer DEFAULT 7 NOT NULL,
	"shrink_days" integer DEFAULT 14 NOT NULL,
	"shrink_percent" integer DEFAULT 10 NOT NULL,
	"digest_enabled" boolean DEFAULT true NOT NULL,
	"digest_weekday" smallint DEFAULT 1 NOT NULL,
	"digest_time" text DEFAULT '09:00' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "group_daily_stats" ADD CONSTRAINT "group_daily_stats_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_daily_stats" ADD CONSTRAINT "staff_daily_stats_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_stats_digests" ADD CONSTRAINT "staff_stats_digests_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_stats_runs" ADD CONSTRAINT "staff_stats_runs_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_stats_settings" ADD CONSTRAINT "staff_stats_settings_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_daily_stats_day_idx" ON "group_daily_stats" USING btree ("corp_id","day");--> statement-breakpoint
CREATE INDEX "staff_daily_stats_day_idx" ON "staff_daily_stats" USING btree ("corp_id","day");--> statement-breakpoint
CREATE INDEX "staff_stats_runs_open_idx" ON "staff_stats_runs" USING btree ("status") WHERE status IN ('pending', 'running');