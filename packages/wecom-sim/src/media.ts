// Uploaded media: temporary media (media/upload, 3 days), permanent images (media/uploadimg,
// served back at <prefix>/media/<id>) and attachment media for moments (media/upload_attachment).
// Bytes are stored in Postgres; WeCom's size limits apply.
import type { SimContext } from './context';
import { num } from './db';
import { E, SimError } from './errors';
import { newIds } from './ids';
import type { SimMediaRow } from './rows';

const MB = 1024 * 1024;
export const TEMP_MEDIA_TTL_MS = 3 * 86_400_000;
const LIMITS: Record<string, number> = { image: 10 * MB, voice: 2 * MB, video: 10 * MB, file: 20 * MB };

export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** Reads the first file part of a multipart/form-data body (WeCom's field is "media"). */
export function parseMultipart(body: Buffer, contentType: string | undefined): UploadedFile | null {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!m) return null;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = body.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') return null;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd === -1) return null;
    const headers = body.subarray(start, headerEnd).toString('utf8');
    const next = body.indexOf(boundary, headerEnd + 4);
    if (next === -1) return null;
    const content = body.subarray(headerEnd + 4, next - 2); // drop the CRLF before the boundary
    const disp = /content-disposition:[^\r\n]*filename\*?=(?:"([^"]*)"|([^;\r\n]*))/i.exec(headers);
    if (disp) {
      const ct = /content-type:\s*([^\r\n]+)/i.exec(headers);
      return { filename: (disp[1] ?? disp[2] ?? 'file').trim(), contentType: ct?.[1].trim() ?? 'application/octet-stream', bytes: Buffer.from(content) };
    }
    pos = next;
  }
  return null;
}

export async function storeMedia(ctx: SimContext, corpId: string, type: string, file: UploadedFile | null, opts: { attachment?: boolean; maxBytes?: number } = {}) {
  if (!['image', 'voice', 'video', 'file'].includes(type)) throw new SimError(40004, `invalid media type: ${type}`);
  if (!file || file.bytes.length < 5) throw E.emptyMedia();
  if (file.bytes.length > (opts.maxBytes ?? LIMITS[type])) throw E.mediaTooLarge();
  const mediaId = newIds.mediaId();
  const now = ctx.clock.now();
  await ctx.db.q(
    `INSERT INTO {s}.media (media_id, corp_id, type, filename, content_type, bytes, attachment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [mediaId, corpId, type, file.filename, file.contentType, file.bytes, opts.attachment ?? false, now],
  );
  return { type, media_id: mediaId, created_at: String(Math.floor(now / 1000)) };
}

export async function loadMedia(ctx: SimContext, mediaId: string, corpId?: string) {
  const r = await ctx.db.one<Pick<SimMediaRow, 'type' | 'filename' | 'content_type' | 'bytes' | 'created_at'>>(
    `SELECT type, filename, content_type, bytes, created_at FROM {s}.media WHERE media_id = $1 AND ($2::text IS NULL OR corp_id = $2)`,
    [mediaId, corpId ?? null],
  );
  if (!r) return null;
  return { type: r.type, filename: r.filename, contentType: r.content_type, bytes: r.bytes, createdAt: num(r.created_at) };
}
