CREATE TABLE "handover_items" (
	"job_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"target_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"errcode" integer,
	"error" text,
	"takeover_at" timestamp with time zone,
	CONSTRAINT "handover_items_job_id_kind_target_id_pk" PRIMARY KEY("job_id","kind","target_id")
);
--> statement-breakpoint
CREATE TABLE "handover_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"handover_userid" text NOT NULL,
	"takeover_userid" text NOT NULL,
	"message" text,
	"status" text DEFAULT 'running' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "handover_items" ADD CONSTRAINT "handover_items_job_id_handover_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."handover_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handover_jobs" ADD CONSTRAINT "handover_jobs_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "handover_items_status_idx" ON "handover_items" USING btree ("job_id","status");