CREATE TABLE "bulk_tag_items" (
	"job_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"userid" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"error" text,
	CONSTRAINT "bulk_tag_items_job_id_external_userid_userid_pk" PRIMARY KEY("job_id","external_userid","userid")
);
--> statement-breakpoint
CREATE TABLE "bulk_tag_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"action" text NOT NULL,
	"tag_ids" text[] NOT NULL,
	"source" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "bulk_tag_items" ADD CONSTRAINT "bulk_tag_items_job_id_bulk_tag_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."bulk_tag_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_tag_jobs" ADD CONSTRAINT "bulk_tag_jobs_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bulk_tag_items_pending_idx" ON "bulk_tag_items" USING btree ("job_id","status");