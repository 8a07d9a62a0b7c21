// SQL for the script library (话术): folders and scripts. Every function takes the corp id.
import type pg from 'pg';
import type { ScriptFolder, ScriptOutput } from '@pond/contracts/scripts';
import type { Cols, Row } from '../../platform/db/rows';

type Queryable = Pick<pg.Pool, 'query'>;

const toScript = (r: Row<'scripts'>): ScriptOutput => ({
  id: r.id, folderId: r.folder_id, title: r.title, content: r.content, useCount: r.use_count, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** The corp's folders, each with its count of scripts. */
export async function listFolders(db: Queryable, corpId: string): Promise<ScriptFolder[]> {
  const { rows } = await db.query<Row<'script_folders'> & { scripts: number }>(
    `SELECT f.*, (SELECT count(*)::int FROM scripts s WHERE s.folder_id = f.id AND s.deleted_at IS NULL) AS scripts FROM script_folders f WHERE corp_id = $1 ORDER BY position, id`, [corpId]);
  return rows.map((f) => ({ id: f.id, name: f.name, parentId: f.parent_id, position: f.position, scripts: f.scripts }));
}

export async function insertFolder(db: Queryable, corpId: string, f: { name: string; parentId: number | null; position: number }): Promise<ScriptFolder> {
  const { rows: [r] } = await db.query<Row<'script_folders'>>(
    `INSERT INTO script_folders (corp_id, name, parent_id, position) VALUES ($1,$2,$3,$4) RETURNING *`, [corpId, f.name, f.parentId, f.position]);
  return { id: r.id, name: r.name, parentId: r.parent_id, position: r.position, scripts: 0 };
}

export async function folderExists(db: Queryable, corpId: string, id: number): Promise<boolean> {
  const { rows } = await db.query<{ one: number }>('SELECT 1 AS one FROM script_folders WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows.length > 0;
}

/** Live scripts and subfolders in the folder. */
export async function folderContents(db: Queryable, id: number): Promise<number> {
  const { rows: [r] } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM scripts WHERE folder_id = $1 AND deleted_at IS NULL)::int + (SELECT count(*) FROM script_folders WHERE parent_id = $1)::int AS n`, [id]);
  return r.n;
}

export async function deleteFolder(db: Queryable, id: number): Promise<void> {
  await db.query('DELETE FROM script_folders WHERE id = $1', [id]);
}

export async function insertScript(db: Queryable, corpId: string, s: { folderId: number | null; title: string; content: string; keywords: string[]; createdBy: string }): Promise<ScriptOutput> {
  const { rows: [r] } = await db.query<Row<'scripts'>>(
    `INSERT INTO scripts (corp_id, folder_id, title, content, keywords, created_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
    [corpId, s.folderId, s.title, s.content, s.keywords, s.createdBy]);
  return toScript(r);
}

/** A script that is not deleted. */
export async function findScript(db: Queryable, corpId: string, id: number): Promise<ScriptOutput | null> {
  const { rows: [r] } = await db.query<Row<'scripts'>>('SELECT * FROM scripts WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
  return r ? toScript(r) : null;
}

export async function updateScript(db: Queryable, corpId: string, id: number, s: { folderId: number | null; title: string; content: string; keywords: string[] }): Promise<ScriptOutput> {
  const { rows: [r] } = await db.query<Row<'scripts'>>(
    `UPDATE scripts SET folder_id = $3, title = $4, content = $5, keywords = $6, updated_at = now() WHERE id = $1 AND corp_id = $2 RETURNING *`,
    [id, corpId, s.folderId, s.title, s.content, s.keywords]);
  return toScript(r);
}

/** Soft-deletes a live script; false when there is none. */
export async function softDeleteScript(db: Queryable, corpId: string, id: number): Promise<boolean> {
  const r = await db.query('UPDATE scripts SET deleted_at = now() WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
  return !!r.rowCount;
}

/** Scripts of a folder, or matching words or text: ranked by how many of its words match, then by use. */
export async function searchScripts(db: Queryable, corpId: string, q: { folderId: number | null; terms: string[]; text: string | null; limit: number }): Promise<ScriptOutput[]> {
  const { rows } = await db.query<Row<'scripts'> & { hits: number }>(
    `SELECT s.*, cardinality(ARRAY(SELECT unnest(s.keywords) INTERSECT SELECT unnest($3::text[]))) AS hits
     FROM scripts s WHERE s.corp_id = $1 AND s.deleted_at IS NULL AND ($2::bigint IS NULL OR s.folder_id = $2)
       AND ($4::text IS NULL OR s.keywords && $3::text[] OR s.title ILIKE '%' || $4 || '%' OR s.content ILIKE '%' || $4 || '%')
     ORDER BY hits DESC, s.use_count DESC, s.id DESC LIMIT $5`,
    [corpId, q.folderId, q.terms, q.text, q.limit]);
  return rows.map(toScript);
}

/** The names that fill {nickname} and {staff}: the customer's and the staff member's (null when unknown). */
export async function renderNames(db: Queryable, corpId: string, externalUserid: string, userid: string): Promise<{ customer: string | null; staff: string | null }> {
  const [{ rows: [c] }, { rows: [st] }] = await Promise.all([
    db.query<Cols<'customers', 'name'>>('SELECT name FROM customers WHERE corp_id = $1 AND external_userid = $2', [corpId, externalUserid]),
    db.query<Cols<'staff', 'name'>>('SELECT name FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, userid]),
  ]);
  return { customer: c?.name ?? null, staff: st?.name ?? null };
}

export async function countUse(db: Queryable, corpId: string, id: number): Promise<void> {
  await db.query('UPDATE scripts SET use_count = use_count + 1 WHERE corp_id = $1 AND id = $2', [corpId, id]);
}
