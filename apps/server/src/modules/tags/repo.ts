// Corp tag groups and tags, stored from get_corp_tag_list. A full read marks what WeCom no longer
// has as deleted; deleting a tag also strips it from follow relations, as WeCom does. A deletion is final (WeCom never
// brings a tag id back): a read from before it, stored after it (another worker's, or a retried one), cannot undo it.
import type pg from 'pg';
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
    const { rows } = await db.query(
      `UPDATE tags SET deleted_at = now() WHERE corp_id = $1 AND deleted_at IS NULL AND NOT (id = ANY($2)) RETURNING id`, [corpId, t.map((x) => x.id)]);
    await stripTags(db, corpId, rows.map((r) => r.id));
  }
  const deletedTags = t.filter((x) => x.deleted).map((x) => x.id);
  await stripTags(db, corpId, deletedTags);
}

export async function markTagsDeleted(db: Queryable, corpId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const { rows } = await db.query(
    `UPDATE tags SET deleted_at = now() WHERE corp_id = $1 AND (id = ANY($2) OR group_id = ANY($2)) AND deleted_at IS NULL RETURNING id`, [corpId, ids]);
  await db.query(`UPDATE tag_groups SET deleted_at = now() WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL`, [corpId, ids]);
  await stripTags(db, corpId, [...new Set([...ids, ...rows.map((r) => r.id as string)])]);
}

async function stripTags(db: Queryable, corpId: string, tagIds: string[]): Promise<void> {
  if (!tagIds.length) return;
  // The follows trigger rewrites each relation's customer: lock those customers in key order first (ADR 0009).
  await db.query(
    `${lockCustomersInOrder('SELECT f.external_userid FROM follows f WHERE f.corp_id = $1 AND f.tag_ids && $2::text[]')}
     UPDATE follows SET tag_ids = ARRAY(SELECT x FROM unnest(tag_ids) x WHERE NOT (x = ANY($2))), updated_at = now()
     WHERE corp_id = $1 AND tag_ids && $2::text[] AND ${LOCKED_FIRST}`, [corpId, tagIds]);
}

/** Tag groups with their tags; `counts: false` leaves out the per-tag customer counts (a scan of follows per tag). */
export async function listTagTree(db: Queryable, corpId: string, opts: { counts?: boolean } = {}) {
  const { rows: groups } = await db.query(
    `SELECT id, name, "order" FROM tag_groups WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY "order" DESC, created_at, id`, [corpId]);
  const count = opts.counts === false ? 'NULL::bigint'
    : `(SELECT count(DISTINCT f.external_userid) FROM follows f WHERE f.corp_id = t.corp_id AND f.status = 'active' AND f.tag_ids @> ARRAY[t.id])`;
  const { rows: tags } = await db.query(
    `SELECT t.id, t.group_id, t.name, t."order", ${count} AS customer_count
     FROM tags t WHERE t.corp_id = $1 AND t.deleted_at IS NULL ORDER BY t."order" DESC, t.created_at, t.id`, [corpId]);
  return groups.map((g) => ({
    id: g.id, name: g.name, order: g.order,
    tags: tags.filter((t) => t.group_id === g.id).map((t) => ({ id: t.id, name: t.name, order: t.order, customerCount: t.customer_count })),
  }));
}
