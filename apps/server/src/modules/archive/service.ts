// Reads of the archive for the console: search (jieba words against the stored words), a customer's messages (the
// 360's 会话 tab), a group's messages — each narrowed to what the caller's scope sees.
import type pg from 'pg';
import type { z } from 'zod';
import type { ArchiveMessageList, ArchivePageQuery, ArchiveSearchQuery } from '@pond/contracts/archive';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { listMessages, mediaBytes, type ListedRow, type MessageFilter } from './repo';
import { queryWords } from './segment';

type SearchQuery = z.output<typeof ArchiveSearchQuery>;
type PageQuery = z.output<typeof ArchivePageQuery>;

const view = (r: ListedRow) => ({
  id: r.id, msgid: r.msgid, seq: r.seq, action: r.action as 'send', type: r.type as 'text', sender: r.sender, senderKind: r.sender_kind as 'staff',
  chatId: r.chat_id, peer: r.peer, sentAt: r.sent_at, text: r.text, payload: r.payload,
  senderName: r.sender_name, externalUserid: r.external_userid, userid: r.userid, chatName: r.chat_name, recalled: r.recalled_at !== null,
  media: r.media_status
    ? { status: r.media_status as 'stored', size: r.media_size === null ? null : Number(r.media_size), contentType: r.media_type, filename: r.media_filename, qr: r.media_qr || null }
    : null,
});

export class ArchiveService {
  constructor(private pool: pg.Pool) {}

  private async page(scope: Scope, f: MessageFilter): Promise<ArchiveMessageList> {
    const rows = await listMessages(this.pool, scope, f);
    return { items: rows.map(view), nextBefore: rows.length === f.limit ? rows[rows.length - 1].id : null };
  }

  search(scope: Scope, s: SearchQuery): Promise<ArchiveMessageList> {
    const words = s.q ? queryWords(s.q) : [];
    // A query of punctuation only finds nothing rather than everything.
    if (s.q?.trim() && words.length === 0) return Promise.resolve({ items: [], nextBefore: null });
    return this.page(scope, {
      before: s.before, limit: s.limit, words, chatId: s.chatId, externalUserid: s.externalUserid, userid: s.userid, type: s.type, kind: s.scope,
      from: s.from ? new Date(s.from) : undefined, to: s.to ? new Date(s.to) : undefined,
    });
  }

  ofCustomer(scope: Scope, externalUserid: string, q: PageQuery): Promise<ArchiveMessageList> {
    return this.page(scope, { before: q.before, limit: q.limit, externalUserid });
  }

  ofGroup(scope: Scope, chatId: string, q: PageQuery): Promise<ArchiveMessageList> {
    return this.page(scope, { before: q.before, limit: q.limit, chatId });
  }

  /**
   * A message's downloaded file, when the scope sees the message: what it is, and its bytes (all, or a slice for a
   * Range request) read only when wanted — a revalidation answered 304 reads none.
   */
  async media(scope: Scope, id: number): Promise<StoredFile> {
    const [m] = await listMessages(this.pool, scope, { id, limit: 1 });
    if (!m) throw AppError.notFound(`message ${id}`);
    if (m.media_status !== 'stored' || m.media_size === null) throw AppError.notFound(`the file of message ${id} (${m.media_status ?? 'none'})`);
    const size = Number(m.media_size);
    return {
      id, kind: m.type, size, contentType: m.media_type, filename: m.media_filename,
      // The bytes of a stored file never change (only a pending row takes them), and a message's row id is never reused.
      etag: `"archive-${id}-${size}"`,
      bytes: async (slice) => {
        // Gone since (the retention purge): as if it had never been.
        const b = await mediaBytes(this.pool, scope.corpId, m.msgid, slice);
        if (!b) throw AppError.notFound(`the file of message ${id}`);
        return b;
      },
    };
  }
}

export interface StoredFile {
  id: number;
  /** The message's type (image, voice, video, file, emotion). */
  kind: string;
  size: number;
  contentType: string | null;
  filename: string | null;
  etag: string;
  bytes(slice?: { from: number; length: number }): Promise<Buffer>;
}
