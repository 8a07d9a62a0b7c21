// Files for messages (welcome and group-welcome attachments). Images are uploaded with media/uploadimg,
// whose pic_url never expires; videos and files get a media/upload id that WeCom drops after 3 days, so
// Pond keeps the bytes and re-uploads them before that, rewriting the templates that use the old id.
// Moments take only media/upload_attachment ids (attachment_type 1, also 3 days): uploaded from the same
// bytes when a moment needs them, and kept fresh by the same job while a moment scheduled later needs them.
import type pg from 'pg';
import { MEDIA_LIMITS, type MediaAssetOutput, type MediaKind } from '@pond/contracts/media';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { AppError } from '../../platform/errors';
import { defineClock, hourlyAt } from '../../platform/queue';
import {
  assetLabels, assetsWithBytes, attachmentRows, expiringAssets, expiringAttachments, insertAsset, keepAttachments, listAssets, replaceMediaId,
  replaceMediaIdInWelcomeTemplates, upsertAttachment,
} from './repo';
import { imageSize, mp4Seconds } from './inspect';

export { MEDIA_LIMITS };
const IMAGE_TYPES = ['image/png', 'image/jpeg'];
const TEMP_MEDIA_MS = 3 * 24 * 3600 * 1000;
/** Re-upload when a media id has less than this left. */
const REFRESH_AHEAD_MS = 12 * 3600 * 1000;
/** media/upload_attachment's attachment_type for moments. */
export const MOMENT_ATTACHMENT = 1;

/** A file as WeCom would check it: its kind, size, and what its header says (pixels, length). */
export interface InspectedAsset {
  id: number;
  kind: MediaKind;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  seconds: number | null;
  picUrl: string | null;
}

export class MediaService {
  readonly refreshJob = defineClock('media.refresh', hourlyAt(17), () => this.refreshExpiring(), { retryLimit: 3 });

  constructor(private pool: pg.Pool, private corps: CorpService, private log: Logger) {}

  async upload(corpId: string, input: { kind: MediaKind; filename: string; contentType: string; data: Buffer }): Promise<MediaAssetOutput> {
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
    return insertAsset(this.pool, corpId, { ...input, picUrl, mediaId, expiresAt });
  }

  list(corpId: string): Promise<MediaAssetOutput[]> {
    return listAssets(this.pool, corpId);
  }

  /** The corp's files by id, inspected (missing ids are absent from the map). */
  async inspect(corpId: string, ids: number[]): Promise<Map<number, InspectedAsset>> {
    const rows = await assetsWithBytes(this.pool, corpId, [...new Set(ids)]);
    return new Map(rows.map((r) => {
      const size = r.kind === 'image' ? imageSize(r.bytes) : null;
      return [r.id, {
        id: r.id, kind: r.kind, filename: r.filename, contentType: r.content_type, size: r.bytes.length, width: size?.width ?? null, height: size?.height ?? null,
        seconds: r.kind === 'video' ? mp4Seconds(r.bytes) : null, picUrl: r.pic_url,
      }];
    }));
  }

  /** An image's bytes (a poster's background), or null when the corp has no such image. */
  async imageBytes(corpId: string, id: number): Promise<Buffer | null> {
    const [row] = await assetsWithBytes(this.pool, corpId, [id]);
    return row?.kind === 'image' ? row.bytes : null;
  }

  /** Names and URLs of the corp's files, to show. */
  async labels(corpId: string, ids: number[]): Promise<Map<number, { kind: MediaKind; filename: string; picUrl: string | null }>> {
    const rows = await assetLabels(this.pool, corpId, [...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, { kind: r.kind, filename: r.filename, picUrl: r.pic_url }]));
  }

  /**
   * media/upload_attachment ids of the corp's files (`attachmentType` 1: moments), uploaded when there is none or it has
   * less than `minValidMs` left; the refresh job keeps them fresh until `keepUntil` (a moment scheduled for then).
   */
  async attachmentIds(corpId: string, ids: number[], opts: { attachmentType?: 1 | 2; keepUntil?: Date | null; minValidMs?: number } = {}): Promise<Map<number, string>> {
    const type = opts.attachmentType ?? MOMENT_ATTACHMENT;
    const wanted = [...new Set(ids)];
    const now = Date.now();
    const have = new Map((await attachmentRows(this.pool, corpId, wanted, type))
      .filter((r) => r.expires_at.getTime() - now > (opts.minValidMs ?? 3600_000))
      .map((r) => [r.asset_id, r.media_id]));
    const missing = wanted.filter((id) => !have.has(id));
    if (missing.length) {
      const files = await assetsWithBytes(this.pool, corpId, missing);
      const gone = missing.find((id) => !files.some((f) => f.id === id));
      if (gone !== undefined) throw AppError.notFound(`media file ${gone}`);
      const client = await this.corps.client(corpId);
      for (const f of files) {
        const mediaId = (await client.uploadAttachment(f.kind, { filename: f.filename, contentType: f.content_type, data: f.bytes }, type)).media_id;
        await upsertAttachment(this.pool, corpId, { assetId: f.id, attachmentType: type, mediaId, expiresAt: new Date(Date.now() + TEMP_MEDIA_MS), keepUntil: opts.keepUntil ?? null });
        have.set(f.id, mediaId);
      }
    }
    if (opts.keepUntil) await keepAttachments(this.pool, corpId, wanted.filter((id) => !missing.includes(id)), type, opts.keepUntil);
    return have;
  }

  /** Re-uploads media ids that expire soon and swaps the new id into every template that used the old one; attachment
   * ids (moments) are uploaded again while someone still needs them. */
  async refreshExpiring(now = new Date()): Promise<number> {
    const attachments = await expiringAttachments(this.pool, now, new Date(now.getTime() + REFRESH_AHEAD_MS));
    for (const a of attachments) {
      try {
        const client = await this.corps.client(a.corp_id);
        const fresh = (await client.uploadAttachment(a.kind, { filename: a.filename, contentType: a.content_type, data: a.bytes }, a.attachment_type === 2 ? 2 : 1)).media_id;
        await upsertAttachment(this.pool, a.corp_id, { assetId: a.asset_id, attachmentType: a.attachment_type, mediaId: fresh, expiresAt: new Date(now.getTime() + TEMP_MEDIA_MS), keepUntil: a.keep_until });
      } catch (err) {
        this.log.warn({ err, mediaAssetId: a.asset_id }, 'media attachment re-upload failed');
      }
    }
    const rows = await expiringAssets(this.pool, new Date(now.getTime() + REFRESH_AHEAD_MS));
    for (const r of rows) {
      try {
        const client = await this.corps.client(r.corp_id);
        const fresh = (await client.mediaUpload(r.kind, { filename: r.filename, contentType: r.content_type, data: r.bytes })).media_id;
        await replaceMediaId(this.pool, r.id, fresh, new Date(now.getTime() + TEMP_MEDIA_MS));
        await replaceMediaIdInWelcomeTemplates(this.pool, r.corp_id, r.media_id, fresh);
      } catch (err) {
        this.log.warn({ err, mediaAssetId: r.id }, 'media re-upload failed');
      }
    }
    return rows.length + attachments.length;
  }
}
