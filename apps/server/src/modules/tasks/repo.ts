// The staff task inbox's SQL.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Content } from '@pond/contracts/content';
import type { TargetKind, TaskKind, TaskSource, TaskStatus } from '@pond/contracts/tasks';
import type { Cols, Row } from '../../platform/db/rows';
import type { Scope } from '../../platform/auth';
import { staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

type Db = Pick<pg.PoolClient, 'query'>;

export interface NewTask {
  kind: TaskKind;
  ownerUserid: string;
  dueAt: Date;
  targetKind: TargetKind;
  externalUserid?: string | null;
  chatId?: string | null;
  content: Content;
  sourceKind: TaskSource;
  sourceId?: number | null;
  sourceName?: string;
  ledgerId?: number | null;
  dedupeKey?: string | null;
  createdBy?: string | null;
  /** Made already skipped (the budget refused it), with the reason. */
  skipReason?: string | null;
}

export interface TaskRow extends Row<'staff_tasks'> { owner_name: string | null; target_name: string | null }

/** Inserts tasks; a task whose dedupe key exists is not made again. Returns the ids of every task asked for (new or existing). */
export async function insertTasks(db: Db, corpId: string, input: NewTask[]): Promise<number[]> {
  if (!input.length) return [];
  // A task without a source key gets one of its own, so every row is matched back to its request.
  const tasks = input.map((t) => (t.dedupeKey ? t : { ...t, dedupeKey: `once:${randomUUID()}` }));
  const col = <T>(f: (t: NewTask) => T) => tasks.map(f);
  const { rows } = await db.query<{ id: number; ord: number }>(
    `WITH t AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::bigint[],
                            $11::text[], $12::bigint[], $13::text[], $14::text[], $15::text[]) WITH ORDINALITY
         AS t(kind, owner, due, tkind, ext, chat, content, skind, sid, sname, lid, dkey, cby, skip, ord)
     ), ins AS (
       INSERT INTO staff_tasks (corp_id, kind, owner_userid, due_at, target_kind, external_userid, chat_id, content, source_kind, source_id,
                                source_name, ledger_id, dedupe_key, created_by, status, skip_reason)
       SELECT $1, kind, owner, due, tkind, ext, chat, content, skind, sid, sname, lid, dkey, cby,
              CASE WHEN skip IS NULL THEN 'pending' ELSE 'skipped' END, skip FROM t ORDER BY ord
       ON CONFLICT (corp_id, dedupe_key) DO NOTHING
       RETURNING id, dedupe_key
     )
     SELECT coalesce(ins.id, old.id) AS id, t.ord::int AS ord
       FROM t LEFT JOIN ins ON ins.dedupe_key = t.dkey
       LEFT JOIN staff_tasks old ON ins.id IS NULL AND old.corp_id = $1 AND old.dedupe_key = t.dkey
      ORDER BY t.ord`,
    [corpId, col((t) => t.kind), col((t) => t.ownerUserid), col((t) => t.dueAt), col((t) => t.targetKind), col((t) => t.externalUserid ?? null),
      col((t) => t.chatId ?? null), col((t) => JSON.stringify(t.content)), col((t) => t.sourceKind), col((t) => t.sourceId ?? null),
      col((t) => t.sourceName ?? ''), col((t) => t.ledgerId ?? null), col((t) => t.dedupeKey ?? null), col((t) => t.createdBy ?? null),
      col((t) => t.skipReason ?? null)]);
  return rows.map((r) => r.id);
}

const SELECT = `SELECT t.*, s.name AS owner_name,
  CASE t.target_kind WHEN 'customer' THEN (SELECT coalesce(nullif(f.remark, ''), c.name) FROM customers c
                                            LEFT JOIN follows f ON f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.userid = t.owner_userid
                                           WHERE c.corp_id = t.corp_id AND c.external_userid = t.external_userid LIMIT 1)
                     WHEN 'group' THEN (SELECT g.name FROM groups g WHERE g.corp_id = t.corp_id AND g.chat_id = t.chat_id) END AS target_name
  FROM staff_tasks t LEFT JOIN staff s ON s.corp_id = t.corp_id AND s.userid = t.owner_userid`;

export interface TaskFilter {
  status?: TaskStatus; open?: boolean; externalUserid?: string; chatId?: string; ownerUserid?: string; sourceKind?: TaskSource; sourceId?: number;
  limit: number; offset: number;
}

export async function listTasks(db: Db, scope: Scope, f: TaskFilter): Promise<{ rows: TaskRow[]; total: number }> {
  const p = new Params();
  const conds = [`t.corp_id = ${p.add(scope.corpId)}`, staffUseridVisibleSql(scope, p, 't.owner_userid', 't.corp_id')];
  if (f.status) conds.push(`t.status = ${p.add(f.status)}`);
  if (f.open === true) conds.push(`t.status IN ('pending', 'overdue')`);
  if (f.open === false) conds.push(`t.status NOT IN ('pending', 'overdue')`);
  if (f.externalUserid) conds.push(`t.external_userid = ${p.add(f.externalUserid)}`);
  if (f.chatId) conds.push(`t.chat_id = ${p.add(f.chatId)}`);
  if (f.ownerUserid) conds.push(`t.owner_userid = ${p.add(f.ownerUserid)}`);
  if (f.sourceKind) conds.push(`t.source_kind = ${p.add(f.sourceKind)}`);
  if (f.sourceId) conds.push(`t.source_id = ${p.add(f.sourceId)}`);
  const where = conds.join(' AND ');
  const countValues = [...p.values];
  const { rows } = await db.query<TaskRow>(
    `${SELECT} WHERE ${where} ORDER BY (t.status IN ('pending', 'overdue')) DESC, t.due_at, t.id LIMIT ${p.add(f.limit)} OFFSET ${p.add(f.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff_tasks t WHERE ${where}`, countValues);
  return { rows, total: n?.n ?? 0 };
}

export async function getTask(db: Db, corpId: string, id: number): Promise<TaskRow | null> {
  const { rows } = await db.query<TaskRow>(`${SELECT} WHERE t.corp_id = $1 AND t.id = $2`, [corpId, id]);
  return rows[0] ?? null;
}

/** Ends an open task (done / skipped / cancelled). Returns the row if this call ended it, null if it was already ended. */
export async function endTask(db: Db, corpId: string, id: number, status: 'done' | 'skipped' | 'cancelled', extra: { via?: string; reason?: string }): Promise<Row<'staff_tasks'> | null> {
  const { rows } = await db.query<Row<'staff_tasks'>>(
    `UPDATE staff_tasks SET status = $3, done_at = CASE WHEN $3 = 'done' THEN now() ELSE done_at END, done_via = $4, skip_reason = $5, updated_at = now()
      WHERE corp_id = $1 AND id = $2 AND status IN ('pending', 'overdue') RETURNING *`, [corpId, id, status, extra.via ?? null, extra.reason ?? null]);
  return rows[0] ?? null;
}

/** Ends every open task of a source (a cancelled broadcast, an exited enrolment); returns them. */
export async function endTasksOfSource(db: Db, corpId: string, sourceKind: TaskSource, sourceId: number, status: 'done' | 'cancelled', via: string | null, where: { ownerUserid?: string; dedupePrefix?: string } = {}): Promise<Row<'staff_tasks'>[]> {
  const { rows } = await db.query<Row<'staff_tasks'>>(
    `UPDATE staff_tasks SET status = $4, done_at = CASE WHEN $4 = 'done' THEN now() ELSE done_at END, done_via = $5, updated_at = now()
      WHERE corp_id = $1 AND source_kind = $2 AND source_id = $3 AND status IN ('pending', 'overdue')
        AND ($6::text IS NULL OR owner_userid = $6) AND ($7::text IS NULL OR dedupe_key LIKE $7 || '%')
      RETURNING *`, [corpId, sourceKind, sourceId, status, via, where.ownerUserid ?? null, where.dedupePrefix ?? null]);
  return rows;
}

/** Open tasks of a source (those whose key starts with the prefix) pass to another owner, who is told about them anew. */
export async function reassignTasksOfSource(db: Db, corpId: string, sourceKind: TaskSource, sourceId: number, dedupePrefix: string, ownerUserid: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE staff_tasks SET owner_userid = $5, notified_at = NULL, updated_at = now()
      WHERE corp_id = $1 AND source_kind = $2 AND source_id = $3 AND status IN ('pending', 'overdue') AND dedupe_key LIKE $4 || '%' AND owner_userid <> $5`,
    [corpId, sourceKind, sourceId, dedupePrefix, ownerUserid]);
  return rowCount ?? 0;
}

/** Claims due tasks nobody has been told about (in the transaction that queues their card: app_messages sends it until WeCom has it). */
export async function claimToNotify(db: Db, now: Date, limit: number): Promise<Cols<'staff_tasks', 'id' | 'corp_id' | 'owner_userid' | 'kind' | 'source_name' | 'due_at'>[]> {
  const { rows } = await db.query<Cols<'staff_tasks', 'id' | 'corp_id' | 'owner_userid' | 'kind' | 'source_name' | 'due_at'>>(
    `UPDATE staff_tasks SET notified_at = $1 WHERE id IN (
       SELECT id FROM staff_tasks WHERE status IN ('pending', 'overdue') AND due_at <= $1 AND notified_at IS NULL
        ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id, corp_id, owner_userid, kind, source_name, due_at`, [now, limit]);
  return rows.sort((a, b) => a.id - b.id);
}

/** Pending tasks past due by the corp's grace: overdue, claimed for escalation (once). */
export async function markOverdue(db: Db, now: Date): Promise<Cols<'staff_tasks', 'id' | 'corp_id' | 'owner_userid' | 'source_name' | 'due_at'>[]> {
  const { rows } = await db.query<Cols<'staff_tasks', 'id' | 'corp_id' | 'owner_userid' | 'source_name' | 'due_at'>>(
    `UPDATE staff_tasks t SET status = 'overdue', escalated_at = $1, updated_at = now()
       FROM (SELECT x.id FROM staff_tasks x LEFT JOIN contact_policies cp ON cp.corp_id = x.corp_id
              WHERE x.status = 'pending' AND x.due_at + make_interval(mins => coalesce(cp.overdue_after_minutes, 120)) <= $1
              ORDER BY x.due_at LIMIT 5000 FOR UPDATE OF x SKIP LOCKED) d
      WHERE t.id = d.id
     RETURNING t.id, t.corp_id, t.owner_userid, t.source_name, t.due_at`, [now]);
  return rows;
}

/** Open tasks of the corp named by id, not escalated yet: overdue now (the caller's own clock ran out). */
export async function markOverdueNow(db: Db, corpId: string, ids: number[], now: Date): Promise<Cols<'staff_tasks', 'id' | 'corp_id' | 'owner_userid' | 'source_name' | 'due_at'>[]> {
  const { rows } = await db.query<Cols<'staff_tasks', 'id' | 'corp_id' | 'owner_userid' | 'source_name' | 'due_at'>>(
    `UPDATE staff_tasks SET status = 'overdue', escalated_at = $3, updated_at = now()
      WHERE corp_id = $1 AND id = ANY($2::bigint[]) AND status = 'pending' AND escalated_at IS NULL
     RETURNING id, corp_id, owner_userid, source_name, due_at`, [corpId, ids, now]);
  return rows;
}

/** Store managers (with a WeCom account) of the owners' stores, for escalation. */
export async function managersOf(db: Db, corpId: string, owners: string[]): Promise<{ owner: string; manager: string }[]> {
  const { rows } = await db.query<{ owner: string; manager: string }>(
    `SELECT DISTINCT s.userid AS owner, m.staff_userid AS manager
       FROM staff s JOIN memberships m ON m.corp_id = s.corp_id AND m.role = 'store_manager' AND m.status = 'active' AND m.disabled_at IS NULL
                                      AND m.staff_userid IS NOT NULL AND s.store_id = ANY(m.store_ids)
      WHERE s.corp_id = $1 AND s.userid = ANY($2::text[]) AND m.staff_userid <> s.userid`, [corpId, owners]);
  return rows;
}

export async function insertAlert(db: Db, corpId: string, kind: string, message: string, data: unknown, dedupeKey: string): Promise<void> {
  await db.query(`INSERT INTO alerts (corp_id, kind, message, data, dedupe_key) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [corpId, kind, message, JSON.stringify(data), dedupeKey]);
}

/** Corps whose digest time has passed today (in their zone) without a digest: claimed for today, once. */
export async function claimDigests(db: Db, now: Date): Promise<{ corp_id: string; day: string }[]> {
  const { rows } = await db.query<{ corp_id: string; day: string }>(
    `INSERT INTO task_digests (corp_id, day)
     SELECT c.id, to_char($1::timestamptz AT TIME ZONE c.timezone, 'YYYY-MM-DD')::date
       FROM corps c JOIN contact_policies cp ON cp.corp_id = c.id
      WHERE cp.digest_time IS NOT NULL AND to_char($1::timestamptz AT TIME ZONE c.timezone, 'HH24:MI') >= cp.digest_time
     UNION ALL
     SELECT c.id, to_char($1::timestamptz AT TIME ZONE c.timezone, 'YYYY-MM-DD')::date
       FROM corps c WHERE NOT EXISTS (SELECT 1 FROM contact_policies cp WHERE cp.corp_id = c.id)
        AND to_char($1::timestamptz AT TIME ZONE c.timezone, 'HH24:MI') >= '09:00'
     ON CONFLICT DO NOTHING
     RETURNING corp_id, day::text AS day`, [now]);
  return rows;
}

export async function openCountsByOwner(db: Db, corpId: string, now: Date): Promise<{ owner_userid: string; due_today: number; overdue: number }[]> {
  const { rows } = await db.query<{ owner_userid: string; due_today: number; overdue: number }>(
    `SELECT t.owner_userid, count(*) FILTER (WHERE t.status = 'pending')::int AS due_today, count(*) FILTER (WHERE t.status = 'overdue')::int AS overdue
       FROM staff_tasks t JOIN corps c ON c.id = t.corp_id
      WHERE t.corp_id = $1 AND t.status IN ('pending', 'overdue')
        AND t.due_at < (date_trunc('day', $2::timestamptz AT TIME ZONE c.timezone) + interval '1 day') AT TIME ZONE c.timezone
      GROUP BY t.owner_userid`, [corpId, now]);
  return rows;
}

export async function setDigestCount(db: Db, corpId: string, day: string, n: number): Promise<void> {
  await db.query('UPDATE task_digests SET staff_count = $3 WHERE corp_id = $1 AND day = $2::date', [corpId, day, n]);
}

export interface BoardRow { userid: string; name: string; store_id: number | null; store_name: string | null; due: number; done: number; overdue: number; skipped: number; pending: number }

/** Tasks due in [from, to) per owner the scope sees. */
export async function board(db: Db, scope: Scope, from: Date, to: Date): Promise<BoardRow[]> {
  const p = new Params();
  const { rows } = await db.query<BoardRow>(
    `SELECT t.owner_userid AS userid, coalesce(s.name, t.owner_userid) AS name, s.store_id, st.name AS store_name,
            count(*) FILTER (WHERE t.status <> 'cancelled')::int AS due,
            count(*) FILTER (WHERE t.status = 'done')::int AS done,
            count(*) FILTER (WHERE t.status = 'overdue' OR (t.status = 'done' AND t.escalated_at IS NOT NULL))::int AS overdue,
            count(*) FILTER (WHERE t.status = 'skipped')::int AS skipped,
            count(*) FILTER (WHERE t.status = 'pending')::int AS pending
       FROM staff_tasks t LEFT JOIN staff s ON s.corp_id = t.corp_id AND s.userid = t.owner_userid
       LEFT JOIN stores st ON st.id = s.store_id
      WHERE t.corp_id = ${p.add(scope.corpId)} AND t.due_at >= ${p.add(from)} AND t.due_at < ${p.add(to)}
        AND ${staffUseridVisibleSql(scope, p, 't.owner_userid', 't.corp_id')}
      GROUP BY t.owner_userid, s.name, s.store_id, st.name ORDER BY count(*) DESC, t.owner_userid`, p.values);
  return rows;
}

/** What fills a task's placeholders: the customer's name (the owner's remark first), the owner's name and store. */
export async function placeholderValues(db: Db, corpId: string, owner: string, externalUserid: string | null): Promise<{ nickname: string; staff: string; store: string }> {
  const { rows } = await db.query<{ nickname: string | null; staff: string | null; store: string | null }>(
    `SELECT (SELECT coalesce(nullif(f.remark, ''), c.name) FROM customers c LEFT JOIN follows f ON f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.userid = $2
              WHERE c.corp_id = $1 AND c.external_userid = $3 LIMIT 1) AS nickname,
            s.name AS staff, st.name AS store
       FROM (SELECT 1) x LEFT JOIN staff s ON s.corp_id = $1 AND s.userid = $2 LEFT JOIN stores st ON st.id = s.store_id`, [corpId, owner, externalUserid]);
  const r = rows[0];
  return { nickname: r?.nickname ?? '', staff: r?.staff ?? '', store: r?.store ?? '' };
}

/** Picture URLs of media-library files by their WeCom media id (a mini-program card's cover). */
/** A hand-made task's ledger row names the task once it exists. */
export async function linkLedger(db: Db, corpId: string, ledgerId: number, taskId: number): Promise<void> {
  await db.query(`UPDATE contact_ledger SET source_id = $3 WHERE corp_id = $1 AND id = $2`, [corpId, ledgerId, taskId]);
}

export async function coverUrls(db: Db, corpId: string, mediaIds: string[]): Promise<Map<string, string>> {
  if (!mediaIds.length) return new Map();
  const { rows } = await db.query<Cols<'media_assets', 'media_id' | 'pic_url'>>(
    'SELECT media_id, pic_url FROM media_assets WHERE corp_id = $1 AND media_id = ANY($2::text[]) AND pic_url IS NOT NULL', [corpId, mediaIds]);
  return new Map(rows.map((r) => [r.media_id!, r.pic_url!]));
}

// ---- app messages to staff: queued with what decided them, sent until WeCom has them ----

export interface QueuedAppMessage { key: string; touser: string; title: string; description: string; url: string }

/** Queues cards due at `now` (in the caller's transaction); a key queued before is left as it is. */
export async function queueAppMessages(db: Db, corpId: string, now: Date, list: QueuedAppMessage[]): Promise<void> {
  if (!list.length) return;
  await db.query(
    `INSERT INTO app_messages (corp_id, dedupe_key, touser, title, description, url, next_at, created_at)
     SELECT $1, m.key, m.touser, m.title, m.description, m.url, $7, $7
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS m(key, touser, title, description, url)
     ON CONFLICT DO NOTHING`,
    [corpId, list.map((m) => m.key), list.map((m) => m.touser), list.map((m) => m.title), list.map((m) => m.description), list.map((m) => m.url), now]);
}

/** Claims due pending cards with a lease (`attempts` is the claim's token); one held by a sender that died is taken over when its lease ends. */
export async function claimAppMessages(db: Db, now: Date, leaseMs: number, limit: number): Promise<Row<'app_messages'>[]> {
  const { rows } = await db.query<Row<'app_messages'>>(
    `UPDATE app_messages SET attempts = attempts + 1, claimed_until = $1::timestamptz + make_interval(secs => $2::double precision / 1000)
      WHERE id IN (SELECT id FROM app_messages WHERE status = 'pending' AND next_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
                    ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING *`, [now, leaseMs, limit]);
  return rows;
}

/** Ends a claim: sent, failed (final), or pending again at `nextAt`. False when the claim was lost (another sender took it over). */
export async function finishAppMessage(db: Db, id: number, attempt: number, to: { status: 'sent' | 'failed' | 'pending'; nextAt?: Date; error?: string | null }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE app_messages SET status = $3, claimed_until = NULL, next_at = coalesce($4, next_at), error = $5, sent_at = CASE WHEN $3 = 'sent' THEN now() END
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`, [id, attempt, to.status, to.nextAt ?? null, to.error ?? null]);
  return (rowCount ?? 0) > 0;
}
