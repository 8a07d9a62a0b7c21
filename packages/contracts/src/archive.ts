// The chat archive (会话内容存档): messages WeCom's Finance SDK delivers (through Pond's sidecar, or the simulator's
// archive interface in demo), as Pond stores and shows them. Shared by the archive module (ingest, search, the
// customer 360 and group pages) and the modules that act on messages (FAQ answers, moderation) — see
// apps/server/src/modules/archive/listener.ts for how those receive each new message exactly once.
import { z } from 'zod';
import { DateTime } from './common';

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
