ALTER TABLE "customers" ALTER COLUMN "order_total" SET DATA TYPE numeric(22, 2);--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "order_total" SET DEFAULT '0';