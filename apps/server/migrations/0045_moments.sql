CREATE TABLE "media_attachments" (
	"corp_id" text NOT NULL,
	"asset_id" bigint NOT NULL,
	"attachment_type" smallint NOT NULL,
	"media_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"keep_until" timestamp with time zone,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_attachments_asset_id_attachment_type_pk" PRIMARY KEY("asset_id","attachment_type")
);
--> statement-breakpoint
CREATE TABLE "moment_customers" (
	"corp_id" text NOT NULL,
	"moment_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"sender_userid" text,
	"ledger_id" bigint,
	"plan_status" text,
	"reason" text,
	"reached_at" timestamp with time zone,
	CONSTRAINT "moment_customers_moment_id_external_userid_pk" PRIMARY KEY("moment_id","external_userid")
);
--> statement-breakpoint
CREATE TABLE "moment_interactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"moment_id" bigint NOT NULL,
	"sender_userid" text NOT NULL,
	"kind" text NOT NULL,
	"external_userid" text,
	"userid" text,
	"who" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"tagged_at" timestamp with time zone,
	"tag_error" text
);
--> statement-breakpoint
CREATE TABLE "moment_senders" (
	"corp_id" text NOT NULL,
	"moment_id" bigint NOT NULL,
	"userid" text NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"published_at" timestamp with time zone,
	"reach" integer DEFAULT 0 NOT NULL,
	"likes" integer DEFAULT 0 NOT NULL,
	"comments" integer DEFAULT 0 NOT NULL,
	"reminders" smallint DEFAULT 0 NOT NULL,
	"last_reminded_at" timestamp with time zone,
	"task_id" bigint,
	CONSTRAINT "moment_senders_moment_id_userid_pk" PRIMARY KEY("moment_id","userid")
);
--> statement-breakpoint
CREATE TABLE "moments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"origin" text DEFAULT 'pond' NOT NULL,
	"request_id" text,
	"name" text NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sender_userids" text[] DEFAULT '{}'::text[] NOT NULL,
	"department_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"tag_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"scheduled_at" timestamp with time zone,
	"remind_after" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"reminders_sent" smallint DEFAULT 0 NOT NULL,
	"auto_tag_id" text,
	"status" text NOT NULL,
	"issue_lease" text,
	"issue_lease_until" timestamp with time zone,
	"call_started_at" timestamp with time zone,
	"calls" integer DEFAULT 0 NOT NULL,
	"jobid" text,
	"wecom_moment_id" text,
	"creator" text,
	"create_type" smallint,
	"invalid_userids" text[] DEFAULT '{}'::text[] NOT NULL,
	"invalid_department_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"invalid_tag_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"errcode" integer,
	"error" text,
	"issued_at" timestamp with time zone,
	"planned_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"wecom_cancelled_at" timestamp with time zone,
	"polled_at" timestamp with time zone,
	"track_until" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_asset_id_media_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."media_assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moment_customers" ADD CONSTRAINT "moment_customers_moment_id_moments_id_fk" FOREIGN KEY ("moment_id") REFERENCES "public"."moments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moment_interactions" ADD CONSTRAINT "moment_interactions_moment_id_moments_id_fk" FOREIGN KEY ("moment_id") REFERENCES "public"."moments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moment_senders" ADD CONSTRAINT "moment_senders_moment_id_moments_id_fk" FOREIGN KEY ("moment_id") REFERENCES "public"."moments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moments" ADD CONSTRAINT "moments_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_attachments_expiry_idx" ON "media_attachments" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "moment_interactions_uq" ON "moment_interactions" USING btree ("moment_id","sender_userid","kind","who","at");--> statement-breakpoint
CREATE INDEX "moment_interactions_customer_idx" ON "moment_interactions" USING btree ("corp_id","external_userid");--> statement-breakpoint
CREATE INDEX "moment_senders_user_idx" ON "moment_senders" USING btree ("corp_id","userid");--> statement-breakpoint
CREATE UNIQUE INDEX "moments_request_uq" ON "moments" USING btree ("corp_id","request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "moments_wecom_uq" ON "moments" USING btree ("corp_id","wecom_moment_id");--> statement-breakpoint
CREATE INDEX "moments_corp_idx" ON "moments" USING btree ("corp_id","created_at");--> statement-breakpoint
CREATE INDEX "moments_open_idx" ON "moments" USING btree ("status") WHERE status IN ('scheduled', 'issuing', 'issued', 'cancelled');