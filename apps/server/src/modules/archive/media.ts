// The files of archived messages (image, voice, video, file, emotion): each new message with an `sdkfileid` gets an
// archive_media row in the batch's transaction (once per message), and the `archive.media` job downloads it through
// the sidecar's GetMediaData — piece by piece, each call given the `indexbuf` the last one returned — within the
// type's size limit (ARCHIVE_MEDIA_LIMITS: a file said or found to be larger is recorded too_large, not kept). A
// failed download is tried once more a minute later, then recorded failed. A claim counts the attempt and leases the
// row, and only a pending row takes the bytes, so a file is stored once however many workers run. An image is looked
// at for a QR code (qr.ts); listeners with `onMedia` (moderation's QR rule) then see the message with `qr_text`.
import type pg from 'pg';
import { z } from 'zod';
import { ARCHIVE_MEDIA_LIMITS, ARCHIVE_MEDIA_TYPES, type ArchiveMediaType } from '@pond/contracts/archive';
import { withTransaction } from '../../platform/db';
import type { Logger } from '../../platform/log';
import { defineJob, type Queue } from '../../platform/queue';
import type { ArchiveListener } from './listener';
import { findQr } from './qr';
import { claimMedia, corpsWithDueMedia, failMedia, messageByMsgid, queueMedia, storeMedia, toStored, type MediaRow, type MessageRow } from './repo';
import type { ArchiveConfig, ArchiveSettingsService } from './settings';
import { sidecarSource, type ArchiveSource } from './source';

/** Tries per file: the first and one retry. */
export const MEDIA_ATTEMPTS = 2;
const RETRY_AFTER_MS = 60_000;
/** A claimed file is someone's for this long (a crashed download comes due again after it). */
const LEASE_SECONDS = 300;
const CLAIM = 20;
/** GetMediaData calls for one file at most (a sidecar that never finishes is cut off). */
const MAX_PIECES = 200;

export class MediaTooLarge extends Error {}

/** The new messages' files, queued in the ingest's transaction. */
export async function queueFilesOf(db: Pick<pg.PoolClient, 'query'>, corpId: string, rows: MessageRow[]): Promise<number> {
  const files = rows.flatMap((r) => {
    const sdkfileid = typeof r.payload.sdkfileid === 'string' ? r.payload.sdkfileid : '';
    if (!sdkfileid || !(ARCHIVE_MEDIA_TYPES as readonly string[]).includes(r.type) || r.action !== 'send') return [];
    // A voice says voice_size, the others filesize (an emotion imagesize).
    const size = Number(r.payload.filesize ?? r.payload.voice_size ?? r.payload.imagesize);
    return [{ msgid: r.msgid, kind: r.type, sdkfileid, declaredSize: Number.isFinite(size) && size > 0 ? size : null, filename: typeof r.payload.filename === 'string' ? r.payload.filename : null }];
  });
  return queueMedia(db, corpId, files);
}

/** What the bytes are, from their first bytes (else from the file name's extension, else octet-stream). */
export function sniffType(b: Buffer, kind: string, filename: string | null): string {
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && b.toString('latin1', 0, 6).startsWith('GIF8')) return 'image/gif';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 6 && b.toString('latin1', 0, 6) === '#!AMR\n') return 'audio/amr';
  if (b.length >= 10 && b.toString('latin1', 1, 10) === '#!SILK_V3') return 'audio/silk';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === '%PDF') return 'application/pdf';
  if (kind === 'voice') return 'audio/amr';
  const ext = filename?.split('.').pop()?.toLowerCase();
  const byExt: Record<string, string> = { txt: 'text/plain', pdf: 'application/pdf', zip: 'application/zip', doc: 'application/msword', xls: 'application/vnd.ms-excel', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', mp4: 'video/mp4' };
  return (ext && byExt[ext]) || 'application/octet-stream';
}

export class ArchiveMedia {
  readonly job;

  constructor(
    private pool: pg.Pool,
    private settings: ArchiveSettingsService,
    private queue: Queue,
    private log: Logger,
    private listeners: () => ArchiveListener[],
    private sourceFor?: (corpId: string, cfg: ArchiveConfig) => ArchiveSource,
  ) {
    this.job = defineJob({
      name: 'archive.media',
      schema: z.object({ corpId: z.string() }),
      policy: 'stately',
      retryLimit: 2,
      handler: async ({ corpId }) => {
        const r = await this.fetchDue(corpId);
        if (r.claimed >= CLAIM) await this.wake(corpId);
      },
    });
  }

  async wake(corpId: string): Promise<void> {
    await this.queue.send(this.job, { corpId }, { singletonKey: `archive-media:${corpId}` });
  }

  /** The minutely tick: corps with files due (retries, leases run out). */
  async wakeDue(): Promise<void> {
    for (const corpId of await corpsWithDueMedia(this.pool)) await this.wake(corpId);
  }

  /** Downloads one claim of due files. */
  async fetchDue(corpId: string): Promise<{ claimed: number; stored: number; failed: number }> {
    const cfg = await this.settings.config(corpId);
    if (!cfg) return { claimed: 0, stored: 0, failed: 0 };
    const source = this.sourceFor?.(corpId, cfg) ?? sidecarSource({ url: cfg.sidecarUrl, corpId, secret: cfg.secret, token: cfg.sidecarToken });
    const rows = await claimMedia(this.pool, corpId, CLAIM, LEASE_SECONDS, MEDIA_ATTEMPTS);
    let stored = 0;
    let failed = 0;
    for (const row of rows) {
      if (await this.fetchOne(corpId, source, row)) stored++;
      else failed++;
    }
    return { claimed: rows.length, stored, failed };
  }

  private async fetchOne(corpId: string, source: ArchiveSource, row: MediaRow): Promise<boolean> {
    const limit = ARCHIVE_MEDIA_LIMITS[row.kind as ArchiveMediaType] ?? ARCHIVE_MEDIA_LIMITS.file;
    try {
      if (row.declared_size !== null && row.declared_size > limit) throw new MediaTooLarge(`the file is ${row.declared_size} bytes: over the ${row.kind} limit of ${limit}`);
      const bytes = await this.download(source, row.sdkfileid, limit);
      const contentType = sniffType(bytes, row.kind, row.filename);
      const qr = row.kind === 'image' ? findQr(bytes) : null;
      return await withTransaction(this.pool, async (db) => {
        if (!await storeMedia(db, corpId, row.msgid, { bytes, contentType, qr: qr ?? '' })) return false;
        if (qr) await this.tellListeners(db, corpId, row.msgid, qr);
        return true;
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = err instanceof MediaTooLarge ? 'too_large' as const : row.attempts >= MEDIA_ATTEMPTS ? 'failed' as const : null;
      this.log.warn({ corpId, msgid: row.msgid, attempt: row.attempts, final, err: message }, 'archive: media download failed');
      await failMedia(this.pool, corpId, row.msgid, message, { final, retryAt: new Date(Date.now() + RETRY_AFTER_MS) });
      return false;
    }
  }

  /** GetMediaData piece by piece (indexbuf), stopping past `limit`. */
  private async download(source: ArchiveSource, sdkfileid: string, limit: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    let indexbuf = '';
    for (let i = 0; i < MAX_PIECES; i++) {
      const piece = await source.media(sdkfileid, indexbuf);
      size += piece.data.length;
      if (size > limit) throw new MediaTooLarge(`the file is over the limit of ${limit} bytes`);
      parts.push(piece.data);
      if (piece.isFinish) return Buffer.concat(parts);
      indexbuf = piece.outindexbuf;
    }
    throw new Error(`GetMediaData did not finish in ${MAX_PIECES} pieces`);
  }

  /** The message, now with the QR code's text, to the listeners that look at files (moderation's QR rule). */
  private async tellListeners(db: pg.PoolClient, corpId: string, msgid: string, qr: string): Promise<void> {
    const m = await messageByMsgid(db, corpId, msgid);
    if (!m) return;
    const stored = toStored(m);
    const withQr = { ...stored, payload: { ...stored.payload, qr_text: qr } };
    for (const l of this.listeners()) if (l.onMedia) await l.onMedia(db, corpId, [withQr]);
  }
}
