CREATE TABLE "reward_settings" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"webhook_url" text,
	"webhook_secret" text,
	"wxpay_mchid" text,
	"wxpay_appid" text,
	"wxpay_api_v3_key" text,
	"wxpay_serial_no" text,
	"wxpay_private_key" text,
	"wxpay_api_base" text DEFAULT 'https://api.mch.weixin.qq.com' NOT NULL,
	"daily_payout_cap_fen" integer,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reward_settings" ADD CONSTRAINT "reward_settings_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;