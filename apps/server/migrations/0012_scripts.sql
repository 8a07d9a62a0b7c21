CREATE TABLE "script_folders" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"name" text NOT NULL,
	"parent_id" bigint,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scripts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"folder_id" bigint,
	"title" text NOT NULL,
	"content" text NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"use_count" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "script_folders" ADD CONSTRAINT "script_folders_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scripts" ADD CONSTRAINT "scripts_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "script_folders_corp_idx" ON "script_folders" USING btree ("corp_id");--> statement-breakpoint
CREATE INDEX "scripts_corp_idx" ON "scripts" USING btree ("corp_id","folder_id");--> statement-breakpoint
CREATE INDEX "scripts_keywords_gin" ON "scripts" USING gin ("keywords");