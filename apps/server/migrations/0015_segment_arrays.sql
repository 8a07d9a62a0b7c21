CREATE TABLE "customer_event_counts" (
	"corp_id" text NOT NULL,
	"type" text NOT NULL,
	"day" date NOT NULL,
	"external_userid" text NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "customer_event_counts_corp_id_type_day_external_userid_pk" PRIMARY KEY("corp_id","type","day","external_userid")
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "tag_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "staff_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "customers_tags_gin" ON "customers" USING gin ("tag_ids");--> statement-breakpoint
CREATE INDEX "customers_staff_gin" ON "customers" USING gin ("staff_ids");