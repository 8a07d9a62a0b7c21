// SQL for uploaded message media. Every function takes the corp id, except the refresh scan across corps.
import type pg from 'pg';
import type { MediaAssetOutput, MediaKind } from '@pond/contracts/media';
import type { Cols } from '../../platform/db/rows';

type Queryable = Pick<pg.Pool, 'query'>;

type AssetRow = Cols<'media_assets', 'id' | 'kind' | 'filename' | 'pic_url' | 'media_id' | 'media_expires_at'>;
const ASSET_COLUMNS = 'id, kind, filename, pic_url, media_id, media_expires_at';

const toAsset = (r: AssetRow): MediaAssetOutput =>
  ({ id: r.id, kind: r.kind, filename: r.filename, picUrl: r.pic_url, mediaId: r.media_id, expiresAt: r.media_expires_at });

export async function insertAsset(db: Queryable, corpId: string, a: {
  kind: MediaKind; filename: string; contentType: string; data: Buffer; picUrl: string | null; mediaId: string | null; expiresAt: Date | null;
}): Promise<MediaAssetOutput> {
  const { rows: [r] } = await db.query<AssetRow>(
    `INSERT INTO media_assets (corp_id, kind, filename, content_type, bytes, pic_url, media_id, media_expires_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING ${ASSET_COLUMNS}`,
    [corpId, a.kind, a.filename, a.contentType, a.data, a.picUrl, a.mediaId, a.expiresAt]);
  return toAsset(r);
}

/** The corp's latest 200 uploads. */
export async function listAssets(db: Queryable, corpId: string): Promise<MediaAssetOutput[]> {
  const { rows } = await db.query<AssetRow>(`SELECT ${ASSET_COLUMNS} FROM media_assets WHERE corp_id = $1 ORDER BY id DESC LIMIT 200`, [corpId]);
  return rows.map(toAsset);
}

/** A temporary media id due for re-upload, with the bytes to upload again. */
export type ExpiringAsset = Cols<'media_assets', 'id' | 'corp_id' | 'kind' | 'filename' | 'content_type' | 'bytes'> & { media_id: string };

/** Media ids (of every corp) that expire before `before`, soonest first, at most 200. */
export async function expiringAssets(db: Queryable, before: Date): Promise<ExpiringAsset[]> {
  const { rows } = await db.query<ExpiringAsset>(
    `SELECT id, corp_id, kind, filename, content_type, bytes, media_id FROM media_assets
     WHERE media_id IS NOT NULL AND media_expires_at < $1 ORDER BY media_expires_at LIMIT 200`, [before]);
  return rows;
}

export async function replaceMediaId(db: Queryable, id: number, mediaId: string, expiresAt: Date): Promise<void> {
  await db.query(`UPDATE media_assets SET media_id = $2, media_expires_at = $3 WHERE id = $1`, [id, mediaId, expiresAt]);
}

/** Swaps a media id in every welcome template and playbook step of the corp that uses it (templates store WeCom's attachment shape: the id is a JSON string value). */
export async function replaceMediaIdInWelcomeTemplates(db: Queryable, corpId: string, oldId: string, newId: string): Promise<void> {
  await db.query(
    `UPDATE welcome_templates SET attachments = replace(attachments::text, to_json($2::text)::text, to_json($3::text)::text)::jsonb, updated_at = now()
     WHERE corp_id = $1 AND attachments::text LIKE '%' || $2 || '%'`, [corpId, oldId, newId]);
  // Playbook steps store content in the same shape (and go out for weeks): their ids are swapped too.
  await db.query(
    `UPDATE playbook_steps SET content = replace(content::text, to_json($2::text)::text, to_json($3::text)::text)::jsonb
     WHERE corp_id = $1 AND deleted_at IS NULL AND content::text LIKE '%' || $2 || '%'`, [corpId, oldId, newId]);
}
