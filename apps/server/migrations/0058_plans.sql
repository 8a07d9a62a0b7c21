CREATE TABLE "plans" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"purpose" text DEFAULT '' NOT NULL,
	"theme" text DEFAULT '' NOT NULL,
	"goal_metric" text NOT NULL,
	"goal_target" double precision NOT NULL,
	"reserve" text DEFAULT '' NOT NULL,
	"budget_fen" bigint,
	"channels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"milestones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expected" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expected_text" text DEFAULT '' NOT NULL,
	"store_id" bigint,
	"links" jsonb NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"review" jsonb DEFAULT '{"worked":"","didnt":"","next":""}'::jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_days" CHECK (ends_on >= starts_on)
);
--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plans_corp_idx" ON "plans" USING btree ("corp_id","starts_on");
