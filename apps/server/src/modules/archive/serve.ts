// How an archived message's file is served (GET /api/archive/messages/:id/media). The bytes are whatever a customer
// or member sent, so nothing from them may run as a page of Pond's origin: only raster images (never SVG) and audio /
// video are `inline` — what the console's <img>, <audio> and <video> show — and everything else is an `attachment`,
// with markup and script types sent as application/octet-stream besides. nosniff keeps the browser to the type given,
// and the response's CSP sandboxes it should it be opened anyway. Ranges (one per request) let players seek.
import { ARCHIVE_INLINE_IMAGE_TYPES } from '@pond/contracts/archive';

/** Played in place by the console's <audio> / <video> (where the browser can: WeCom's AMR voice it cannot). */
export const INLINE_AV_TYPES: readonly string[] = [
  'audio/amr', 'audio/silk', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/wav', 'audio/webm',
  'video/mp4', 'video/webm', 'video/ogg', 'video/quicktime',
];
/** A type a browser would render as a document or run (HTML, SVG, XML, script…): never sent as such. */
const ACTIVE_TYPE = /html|xml|svg|script|x-shockwave|cache-manifest|vnd\.wap/i;
const TYPE_SYNTAX = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The response's own CSP: a file opened by itself can run nothing and load nothing. */
export const MEDIA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'audio/amr': 'amr', 'audio/silk': 'silk',
  'audio/mpeg': 'mp3', 'video/mp4': 'mp4', 'application/pdf': 'pdf', 'application/zip': 'zip', 'text/plain': 'txt',
};

export interface ServedAs {
  /** The Content-Type sent. */
  contentType: string;
  inline: boolean;
  /** The Content-Disposition sent (with the file's name). */
  disposition: string;
}

/** A file name safe in a header and on a disk: no path, no control characters, at most 200 characters. */
export function safeFilename(name: string | null | undefined): string | null {
  const base = (name ?? '').split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return base && base !== '.' && base !== '..' ? base : null;
}

/** RFC 6266 / 5987: an ASCII `filename` for old clients and the UTF-8 `filename*` (Chinese names kept). */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** How a stored file of message `id` (of WeCom type `kind`) is sent. */
export function servedAs(stored: { contentType: string | null; filename: string | null; kind: string; id: number }): ServedAs {
  let type = (stored.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!TYPE_SYNTAX.test(type) || ACTIVE_TYPE.test(type)) type = 'application/octet-stream';
  const inline = ARCHIVE_INLINE_IMAGE_TYPES.includes(type) || INLINE_AV_TYPES.includes(type);
  const name = safeFilename(stored.filename) ?? `${stored.kind}-${stored.id}${EXTENSIONS[type] ? `.${EXTENSIONS[type]}` : ''}`;
  return { contentType: type, inline, disposition: contentDisposition(inline ? 'inline' : 'attachment', name) };
}

/**
 * The one byte range a `Range` header asks of a file of `size` bytes: null to send it whole (no header, several
 * ranges, another unit), 'unsatisfiable' for a 416.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // The last n bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
