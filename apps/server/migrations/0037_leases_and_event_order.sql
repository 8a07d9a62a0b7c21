ALTER TABLE "callback_inbox" ADD COLUMN "locked_by" text;--> statement-breakpoint
ALTER TABLE "callback_inbox" ADD COLUMN "lease" uuid;--> statement-breakpoint
ALTER TABLE "follows" ADD COLUMN "event_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "follows" ADD COLUMN "event_inbox" bigint;--> statement-breakpoint
ALTER TABLE "follows" ADD COLUMN "read_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "event_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "event_inbox" bigint;--> statement-breakpoint
ALTER TABLE "welcome_sends" ADD COLUMN "welcome_code" text;--> statement-breakpoint
ALTER TABLE "welcome_sends" ADD COLUMN "lease" uuid;--> statement-breakpoint
ALTER TABLE "welcome_sends" ADD COLUMN "attempted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "welcome_sends" ADD COLUMN "reconciled" boolean DEFAULT false NOT NULL;