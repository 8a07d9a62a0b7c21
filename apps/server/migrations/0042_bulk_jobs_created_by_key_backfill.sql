-- Bulk tag jobs started before 0035 have no created_by_key, so store managers and staff, who see only the jobs they
-- started (platform/resources.ts ownWorkVisibleSql), no longer saw theirs. Who started each is in the audit log: the
-- entry of its POST /api/bulk-tag-jobs — by its target id where recorded, else the entry of the same actor name written
-- within a minute after the job (the audit entry is written once the job is answered). A job with no such entry keeps
-- a NULL key: it is nobody's own, so only admins and operators see it.
UPDATE "bulk_tag_jobs" j SET "created_by_key" = k."key"
FROM (
  SELECT DISTINCT ON (b."id") b."id",
         CASE a."actor_type" WHEN 'user' THEN 'user:' || a."actor_id" WHEN 'token' THEN 'token:' || a."actor_id" ELSE a."actor_id" END AS "key"
  FROM "bulk_tag_jobs" b
  JOIN "audit_log" a ON a."corp_id" = b."corp_id" AND a."route" = 'POST /api/bulk-tag-jobs'
   AND a."actor_type" IN ('user', 'token', 'sidebar') AND a."actor_id" IS NOT NULL
   AND (a."target_id" = b."id"::text
        OR (a."target_id" IS NULL AND a."actor_name" = b."created_by"
            AND a."created_at" >= b."created_at" AND a."created_at" < b."created_at" + interval '1 minute'))
  WHERE b."created_by_key" IS NULL
  ORDER BY b."id", a."target_id" IS NULL, a."created_at"
) k
WHERE j."id" = k."id";
