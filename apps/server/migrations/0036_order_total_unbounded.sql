ALTER TABLE "customers" ALTER COLUMN "order_total" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "order_total" SET DEFAULT '0';