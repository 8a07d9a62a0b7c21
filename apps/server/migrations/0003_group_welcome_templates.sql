CREATE TABLE "group_welcome_templates" (
	"corp_id" text NOT NULL,
	"template_id" text NOT NULL,
	"name" text NOT NULL,
	"content" jsonb NOT NULL,
	"notify" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "group_welcome_templates_corp_id_template_id_pk" PRIMARY KEY("corp_id","template_id")
);
--> statement-breakpoint
ALTER TABLE "group_welcome_templates" ADD CONSTRAINT "group_welcome_templates_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;