ALTER TABLE "memberships" ADD COLUMN "invite_code_hash" text;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "invite_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_invite_code_hash_unique" UNIQUE("invite_code_hash");--> statement-breakpoint
-- Accounts an invitation created before invitation links existed, that nobody has signed in to: their password was
-- chosen by the inviting admin. Nobody knows one now; the corp's admin sends the person an invitation link (ADR 0018).
UPDATE "users" u SET "password_hash" = '!'
WHERE NOT u."is_owner"
  AND EXISTS (SELECT 1 FROM "memberships" m WHERE m."user_id" = u."id" AND m."status" = 'invited' AND m."accept_on_sign_in")
  AND NOT EXISTS (SELECT 1 FROM "memberships" m WHERE m."user_id" = u."id" AND m."status" = 'active');
