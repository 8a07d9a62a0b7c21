ALTER TABLE "customer_notes" ADD COLUMN "author_userid" text;--> statement-breakpoint
ALTER TABLE "customer_notes" ADD COLUMN "author_store_ids" bigint[];--> statement-breakpoint
-- Notes written before the author's scope was kept on them take the scope their author has now: a sidebar member's
-- their own staff member; a console user's or token's by role (staff: the member they act as, '' when none; store
-- manager: their stores). Others (admins, operators, authors no longer in the corp) stay corp-wide, as they were.
UPDATE "customer_notes" SET "author_userid" = substr("author_id", 9) WHERE "author_type" = 'sidebar' AND "author_id" LIKE 'sidebar:%';--> statement-breakpoint
UPDATE "customer_notes" n SET
  "author_userid" = CASE WHEN m."role" = 'staff' THEN coalesce(m."staff_userid", '') END,
  "author_store_ids" = CASE WHEN m."role" = 'store_manager' THEN m."store_ids" END
FROM "memberships" m
WHERE n."author_type" = 'user' AND n."author_id" ~ '^[0-9]{1,18}$' AND m."user_id" = n."author_id"::bigint AND m."corp_id" = n."corp_id"
  AND m."role" IN ('staff', 'store_manager');--> statement-breakpoint
UPDATE "customer_notes" n SET
  "author_userid" = CASE WHEN t."role" = 'staff' THEN coalesce(t."staff_userid", '') END,
  "author_store_ids" = CASE WHEN t."role" = 'store_manager' THEN t."store_ids" END
FROM "api_tokens" t
WHERE n."author_type" = 'token' AND n."author_id" ~ '^[0-9]{1,18}$' AND t."id" = n."author_id"::bigint
  AND t."role" IN ('staff', 'store_manager');
