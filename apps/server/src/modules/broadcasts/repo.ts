// Broadcasts' SQL: the broadcast rows, the audience as one query (customers with an active relation and the staff
// member who sends to each; groups with their owner), targets and per-sender sends, and the results WeCom reports.
import type pg from 'pg';
import { withTransaction } from '../../platform/db';
import type { Audience, BroadcastKind, BroadcastListQuery, BroadcastStatus, BroadcastTargetStatus } from '@pond/contracts/broadcasts';
import type { Content } from '@pond/contracts/content';
import type { SkipReason } from '@pond/contracts/governance';
import type { Cols, Row } from '../../platform/db/rows';
import { Params } from '../../platform/sql';

type Db = Pick<pg.PoolClient, 'query'>;

export interface BroadcastRow extends Row<'broadcasts'> {
  sent: number; unsent: number; not_friend: number; over_cap: number; senders: number; confirmed_senders: number;
}

const RESULTS = `
  (SELECT count(*) FILTER (WHERE t.status = 'sent') FROM broadcast_targets t WHERE t.broadcast_id = b.id)::int AS sent,
  (SELECT count(*) FILTER (WHERE t.status IN ('unsent', 'planned')) FROM broadcast_targets t WHERE t.broadcast_id = b.id)::int AS unsent,
  (SELECT count(*) FILTER (WHERE t.status = 'not_friend') FROM broadcast_targets t WHERE t.broadcast_id = b.id)::int AS not_friend,
  (SELECT count(*) FILTER (WHERE t.status = 'over_cap') FROM broadcast_targets t WHERE t.broadcast_id = b.id)::int AS over_cap,
  (SELECT count(DISTINCT s.sender_userid) FROM broadcast_sends s WHERE s.broadcast_id = b.id)::int AS senders,
  (SELECT count(DISTINCT s.sender_userid) FILTER (WHERE s.status = 'sent') FROM broadcast_sends s WHERE s.broadcast_id = b.id)::int AS confirmed_senders`;

export async function insertBroadcast(db: Db, corpId: string, b: {
  kind: BroadcastKind; name: string; content: Content; audience: Audience; scheduledAt: Date | null; remindAfter: number[]; createdBy: string; createdByKey: string;
}): Promise<number> {
  const { rows: [r] } = await db.query<Cols<'broadcasts', 'id'>>(
    `INSERT INTO broadcasts (corp_id, kind, name, content, audience, scheduled_at, remind_after, status, created_by, created_by_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9) RETURNING id`,
    [corpId, b.kind, b.name, JSON.stringify(b.content), JSON.stringify(b.audience), b.scheduledAt, b.remindAfter, b.createdBy, b.createdByKey]);
  return r.id;
}

export async function updateBroadcast(db: Db, corpId: string, id: number, patch: { name?: string; content?: Content; audience?: Audience; scheduledAt?: Date | null; remindAfter?: number[] }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE broadcasts SET name = coalesce($3, name), content = coalesce($4, content), audience = coalesce($5, audience),
            scheduled_at = CASE WHEN $6 THEN $7 ELSE scheduled_at END, remind_after = coalesce($8, remind_after), updated_at = now()
      WHERE corp_id = $1 AND id = $2 AND status = 'draft'`,
    [corpId, id, patch.name ?? null, patch.content ? JSON.stringify(patch.content) : null, patch.audience ? JSON.stringify(patch.audience) : null,
      patch.scheduledAt !== undefined, patch.scheduledAt ?? null, patch.remindAfter ?? null]);
  return (rowCount ?? 0) > 0;
}

export async function getBroadcast(db: Db, corpId: string, id: number): Promise<BroadcastRow | null> {
  const { rows } = await db.query<BroadcastRow>(`SELECT b.*, ${RESULTS} FROM broadcasts b WHERE b.corp_id = $1 AND b.id = $2`, [corpId, id]);
  return rows[0] ?? null;
}

/** The broadcast row alone (no results: those count its targets), for the work that issues and polls it. */
export async function getBroadcastRow(db: Db, corpId: string, id: number): Promise<Row<'broadcasts'> | null> {
  const { rows } = await db.query<Row<'broadcasts'>>('SELECT * FROM broadcasts WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows[0] ?? null;
}

export async function listBroadcasts(db: Db, corpId: string, q: BroadcastListQuery & { limit: number; offset: number }): Promise<{ rows: BroadcastRow[]; total: number }> {
  const p = new Params();
  const conds = [`b.corp_id = ${p.add(corpId)}`];
  if (q.kind) conds.push(`b.kind = ${p.add(q.kind)}`);
  if (q.status) conds.push(`b.status = ${p.add(q.status)}`);
  const where = conds.join(' AND ');
  const countValues = [...p.values];
  const { rows } = await db.query<BroadcastRow>(
    `SELECT b.*, ${RESULTS} FROM broadcasts b WHERE ${where} ORDER BY b.created_at DESC, b.id DESC LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM broadcasts b WHERE ${where}`, countValues);
  return { rows, total: n?.n ?? 0 };
}

/** Moves a broadcast from one of `from` to `to`; false when it was in another status (a race lost, or already done). */
export async function setStatus(db: Db, corpId: string, id: number, from: BroadcastStatus[], to: BroadcastStatus, extra: { override?: { by: string; reason: string } | null; error?: string | null; sentAt?: boolean } = {}): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE broadcasts SET status = $4, updated_at = now(),
            override_by = CASE WHEN $5 THEN $6 ELSE override_by END, override_reason = CASE WHEN $5 THEN $7 ELSE override_reason END,
            error = CASE WHEN $8 THEN $9 ELSE error END, sent_at = CASE WHEN $10 THEN now() ELSE sent_at END
      WHERE corp_id = $1 AND id = $2 AND status = ANY($3::text[])`,
    [corpId, id, from, to, extra.override !== undefined, extra.override?.by ?? null, extra.override?.reason ?? null, extra.error !== undefined, extra.error ?? null, !!extra.sentAt]);
  return (rowCount ?? 0) > 0;
}

export async function deleteDraft(db: Db, corpId: string, id: number): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM broadcasts WHERE corp_id = $1 AND id = $2 AND status = 'draft'`, [corpId, id]);
  return (rowCount ?? 0) > 0;
}

/** The SQL for a customer audience: rows (target_id, sender) — the sender is the active relation most recently added
 *  (of the listed staff, when limited), among active staff; null when the customer has none. */
export async function customerAudienceSql(corpId: string, a: Audience, p: Params, segment: (id: number, field: string) => Promise<string>): Promise<string> {
  const conds = [`c.corp_id = ${p.add(corpId)}`, 'c.active_follow_count > 0'];
  if (a.tagIds?.length) conds.push(a.tagMode === 'all' ? `c.tag_ids @> ${p.add(a.tagIds)}::text[]` : `c.tag_ids && ${p.add(a.tagIds)}::text[]`);
  if (a.segmentId) conds.push(await segment(a.segmentId, 'audience.segmentId'));
  if (a.externalUserids?.length) conds.push(`c.external_userid = ANY(${p.add(a.externalUserids)}::text[])`);
  if (a.staffUserids?.length) conds.push(`c.staff_ids && ${p.add(a.staffUserids)}::text[]`);
  if (a.excludeTagIds?.length) conds.push(`NOT (c.tag_ids && ${p.add(a.excludeTagIds)}::text[])`);
  if (a.excludeSegmentId) conds.push(`NOT (${await segment(a.excludeSegmentId, 'audience.excludeSegmentId')})`);
  const limit = a.staffUserids?.length ? `AND f.userid = ANY(${p.add(a.staffUserids)}::text[])` : '';
  // One row per customer: joined, then the newest active relation with an active staff member kept (DISTINCT ON).
  return `SELECT DISTINCT ON (c.external_userid) c.external_userid AS target_id, f.userid AS sender
            FROM customers c
            LEFT JOIN (follows f JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid AND s.status = 1)
                   ON f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active' ${limit}
           WHERE ${conds.join(' AND ')}
           ORDER BY c.external_userid, f.added_at DESC NULLS LAST, f.userid`;
}

/** The SQL for a group audience: active groups with their owner as the sender (null when the owner has left). */
export async function groupAudienceSql(corpId: string, a: Audience, p: Params, segment: (id: number, field: string) => Promise<string>): Promise<string> {
  const conds = [`g.corp_id = ${p.add(corpId)}`, `g.status = 'active'`];
  if (a.tiers?.length) conds.push(`g.tier = ANY(${p.add(a.tiers)}::text[])`);
  if (a.groupLabels?.length) conds.push(`g.labels && ${p.add(a.groupLabels)}::text[]`);
  if (a.groupSegmentId) conds.push(await segment(a.groupSegmentId, 'audience.groupSegmentId'));
  if (a.chatIds?.length) conds.push(`g.chat_id = ANY(${p.add(a.chatIds)}::text[])`);
  if (a.staffUserids?.length) conds.push(`g.owner_userid = ANY(${p.add(a.staffUserids)}::text[])`);
  if (a.excludeChatIds?.length) conds.push(`NOT (g.chat_id = ANY(${p.add(a.excludeChatIds)}::text[]))`);
  return `SELECT g.chat_id AS target_id,
                 (SELECT s.userid FROM staff s WHERE s.corp_id = g.corp_id AND s.userid = g.owner_userid AND s.status = 1) AS sender
            FROM groups g WHERE ${conds.join(' AND ')}`;
}

/** Runs an audience query. It reads whole sets (up to every customer of the corp): joined by hashing, whatever the
 * statistics say — right after a big import they are stale, and a nested loop over them is quadratic. */
export async function audience(pool: pg.Pool, sql: string, values: unknown[]): Promise<{ target_id: string; sender: string | null }[]> {
  return withTransaction(pool, async (db) => (await db.query<{ target_id: string; sender: string | null }>(`SELECT * FROM (${sql}) a ORDER BY 1`, values)).rows,
    `BEGIN; SET LOCAL jit = off; SET LOCAL enable_nestloop = off; SET LOCAL work_mem = '64MB'`);
}

export async function targetNames(db: Db, corpId: string, kind: BroadcastKind, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { rows } = kind === 'customer'
    ? await db.query<{ id: string; name: string }>('SELECT external_userid AS id, name FROM customers WHERE corp_id = $1 AND external_userid = ANY($2::text[])', [corpId, ids])
    : await db.query<{ id: string; name: string }>('SELECT chat_id AS id, name FROM groups WHERE corp_id = $1 AND chat_id = ANY($2::text[])', [corpId, ids]);
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function insertTargets(db: Db, corpId: string, broadcastId: number, t: { ids: string[]; senders: (string | null)[]; statuses: BroadcastTargetStatus[]; reasons: (SkipReason | null)[]; ledgerIds: (number | null)[] }): Promise<void> {
  await db.query(
    `INSERT INTO broadcast_targets (corp_id, broadcast_id, target_id, sender_userid, status, reason, ledger_id)
     SELECT $1, $2, x.id, x.sender, x.status, x.reason, x.ledger FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS x(id, sender, status, reason, ledger)
     ON CONFLICT DO NOTHING`, [corpId, broadcastId, t.ids, t.senders, t.statuses, t.reasons, t.ledgerIds]);
}

/**
 * Whether the broadcast has any target yet. Only a broadcast with none takes the one-pass first plan (insertPlanned);
 * any other — re-planned, or with targets left without sends by a plan that stopped midway — takes the path that adds
 * targets and then makes sends for every planned target still without one.
 */
export async function hasTargets(db: Db, broadcastId: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM broadcast_targets WHERE broadcast_id = $1 LIMIT 1', [broadcastId]);
  return rows.length > 0;
}

/**
 * A first plan's targets and sends in one pass (in the caller's transaction): the sends (one per sender and chunk,
 * chunks given by the caller) are made first, then every target is written once with its send — no second pass over
 * the targets to attach them. `chunks[i]` is null for a target that is not planned (skipped: no send).
 */
export async function insertPlanned(db: Db, corpId: string, broadcastId: number, t: { ids: string[]; senders: (string | null)[]; statuses: BroadcastTargetStatus[]; reasons: (SkipReason | null)[]; ledgerIds: (number | null)[]; chunks: (number | null)[] }): Promise<number> {
  const sends = new Map<string, { sender: string; chunk: number; n: number }>();
  t.chunks.forEach((c, i) => {
    const sender = t.senders[i];
    if (c === null || !sender) return;
    const k = `${sender}\u0000${c}`;
    const s = sends.get(k) ?? { sender, chunk: c, n: 0 };
    s.n++;
    sends.set(k, s);
  });
  const list = [...sends.values()];
  const { rows } = await db.query<{ id: number; sender_userid: string; chunk: number }>(
    `INSERT INTO broadcast_sends (corp_id, broadcast_id, sender_userid, chunk, status, target_count)
     SELECT $1, $2, x.sender, x.chunk, 'pending', x.n FROM unnest($3::text[], $4::int[], $5::int[]) AS x(sender, chunk, n)
     RETURNING id, sender_userid, chunk`, [corpId, broadcastId, list.map((x) => x.sender), list.map((x) => x.chunk), list.map((x) => x.n)]);
  const idOf = new Map(rows.map((r) => [`${r.sender_userid}\u0000${r.chunk}`, r.id]));
  const sendIds = t.chunks.map((c, i) => (c === null || !t.senders[i] ? null : idOf.get(`${t.senders[i]}\u0000${c}`) ?? null));
  for (let i = 0; i < t.ids.length; i += 50_000) {
    const end = i + 50_000;
    await db.query(
      `INSERT INTO broadcast_targets (corp_id, broadcast_id, target_id, sender_userid, status, reason, ledger_id, send_id)
       SELECT $1, $2, x.id, x.sender, x.status, x.reason, x.ledger, x.send
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[]) AS x(id, sender, status, reason, ledger, send)
       ON CONFLICT DO NOTHING`,
      [corpId, broadcastId, t.ids.slice(i, end), t.senders.slice(i, end), t.statuses.slice(i, end), t.reasons.slice(i, end), t.ledgerIds.slice(i, end), sendIds.slice(i, end)]);
  }
  return rows.length;
}

/** One send per sender and chunk of at most `size` planned targets; each target gets its send. */
export async function createSends(db: Db, corpId: string, broadcastId: number, size: number): Promise<number> {
  await db.query(
    `WITH base AS (
       -- New chunks of a sender continue after the ones it has (targets added by a later run: a quiet-hours deferral).
       SELECT sender_userid, max(chunk) + 1 AS next FROM broadcast_sends WHERE broadcast_id = $2 GROUP BY sender_userid
     ), n AS (
       SELECT t.target_id, t.sender_userid,
              coalesce(b.next, 0) + ((row_number() OVER (PARTITION BY t.sender_userid ORDER BY t.target_id) - 1) / $3)::int AS chunk
         FROM broadcast_targets t LEFT JOIN base b ON b.sender_userid = t.sender_userid
        WHERE t.broadcast_id = $2 AND t.status = 'planned' AND t.send_id IS NULL
     ), s AS (
       INSERT INTO broadcast_sends (corp_id, broadcast_id, sender_userid, chunk, status, target_count)
       SELECT $1, $2, sender_userid, chunk, 'pending', count(*) FROM n GROUP BY sender_userid, chunk
       ON CONFLICT (broadcast_id, sender_userid, chunk) DO NOTHING
       RETURNING id, sender_userid, chunk
     )
     UPDATE broadcast_targets t SET send_id = s.id FROM n JOIN s ON s.sender_userid = n.sender_userid AND s.chunk = n.chunk
      WHERE t.broadcast_id = $2 AND t.target_id = n.target_id`, [corpId, broadcastId, size]);
  const { rows: [r] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM broadcast_sends WHERE broadcast_id = $1', [broadcastId]);
  return r?.n ?? 0;
}

export async function sendsOf(db: Db, broadcastId: number): Promise<(Row<'broadcast_sends'> & { sender_name: string | null })[]> {
  const { rows } = await db.query<Row<'broadcast_sends'> & { sender_name: string | null }>(
    `SELECT s.*, st.name AS sender_name FROM broadcast_sends s LEFT JOIN staff st ON st.corp_id = s.corp_id AND st.userid = s.sender_userid
      WHERE s.broadcast_id = $1 ORDER BY s.sender_userid, s.chunk`, [broadcastId]);
  return rows;
}

/** Claims a pending send for issuing (or one left issuing by a process that is gone, after `staleMs`: `reclaimed`). */
export async function claimSend(db: Db, sendId: number, staleMs: number): Promise<(Row<'broadcast_sends'> & { reclaimed: boolean; prev_issuing_at: Date | null }) | null> {
  const { rows } = await db.query<Row<'broadcast_sends'> & { reclaimed: boolean; prev_issuing_at: Date | null }>(
    `WITH old AS (SELECT id, status, issuing_at FROM broadcast_sends WHERE id = $1 FOR UPDATE)
     UPDATE broadcast_sends s SET status = 'issuing', issuing_at = now() FROM old
      WHERE s.id = old.id AND (old.status = 'pending' OR (old.status = 'issuing' AND old.issuing_at < now() - make_interval(secs => $2 / 1000.0)))
      RETURNING s.*, old.status = 'issuing' AS reclaimed, old.issuing_at AS prev_issuing_at`, [sendId, staleMs]);
  return rows[0] ?? null;
}

export async function pendingSendIds(db: Db, broadcastId: number | null, staleMs: number, limit = 10_000): Promise<Cols<'broadcast_sends', 'id' | 'corp_id' | 'broadcast_id'>[]> {
  const { rows } = await db.query<Cols<'broadcast_sends', 'id' | 'corp_id' | 'broadcast_id'>>(
    `SELECT s.id, s.corp_id, s.broadcast_id FROM broadcast_sends s JOIN broadcasts b ON b.id = s.broadcast_id
      WHERE ($1::bigint IS NULL OR s.broadcast_id = $1) AND b.status = 'sending'
        AND (s.status = 'pending' OR (s.status = 'issuing' AND s.issuing_at < now() - make_interval(secs => $2 / 1000.0)))
      ORDER BY s.id LIMIT $3`, [broadcastId, staleMs, limit]);
  return rows;
}

export async function targetIdsOfSend(db: Db, sendId: number): Promise<string[]> {
  const { rows } = await db.query<Cols<'broadcast_targets', 'target_id'>>(`SELECT target_id FROM broadcast_targets WHERE send_id = $1 AND status = 'planned' ORDER BY target_id`, [sendId]);
  return rows.map((r) => r.target_id);
}

/** Records WeCom's msgid for a send being issued; false when the send was cancelled meanwhile (the caller withdraws it). */
export async function markIssued(db: Db, sendId: number, msgid: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE broadcast_sends SET status = 'issued', msgid = $2, issued_at = now(), errcode = NULL, error = NULL WHERE id = $1 AND status = 'issuing'`, [sendId, msgid]);
  return (rowCount ?? 0) > 0;
}

/** Whether the corp has a send whose add_msg_template may be in flight (its msgid not known yet). */
export async function anyIssuing(db: Db, corpId: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM broadcast_sends WHERE corp_id = $1 AND status = 'issuing' LIMIT 1`, [corpId]);
  return rows.length > 0;
}

export async function markSendFailed(db: Db, sendId: number, errcode: number | null, error: string): Promise<void> {
  await db.query(`UPDATE broadcast_sends SET status = 'failed', errcode = $2, error = $3 WHERE id = $1`, [sendId, errcode, error]);
}

/** Targets of a send set to a status (WeCom's answer); returns their ledger ids. */
export async function setTargets(db: Db, broadcastId: number, ids: string[], status: BroadcastTargetStatus, sentAt: (Date | null)[] | null, onlyPlanned = true): Promise<number[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<Cols<'broadcast_targets', 'ledger_id'>>(
    `UPDATE broadcast_targets t SET status = $3, sent_at = x.at FROM unnest($2::text[], $4::timestamptz[]) AS x(id, at)
      WHERE t.broadcast_id = $1 AND t.target_id = x.id AND ($5 = false OR t.status IN ('planned', 'unsent'))
      RETURNING t.ledger_id`, [broadcastId, ids, status, sentAt ?? ids.map(() => null), onlyPlanned]);
  return rows.map((r) => r.ledger_id).filter((x): x is number => x !== null);
}

/** Issued sends to poll (not polled in the last `everyMs`). */
export async function sendsToPoll(db: Db, everyMs: number, limit: number): Promise<Row<'broadcast_sends'>[]> {
  const { rows } = await db.query<Row<'broadcast_sends'>>(
    `UPDATE broadcast_sends SET polled_at = now() WHERE id IN (
       SELECT id FROM broadcast_sends WHERE status = 'issued' AND msgid IS NOT NULL
          AND (polled_at IS NULL OR polled_at < now() - make_interval(secs => $1 / 1000.0))
        ORDER BY polled_at NULLS FIRST LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING *`, [everyMs, limit]);
  return rows;
}

export async function markConfirmed(db: Db, sendId: number, counts: { sent: number; notFriend: number; overCap: number }, at: Date | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE broadcast_sends SET status = 'sent', confirmed_at = coalesce($5, now()), sent_count = $2, not_friend_count = $3, over_cap_count = $4
      WHERE id = $1 AND status = 'issued'`, [sendId, counts.sent, counts.notFriend, counts.overCap, at]);
  return (rowCount ?? 0) > 0;
}

export async function recordReminder(db: Db, sendId: number, expected: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE broadcast_sends SET reminders = reminders + 1, last_reminded_at = now() WHERE id = $1 AND reminders = $2 AND status = 'issued'`, [sendId, expected]);
  return (rowCount ?? 0) > 0;
}

export async function unrecordReminder(db: Db, sendId: number): Promise<void> {
  await db.query(`UPDATE broadcast_sends SET reminders = greatest(reminders - 1, 0) WHERE id = $1`, [sendId]);
}

export async function markEscalated(db: Db, sendId: number): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE broadcast_sends SET escalated_at = now() WHERE id = $1 AND escalated_at IS NULL`, [sendId]);
  return (rowCount ?? 0) > 0;
}

/** Broadcasts whose every send has ended: done. */
export async function finishDone(db: Db, broadcastId: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE broadcasts SET status = 'done', updated_at = now() WHERE id = $1 AND status = 'sending'
        AND NOT EXISTS (SELECT 1 FROM broadcast_sends s WHERE s.broadcast_id = $1 AND s.status IN ('pending', 'issuing', 'issued'))`, [broadcastId]);
  return (rowCount ?? 0) > 0;
}

export async function openSendsOf(db: Db, broadcastId: number): Promise<Row<'broadcast_sends'>[]> {
  const { rows } = await db.query<Row<'broadcast_sends'>>(`SELECT * FROM broadcast_sends WHERE broadcast_id = $1 AND status IN ('pending', 'issuing', 'issued')`, [broadcastId]);
  return rows;
}

export async function cancelSends(db: Db, broadcastId: number): Promise<void> {
  await db.query(`UPDATE broadcast_sends SET status = 'cancelled' WHERE broadcast_id = $1 AND status IN ('pending', 'issuing', 'issued')`, [broadcastId]);
}

/** Targets still planned or unsent of sends that ended without delivering to them; returns the ledger ids to release. */
export async function closeTargets(db: Db, broadcastId: number, sendId: number | null, status: 'cancelled' | 'unsent'): Promise<number[]> {
  const { rows } = await db.query<Cols<'broadcast_targets', 'ledger_id'>>(
    `UPDATE broadcast_targets SET status = $3 WHERE broadcast_id = $1 AND ($2::bigint IS NULL OR send_id = $2) AND status IN ('planned', 'unsent')
     RETURNING ledger_id`, [broadcastId, sendId, status]);
  return rows.map((r) => r.ledger_id).filter((x): x is number => x !== null);
}

export async function targetPage(db: Db, broadcastId: number, kind: BroadcastKind, q: { status?: BroadcastTargetStatus; limit: number; offset: number }): Promise<{ rows: (Row<'broadcast_targets'> & { name: string | null })[]; total: number }> {
  const nameSql = kind === 'customer'
    ? '(SELECT c.name FROM customers c WHERE c.corp_id = t.corp_id AND c.external_userid = t.target_id)'
    : '(SELECT g.name FROM groups g WHERE g.corp_id = t.corp_id AND g.chat_id = t.target_id)';
  const { rows } = await db.query<Row<'broadcast_targets'> & { name: string | null }>(
    `SELECT t.*, ${nameSql} AS name FROM broadcast_targets t WHERE t.broadcast_id = $1 AND ($2::text IS NULL OR t.status = $2)
      ORDER BY t.target_id LIMIT $3 OFFSET $4`, [broadcastId, q.status ?? null, q.limit, q.offset]);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM broadcast_targets t WHERE t.broadcast_id = $1 AND ($2::text IS NULL OR t.status = $2)`, [broadcastId, q.status ?? null]);
  return { rows, total: n?.n ?? 0 };
}

export async function dueScheduled(db: Db, now: Date): Promise<Cols<'broadcasts', 'id' | 'corp_id'>[]> {
  const { rows } = await db.query<Cols<'broadcasts', 'id' | 'corp_id'>>(
    `SELECT id, corp_id FROM broadcasts WHERE (status = 'scheduled' AND scheduled_at <= $1) OR (status = 'planning' AND updated_at < $1 - interval '5 minutes') ORDER BY id LIMIT 100`, [now]);
  return rows;
}

/** Read back a mass send made in WeCom itself: a broadcast of origin 'wecom' (once per msgid). */
export async function readBackExists(db: Db, corpId: string, msgid: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM broadcast_sends WHERE corp_id = $1 AND msgid = $2 LIMIT 1', [corpId, msgid]);
  return rows.length > 0;
}

export async function insertReadBack(db: Db, corpId: string, kind: BroadcastKind, msgid: string, content: Content, createdAt: Date, creator: string | null): Promise<number | null> {
  const { rows } = await db.query<Cols<'broadcasts', 'id'>>(
    `INSERT INTO broadcasts (corp_id, kind, origin, name, content, audience, status, created_by, created_at, sent_at)
     SELECT $1, $2, 'wecom', $3, $4, '{}'::jsonb, 'sending', $5, $6, $6
      WHERE NOT EXISTS (SELECT 1 FROM broadcast_sends s WHERE s.corp_id = $1 AND s.msgid = $7)
     RETURNING id`, [corpId, kind, `企业微信群发 ${msgid.slice(0, 8)}`, JSON.stringify(content), creator, createdAt, msgid]);
  return rows[0]?.id ?? null;
}

export async function insertReadBackSend(db: Db, corpId: string, broadcastId: number, sender: string, msgid: string, issuedAt: Date): Promise<number | null> {
  const { rows } = await db.query<Cols<'broadcast_sends', 'id'>>(
    `INSERT INTO broadcast_sends (corp_id, broadcast_id, sender_userid, chunk, msgid, status, issued_at)
     VALUES ($1, $2, $3, 0, $4, 'issued', $5) ON CONFLICT DO NOTHING RETURNING id`, [corpId, broadcastId, sender, msgid, issuedAt]);
  return rows[0]?.id ?? null;
}

export async function staleUnconfirmed(db: Db, olderThan: Date): Promise<Row<'broadcast_sends'>[]> {
  const { rows } = await db.query<Row<'broadcast_sends'>>(
    `UPDATE broadcast_sends SET status = 'failed', error = 'not confirmed by the staff member within 7 days'
      WHERE status = 'issued' AND issued_at < $1 RETURNING *`, [olderThan]);
  return rows;
}

export async function corpsWithBroadcasts(db: Db): Promise<string[]> {
  const { rows } = await db.query<Cols<'corps', 'id'>>(`SELECT id FROM corps ORDER BY id`);
  return rows.map((r) => r.id);
}
