ALTER TABLE "corps" ADD COLUMN "oauth_app_id" text;--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "oauth_secret" text;--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "oauth_open_base" text;--> statement-breakpoint
ALTER TABLE "corps" ADD COLUMN "oauth_api_base" text;