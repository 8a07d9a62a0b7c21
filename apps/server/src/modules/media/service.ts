// Files for messages (welcome and group-welcome attachments). Images are uploaded with media/uploadimg,
// whose pic_url never expires; videos and files get a media/upload id that WeCom drops after 3 days, so
// Pond keeps the bytes and re-uploads them before that, rewriting the templates that use the old id.
import type pg from 'pg';
import { z } from 'zod';
import { MEDIA_LIMITS, type MediaAssetOutput, type MediaKind } from '@pond/contracts/media';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { AppError } from '../../platform/errors';
import { defineJob } from '../../platform/queue';
import { expiringAssets, insertAsset, listAssets, replaceMediaId, replaceMediaIdInWelcomeTemplates } from './repo';

export { MEDIA_LIMITS };
const IMAGE_TYPES = ['image/png', 'image/jpeg'];
const TEMP_MEDIA_MS = 3 * 24 * 3600 * 1000;
/** Re-upload when a media id has less than this left. */
const REFRESH_AHEAD_MS = 12 * 3600 * 1000;

export class MediaService {
  readonly refreshJob = defineJob({
    name: 'media.refresh',
    schema: z.object({}).passthrough(),
    retryLimit: 3,
    handler: async () => { await this.refreshExpiring(); },
  });

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

  /** Re-uploads media ids that expire soon and swaps the new id into every template that used the old one. */
  async refreshExpiring(now = new Date()): Promise<number> {
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
    return rows.length;
  }
}
