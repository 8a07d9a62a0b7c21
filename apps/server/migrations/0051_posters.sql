CREATE TABLE "poster_templates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"name" text NOT NULL,
	"purpose" text NOT NULL,
	"design" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"published_at" timestamp with time zone,
	"published_issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "staff_cards" (
	"corp_id" text NOT NULL,
	"userid" text NOT NULL,
	"code_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_cards_corp_id_userid_pk" PRIMARY KEY("corp_id","userid")
);
--> statement-breakpoint
ALTER TABLE "poster_templates" ADD CONSTRAINT "poster_templates_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_cards" ADD CONSTRAINT "staff_cards_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_cards" ADD CONSTRAINT "staff_cards_code_id_live_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."live_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "poster_templates_corp_idx" ON "poster_templates" USING btree ("corp_id","purpose");