CREATE TABLE "analytics_buyer_sets" (
	"corp_id" text NOT NULL,
	"day" date NOT NULL,
	"buyers" "bytea" NOT NULL,
	"repeat" "bytea" NOT NULL,
	"orders" integer NOT NULL,
	CONSTRAINT "analytics_buyer_sets_corp_id_day_pk" PRIMARY KEY("corp_id","day")
);
--> statement-breakpoint
CREATE TABLE "analytics_slim" (
	"corp_id" text NOT NULL,
	"day" date NOT NULL,
	"measure" text NOT NULL,
	"key" text NOT NULL,
	"k" integer DEFAULT 0 NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"n2" integer DEFAULT 0 NOT NULL,
	"n3" integer DEFAULT 0 NOT NULL,
	"orders" bigint DEFAULT 0 NOT NULL,
	"fen" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_customers" ADD COLUMN "seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_buyer_sets" ADD CONSTRAINT "analytics_buyer_sets_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_slim" ADD CONSTRAINT "analytics_slim_corp_id_corps_id_fk" FOREIGN KEY ("corp_id") REFERENCES "public"."corps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_slim_day_idx" ON "analytics_slim" USING btree ("corp_id","measure","day");--> statement-breakpoint
-- The new tables and the customers' numbers are filled by a full pass: the next rollup pass of every corp recomputes everything.
UPDATE "analytics_state" SET "ran_at" = NULL;
