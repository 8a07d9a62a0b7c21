CREATE TABLE "sidebar_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"staff_userid" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "wecom_web_base" text;--> statement-breakpoint
ALTER TABLE "sidebar_sessions" ADD CONSTRAINT "sidebar_sessions_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sidebar_sessions_expiry_idx" ON "sidebar_sessions" USING btree ("expires_at");