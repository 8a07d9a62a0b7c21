// The chat archive (会话内容存档): messages WeCom's Finance SDK delivers (through Pond's sidecar, or the simulator's
// archive interface in demo), as Pond stores and shows them. Shared by the archive module (ingest, search, the
// customer 360 and group pages) and the modules that act on messages (FAQ answers, moderation) — see
// apps/server/src/modules/archive/listener.ts for how those receive each new message exactly once.
import { z } from 'zod';
import { ChatId, DateTime, ExternalUserid, HttpUrl, Int4, List, RequiredText, RowIdParam, Text, Userid } from './common';

/** Message types Pond keeps (WeCom's msgtype); anything else is stored as `other` with its raw payload. */
export const ARCHIVE_MSG_TYPES = ['text', 'image', 'link', 'weapp', 'card', 'revoke', 'agree', 'disagree', 'voice', 'video', 'file', 'emotion', 'location', 'mixed', 'other'] as const;
export type ArchiveMsgType = (typeof ARCHIVE_MSG_TYPES)[number];

/** WeCom's action: a message sent, recalled, or a switch of the archiving state. */
export const ARCHIVE_ACTIONS = ['send', 'recall', 'switch'] as const;
export type ArchiveAction = (typeof ARCHIVE_ACTIONS)[number];

/** Who sent it: a staff member (userid), a customer (external userid, wm…/wo…), or a robot / unknown. */
export const ARCHIVE_SENDER_KINDS = ['staff', 'customer', 'other'] as const;
export type ArchiveSenderKind = (typeof ARCHIVE_SENDER_KINDS)[number];

export const ArchivedMessage = z.object({
  msgid: z.string(),
  /** The Finance SDK's sequence number the message came with (the ingest cursor). */
  seq: z.number(),
  action: z.enum(ARCHIVE_ACTIONS),
  type: z.enum(ARCHIVE_MSG_TYPES),
  sender: z.string(),
  senderKind: z.enum(ARCHIVE_SENDER_KINDS),
  /** The customer group (roomid) for a group message; null for a 1:1 chat. */
  chatId: z.string().nullable(),
  /** The other party of a 1:1 chat (userid or external userid); null in a group. */
  peer: z.string().nullable(),
  sentAt: DateTime,
  /** Searchable text: the text itself, a link's title and description, a card's name, a mini-program's title… */
  text: z.string(),
  /** The type's own fields as WeCom gave them (link url, weapp appid, image sdkfileid, the recalled msgid…). */
  payload: z.record(z.string(), z.unknown()),
});
export type ArchivedMessage = z.infer<typeof ArchivedMessage>;

/** Archived message types that carry a file (`sdkfileid`) Pond downloads through GetMediaData. */
export const ARCHIVE_MEDIA_TYPES = ['image', 'voice', 'video', 'file', 'emotion'] as const;
export type ArchiveMediaType = (typeof ARCHIVE_MEDIA_TYPES)[number];
/** The raster images the media route sends inline (never SVG): the console shows these as pictures, any other file is a download. */
export const ARCHIVE_INLINE_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
/** The most Pond downloads and keeps of one archived file, per type (bytes): a larger one is recorded as too_large. */
export const ARCHIVE_MEDIA_LIMITS = {
  image: 10 * 1024 * 1024, voice: 2 * 1024 * 1024, video: 20 * 1024 * 1024, file: 20 * 1024 * 1024, emotion: 2 * 1024 * 1024,
} as const satisfies Record<ArchiveMediaType, number>;
export const ARCHIVE_MEDIA_STATUSES = ['pending', 'stored', 'too_large', 'failed'] as const;
/** An archived message's file as the message views show it (fetch the bytes from /api/archive/messages/{id}/media). */
export const ArchiveMediaView = z.object({
  status: z.enum(ARCHIVE_MEDIA_STATUSES),
  size: z.number().nullable(),
  contentType: z.string().nullable(),
  filename: z.string().nullable(),
  /** The text of a QR code found in the image (moderation's QR rule), null when none. */
  qr: z.string().nullable(),
});
export type ArchiveMediaView = z.infer<typeof ArchiveMediaView>;

// ---- the console's and the API's view (issue 16) ---------------------------------------------------

/** An archived message as the console shows it: the message, its row id, and names for people and the group. */
export const ArchivedMessageView = ArchivedMessage.extend({
  id: z.number(),
  senderName: z.string().nullable(),
  /** The customer the message is with or from (1:1 or their line in a group), for the 360 link. */
  externalUserid: z.string().nullable(),
  /** The staff member of a 1:1 chat (the scope a message is seen through), or the group's line's sender when staff. */
  userid: z.string().nullable(),
  chatName: z.string().nullable(),
  /** A recalled message: the revoke line came after it. */
  recalled: z.boolean(),
  /** The message's file (image, voice, video, file, emotion) as downloaded; null for other types. */
  media: ArchiveMediaView.nullable(),
});
export type ArchivedMessageView = z.infer<typeof ArchivedMessageView>;

export const ArchiveMessageList = z.object({
  items: z.array(ArchivedMessageView),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: z.number().nullable(),
});
export type ArchiveMessageList = z.infer<typeof ArchiveMessageList>;

/** The newest first, `before` a row id for the next page. */
export const ArchivePageQuery = z.object({
  before: RowIdParam.optional(),
  limit: z.coerce.number().int().min(1, 'must be ≥ 1').max(200, 'must be ≤ 200').default(50),
});

/** Search: words (Chinese segmented like the stored text), and filters. */
export const ArchiveSearchQuery = ArchivePageQuery.extend({
  q: Text(100).optional(),
  chatId: ChatId.optional(),
  externalUserid: ExternalUserid.optional(),
  userid: Userid.optional(),
  type: z.enum(ARCHIVE_MSG_TYPES).optional(),
  /** Only group messages (group) or only 1:1 (private). */
  scope: z.enum(['group', 'private']).optional(),
  from: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional(),
});
export type ArchiveSearchQuery = z.input<typeof ArchiveSearchQuery>;

/** A private key (PEM) for the public key version (`publickey_ver`) WeCom encrypted with. */
export const ArchivePrivateKeyInput = z.object({
  version: Int4(1),
  privateKey: RequiredText(8000),
});

/** The corp's archive settings as shown: secrets and keys are never returned, only whether they are set. */
export const ArchiveSettings = z.object({
  enabled: z.boolean(),
  /** The sidecar's base URL (POST <url>/pull, <url>/decrypt); the simulator's /sim/msgaudit in demo. */
  sidecarUrl: z.string().nullable(),
  secretSet: z.boolean(),
  sidecarTokenSet: z.boolean(),
  keyVersions: z.array(z.number()),
  /** Days messages are kept (the nightly purge); null keeps them. */
  retentionDays: z.number().nullable(),
  /** The ingest cursor: the last seq stored, counts, and the last pull's outcome. */
  cursor: z.object({
    seq: z.number(),
    stored: z.number(),
    skippedNoConsent: z.number(),
    pulledAt: DateTime.nullable(),
    lastError: z.string().nullable(),
  }),
  updatedAt: DateTime.nullable(),
});
export type ArchiveSettings = z.infer<typeof ArchiveSettings>;

export const ArchiveSettingsBody = z.strictObject({
  enabled: z.boolean().optional(),
  sidecarUrl: HttpUrl('must be the sidecar\'s http(s) URL').refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://').nullable().optional(),
  /** The 会话内容存档 secret (Init of the SDK, and msgaudit/* calls). */
  secret: RequiredText(200).nullable().optional(),
  /** Sent to the sidecar as `Authorization: Bearer <token>` when set. */
  sidecarToken: RequiredText(200).nullable().optional(),
  /** Keys to add or replace by version; `removeKeyVersions` drops some. */
  privateKeys: List(ArchivePrivateKeyInput, 10).optional(),
  removeKeyVersions: List(Int4(1), 10).optional(),
  retentionDays: Int4(1, 3650).nullable().optional(),
});
export type ArchiveSettingsBody = z.infer<typeof ArchiveSettingsBody>;

/** What a pull did (the console's "pull now", tests). */
export const ArchivePullResult = z.object({
  pulled: z.number(),
  stored: z.number(),
  skippedNoConsent: z.number(),
  seq: z.number(),
});
export type ArchivePullResult = z.infer<typeof ArchivePullResult>;

