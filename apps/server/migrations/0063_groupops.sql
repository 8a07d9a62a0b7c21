CREATE TABLE "archive_media" (
	"corp_id" text NOT NULL,
	"msgid" text NOT NULL,
	"kind" text NOT NULL,
	"sdkfileid" text NOT NULL,
	"declared_size" bigint,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"content_type" text,
	"filename" text,
	"size" bigint,
	"bytes" "bytea",
	"qr" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"fetched_at" timestamp with time zone,
	CONSTRAINT "archive_media_corp_id_msgid_pk" PRIMARY KEY("corp_id","msgid")
);
--> statement-breakpoint
CREATE INDEX "archive_media_due_idx" ON "archive_media" USING btree ("next_at") WHERE status = 'pending';--> statement-breakpoint
-- Group operations and the rest of spread (issue 16) become behaviour conditions: a question asked / answered (FAQ),
-- a group rule broken / blocked from group codes (moderation), a day the customer spoke in a group / 1:1 (the
-- archive's daily events), and the invite steps besides the credit. Appended to the kept types in
-- SEGMENT_EVENT_TYPES' order (segments.test.ts checks that they agree), as 0049 did; forgetting every corp's roll
-- makes the next roll rebuild the windows from the per-day counts (ADR 0009).
CREATE OR REPLACE FUNCTION pond_event_window_types() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['customer.added', 'customer.deleted_staff', 'customer.deleted_by_staff', 'group.joined', 'group.left', 'tag.added', 'remark.changed', 'order.paid',
    'invite.credited', 'referral.commission_earned',
    'fission.visited', 'fission.signed_up',
    'faq.asked', 'faq.answered', 'moderation.violated', 'moderation.blocked', 'message.group', 'message.private',
    'invite.joined', 'invite.invited', 'invite.tier_reached', 'invite.voided']::text[]
$$;
--> statement-breakpoint
DELETE FROM customer_event_window_rolls;
