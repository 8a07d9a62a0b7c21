ALTER TABLE "customer_event_windows" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "customer_event_windows" CASCADE;--> statement-breakpoint
ALTER TABLE "customer_event_window_rolls" ALTER COLUMN "rolled_day" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_event_window_rolls" ADD COLUMN "target_day" date;--> statement-breakpoint
ALTER TABLE "customer_event_window_rolls" ADD COLUMN "building" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_event_window_rolls" ADD COLUMN "boundary" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "event_windows" integer[];