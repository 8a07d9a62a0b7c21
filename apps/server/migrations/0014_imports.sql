CREATE TABLE "customer_attributes" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_attributes_corp_id_external_userid_key_pk" PRIMARY KEY("corp_id","external_userid","key")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"corp_id" text NOT NULL,
	"unionid" text NOT NULL,
	"openid" text,
	"nickname" text,
	"source" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"matched_external_userid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leads_corp_id_unionid_pk" PRIMARY KEY("corp_id","unionid")
);
--> statement-breakpoint
ALTER TABLE "customer_attributes" ADD CONSTRAINT "customer_attributes_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;