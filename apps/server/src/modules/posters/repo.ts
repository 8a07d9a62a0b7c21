// Posters' SQL: templates (corp-scoped, archived rather than deleted), each staff member's card code, and
// what a card shows of the staff member (name, avatar, store).
import type pg from 'pg';
import type { PosterDesign, PosterIssue, PosterPurpose } from '@pond/contracts/posters';
import type { Cols, Row } from '../../platform/db/rows';

type Db = Pick<pg.PoolClient, 'query'>;
export type TemplateRow = Row<'poster_templates'>;

export async function listTemplates(db: Db, corpId: string, purpose?: PosterPurpose): Promise<TemplateRow[]> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT * FROM poster_templates WHERE corp_id = $1 AND archived_at IS NULL AND ($2::text IS NULL OR purpose = $2) ORDER BY updated_at DESC, id DESC LIMIT 500`,
    [corpId, purpose ?? null]);
  return rows;
}

export async function getTemplate(db: Db, corpId: string, id: number): Promise<TemplateRow | null> {
  const { rows } = await db.query<TemplateRow>('SELECT * FROM poster_templates WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows[0] ?? null;
}

export async function insertTemplate(db: Db, corpId: string, t: { name: string; purpose: PosterPurpose; design: PosterDesign }): Promise<TemplateRow> {
  const { rows } = await db.query<TemplateRow>(
    'INSERT INTO poster_templates (corp_id, name, purpose, design) VALUES ($1, $2, $3, $4) RETURNING *', [corpId, t.name, t.purpose, JSON.stringify(t.design)]);
  return rows[0];
}

/** Any edit makes a new version and a draft again (it must be checked and published anew). */
export async function updateTemplate(db: Db, corpId: string, id: number, t: { name: string; purpose: PosterPurpose; design: PosterDesign }): Promise<TemplateRow | null> {
  const { rows } = await db.query<TemplateRow>(
    `UPDATE poster_templates SET name = $3, purpose = $4, design = $5, version = version + 1, status = 'draft', updated_at = now()
     WHERE corp_id = $1 AND id = $2 AND archived_at IS NULL RETURNING *`, [corpId, id, t.name, t.purpose, JSON.stringify(t.design)]);
  return rows[0] ?? null;
}

/** Publishes the version that was checked (an edit in between makes this a no-op: null). */
export async function publishTemplate(db: Db, corpId: string, id: number, version: number, issues: PosterIssue[]): Promise<TemplateRow | null> {
  const { rows } = await db.query<TemplateRow>(
    `UPDATE poster_templates SET status = 'published', published_at = now(), published_issues = $4
     WHERE corp_id = $1 AND id = $2 AND version = $3 AND archived_at IS NULL RETURNING *`, [corpId, id, version, JSON.stringify(issues)]);
  return rows[0] ?? null;
}

export async function archiveTemplate(db: Db, corpId: string, id: number): Promise<void> {
  await db.query('UPDATE poster_templates SET archived_at = coalesce(archived_at, now()) WHERE corp_id = $1 AND id = $2', [corpId, id]);
}

/** The newest published template of a purpose and canvas (a staff card's default). */
export async function newestPublished(db: Db, corpId: string, purposes: PosterPurpose[], canvas: string): Promise<TemplateRow | null> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT * FROM poster_templates WHERE corp_id = $1 AND archived_at IS NULL AND status = 'published' AND purpose = ANY($2::text[]) AND design->>'canvas' = $3
     ORDER BY published_at DESC, id DESC LIMIT 1`, [corpId, purposes, canvas]);
  return rows[0] ?? null;
}

// ---- staff cards ----

export type StaffInfo = Cols<'staff', 'userid' | 'name' | 'avatar' | 'store_id' | 'is_follow_user'> & { store_name: string | null };

export async function staffInfo(db: Db, corpId: string, userid: string): Promise<StaffInfo | null> {
  const { rows } = await db.query<StaffInfo>(
    `SELECT s.userid, s.name, s.avatar, s.store_id, s.is_follow_user, st.name AS store_name
     FROM staff s LEFT JOIN stores st ON st.corp_id = s.corp_id AND st.id = s.store_id WHERE s.corp_id = $1 AND s.userid = $2`, [corpId, userid]);
  return rows[0] ?? null;
}

/** The store's staff who can have a card (customer contact enabled, active), by name. */
export async function storeStaff(db: Db, corpId: string, storeId: number): Promise<StaffInfo[]> {
  const { rows } = await db.query<StaffInfo>(
    `SELECT s.userid, s.name, s.avatar, s.store_id, s.is_follow_user, st.name AS store_name
     FROM staff s JOIN stores st ON st.corp_id = s.corp_id AND st.id = s.store_id
     WHERE s.corp_id = $1 AND s.store_id = $2 AND s.is_follow_user AND s.status = 1 ORDER BY s.name, s.userid`, [corpId, storeId]);
  return rows;
}

/** The staff member's card code while it is active (an archived code gets replaced). */
export async function staffCardCode(db: Db, corpId: string, userid: string): Promise<number | null> {
  const { rows } = await db.query<Cols<'staff_cards', 'code_id'>>(
    `SELECT sc.code_id FROM staff_cards sc JOIN live_codes lc ON lc.id = sc.code_id AND lc.status = 'active'
     WHERE sc.corp_id = $1 AND sc.userid = $2`, [corpId, userid]);
  return rows[0]?.code_id ?? null;
}

export async function saveStaffCard(db: Db, corpId: string, userid: string, codeId: number): Promise<void> {
  await db.query(
    `INSERT INTO staff_cards (corp_id, userid, code_id) VALUES ($1, $2, $3)
     ON CONFLICT (corp_id, userid) DO UPDATE SET code_id = EXCLUDED.code_id, created_at = now()`, [corpId, userid, codeId]);
}
