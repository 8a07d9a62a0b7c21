CREATE TABLE "api_tokens" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text,
	"user_id" bigint,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"role" text NOT NULL,
	"store_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"staff_userid" text,
	"created_by" bigint,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"detail" jsonb,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"event_key" text NOT NULL,
	"event" text,
	"change_type" text,
	"priority" smallint DEFAULT 5 NOT NULL,
	"xml" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "corps" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"agent_id" text NOT NULL,
	"secret" text NOT NULL,
	"callback_token" text NOT NULL,
	"callback_aes_key" text NOT NULL,
	"api_base" text NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"callback_verified_at" timestamp with time zone,
	"last_callback_at" timestamp with time zone,
	"token_ok_at" timestamp with time zone,
	"last_error_code" integer,
	"last_error_api" text,
	"last_error_message" text,
	"last_error_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"type" text NOT NULL,
	"userid" text,
	"chat_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"data" jsonb,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"avatar" text,
	"type" smallint DEFAULT 1 NOT NULL,
	"gender" smallint DEFAULT 0 NOT NULL,
	"unionid" text,
	"corp_name" text,
	"corp_full_name" text,
	"position" text,
	"active_follow_count" integer DEFAULT 0 NOT NULL,
	"first_added_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_corp_id_external_userid_pk" PRIMARY KEY("corp_id","external_userid")
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"corp_id" text NOT NULL,
	"id" integer NOT NULL,
	"name" text NOT NULL,
	"parent_id" integer,
	"order" bigint DEFAULT 0 NOT NULL,
	"removed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "departments_corp_id_id_pk" PRIMARY KEY("corp_id","id")
);
--> statement-breakpoint
CREATE TABLE "follows" (
	"corp_id" text NOT NULL,
	"external_userid" text NOT NULL,
	"userid" text NOT NULL,
	"remark" text,
	"description" text,
	"remark_corp_name" text,
	"remark_mobiles" text[] DEFAULT '{}'::text[] NOT NULL,
	"add_way" integer,
	"oper_userid" text,
	"state" text,
	"tag_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"added_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follows_corp_id_external_userid_userid_pk" PRIMARY KEY("corp_id","external_userid","userid")
);
--> statement-breakpoint
CREATE TABLE "group_members" (
	"corp_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"member_id" text NOT NULL,
	"type" smallint NOT NULL,
	"unionid" text,
	"name" text,
	"group_nickname" text,
	"join_time" timestamp with time zone,
	"join_scene" smallint,
	"invitor" text,
	"state" text,
	"left_at" timestamp with time zone,
	"quit_scene" smallint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_members_corp_id_chat_id_member_id_pk" PRIMARY KEY("corp_id","chat_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"corp_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"owner_userid" text,
	"notice" text,
	"admin_userids" text[] DEFAULT '{}'::text[] NOT NULL,
	"member_version" text,
	"member_count" integer DEFAULT 0 NOT NULL,
	"customer_count" integer DEFAULT 0 NOT NULL,
	"store_id" bigint,
	"owner_status" smallint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone,
	"dismissed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "groups_corp_id_chat_id_pk" PRIMARY KEY("corp_id","chat_id")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"user_id" bigint NOT NULL,
	"corp_id" text NOT NULL,
	"role" text NOT NULL,
	"store_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"staff_userid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_user_id_corp_id_pk" PRIMARY KEY("user_id","corp_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"corp_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"corp_id" text NOT NULL,
	"userid" text NOT NULL,
	"name" text NOT NULL,
	"avatar" text,
	"mobile" text,
	"gender" smallint,
	"position" text,
	"department_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"main_department" integer,
	"store_id" bigint,
	"status" smallint DEFAULT 1 NOT NULL,
	"is_follow_user" boolean DEFAULT false NOT NULL,
	"resigned_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_corp_id_userid_pk" PRIMARY KEY("corp_id","userid")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"name" text NOT NULL,
	"code" text,
	"department_id" integer,
	"city" text,
	"address" text,
	"lat" double precision,
	"lng" double precision,
	"phone" text,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stage" text,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cursor" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"triggered_by" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tag_groups" (
	"corp_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"order" bigint DEFAULT 0 NOT NULL,
	"strategy_id" integer,
	"created_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tag_groups_corp_id_id_pk" PRIMARY KEY("corp_id","id")
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"corp_id" text NOT NULL,
	"id" text NOT NULL,
	"group_id" text NOT NULL,
	"name" text NOT NULL,
	"order" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tags_corp_id_id_pk" PRIMARY KEY("corp_id","id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"display_name" text NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "wecom_tokens" (
	"corp_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wecom_tokens_corp_id_kind_pk" PRIMARY KEY("corp_id","kind")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_groups" ADD CONSTRAINT "tag_groups_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wecom_tokens" ADD CONSTRAINT "wecom_tokens_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_corp_idx" ON "audit_log" USING btree ("corp_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "callback_inbox_key_uq" ON "callback_inbox" USING btree ("corp_id","event_key");--> statement-breakpoint
CREATE INDEX "callback_inbox_pending_idx" ON "callback_inbox" USING btree ("priority","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "customer_events_customer_idx" ON "customer_events" USING btree ("corp_id","external_userid","occurred_at");--> statement-breakpoint
CREATE INDEX "customer_events_type_idx" ON "customer_events" USING btree ("corp_id","type","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_events_dedupe_uq" ON "customer_events" USING btree ("corp_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "customers_name_idx" ON "customers" USING btree ("corp_id","name");--> statement-breakpoint
CREATE INDEX "customers_unionid_idx" ON "customers" USING btree ("corp_id","unionid");--> statement-breakpoint
CREATE INDEX "follows_staff_idx" ON "follows" USING btree ("corp_id","userid","status");--> statement-breakpoint
CREATE INDEX "follows_tags_gin" ON "follows" USING gin ("tag_ids");--> statement-breakpoint
CREATE INDEX "group_members_member_idx" ON "group_members" USING btree ("corp_id","member_id");--> statement-breakpoint
CREATE INDEX "groups_owner_idx" ON "groups" USING btree ("corp_id","owner_userid");--> statement-breakpoint
CREATE INDEX "staff_store_idx" ON "staff" USING btree ("corp_id","store_id");--> statement-breakpoint
CREATE INDEX "stores_corp_idx" ON "stores" USING btree ("corp_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stores_corp_department_uq" ON "stores" USING btree ("corp_id","department_id");--> statement-breakpoint
CREATE INDEX "sync_runs_corp_idx" ON "sync_runs" USING btree ("corp_id","created_at");--> statement-breakpoint
CREATE INDEX "tags_group_idx" ON "tags" USING btree ("corp_id","group_id");