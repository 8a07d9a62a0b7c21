// Files for messages (welcome and group-welcome attachments). Images are uploaded with media/uploadimg,
// whose pic_url never expires; videos and files get a media/upload id that WeCom drops after 3 days, so
// Pond keeps the bytes and re-uploads them before that, rewriting the templates that use the old id.
import type pg from 'pg';
import { z } from 'zod';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { AppError } from '../../platform/errors';
import { defineJob } from '../../platform/queue';

export const MEDIA_LIMITS = { image: 2 * 1024 * 1024, video: 10 * 1024 * 1024, file: 20 * 1024 * 1024 } as const;
const IMAGE_TYPES = ['image/png', 'image/jpeg'];
const TEMP_MEDIA_MS = 3 * 24 * 3600 * 1000;
/** Re-upload when a media id has less than this left. */
const REFRESH_AHEAD_MS = 12 * 3600 * 1000;

export interface MediaOut { id: number; kind: string; filename: string; picUrl: string | null; mediaId: string | null; expiresAt: Date | null }

const out = (r: any): MediaOut => ({ id: r.id, kind: r.kind, filename: r.filename, picUrl: r.pic_url, mediaId: r.media_id, expiresAt: r.media_expires_at });

export class MediaService {
  readonly refreshJob = defineJob({
    name: 'media.refresh',
    schema: z.object({}).passthrough(),
    retryLimit: 3,
    handler: async () => { await this.refreshExpiring(); },
  });

  constructor(private pool: pg.Pool, private corps: CorpService, private log: Logger) {}

  async upload(corpId: string, input: { kind: 'image' | 'video' | 'file'; filename: string; contentType: string; data: Buffer }): Promise<MediaOut> {
    const limit = MEDIA_LIMITS[input.kind];
    if (input.data.length === 0) throw AppError.validation('body', 'the file is empty');
    if (input.data.length > limit) throw AppError.validation('body', `a ${input.kind} may be at most ${limit / 1024 / 1024} MB (WeCom's limit)`);
    if (input.kind === 'image' && !IMAGE_TYPES.includes(input.contentType)) throw AppError.validation('content-type', 'images must be PNG or JPEG');
    if (input.kind === 'video' && input.contentType !== 'video/mp4') throw AppError.validation('content-type', 'videos must be MP4');
    const client = await this.corps.client(corpId);
    const file = { filename: input.filename, contentType: input.contentType, data: input.data };
    let picUrl: string | null = null;
    let mediaId: string | null = null;
    let expiresAt: Date | null = null;
    if (input.kind === 'image') {
      picUrl = (await client.mediaUploadImg(file)).url;
    } else {
      mediaId = (await client.mediaUpload(input.kind, file)).media_id;
      expiresAt = new Date(Date.now() + TEMP_MEDIA_MS);
    }
    const { rows } = await this.pool.query(
      `INSERT INTO media_assets (corp_id, kind, filename, content_type, bytes, pic_url, media_id, media_expires_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id, kind, filename, pic_url, media_id, media_expires_at`,
      [corpId, input.kind, input.filename, input.contentType, input.data, picUrl, mediaId, expiresAt]);
    return out(rows[0]);
  }

  async list(corpId: string): Promise<MediaOut[]> {
    const { rows } = await this.pool.query(
      `SELECT id, kind, filename, pic_url, media_id, media_expires_at FROM media_assets WHERE corp_id = $1 ORDER BY id DESC LIMIT 200`, [corpId]);
    return rows.map(out);
  }

  /** Re-uploads media ids that expire soon and swaps the new id into every template that used the old one. */
  async refreshExpiring(now = new Date()): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT id, corp_id, kind, filename, content_type, bytes, media_id FROM media_assets
       WHERE media_id IS NOT NULL AND media_expires_at < $1 ORDER BY media_expires_at LIMIT 200`, [new Date(now.getTime() + REFRESH_AHEAD_MS)]);
    for (const r of rows) {
      try {
        const client = await this.corps.client(r.corp_id);
        const fresh = (await client.mediaUpload(r.kind, { filename: r.filename, contentType: r.content_type, data: r.bytes })).media_id;
        await this.pool.query(`UPDATE media_assets SET media_id = $2, media_expires_at = $3 WHERE id = $1`, [r.id, fresh, new Date(now.getTime() + TEMP_MEDIA_MS)]);
        // Templates store WeCom's attachment shape; the id appears as a JSON string value.
        await this.pool.query(
          `UPDATE welcome_templates SET attachments = replace(attachments::text, to_json($2::text)::text, to_json($3::text)::text)::jsonb, updated_at = now()
           WHERE corp_id = $1 AND attachments::text LIKE '%' || $2 || '%'`, [r.corp_id, r.media_id, fresh]);
      } catch (err) {
        this.log.warn({ err, mediaAssetId: r.id }, 'media re-upload failed');
      }
    }
    return rows.length;
  }
}
