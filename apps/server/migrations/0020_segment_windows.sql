CREATE TABLE "customer_event_window_rolls" (
	"corp_id" text NOT NULL,
	"type" text NOT NULL,
	"rolled_day" date NOT NULL,
	"rolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_event_window_rolls_corp_id_type_pk" PRIMARY KEY("corp_id","type")
);
--> statement-breakpoint
CREATE TABLE "customer_event_windows" (
	"corp_id" text NOT NULL,
	"type" text NOT NULL,
	"external_userid" text NOT NULL,
	"d7" integer DEFAULT 0 NOT NULL,
	"d30" integer DEFAULT 0 NOT NULL,
	"d90" integer DEFAULT 0 NOT NULL,
	"d180" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "customer_event_windows_corp_id_type_external_userid_pk" PRIMARY KEY("corp_id","type","external_userid")
);
--> statement-breakpoint
CREATE INDEX "customer_event_windows_d7_idx" ON "customer_event_windows" USING btree ("corp_id","type","d7","external_userid");--> statement-breakpoint
CREATE INDEX "customer_event_windows_d30_idx" ON "customer_event_windows" USING btree ("corp_id","type","d30","external_userid");--> statement-breakpoint
CREATE INDEX "customer_event_windows_d90_idx" ON "customer_event_windows" USING btree ("corp_id","type","d90","external_userid");--> statement-breakpoint
CREATE INDEX "customer_event_windows_d180_idx" ON "customer_event_windows" USING btree ("corp_id","type","d180","external_userid");