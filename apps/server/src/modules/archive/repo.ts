// SQL of the chat archive: storing a batch (new rows only), recalls, the daily "spoke" timeline events, the cursor,
// and the reads — every read narrowed by the caller's scope (platform/resources.ts): a group's messages by the group,
// a 1:1 chat's by its member.
import type pg from 'pg';
import type { ArchiveMsgType } from '@pond/contracts/archive';
import type { Scope } from '../../platform/auth';
import type { Row } from '../../platform/db/rows';
import { chatIdVisibleSql, staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';
import type { StoredMessage } from './listener';

type Db = Pick<pg.PoolClient, 'query'>;
export type MessageRow = Row<'archived_messages'>;

export interface NewMessage {
  msgid: string; seq: number; action: string; type: string; sender: string; senderKind: string; chatId: string | null; peer: string | null;
  externalUserid: string | null; userid: string | null; sentAt: Date; text: string; searchText: string; payload: Record<string, unknown>;
}

export const toStored = (r: MessageRow): StoredMessage => ({
  id: r.id, corpId: r.corp_id, msgid: r.msgid, seq: r.seq, action: r.action as StoredMessage['action'], type: r.type as ArchiveMsgType,
  sender: r.sender, senderKind: r.sender_kind as StoredMessage['senderKind'], chatId: r.chat_id, peer: r.peer, sentAt: r.sent_at, text: r.text, payload: r.payload,
});

/** Inserts the batch; returns only the rows that were new (a message pulled again after a crash is not). */
export async function insertMessages(db: Db, corpId: string, list: NewMessage[]): Promise<MessageRow[]> {
  if (list.length === 0) return [];
  const col = <K extends keyof NewMessage>(k: K) => list.map((m) => m[k]);
  const { rows } = await db.query<MessageRow>(
    `INSERT INTO archived_messages (corp_id, msgid, seq, action, type, sender, sender_kind, chat_id, peer, external_userid, userid, sent_at, text, search_text, payload)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                              $12::timestamptz[], $13::text[], $14::text[], $15::jsonb[])
     ON CONFLICT (corp_id, msgid) DO NOTHING
     RETURNING *`,
    [corpId, col('msgid'), col('seq'), col('action'), col('type'), col('sender'), col('senderKind'), col('chatId'), col('peer'), col('externalUserid'), col('userid'),
      col('sentAt'), col('text'), col('searchText'), list.map((m) => JSON.stringify(m.payload))],
  );
  return rows.sort((a, b) => a.seq - b.seq);
}

/** Revoke lines mark the message they recall (kept, shown as recalled: what was said stays on record, as in WeCom's archive). */
export async function markRecalled(db: Db, corpId: string, recalls: { preMsgid: string; at: Date }[]): Promise<void> {
  if (recalls.length === 0) return;
  await db.query(
    `UPDATE archived_messages m SET recalled_at = r.at FROM unnest($2::text[], $3::timestamptz[]) AS r(msgid, at)
      WHERE m.corp_id = $1 AND m.msgid = r.msgid AND m.recalled_at IS NULL`,
    [corpId, recalls.map((r) => r.preMsgid), recalls.map((r) => r.at)]);
}

/**
 * The timeline: a customer's first line of the corp day in a group (`message.group`, per group) and in a 1:1 chat with
 * a member (`message.private`, per member) — one event a day each, not one per message (dedupe_key), for customers Pond knows.
 */
export async function insertSpokeEvents(db: Db, corpId: string, rows: MessageRow[]): Promise<void> {
  const spoke = rows.filter((r) => r.sender_kind === 'customer' && r.action === 'send' && r.external_userid && r.type !== 'agree' && r.type !== 'disagree');
  if (spoke.length === 0) return;
  await db.query(
    `INSERT INTO customer_events (corp_id, external_userid, type, userid, chat_id, occurred_at, data, dedupe_key)
     SELECT $1, x.ext, CASE WHEN x.chat IS NULL THEN 'message.private' ELSE 'message.group' END, x.userid, x.chat, x.at,
            jsonb_build_object('msgType', x.type, 'preview', left(x.text, 60), 'msgid', x.msgid),
            'archive:' || CASE WHEN x.chat IS NULL THEN 'p:' || coalesce(x.userid, '') ELSE 'g:' || x.chat END || ':' || x.ext || ':'
              || to_char(x.at AT TIME ZONE co.timezone, 'YYYY-MM-DD')
       FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[]) AS x(ext, chat, userid, at, type, text, msgid)
       JOIN corps co ON co.id = $1
      WHERE EXISTS (SELECT 1 FROM customers c WHERE c.corp_id = $1 AND c.external_userid = x.ext)
     ON CONFLICT (corp_id, dedupe_key) DO NOTHING`,
    [corpId, spoke.map((r) => r.external_userid), spoke.map((r) => r.chat_id), spoke.map((r) => (r.chat_id ? null : r.userid)), spoke.map((r) => r.sent_at),
      spoke.map((r) => r.type), spoke.map((r) => r.text), spoke.map((r) => r.msgid)]);
}

export async function ensureCursor(db: Db, corpId: string): Promise<void> {
  await db.query('INSERT INTO archive_cursors (corp_id) VALUES ($1) ON CONFLICT (corp_id) DO NOTHING', [corpId]);
}

/** The cursor, locked for this transaction; null when another worker holds it (it is pulling this corp now). */
export async function lockCursor(db: Db, corpId: string): Promise<number | null> {
  const { rows } = await db.query<Pick<Row<'archive_cursors'>, 'seq'>>('SELECT seq FROM archive_cursors WHERE corp_id = $1 FOR UPDATE SKIP LOCKED', [corpId]);
  return rows[0]?.seq ?? null;
}

export async function advanceCursor(db: Db, corpId: string, seq: number, stored: number, skipped: number): Promise<void> {
  await db.query(
    `UPDATE archive_cursors SET seq = greatest(seq, $2), stored = stored + $3, skipped_no_consent = skipped_no_consent + $4, pulled_at = now(), last_error = NULL, updated_at = now()
      WHERE corp_id = $1`, [corpId, seq, stored, skipped]);
}

export async function recordPullError(db: Db, corpId: string, message: string): Promise<void> {
  await db.query('UPDATE archive_cursors SET last_error = $2, pulled_at = now(), updated_at = now() WHERE corp_id = $1', [corpId, message.slice(0, 500)]);
}

/** Corps whose archive is on (the periodic pull and the purge). */
export async function enabledCorps(db: Db): Promise<{ corpId: string; retentionDays: number | null }[]> {
  const { rows } = await db.query<Pick<Row<'archive_settings'>, 'corp_id' | 'retention_days'>>('SELECT corp_id, retention_days FROM archive_settings WHERE enabled');
  return rows.map((r) => ({ corpId: r.corp_id, retentionDays: r.retention_days }));
}

/** Deletes messages older than the corp's retention, in chunks (a big first purge does not hold one long transaction). */
export async function purgeOlderThan(db: Db, corpId: string, days: number, chunk = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    // The messages' files go with them.
    const r = await db.query(
      `WITH gone AS (
         DELETE FROM archived_messages WHERE id IN (
           SELECT id FROM archived_messages WHERE corp_id = $1 AND sent_at < now() - make_interval(days => $2) LIMIT $3) RETURNING msgid),
       files AS (DELETE FROM archive_media WHERE corp_id = $1 AND msgid IN (SELECT msgid FROM gone))
       SELECT count(*)::int AS n FROM gone`, [corpId, days, chunk]);
    r.rowCount = (r.rows[0] as { n: number }).n;
    total += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < chunk) return total;
  }
}

// ---- reads ----

export interface MessageFilter {
  id?: number; before?: number; limit: number; words?: string[]; chatId?: string; externalUserid?: string; userid?: string; type?: string;
  kind?: 'group' | 'private'; from?: Date; to?: Date;
}

/** A message the scope sees: a group's line where it sees the group, a 1:1 line where it sees the member. */
export function messageVisibleSql(scope: Scope, p: Params, alias = 'm'): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  return `(CASE WHEN ${alias}.chat_id IS NOT NULL THEN ${chatIdVisibleSql(scope, p, `${alias}.chat_id`, `${alias}.corp_id`)}
               ELSE ${alias}.userid IS NOT NULL AND ${staffUseridVisibleSql(scope, p, `${alias}.userid`, `${alias}.corp_id`)} END)`;
}

export type ListedRow = MessageRow & {
  sender_name: string | null; chat_name: string | null;
  media_status: string | null; media_size: number | null; media_type: string | null; media_filename: string | null; media_qr: string | null;
};

export async function listMessages(db: Db, scope: Scope, f: MessageFilter): Promise<ListedRow[]> {
  const p = new Params();
  const conds = [`m.corp_id = ${p.add(scope.corpId)}`, messageVisibleSql(scope, p)];
  if (f.id) conds.push(`m.id = ${p.add(f.id)}`);
  if (f.before) conds.push(`m.id < ${p.add(f.before)}`);
  if (f.chatId) conds.push(`m.chat_id = ${p.add(f.chatId)}`);
  if (f.externalUserid) conds.push(`m.external_userid = ${p.add(f.externalUserid)}`);
  if (f.userid) conds.push(`m.userid = ${p.add(f.userid)}`);
  if (f.type) conds.push(`m.type = ${p.add(f.type)}`);
  if (f.kind === 'group') conds.push('m.chat_id IS NOT NULL');
  if (f.kind === 'private') conds.push('m.chat_id IS NULL');
  if (f.from) conds.push(`m.sent_at >= ${p.add(f.from)}`);
  if (f.to) conds.push(`m.sent_at < ${p.add(f.to)}`);
  if (f.words?.length) conds.push(`to_tsvector('simple', m.search_text) @@ plainto_tsquery('simple', ${p.add(f.words.join(' '))})`);
  const { rows } = await db.query<ListedRow>(
    `SELECT m.*, coalesce(s.name, c.name) AS sender_name, g.name AS chat_name,
            am.status AS media_status, am.size AS media_size, am.content_type AS media_type, am.filename AS media_filename, am.qr AS media_qr
       FROM archived_messages m
       LEFT JOIN archive_media am ON am.corp_id = m.corp_id AND am.msgid = m.msgid
       LEFT JOIN staff s ON m.sender_kind = 'staff' AND s.corp_id = m.corp_id AND s.userid = m.sender
       LEFT JOIN customers c ON m.sender_kind = 'customer' AND c.corp_id = m.corp_id AND c.external_userid = m.sender
       LEFT JOIN groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
      WHERE ${conds.join(' AND ')}
      ORDER BY m.id DESC LIMIT ${p.add(f.limit)}`,
    p.values);
  return rows;
}

// ---- media (GetMediaData) ----

/** Queues the files of new messages for download (once per message: the key is the message). */
export async function queueMedia(db: Db, corpId: string, files: { msgid: string; kind: string; sdkfileid: string; declaredSize: number | null; filename: string | null }[]): Promise<number> {
  if (!files.length) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO archive_media (corp_id, msgid, kind, sdkfileid, declared_size, filename)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) ON CONFLICT DO NOTHING`,
    [corpId, files.map((f) => f.msgid), files.map((f) => f.kind), files.map((f) => f.sdkfileid), files.map((f) => f.declaredSize), files.map((f) => f.filename)]);
  return rowCount ?? 0;
}

export type MediaRow = Pick<Row<'archive_media'>, 'msgid' | 'kind' | 'sdkfileid' | 'declared_size' | 'attempts' | 'filename'>;

/**
 * Claims due files of the corp: one attempt each is counted and the row leased (next_at moves on) in the claiming
 * statement, so two workers never fetch the same file at once and a crashed worker's file comes due again.
 */
export async function claimMedia(db: Db, corpId: string, limit: number, leaseSeconds: number, maxAttempts: number): Promise<MediaRow[]> {
  // A row whose lease ran out after its last allowed try (the process died mid-fetch: failMedia never ran) is given up
  // here, so a file that kills its fetcher does not come back every lease forever.
  await db.query(
    `UPDATE archive_media SET status = 'failed', last_error = 'gave up: the last fetch never finished'
      WHERE corp_id = $1 AND status = 'pending' AND next_at <= now() AND attempts >= $2`, [corpId, maxAttempts]);
  const { rows } = await db.query<MediaRow>(
    `UPDATE archive_media a SET attempts = a.attempts + 1, next_at = now() + make_interval(secs => $3)
      WHERE (a.corp_id, a.msgid) IN (
        SELECT corp_id, msgid FROM archive_media WHERE corp_id = $1 AND status = 'pending' AND next_at <= now() ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING a.msgid, a.kind, a.sdkfileid, a.declared_size, a.attempts, a.filename`, [corpId, limit, leaseSeconds]);
  return rows;
}

/** The file is stored (once: only a pending row takes it). */
export async function storeMedia(db: Db, corpId: string, msgid: string, f: { bytes: Buffer; contentType: string; qr: string | null }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE archive_media SET status = 'stored', bytes = $3, size = $4, content_type = $5, qr = $6, fetched_at = now(), last_error = NULL
      WHERE corp_id = $1 AND msgid = $2 AND status = 'pending'`, [corpId, msgid, f.bytes, f.bytes.length, f.contentType, f.qr]);
  return (rowCount ?? 0) > 0;
}

/** A try failed: again at `retryAt`, or given up (`final`: failed / too_large). */
export async function failMedia(db: Db, corpId: string, msgid: string, error: string, next: { final: 'failed' | 'too_large' | null; retryAt: Date }): Promise<void> {
  await db.query(
    `UPDATE archive_media SET status = coalesce($4, status), last_error = $3, next_at = $5
      WHERE corp_id = $1 AND msgid = $2 AND status = 'pending'`, [corpId, msgid, error.slice(0, 500), next.final, next.retryAt]);
}

/** Corps with files due. */
export async function corpsWithDueMedia(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ corp_id: string }>(`SELECT DISTINCT corp_id FROM archive_media WHERE status = 'pending' AND next_at <= now()`);
  return rows.map((r) => r.corp_id);
}

/** The stored bytes of a message's file, or a slice of them (`from` 0-based, `length` bytes: a Range request). */
export async function mediaBytes(db: Db, corpId: string, msgid: string, slice?: { from: number; length: number }): Promise<Buffer | null> {
  const { rows } = await db.query<{ bytes: Buffer | null }>(
    slice
      ? `SELECT substring(bytes FROM $3 FOR $4) AS bytes FROM archive_media WHERE corp_id = $1 AND msgid = $2 AND status = 'stored'`
      : `SELECT bytes FROM archive_media WHERE corp_id = $1 AND msgid = $2 AND status = 'stored'`,
    slice ? [corpId, msgid, slice.from + 1, slice.length] : [corpId, msgid]);
  return rows[0]?.bytes ?? null;
}

export async function messageByMsgid(db: Db, corpId: string, msgid: string): Promise<MessageRow | null> {
  const { rows } = await db.query<MessageRow>('SELECT * FROM archived_messages WHERE corp_id = $1 AND msgid = $2', [corpId, msgid]);
  return rows[0] ?? null;
}
