CREATE TABLE "archive_consents" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"agreed" boolean NOT NULL,
	"changed_at" timestamp with time zone,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "archive_consents_corp_id_external_userid_pk" PRIMARY KEY("corp_id","external_userid")
);
--> statement-breakpoint
CREATE TABLE "archive_cursors" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"stored" bigint DEFAULT 0 NOT NULL,
	"skipped_no_consent" bigint DEFAULT 0 NOT NULL,
	"pulled_at" timestamp with time zone,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "archive_settings" (
	"corp_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"sidecar_url" text,
	"secret" text,
	"sidecar_token" text,
	"private_keys" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"retention_days" integer,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "archived_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"msgid" text NOT NULL,
	"seq" bigint NOT NULL,
	"action" text NOT NULL,
	"type" text NOT NULL,
	"sender" text NOT NULL,
	"sender_kind" text NOT NULL,
	"chat_id" text,
	"peer" text,
	"external_userid" text,
	"userid" text,
	"sent_at" timestamp with time zone NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"search_text" text DEFAULT '' NOT NULL,
	"payload" jsonb NOT NULL,
	"recalled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "archive_cursors" ADD CONSTRAINT "archive_cursors_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "archive_settings" ADD CONSTRAINT "archive_settings_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "archived_messages_msgid_uq" ON "archived_messages" USING btree ("corp_id","msgid");--> statement-breakpoint
CREATE INDEX "archived_messages_chat_idx" ON "archived_messages" USING btree ("corp_id","chat_id","id");--> statement-breakpoint
CREATE INDEX "archived_messages_customer_idx" ON "archived_messages" USING btree ("corp_id","external_userid","id");--> statement-breakpoint
CREATE INDEX "archived_messages_staff_idx" ON "archived_messages" USING btree ("corp_id","userid","id");--> statement-breakpoint
CREATE INDEX "archived_messages_sent_idx" ON "archived_messages" USING btree ("corp_id","sent_at");--> statement-breakpoint
-- Search: the jieba-cut words as a 'simple' tsvector (Chinese has no spaces; Pond cuts, Postgres indexes the words).
CREATE INDEX "archived_messages_search_idx" ON "archived_messages" USING gin (to_tsvector('simple', "search_text"));
