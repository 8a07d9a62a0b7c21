// The tags module's SQL. Corp tag groups and tags, stored from get_corp_tag_list: a full read marks what WeCom no longer
// has as deleted; deleting a tag also strips it from follow relations, as WeCom does. A deletion is final (WeCom never
// brings a tag id back): a read from before it, stored after it (another worker's, or a retried one), cannot undo it.
// Then auto-tag rules (and who meets them) and bulk tag jobs with their items.
import type pg from 'pg';
import type { AutoTagRuleKind, AutoTagRuleParamsOf, BehaviourEvent, BulkTagAction, BulkTagSource } from '@pond/contracts/tags';
import type { Scope } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import type { Cols, Row } from '../../platform/db/rows';
import { customerVisibleSql, followVisibleSql, ownWorkVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';
import { LOCKED_FIRST, lockCustomersInOrder } from '../customers';

type Queryable = Pick<pg.Pool, 'query'>;

export interface TagGroupRecord {
  group_id: string;
  group_name: string;
  create_time?: number;
  order?: number;
  deleted?: boolean;
  strategy_id?: number;
  tag?: { id: string; name: string; create_time?: number; order?: number; deleted?: boolean }[];
}

export async function saveTagGroups(db: Queryable, corpId: string, groups: TagGroupRecord[], opts: { full: boolean }): Promise<void> {
  const g = groups.map((x) => ({
    id: x.group_id, name: x.group_name, order: x.order ?? 0, strategy_id: x.strategy_id ?? null,
    created_at: x.create_time ? new Date(x.create_time * 1000).toISOString() : null, deleted: !!x.deleted,
  }));
  const t = groups.flatMap((x) => (x.tag ?? []).map((tag) => ({
    id: tag.id, group_id: x.group_id, name: tag.name, order: tag.order ?? 0,
    created_at: tag.create_time ? new Date(tag.create_time * 1000).toISOString() : null, deleted: !!tag.deleted || !!x.deleted,
  })));
  await db.query(
    `INSERT INTO tag_groups (corp_id, id, name, "order", strategy_id, created_at, deleted_at, updated_at)
     SELECT $1, r.id, r.name, r."order", r.strategy_id, r.created_at, CASE WHEN r.deleted THEN now() END, now()
     FROM jsonb_to_recordset($2::jsonb) AS r(id text, name text, "order" bigint, strategy_id int, created_at timestamptz, deleted boolean)
     ON CONFLICT (corp_id, id) DO UPDATE SET name = EXCLUDED.name, "order" = EXCLUDED."order", strategy_id = EXCLUDED.strategy_id,
       created_at = coalesce(EXCLUDED.created_at, tag_groups.created_at), deleted_at = coalesce(tag_groups.deleted_at, EXCLUDED.deleted_at),
       updated_at = now()`,
    [corpId, JSON.stringify(g)]);
  await db.query(
    `INSERT INTO tags (corp_id, id, group_id, name, "order", created_at, deleted_at, updated_at)
     SELECT $1, r.id, r.group_id, r.name, r."order", r.created_at, CASE WHEN r.deleted THEN now() END, now()
     FROM jsonb_to_recordset($2::jsonb) AS r(id text, group_id text, name text, "order" bigint, created_at timestamptz, deleted boolean)
     ON CONFLICT (corp_id, id) DO UPDATE SET group_id = EXCLUDED.group_id, name = EXCLUDED.name, "order" = EXCLUDED."order",
       created_at = coalesce(EXCLUDED.created_at, tags.created_at), deleted_at = coalesce(tags.deleted_at, EXCLUDED.deleted_at), updated_at = now()`,
    [corpId, JSON.stringify(t)]);
  if (opts.full) {
    await db.query(`UPDATE tag_groups SET deleted_at = now() WHERE corp_id = $1 AND deleted_at IS NULL AND NOT (id = ANY($2))`, [corpId, g.map((x) => x.id)]);
    const { rows } = await db.query<Cols<'tags', 'id'>>(
      `UPDATE tags SET deleted_at = now() WHERE corp_id = $1 AND deleted_at IS NULL AND NOT (id = ANY($2)) RETURNING id`, [corpId, t.map((x) => x.id)]);
    await stripTags(db, corpId, rows.map((r) => r.id));
  }
  const deletedTags = t.filter((x) => x.deleted).map((x) => x.id);
  await stripTags(db, corpId, deletedTags);
}

export async function markTagsDeleted(db: Queryable, corpId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const { rows } = await db.query<Cols<'tags', 'id'>>(
    `UPDATE tags SET deleted_at = now() WHERE corp_id = $1 AND (id = ANY($2) OR group_id = ANY($2)) AND deleted_at IS NULL RETURNING id`, [corpId, ids]);
  await db.query(`UPDATE tag_groups SET deleted_at = now() WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL`, [corpId, ids]);
  await stripTags(db, corpId, [...new Set([...ids, ...rows.map((r) => r.id)])]);
}

async function stripTags(db: Queryable, corpId: string, tagIds: string[]): Promise<void> {
  if (!tagIds.length) return;
  // The follows trigger rewrites each relation's customer: lock those customers in key order first (ADR 0009).
  await db.query(
    `${lockCustomersInOrder('SELECT f.external_userid FROM follows f WHERE f.corp_id = $1 AND f.tag_ids && $2::text[]')}
     UPDATE follows SET tag_ids = ARRAY(SELECT x FROM unnest(tag_ids) x WHERE NOT (x = ANY($2))), updated_at = now()
     WHERE corp_id = $1 AND tag_ids && $2::text[] AND ${LOCKED_FIRST}`, [corpId, tagIds]);
}

/**
 * Tag groups with their tags; `counts: false` leaves out the per-tag customer counts (a scan of follows per tag). With a
 * scope, a tag's count is of the customers whose relations the scope sees carry it (another store's use of a tag is theirs).
 */
export async function listTagTree(db: Queryable, corpId: string, opts: { counts?: boolean; scope?: Scope } = {}) {
  const { rows: groups } = await db.query<Cols<'tag_groups', 'id' | 'name' | 'order'>>(
    `SELECT id, name, "order" FROM tag_groups WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY "order" DESC, created_at, id`, [corpId]);
  const p = new Params();
  const corp = p.add(corpId);
  const count = opts.counts === false ? 'NULL::bigint'
    : `(SELECT count(DISTINCT f.external_userid) FROM follows f WHERE f.corp_id = t.corp_id AND f.status = 'active' AND f.tag_ids @> ARRAY[t.id]${opts.scope ? ` AND ${followVisibleSql(opts.scope, p, 'f')}` : ''})`;
  const { rows: tags } = await db.query<Cols<'tags', 'id' | 'group_id' | 'name' | 'order'> & { customer_count: number | null }>(
    `SELECT t.id, t.group_id, t.name, t."order", ${count} AS customer_count
     FROM tags t WHERE t.corp_id = ${corp} AND t.deleted_at IS NULL ORDER BY t."order" DESC, t.created_at, t.id`, p.values);
  return groups.map((g) => ({
    id: g.id, name: g.name, order: g.order,
    tags: tags.filter((t) => t.group_id === g.id).map((t) => ({ id: t.id, name: t.name, order: t.order, customerCount: t.customer_count })),
  }));
}

export async function findTagGroup(db: Queryable, corpId: string, id: string): Promise<Row<'tag_groups'> | undefined> {
  const { rows: [g] } = await db.query<Row<'tag_groups'>>('SELECT * FROM tag_groups WHERE corp_id=$1 AND id=$2 AND deleted_at IS NULL', [corpId, id]);
  return g;
}

export async function findTag(db: Queryable, corpId: string, id: string): Promise<Row<'tags'> | undefined> {
  const { rows: [t] } = await db.query<Row<'tags'>>('SELECT * FROM tags WHERE corp_id=$1 AND id=$2 AND deleted_at IS NULL', [corpId, id]);
  return t;
}

/** Whether a live tag in `groupId` (or, without one, a live tag group) other than `exceptId` has this name. */
export async function tagNameTaken(db: Queryable, corpId: string, groupId: string | null, name: string, exceptId?: string): Promise<boolean> {
  const { rows } = groupId
    ? await db.query('SELECT 1 FROM tags WHERE corp_id=$1 AND group_id=$2 AND name=$3 AND deleted_at IS NULL AND id <> coalesce($4, \'\')', [corpId, groupId, name, exceptId ?? null])
    : await db.query('SELECT 1 FROM tag_groups WHERE corp_id=$1 AND name=$2 AND deleted_at IS NULL AND id <> coalesce($3, \'\')', [corpId, name, exceptId ?? null]);
  return rows.length > 0;
}

export async function updateTagGroup(db: Queryable, corpId: string, id: string, name: string, order: number): Promise<void> {
  await db.query('UPDATE tag_groups SET name=$3, "order"=$4, updated_at=now() WHERE corp_id=$1 AND id=$2', [corpId, id, name, order]);
}

export async function updateTag(db: Queryable, corpId: string, id: string, name: string, order: number): Promise<void> {
  await db.query('UPDATE tags SET name=$3, "order"=$4, updated_at=now() WHERE corp_id=$1 AND id=$2', [corpId, id, name, order]);
}

/** Which of `ids` are live tags of the corp. */
export async function liveTagIds(db: Queryable, corpId: string, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<Cols<'tags', 'id'>>('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [corpId, ids]);
  return rows.map((r) => r.id);
}

/** The staff members with an active relation to the customer, and the corp tags each relation has. */
export async function activeRelations(db: Queryable, corpId: string, externalUserid: string, userids?: string[]): Promise<Cols<'follows', 'userid' | 'tag_ids'>[]> {
  const { rows } = await db.query<Cols<'follows', 'userid' | 'tag_ids'>>(
    `SELECT userid, tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND ($3::text[] IS NULL OR userid = ANY($3)) AND status = 'active'`,
    [corpId, externalUserid, userids ?? null]);
  return rows;
}

// ---- auto-tag rules ----

/** A stored rule, its params typed by its kind (they passed AutoTagRuleParams[kind] when the rule was created). */
export type AutoTagRuleRow = { [K in AutoTagRuleKind]: Omit<Row<'auto_tag_rules'>, 'kind' | 'params'> & { kind: K; params: AutoTagRuleParamsOf<K> } }[AutoTagRuleKind];

export async function listAutoTagRules(db: Queryable, corpId: string): Promise<AutoTagRuleRow[]> {
  const { rows } = await db.query<AutoTagRuleRow>('SELECT * FROM auto_tag_rules WHERE corp_id = $1 ORDER BY id', [corpId]);
  return rows;
}

/** The corp's enabled rules of these kinds. */
export async function enabledAutoTagRules(db: Queryable, corpId: string, kinds: AutoTagRuleKind[]): Promise<AutoTagRuleRow[]> {
  const { rows } = await db.query<AutoTagRuleRow>(`SELECT * FROM auto_tag_rules WHERE corp_id = $1 AND enabled AND kind = ANY($2)`, [corpId, kinds]);
  return rows;
}

export async function findAutoTagRule(db: Queryable, corpId: string, id: number): Promise<AutoTagRuleRow | undefined> {
  const { rows: [r] } = await db.query<AutoTagRuleRow>('SELECT * FROM auto_tag_rules WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return r;
}

export async function insertAutoTagRule(
  db: Queryable, corpId: string, r: { name: string; kind: AutoTagRuleKind; params: unknown; tagIds: string[]; enabled: boolean },
): Promise<AutoTagRuleRow> {
  const { rows: [row] } = await db.query<AutoTagRuleRow>(
    `INSERT INTO auto_tag_rules (corp_id, name, kind, params, tag_ids, enabled) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
    [corpId, r.name, r.kind, JSON.stringify(r.params), r.tagIds, r.enabled]);
  return row;
}

export async function setAutoTagRuleEnabled(db: Queryable, corpId: string, id: number, enabled: boolean): Promise<AutoTagRuleRow | undefined> {
  const { rows: [r] } = await db.query<AutoTagRuleRow>(
    'UPDATE auto_tag_rules SET enabled = $3, updated_at = now() WHERE corp_id = $1 AND id = $2 RETURNING *', [corpId, id, enabled]);
  return r;
}

/** False when there was no such rule. */
export async function deleteAutoTagRule(db: Queryable, corpId: string, id: number): Promise<boolean> {
  const r = await db.query('DELETE FROM auto_tag_rules WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return !!r.rowCount;
}

/** The live code and channel an add came through (its attribution), if any. */
export async function addAttribution(db: Queryable, corpId: string, inboxId: number): Promise<Cols<'attributions', 'code_id' | 'channel'> | undefined> {
  const { rows: [a] } = await db.query<Cols<'attributions', 'code_id' | 'channel'>>('SELECT code_id, channel FROM attributions WHERE corp_id = $1 AND inbox_id = $2', [corpId, inboxId]);
  return a;
}

/**
 * Customers whose paid orders without refunds meet an order rule (`externalUserid`: only that one, if they do). "The
 * last D days" are D calendar days up to today in Asia/Shanghai, as in segments.
 */
export async function customersMeetingOrderRule(db: Queryable, corpId: string, params: AutoTagRuleParamsOf<'order'>, externalUserid?: string): Promise<string[]> {
  const { rows } = await db.query<{ external_userid: string }>(
    `SELECT external_userid FROM orders WHERE corp_id = $1 AND external_userid IS NOT NULL AND refunded_at IS NULL
              AND ($2::int IS NULL OR paid_at >= (((now() AT TIME ZONE 'Asia/Shanghai')::date - $2::int + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'))
              ${externalUserid !== undefined ? 'AND external_userid = $5' : ''}
            GROUP BY external_userid HAVING count(*) >= $3::int AND sum(amount - refunded_amount) >= $4::numeric`,
    [corpId, params.withinDays ?? null, params.minCount, params.minTotal, ...(externalUserid !== undefined ? [externalUserid] : [])]);
  return rows.map((r) => r.external_userid);
}

/** Per customer (`externalUserid`: only that one), how many adds, group joins or distinct codes scanned in the last `days` days. */
export async function behaviourCounts(db: Queryable, corpId: string, eventType: BehaviourEvent, days: number, externalUserid?: string): Promise<{ external_userid: string; n: number }[]> {
  const filter = externalUserid !== undefined ? 'AND external_userid = $3' : '';
  const sql = eventType === 'scan'
    ? `SELECT external_userid, count(DISTINCT code_id)::int AS n FROM code_visits WHERE corp_id = $1 AND external_userid IS NOT NULL
         AND created_at > now() - make_interval(days => $2) ${filter} GROUP BY external_userid`
    : `SELECT external_userid, count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND type = '${eventType === 'group.joined' ? 'group.joined' : 'customer.added'}'
         AND occurred_at > now() - make_interval(days => $2) ${filter} GROUP BY external_userid`;
  const { rows } = await db.query<{ external_userid: string; n: number }>(sql, [corpId, days, ...(externalUserid !== undefined ? [externalUserid] : [])]);
  return rows;
}

/** Customers who came through any of these live codes (code rules' backfill). */
export async function customersOfCodes(db: Queryable, corpId: string, codeIds: number[]): Promise<string[]> {
  const { rows } = await db.query<Cols<'attributions', 'external_userid'>>(
    `SELECT DISTINCT external_userid FROM attributions WHERE corp_id = $1 AND code_id = ANY($2) AND deleted_at IS NULL`, [corpId, codeIds]);
  return rows.map((x) => x.external_userid);
}

/** Customers who came through any of these channels (channel rules' backfill). */
export async function customersOfChannels(db: Queryable, corpId: string, channels: string[]): Promise<string[]> {
  const { rows } = await db.query<Cols<'attributions', 'external_userid'>>(
    `SELECT DISTINCT external_userid FROM attributions WHERE corp_id = $1 AND channel = ANY($2) AND deleted_at IS NULL`, [corpId, channels]);
  return rows.map((x) => x.external_userid);
}

/** Customers in any of these groups now (none listed: in any group; group rules' backfill). */
export async function customersInGroups(db: Queryable, corpId: string, chatIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ external_userid: string }>(
    `SELECT DISTINCT member_id AS external_userid FROM group_members WHERE corp_id = $1 AND type = 2 AND left_at IS NULL AND (cardinality($2::text[]) = 0 OR chat_id = ANY($2))`,
    [corpId, chatIds]);
  return rows.map((x) => x.external_userid);
}

// ---- bulk tag jobs ----

export type BulkTagJobRow = Omit<Row<'bulk_tag_jobs'>, 'source'> & { source: BulkTagSource };
export type BulkTagItemRow = Cols<'bulk_tag_items', 'external_userid' | 'userid'>;

/** The follow relations a job targets, as a condition over `follows f JOIN customers c`, within the scope; without the
 * source's segment (the caller adds inSavedSegment's condition, which reads the database). */
export function bulkTagTargetConditions(scope: Scope, source: BulkTagSource, p: Params): string[] {
  const where = [`f.corp_id = ${p.add(scope.corpId)}`, `f.status = 'active'`, customerVisibleSql(scope, p, 'c')];
  // Only the relations the scope sees are tagged (a staff member's own, a store manager's stores' staff's).
  if (scope.staffUserid || scope.storeIds) where.push(followVisibleSql(scope, p, 'f'));
  const f = source.filter;
  if (source.externalUserids) where.push(`f.external_userid = ANY(${p.add(source.externalUserids)}::text[])`);
  if (f?.q) where.push(`(c.name ILIKE ${p.add(`%${f.q}%`)} OR f.remark ILIKE ${p.add(`%${f.q}%`)})`);
  if (f?.tagIds?.length) where.push(`f.tag_ids && ${p.add(f.tagIds)}::text[]`);
  if (f?.userid) where.push(`f.userid = ${p.add(f.userid)}`);
  if (f?.storeId) where.push(`f.userid IN (SELECT userid FROM staff WHERE corp_id = f.corp_id AND store_id = ${p.add(f.storeId)})`);
  return where;
}

/** Creates the job and fixes its items (one per relation matching `where`, parameters in `p`) in one transaction;
 * a job with no items is done at once. */
export async function insertBulkTagJob(
  pool: pg.Pool, scope: Scope, input: { action: BulkTagAction; tagIds: string[]; source: BulkTagSource }, createdBy: string, where: string, p: Params,
): Promise<BulkTagJobRow> {
  const { j, total } = await withTransaction(pool, async (client) => {
    const { rows: [job] } = await client.query<BulkTagJobRow>(
      `INSERT INTO bulk_tag_jobs (corp_id, action, tag_ids, source, created_by, created_by_key) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
      [scope.corpId, input.action, input.tagIds, JSON.stringify(input.source), createdBy, scope.principalKey]);
    const ins = await client.query(
      `INSERT INTO bulk_tag_items (job_id, external_userid, userid)
       SELECT ${job.id}, f.external_userid, f.userid FROM follows f JOIN customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
       WHERE ${where} ON CONFLICT DO NOTHING`, p.values);
    const { rows: [updated] } = await client.query<BulkTagJobRow>('UPDATE bulk_tag_jobs SET total = $2 WHERE id = $1 RETURNING *', [job.id, ins.rowCount ?? 0]);
    return { j: updated, total: ins.rowCount ?? 0 };
  });
  if (total > 0) return j;
  await pool.query(`UPDATE bulk_tag_jobs SET status = 'done', finished_at = now() WHERE id = $1`, [j.id]);
  return { ...j, status: 'done' };
}

export async function findBulkTagJob(db: Queryable, id: number, corpId?: string): Promise<BulkTagJobRow | undefined> {
  const { rows: [j] } = corpId === undefined
    ? await db.query<BulkTagJobRow>('SELECT * FROM bulk_tag_jobs WHERE id = $1', [id])
    : await db.query<BulkTagJobRow>('SELECT * FROM bulk_tag_jobs WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return j;
}

export async function setBulkTagJobRunning(db: Queryable, id: number): Promise<void> {
  await db.query(`UPDATE bulk_tag_jobs SET status = 'running' WHERE id = $1`, [id]);
}

export async function bulkTagJobStatus(db: Queryable, id: number): Promise<BulkTagJobRow['status']> {
  const { rows: [cur] } = await db.query<Cols<'bulk_tag_jobs', 'status'>>('SELECT status FROM bulk_tag_jobs WHERE id = $1', [id]);
  return cur.status;
}

export async function pendingBulkTagItems(db: Queryable, jobId: number, limit: number): Promise<BulkTagItemRow[]> {
  const { rows } = await db.query<BulkTagItemRow>(
    `SELECT external_userid, userid FROM bulk_tag_items WHERE job_id = $1 AND status = 'pending' LIMIT ${limit}`, [jobId]);
  return rows;
}

const itemPairs = (items: BulkTagItemRow[]) => JSON.stringify(items.map((r) => ({ e: r.external_userid, u: r.userid })));

/** Our copy of the relations WeCom tagged (or untagged). */
export async function applyBulkTags(db: Queryable, job: BulkTagJobRow, ok: BulkTagItemRow[]): Promise<void> {
  const pairs = itemPairs(ok);
  const tagIds = job.action === 'add' ? 'ARRAY(SELECT DISTINCT x FROM unnest(f.tag_ids || $3::text[]) x)' : 'ARRAY(SELECT x FROM unnest(f.tag_ids) x WHERE NOT (x = ANY($3)))';
  // The follows trigger rewrites each relation's customer: those customers are locked in key order first.
  await db.query(
    `${lockCustomersInOrder('SELECT r.e FROM jsonb_to_recordset($2::jsonb) r(e text)')}
     UPDATE follows f SET tag_ids = ${tagIds}, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) r(e text, u text) WHERE f.corp_id = $1 AND f.external_userid = r.e AND f.userid = r.u AND ${LOCKED_FIRST}`,
    [job.corp_id, pairs, job.tag_ids]);
}

export async function markBulkTagItemsDone(db: Queryable, jobId: number, items: BulkTagItemRow[]): Promise<void> {
  await db.query(
    `UPDATE bulk_tag_items i SET status = 'done' FROM jsonb_to_recordset($2::jsonb) r(e text, u text)
     WHERE i.job_id = $1 AND i.external_userid = r.e AND i.userid = r.u`, [jobId, itemPairs(items)]);
}

export async function markBulkTagItemFailed(db: Queryable, jobId: number, item: BulkTagItemRow, error: string): Promise<void> {
  await db.query(`UPDATE bulk_tag_items SET status = 'failed', error = $4 WHERE job_id = $1 AND external_userid = $2 AND userid = $3`, [jobId, item.external_userid, item.userid, error]);
}

export async function countBulkTagProgress(db: Queryable, jobId: number): Promise<void> {
  await db.query(
    `UPDATE bulk_tag_jobs SET done = (SELECT count(*) FROM bulk_tag_items WHERE job_id = $1 AND status = 'done'),
       failed = (SELECT count(*) FROM bulk_tag_items WHERE job_id = $1 AND status = 'failed') WHERE id = $1`, [jobId]);
}

export async function finishBulkTagJob(db: Queryable, jobId: number): Promise<void> {
  await db.query(`UPDATE bulk_tag_jobs SET status = 'done', finished_at = now() WHERE id = $1 AND status = 'running'`, [jobId]);
}

/** The latest jobs; a store manager or staff member sees the ones they started. */
export async function listBulkTagJobs(db: Queryable, scope: Scope): Promise<BulkTagJobRow[]> {
  const p = new Params();
  const { rows } = await db.query<BulkTagJobRow>(
    `SELECT * FROM bulk_tag_jobs j WHERE j.corp_id = ${p.add(scope.corpId)} AND ${ownWorkVisibleSql(scope, p, 'j')} ORDER BY j.id DESC LIMIT 50`, p.values);
  return rows;
}

/** The relations WeCom refused (at most 1,000), with the customers' names. */
export async function bulkTagFailures(db: Queryable, corpId: string, jobId: number) {
  const { rows } = await db.query<Cols<'bulk_tag_items', 'external_userid' | 'userid' | 'error'> & { name: string | null }>(
    `SELECT i.external_userid, i.userid, i.error, c.name FROM bulk_tag_items i LEFT JOIN customers c ON c.corp_id = $2 AND c.external_userid = i.external_userid
     WHERE i.job_id = $1 AND i.status = 'failed' LIMIT 1000`, [jobId, corpId]);
  return rows;
}

/** False when the job is not queued or running. */
export async function cancelBulkTagJob(db: Queryable, corpId: string, id: number): Promise<boolean> {
  const r = await db.query(`UPDATE bulk_tag_jobs SET status = 'cancelled', finished_at = now() WHERE corp_id = $1 AND id = $2 AND status IN ('queued','running')`, [corpId, id]);
  return !!r.rowCount;
}
