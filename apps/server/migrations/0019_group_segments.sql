CREATE TABLE "group_owner_stats" (
	"corp_id" text NOT NULL,
	"owner_userid" text NOT NULL,
	"day" date NOT NULL,
	"new_chat_cnt" integer DEFAULT 0 NOT NULL,
	"chat_total" integer DEFAULT 0 NOT NULL,
	"chat_has_msg" integer DEFAULT 0 NOT NULL,
	"new_member_cnt" integer DEFAULT 0 NOT NULL,
	"member_total" integer DEFAULT 0 NOT NULL,
	"member_has_msg" integer DEFAULT 0 NOT NULL,
	"msg_total" integer DEFAULT 0 NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_owner_stats_corp_id_owner_userid_day_pk" PRIMARY KEY("corp_id","owner_userid","day")
);
--> statement-breakpoint
CREATE TABLE "group_segments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"name" text NOT NULL,
	"rule" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "group_owner_stats" ADD CONSTRAINT "group_owner_stats_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_segments" ADD CONSTRAINT "group_segments_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;