CREATE TABLE "app_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"touser" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"url" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app_messages" ADD CONSTRAINT "app_messages_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "app_messages_dedupe_uq" ON "app_messages" USING btree ("corp_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "app_messages_pending_idx" ON "app_messages" USING btree ("next_at") WHERE status = 'pending';--> statement-breakpoint
-- Attempts the contact budget skipped reach the timeline (contact.skipped, written in bulk by the planner) but are not
-- behaviour anyone segments on: they are not counted per day, which keeps the per-row trigger off the planner's path.
DROP TRIGGER customer_events_counts ON customer_events;
--> statement-breakpoint
CREATE TRIGGER customer_events_counts AFTER INSERT ON customer_events
  FOR EACH ROW WHEN (NEW.type <> 'contact.skipped') EXECUTE FUNCTION pond_count_customer_event();
