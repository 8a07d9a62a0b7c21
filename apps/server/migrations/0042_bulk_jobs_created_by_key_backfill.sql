-- Bulk tag jobs started before 0035 have no created_by_key, so store managers and staff, who see only the jobs they
-- started (platform/resources.ts ownWorkVisibleSql), no longer saw theirs. Who started each is in the audit log: the
-- entry of its POST /api/bulk-tag-jobs — by its target id where recorded, else the entries of the same actor name
-- written within a minute after the job (the audit entry is written once the job is answered), and then only when
-- they all name one principal (two tokens or users sharing a name leave the job unattributed). A job with no such
-- entry keeps a NULL key: it is nobody's own, so only admins and operators see it.
WITH "matched" AS (
  SELECT b."id", (a."target_id" IS NOT NULL) AS "exact",
         CASE a."actor_type" WHEN 'user' THEN 'user:' || a."actor_id" WHEN 'token' THEN 'token:' || a."actor_id" ELSE a."actor_id" END AS "key"
  FROM "bulk_tag_jobs" b
  JOIN "audit_log" a ON a."corp_id" = b."corp_id" AND a."route" = 'POST /api/bulk-tag-jobs'
   AND a."actor_type" IN ('user', 'token', 'sidebar') AND a."actor_id" IS NOT NULL
   AND (a."target_id" = b."id"::text
        OR (a."target_id" IS NULL AND a."actor_name" = b."created_by"
            AND a."created_at" >= b."created_at" AND a."created_at" < b."created_at" + interval '1 minute'))
  WHERE b."created_by_key" IS NULL
), "picked" AS (
  SELECT m."id", min(m."key") AS "key"
  FROM "matched" m
  WHERE m."exact" = EXISTS (SELECT 1 FROM "matched" x WHERE x."id" = m."id" AND x."exact")
  GROUP BY m."id"
  HAVING count(DISTINCT m."key") = 1
)
UPDATE "bulk_tag_jobs" j SET "created_by_key" = p."key"
FROM "picked" p
WHERE j."id" = p."id";
