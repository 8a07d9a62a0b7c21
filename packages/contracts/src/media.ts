// Files for messages (welcome and group-welcome attachments): uploaded to WeCom through Pond. An image gets
// WeCom's permanent pic_url; a video or file a media_id that Pond re-uploads before WeCom's 3 days run out.
import { z } from 'zod';
import { DateTime, ItemsOf } from './common';

export const MEDIA_KINDS = ['image', 'video', 'file'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
/** WeCom's size limits, in bytes. */
export const MEDIA_LIMITS = { image: 2 * 1024 * 1024, video: 10 * 1024 * 1024, file: 20 * 1024 * 1024 } as const satisfies Record<MediaKind, number>;

/** `POST /api/media?kind=&filename=`; the file is the request body, sent with its own Content-Type. */
export const MediaUploadQuery = z.object({
  kind: z.enum(MEDIA_KINDS, { message: 'must be image, video or file' }),
  filename: z.string().trim().min(1, 'is required').max(120),
});
export type MediaUploadQuery = z.input<typeof MediaUploadQuery>;

export const MediaAsset = z.object({
  id: z.number(),
  kind: z.enum(MEDIA_KINDS),
  filename: z.string(),
  /** An image's permanent URL (null for videos and files). */
  picUrl: z.string().nullable(),
  /** A video's or file's current media id (null for images). */
  mediaId: z.string().nullable(),
  /** When WeCom drops the media id (Pond re-uploads before then). */
  expiresAt: DateTime.nullable(),
});
export type MediaAsset = z.input<typeof MediaAsset>;
export type MediaAssetOutput = z.output<typeof MediaAsset>;
export const MediaAssetList = ItemsOf(MediaAsset);
