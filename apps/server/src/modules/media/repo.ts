// SQL for uploaded message media. Every function takes the corp id, except the refresh scan across corps.
import type pg from 'pg';
import type { MediaAssetOutput, MediaKind } from '@pond/contracts/media';
import type { Cols, Row } from '../../platform/db/rows';

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

// ---- attachment media (media/upload_attachment: moments) ----

/** Files of the corp by id, with their bytes (to inspect and upload). */
export async function assetsWithBytes(db: Queryable, corpId: string, ids: number[]): Promise<Cols<'media_assets', 'id' | 'kind' | 'filename' | 'content_type' | 'bytes' | 'pic_url'>[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<Cols<'media_assets', 'id' | 'kind' | 'filename' | 'content_type' | 'bytes' | 'pic_url'>>(
    'SELECT id, kind, filename, content_type, bytes, pic_url FROM media_assets WHERE corp_id = $1 AND id = ANY($2::bigint[])', [corpId, ids]);
  return rows;
}

/** Names and URLs of files, for showing (no bytes). */
export async function assetLabels(db: Queryable, corpId: string, ids: number[]): Promise<Cols<'media_assets', 'id' | 'kind' | 'filename' | 'pic_url'>[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<Cols<'media_assets', 'id' | 'kind' | 'filename' | 'pic_url'>>(
    'SELECT id, kind, filename, pic_url FROM media_assets WHERE corp_id = $1 AND id = ANY($2::bigint[])', [corpId, ids]);
  return rows;
}

export async function attachmentRows(db: Queryable, corpId: string, ids: number[], attachmentType: number): Promise<Row<'media_attachments'>[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<Row<'media_attachments'>>(
    'SELECT * FROM media_attachments WHERE corp_id = $1 AND asset_id = ANY($2::bigint[]) AND attachment_type = $3', [corpId, ids, attachmentType]);
  return rows;
}

export async function upsertAttachment(db: Queryable, corpId: string, a: { assetId: number; attachmentType: number; mediaId: string; expiresAt: Date; keepUntil: Date | null }): Promise<void> {
  await db.query(
    `INSERT INTO media_attachments (corp_id, asset_id, attachment_type, media_id, expires_at, keep_until, uploaded_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (asset_id, attachment_type) DO UPDATE SET media_id = $4, expires_at = $5,
       keep_until = CASE WHEN media_attachments.keep_until IS NULL OR $6::timestamptz > media_attachments.keep_until THEN $6::timestamptz ELSE media_attachments.keep_until END,
       uploaded_at = now()`,
    [corpId, a.assetId, a.attachmentType, a.mediaId, a.expiresAt, a.keepUntil]);
}

export async function keepAttachments(db: Queryable, corpId: string, ids: number[], attachmentType: number, until: Date): Promise<void> {
  if (!ids.length) return;
  await db.query(
    `UPDATE media_attachments SET keep_until = $4 WHERE corp_id = $1 AND asset_id = ANY($2::bigint[]) AND attachment_type = $3
       AND (keep_until IS NULL OR keep_until < $4)`, [corpId, ids, attachmentType, until]);
}

/** Attachment media ids someone still needs (`keep_until` ahead) that expire before `before`, soonest first, at most 200. */
export async function expiringAttachments(db: Queryable, now: Date, before: Date): Promise<(Cols<'media_attachments', 'asset_id' | 'corp_id' | 'attachment_type' | 'keep_until'> & Cols<'media_assets', 'kind' | 'filename' | 'content_type' | 'bytes'>)[]> {
  const { rows } = await db.query<Cols<'media_attachments', 'asset_id' | 'corp_id' | 'attachment_type' | 'keep_until'> & Cols<'media_assets', 'kind' | 'filename' | 'content_type' | 'bytes'>>(
    `SELECT ma.asset_id, ma.corp_id, ma.attachment_type, ma.keep_until, a.kind, a.filename, a.content_type, a.bytes
       FROM media_attachments ma JOIN media_assets a ON a.id = ma.asset_id
      WHERE ma.expires_at < $2 AND ma.keep_until > $1 ORDER BY ma.expires_at LIMIT 200`, [now, before]);
  return rows;
}
