ALTER TABLE "groups" ADD COLUMN "tier" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "labels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "persona" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "rules_text" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "announcement_template" text;