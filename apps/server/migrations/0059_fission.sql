CREATE TABLE "fission_paths" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"model" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"invite_campaign_id" bigint,
	"checkin_campaign_id" bigint,
	"group_code_id" bigint,
	"landing" jsonb,
	"form" jsonb,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fission_paths_model" CHECK (model IN ('spread', 'product', 'service'))
);
--> statement-breakpoint
CREATE TABLE "fission_submissions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"path_id" bigint NOT NULL,
	"external_userid" text NOT NULL,
	"answers" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fission_visits" (
	"path_id" bigint NOT NULL,
	"visitor_key" text NOT NULL,
	"corp_id" text NOT NULL,
	"unionid" text,
	"external_userid" text,
	"visits" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fission_visits_path_id_visitor_key_pk" PRIMARY KEY("path_id","visitor_key")
);
--> statement-breakpoint
ALTER TABLE "fission_paths" ADD CONSTRAINT "fission_paths_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fission_paths" ADD CONSTRAINT "fission_paths_invite_campaign_id_campaigns_id_fk" FOREIGN KEY ("invite_campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fission_paths" ADD CONSTRAINT "fission_paths_checkin_campaign_id_campaigns_id_fk" FOREIGN KEY ("checkin_campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fission_submissions" ADD CONSTRAINT "fission_submissions_path_id_fission_paths_id_fk" FOREIGN KEY ("path_id") REFERENCES "public"."fission_paths"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fission_visits" ADD CONSTRAINT "fission_visits_path_id_fission_paths_id_fk" FOREIGN KEY ("path_id") REFERENCES "public"."fission_paths"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fission_paths_corp_idx" ON "fission_paths" USING btree ("corp_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "fission_submissions_uq" ON "fission_submissions" USING btree ("path_id","external_userid");--> statement-breakpoint
CREATE INDEX "fission_submissions_path_idx" ON "fission_submissions" USING btree ("path_id","id");--> statement-breakpoint
-- Fission paths (issue 14): a customer visited a service path's landing page ('fission.visited') and signed up on its
-- form ('fission.signed_up') become behaviour conditions, appended to the kept types in SEGMENT_EVENT_TYPES' order as
-- 0049 did; forgetting every corp's roll makes the next roll rebuild the windows with the new slots.
CREATE OR REPLACE FUNCTION pond_event_window_types() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed', 'order.paid',
    'invite.credited', 'referral.commission_earned', 'fission.visited', 'fission.signed_up']::text[]
$$;
--> statement-breakpoint
DELETE FROM customer_event_window_rolls;
