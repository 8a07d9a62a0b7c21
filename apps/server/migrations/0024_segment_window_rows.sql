DROP INDEX "customer_event_windows_d7_idx";--> statement-breakpoint
DROP INDEX "customer_event_windows_d30_idx";--> statement-breakpoint
DROP INDEX "customer_event_windows_d90_idx";--> statement-breakpoint
DROP INDEX "customer_event_windows_d180_idx";--> statement-breakpoint
ALTER TABLE "customer_event_window_rolls" DROP CONSTRAINT "customer_event_window_rolls_corp_id_type_pk";--> statement-breakpoint
ALTER TABLE "customer_event_windows" DROP CONSTRAINT "customer_event_windows_corp_id_type_external_userid_pk";--> statement-breakpoint
ALTER TABLE "customer_event_window_rolls" ADD PRIMARY KEY ("corp_id");--> statement-breakpoint
ALTER TABLE "customer_event_windows" ADD CONSTRAINT "customer_event_windows_corp_id_external_userid_pk" PRIMARY KEY("corp_id","external_userid");--> statement-breakpoint
ALTER TABLE "customer_event_windows" ADD COLUMN "w" integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_event_window_rolls" DROP COLUMN "type";--> statement-breakpoint
ALTER TABLE "customer_event_windows" DROP COLUMN "type";--> statement-breakpoint
ALTER TABLE "customer_event_windows" DROP COLUMN "d7";--> statement-breakpoint
ALTER TABLE "customer_event_windows" DROP COLUMN "d30";--> statement-breakpoint
ALTER TABLE "customer_event_windows" DROP COLUMN "d90";--> statement-breakpoint
ALTER TABLE "customer_event_windows" DROP COLUMN "d180";