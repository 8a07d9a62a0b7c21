// Script library (话术): folders of saved replies for staff. Search splits Chinese text into words
// (jieba, search mode) so "物流信息" finds "查询物流" scripts; placeholders ({nickname}, {staff}) are
// filled for the customer a staff member is talking to.
import { createRequire } from 'node:module';
import type pg from 'pg';
import { AppError } from '../../platform/errors';

const require = createRequire(import.meta.url);
type JiebaT = { cutForSearch(text: string, hmm?: boolean): string[] };
let jieba: JiebaT | null = null;
function segmenter(): JiebaT {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaT } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Searchable words: jieba's search-mode words plus Latin words and numbers, lower-cased, without punctuation. */
export function words(text: string): string[] {
  const out = new Set<string>();
  for (const w of segmenter().cutForSearch(text, true)) {
    const t = w.trim().toLowerCase();
    if (t && /[\p{L}\p{N}]/u.test(t)) out.add(t);
  }
  return [...out];
}

const out = (r: any) => ({ id: r.id, folderId: r.folder_id, title: r.title, content: r.content, useCount: r.use_count, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at });

export class ScriptService {
  constructor(private pool: pg.Pool) {}

  async folders(corpId: string) {
    const { rows } = await this.pool.query(
      `SELECT f.*, (SELECT count(*)::int FROM scripts s WHERE s.folder_id = f.id AND s.deleted_at IS NULL) AS scripts FROM script_folders f WHERE corp_id = $1 ORDER BY position, id`, [corpId]);
    return rows.map((f) => ({ id: f.id, name: f.name, parentId: f.parent_id, position: f.position, scripts: f.scripts }));
  }

  async createFolder(corpId: string, input: { name: string; parentId?: number | null; position?: number }) {
    if (input.parentId != null) await this.requireFolder(corpId, input.parentId, 'parentId');
    const { rows: [f] } = await this.pool.query(
      `INSERT INTO script_folders (corp_id, name, parent_id, position) VALUES ($1,$2,$3,$4) RETURNING *`, [corpId, input.name, input.parentId ?? null, input.position ?? 0]);
    return { id: f.id, name: f.name, parentId: f.parent_id, position: f.position, scripts: 0 };
  }

  async deleteFolder(corpId: string, id: number) {
    await this.requireFolder(corpId, id, 'id');
    const { rows: [n] } = await this.pool.query(
      `SELECT (SELECT count(*) FROM scripts WHERE folder_id = $1 AND deleted_at IS NULL)::int + (SELECT count(*) FROM script_folders WHERE parent_id = $1)::int AS n`, [id]);
    if (n.n > 0) throw new AppError('conflict', 'the folder is not empty: move or delete its scripts and subfolders first');
    await this.pool.query('DELETE FROM script_folders WHERE id = $1', [id]);
  }

  private async requireFolder(corpId: string, id: number, field: string) {
    const { rows } = await this.pool.query('SELECT 1 FROM script_folders WHERE corp_id = $1 AND id = $2', [corpId, id]);
    if (!rows.length) throw AppError.validation(field, `no folder ${id}`);
  }

  async create(corpId: string, input: { folderId?: number | null; title: string; content: string }, createdBy: string) {
    if (input.folderId != null) await this.requireFolder(corpId, input.folderId, 'folderId');
    const { rows: [s] } = await this.pool.query(
      `INSERT INTO scripts (corp_id, folder_id, title, content, keywords, created_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
      [corpId, input.folderId ?? null, input.title, input.content, words(`${input.title} ${input.content}`), createdBy]);
    return out(s);
  }

  async update(corpId: string, id: number, patch: { folderId?: number | null; title?: string; content?: string }) {
    const { rows: [cur] } = await this.pool.query('SELECT * FROM scripts WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
    if (!cur) throw AppError.notFound(`script ${id}`);
    if (patch.folderId != null) await this.requireFolder(corpId, patch.folderId, 'folderId');
    const title = patch.title ?? cur.title;
    const content = patch.content ?? cur.content;
    const { rows: [s] } = await this.pool.query(
      `UPDATE scripts SET folder_id = $3, title = $4, content = $5, keywords = $6, updated_at = now() WHERE id = $1 AND corp_id = $2 RETURNING *`,
      [id, corpId, patch.folderId === undefined ? cur.folder_id : patch.folderId, title, content, words(`${title} ${content}`)]);
    return out(s);
  }

  async remove(corpId: string, id: number) {
    const r = await this.pool.query('UPDATE scripts SET deleted_at = now() WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
    if (!r.rowCount) throw AppError.notFound(`script ${id}`);
  }

  /** Scripts of a folder, or matching a query: ranked by how many of its words match, then by use. */
  async search(corpId: string, q: { q?: string; folderId?: number; limit: number }) {
    const terms = q.q ? words(q.q) : [];
    const { rows } = await this.pool.query(
      `SELECT s.*, cardinality(ARRAY(SELECT unnest(s.keywords) INTERSECT SELECT unnest($3::text[]))) AS hits
       FROM scripts s WHERE s.corp_id = $1 AND s.deleted_at IS NULL AND ($2::bigint IS NULL OR s.folder_id = $2)
         AND ($4::text IS NULL OR s.keywords && $3::text[] OR s.title ILIKE '%' || $4 || '%' OR s.content ILIKE '%' || $4 || '%')
       ORDER BY hits DESC, s.use_count DESC, s.id DESC LIMIT $5`,
      [corpId, q.folderId ?? null, terms, q.q ?? null, q.limit]);
    return rows.map(out);
  }

  /** The script's text for one customer: {nickname} and {staff} filled in. */
  async render(corpId: string, id: number, ctx: { externalUserid?: string; userid?: string }) {
    const { rows: [s] } = await this.pool.query('SELECT * FROM scripts WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
    if (!s) throw AppError.notFound(`script ${id}`);
    const [{ rows: [c] }, { rows: [st] }] = await Promise.all([
      this.pool.query('SELECT name FROM customers WHERE corp_id = $1 AND external_userid = $2', [corpId, ctx.externalUserid ?? '']),
      this.pool.query('SELECT name FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, ctx.userid ?? '']),
    ]);
    return { id: s.id, text: String(s.content).replaceAll('{nickname}', c?.name ?? '').replaceAll('{staff}', st?.name ?? '') };
  }

  async used(corpId: string, id: number) {
    await this.pool.query('UPDATE scripts SET use_count = use_count + 1 WHERE corp_id = $1 AND id = $2', [corpId, id]);
  }
}
