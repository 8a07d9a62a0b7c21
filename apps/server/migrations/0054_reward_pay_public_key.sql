ALTER TABLE "reward_settings" ADD COLUMN "wxpay_platform_key_id" text;--> statement-breakpoint
ALTER TABLE "reward_settings" ADD COLUMN "wxpay_platform_public_key" text;