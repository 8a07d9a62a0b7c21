// Moments' SQL: the moment and its issuing claim (ADR in service.ts's header), its senders, customers (budget planned,
// reached) and interactions, the reads of the list and the results page, and the clock's scans across corps.
import type pg from 'pg';
import type { InteractionKind, MomentListQuery, MomentOrigin, MomentStatus, StoredMomentAttachment } from '@pond/contracts/moments';
import type { SkipReason } from '@pond/contracts/governance';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import { staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

type Db = Pick<pg.PoolClient, 'query'>;
export type MomentRow = Row<'moments'>;

export interface NewMoment {
  origin: MomentOrigin;
  requestId: string | null;
  name: string;
  text: string;
  attachments: StoredMomentAttachment[];
  senderUserids: string[];
  departmentIds: number[];
  tagIds: string[];
  scheduledAt: Date | null;
  remindAfter: number[];
  autoTagId: string | null;
  status: MomentStatus;
  createdBy: string | null;
  /** Read back from WeCom. */
  wecom?: { momentId: string; creator: string | null; createType: number; createdAt: Date; trackUntil: Date };
}

/** Inserts a moment; a request id already used answers the moment it made (`created` false). */
export async function insertMoment(db: Db, corpId: string, m: NewMoment): Promise<{ row: MomentRow; created: boolean }> {
  const { rows } = await db.query<MomentRow>(
    `INSERT INTO moments (corp_id, origin, request_id, name, text, attachments, sender_userids, department_ids, tag_ids, scheduled_at, remind_after,
                          auto_tag_id, status, created_by, wecom_moment_id, creator, create_type, issued_at, track_until, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, coalesce($18, now()))
     ON CONFLICT DO NOTHING RETURNING *`,
    [corpId, m.origin, m.requestId, m.name, m.text, JSON.stringify(m.attachments), m.senderUserids, m.departmentIds, m.tagIds, m.scheduledAt,
      m.remindAfter, m.autoTagId, m.status, m.createdBy, m.wecom?.momentId ?? null, m.wecom?.creator ?? null, m.wecom?.createType ?? null,
      m.wecom?.createdAt ?? null, m.wecom?.trackUntil ?? null]);
  if (rows[0]) return { row: rows[0], created: true };
  const { rows: old } = await db.query<MomentRow>(
    `SELECT * FROM moments WHERE corp_id = $1 AND (request_id = $2 OR wecom_moment_id = $3)`, [corpId, m.requestId, m.wecom?.momentId ?? null]);
  return { row: old[0], created: false };
}

export async function getMoment(db: Db, corpId: string, id: number): Promise<MomentRow | null> {
  const { rows } = await db.query<MomentRow>('SELECT * FROM moments WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows[0] ?? null;
}

/** A moment by id alone (jobs carry the id). */
export async function findMoment(db: Db, id: number): Promise<MomentRow | null> {
  const { rows } = await db.query<MomentRow>('SELECT * FROM moments WHERE id = $1', [id]);
  return rows[0] ?? null;
}

// ---- issuing, exactly once ----

/**
 * Takes the right to issue the moment: a scheduled one that is due, or one whose claimant's lease ran out before a
 * jobid was stored. Returns the row as claimed (its `call_started_at` tells whether an earlier claimant may have called).
 */
/** `now` is a JS time (milliseconds): a moment made in that very millisecond (microseconds later in Postgres) is due too. */
export async function claimIssue(db: Db, id: number, token: string, leaseSeconds: number, now: Date): Promise<MomentRow | null> {
  const { rows } = await db.query<MomentRow>(
    `UPDATE moments SET status = 'issuing', issue_lease = $2, issue_lease_until = $4::timestamptz + make_interval(secs => $3), updated_at = now()
      WHERE id = $1 AND origin = 'pond' AND jobid IS NULL AND wecom_moment_id IS NULL
        AND ((status = 'scheduled' AND date_trunc('milliseconds', coalesce(scheduled_at, created_at)) <= $4) OR (status = 'issuing' AND issue_lease_until < $4))
      RETURNING *`, [id, token, leaseSeconds, now]);
  return rows[0] ?? null;
}

/** Records, under the claim, that add_moment_task is about to be called. False: the claim was lost (or the moment cancelled). */
export async function markCallStarted(db: Db, id: number, token: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE moments SET call_started_at = now(), calls = calls + 1, updated_at = now()
      WHERE id = $1 AND issue_lease = $2 AND status = 'issuing' AND jobid IS NULL AND wecom_moment_id IS NULL`, [id, token]);
  return (r.rowCount ?? 0) > 0;
}

/** WeCom answered add_moment_task with an error: nothing was made. `retry` leaves it to the next claim, else it failed. */
export async function callRefused(db: Db, id: number, token: string, retry: boolean, errcode: number | null, error: string): Promise<void> {
  await db.query(
    `UPDATE moments SET call_started_at = NULL, errcode = $4, error = $5, updated_at = now(),
            status = CASE WHEN $3 THEN status ELSE 'failed' END, issue_lease_until = CASE WHEN $3 THEN now() ELSE issue_lease_until END
      WHERE id = $1 AND issue_lease = $2 AND status = 'issuing' AND jobid IS NULL`, [id, token, retry, errcode, error]);
}

/** The first jobid stored wins (a moment being issued or cancelled meanwhile); false: another call's jobid is already there. */
export async function storeJobid(db: Db, id: number, jobid: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE moments SET jobid = $2, updated_at = now()
      WHERE id = $1 AND jobid IS NULL AND wecom_moment_id IS NULL AND status IN ('issuing', 'cancelled')`, [id, jobid]);
  return (r.rowCount ?? 0) > 0;
}

/** WeCom moment ids that other moments of Pond's hold (a lookup must not take one of them). */
export async function heldMomentIds(db: Db, corpId: string, ids: string[], exceptId: number): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const { rows } = await db.query<Cols<'moments', 'wecom_moment_id'>>(
    `SELECT wecom_moment_id FROM moments WHERE corp_id = $1 AND wecom_moment_id = ANY($2::text[]) AND id <> $3 AND origin = 'pond'`, [corpId, ids, exceptId]);
  return new Set(rows.map((r) => r.wecom_moment_id!));
}

/**
 * WeCom's job is done: the moment id (a copy read back from WeCom before, if any, gives way: its results are read again
 * for this one) and what WeCom did not accept. A moment cancelled meanwhile stays cancelled (its cancel goes to WeCom next).
 */
export async function storeResult(db: Db, id: number, r: { momentId: string; invalidUserids: string[]; invalidDepartmentIds: number[]; invalidTagIds: string[]; trackDays: number }): Promise<MomentRow | null> {
  const { rows: [m] } = await db.query<Cols<'moments', 'corp_id'>>('SELECT corp_id FROM moments WHERE id = $1', [id]);
  if (!m) return null;
  await db.query(`DELETE FROM moments WHERE corp_id = $1 AND wecom_moment_id = $2 AND origin = 'wecom'`, [m.corp_id, r.momentId]);
  const { rows } = await db.query<MomentRow>(
    `UPDATE moments SET wecom_moment_id = $2, invalid_userids = $3, invalid_department_ids = $4, invalid_tag_ids = $5, create_type = 0,
            status = CASE WHEN status = 'cancelled' THEN 'cancelled' ELSE 'issued' END, issued_at = coalesce(issued_at, now()),
            track_until = coalesce(track_until, now() + make_interval(days => $6)), errcode = NULL, error = NULL, updated_at = now()
      WHERE id = $1 AND wecom_moment_id IS NULL RETURNING *`,
    [id, r.momentId, r.invalidUserids, r.invalidDepartmentIds, r.invalidTagIds, r.trackDays]);
  return rows[0] ?? null;
}

/** WeCom's job failed (or its moment could not be found again): the moment failed. */
export async function markFailed(db: Db, id: number, errcode: number | null, error: string): Promise<void> {
  await db.query(
    `UPDATE moments SET status = CASE WHEN status = 'cancelled' THEN status ELSE 'failed' END, errcode = $2, error = $3,
            wecom_cancelled_at = CASE WHEN status = 'cancelled' THEN coalesce(wecom_cancelled_at, now()) ELSE wecom_cancelled_at END, updated_at = now()
      WHERE id = $1 AND wecom_moment_id IS NULL`, [id, errcode, error]);
}

/** Cancels a moment that is not over; `wecomDone` when cancel_moment_task went through for the moment id it has. */
export async function markCancelled(db: Db, corpId: string, id: number, knownMomentId: string | null): Promise<MomentRow | null> {
  const { rows } = await db.query<MomentRow>(
    `UPDATE moments SET status = 'cancelled', cancelled_at = now(), updated_at = now(),
            wecom_cancelled_at = CASE WHEN wecom_moment_id IS NOT DISTINCT FROM $3::text AND $3::text IS NOT NULL THEN now()
                                      WHEN jobid IS NULL AND call_started_at IS NULL AND wecom_moment_id IS NULL THEN now() ELSE NULL END
      WHERE corp_id = $1 AND id = $2 AND status IN ('scheduled', 'issuing', 'issued') RETURNING *`, [corpId, id, knownMomentId]);
  return rows[0] ?? null;
}

export async function markWecomCancelled(db: Db, id: number): Promise<void> {
  await db.query('UPDATE moments SET wecom_cancelled_at = now(), updated_at = now() WHERE id = $1 AND wecom_cancelled_at IS NULL', [id]);
}

/** Publish a scheduled moment now. */
export async function dueNow(db: Db, corpId: string, id: number): Promise<boolean> {
  const r = await db.query(`UPDATE moments SET scheduled_at = now(), updated_at = now() WHERE corp_id = $1 AND id = $2 AND status = 'scheduled'`, [corpId, id]);
  return (r.rowCount ?? 0) > 0;
}

export async function setPlanned(db: Db, id: number): Promise<void> {
  await db.query('UPDATE moments SET planned_at = now() WHERE id = $1', [id]);
}

export async function setPolled(db: Db, id: number): Promise<void> {
  await db.query('UPDATE moments SET polled_at = now() WHERE id = $1', [id]);
}

/** Results are no longer read (14 days on): the moment is done. */
export async function markDone(db: Db, id: number): Promise<boolean> {
  const r = await db.query(`UPDATE moments SET status = 'done', updated_at = now() WHERE id = $1 AND status = 'issued'`, [id]);
  return (r.rowCount ?? 0) > 0;
}

/** Claims reminder number `n` (0-based) of the moment: at most once. */
export async function claimReminder(db: Db, id: number, n: number): Promise<boolean> {
  const r = await db.query(`UPDATE moments SET reminders_sent = $2 + 1 WHERE id = $1 AND reminders_sent = $2 AND status = 'issued'`, [id, n]);
  return (r.rowCount ?? 0) > 0;
}

// ---- the clock: what is due, across corps ----

export interface DueWork {
  /** Scheduled and due, or a claim whose lease ran out. */
  issue: number[];
  /** A jobid without its result yet (issuing, or cancelled meanwhile). */
  jobs: number[];
  /** Cancelled in Pond; WeCom not told yet (or an interrupted call to look up). */
  cancels: number[];
  /** Issued, results due to be read. */
  polls: number[];
  /** A reminder due: [id, its number]. */
  reminders: [number, number][];
  /** Tracked long enough. */
  finish: number[];
}

export async function dueWork(db: Db, now: Date, limit = 200): Promise<DueWork> {
  const ids = async (where: string) =>
    (await db.query<{ id: number }>(`SELECT id FROM moments WHERE ${where} ORDER BY id LIMIT ${limit}`, where.includes('$1') ? [now] : [])).rows.map((r) => r.id);
  const issue = await ids(`origin = 'pond' AND jobid IS NULL AND wecom_moment_id IS NULL AND
    ((status = 'scheduled' AND coalesce(scheduled_at, created_at) <= $1) OR (status = 'issuing' AND issue_lease_until < $1))`);
  const jobs = await ids(`status IN ('issuing', 'cancelled') AND jobid IS NOT NULL AND wecom_moment_id IS NULL AND wecom_cancelled_at IS NULL`);
  const cancels = await ids(`status = 'cancelled' AND wecom_cancelled_at IS NULL AND (wecom_moment_id IS NOT NULL
    OR (jobid IS NULL AND call_started_at IS NOT NULL AND (issue_lease_until IS NULL OR issue_lease_until < $1)))`);
  const polls = await ids(`(status = 'issued' OR (status = 'cancelled' AND wecom_cancelled_at IS NOT NULL AND wecom_moment_id IS NOT NULL))
    AND track_until > $1 AND (polled_at IS NULL
    OR polled_at < $1 - CASE WHEN issued_at > $1 - interval '1 day' THEN interval '10 minutes' ELSE interval '1 hour' END)`);
  const { rows: rem } = await db.query<{ id: number; n: number }>(
    `SELECT id, reminders_sent AS n FROM moments
      WHERE status = 'issued' AND origin = 'pond' AND reminders_sent < cardinality(remind_after)
        AND issued_at + make_interval(mins => remind_after[reminders_sent + 1]) <= $1 ORDER BY id LIMIT ${limit}`, [now]);
  const finish = await ids(`status = 'issued' AND track_until <= $1`);
  return { issue, jobs, cancels, polls, reminders: rem.map((r) => [r.id, r.n]), finish };
}

// ---- senders ----

/** The staff WeCom gave the moment to, as get_moment_task reports them; returns those seen published for the first time. */
export async function upsertSenders(db: Db, corpId: string, momentId: number, list: { userid: string; published: boolean }[]): Promise<string[]> {
  if (!list.length) return [];
  const { rows } = await db.query<{ userid: string }>(
    `WITH t AS (SELECT * FROM unnest($3::text[], $4::boolean[]) AS t(userid, published)),
     ins AS (
       INSERT INTO moment_senders (corp_id, moment_id, userid, published, published_at)
       SELECT $1, $2, t.userid, t.published, CASE WHEN t.published THEN now() END FROM t
       ON CONFLICT (moment_id, userid) DO UPDATE SET published = true, published_at = coalesce(moment_senders.published_at, now())
         WHERE EXCLUDED.published AND NOT moment_senders.published
       RETURNING userid, published
     )
     SELECT userid FROM ins WHERE published`,
    [corpId, momentId, list.map((s) => s.userid), list.map((s) => s.published)]);
  return rows.map((r) => r.userid);
}

export async function sendersOf(db: Db, momentId: number): Promise<Row<'moment_senders'>[]> {
  const { rows } = await db.query<Row<'moment_senders'>>('SELECT * FROM moment_senders WHERE moment_id = $1 ORDER BY userid', [momentId]);
  return rows;
}

export async function setSenderTasks(db: Db, momentId: number, userids: string[], taskIds: number[]): Promise<void> {
  if (!userids.length) return;
  await db.query(
    `UPDATE moment_senders s SET task_id = t.task_id FROM unnest($2::text[], $3::bigint[]) AS t(userid, task_id)
      WHERE s.moment_id = $1 AND s.userid = t.userid`, [momentId, userids, taskIds]);
}

export async function setSenderStats(db: Db, momentId: number, userid: string, s: { reach: number; likes: number; comments: number }): Promise<void> {
  await db.query('UPDATE moment_senders SET reach = $3, likes = $4, comments = $5 WHERE moment_id = $1 AND userid = $2',
    [momentId, userid, s.reach, s.likes, s.comments]);
}

/** Counts a reminder for each sender (not yet published): their new count, and their task to link to. */
export async function markReminded(db: Db, momentId: number, userids: string[]): Promise<Cols<'moment_senders', 'userid' | 'reminders' | 'task_id'>[]> {
  if (!userids.length) return [];
  const { rows } = await db.query<Cols<'moment_senders', 'userid' | 'reminders' | 'task_id'>>(
    `UPDATE moment_senders SET reminders = reminders + 1, last_reminded_at = now()
      WHERE moment_id = $1 AND userid = ANY($2::text[]) AND NOT published
      RETURNING userid, reminders, task_id`, [momentId, userids]);
  return rows;
}

/** Staff who would post a moment with this visibility: named staff and departments (with their sub-departments), or everyone
 * with customer contact; active members with customer contact only (WeCom gives the task to no one else). */
export async function resolveSenders(db: Db, corpId: string, userids: string[], departmentIds: number[]): Promise<Cols<'staff', 'userid' | 'name'>[]> {
  const everyone = !userids.length && !departmentIds.length;
  const { rows } = await db.query<Cols<'staff', 'userid' | 'name'>>(
    `WITH RECURSIVE d AS (
       SELECT id FROM departments WHERE corp_id = $1 AND id = ANY($3::int[]) AND removed_at IS NULL
       UNION SELECT x.id FROM departments x JOIN d ON x.parent_id = d.id WHERE x.corp_id = $1 AND x.removed_at IS NULL
     )
     SELECT s.userid, s.name FROM staff s
      WHERE s.corp_id = $1 AND s.status = 1 AND s.is_follow_user
        AND ($4 OR s.userid = ANY($2::text[]) OR s.department_ids && ARRAY(SELECT id FROM d))
      ORDER BY s.userid`, [corpId, userids, departmentIds, everyone]);
  return rows;
}

/** The customers each sender's post would show to (active relations, with any of the tags when tags are given); one sender per customer. */
export async function visibleCustomers(db: Db, corpId: string, senders: string[], tagIds: string[]): Promise<{ external_userid: string; userid: string }[]> {
  if (!senders.length) return [];
  const { rows } = await db.query<{ external_userid: string; userid: string }>(
    `SELECT DISTINCT ON (f.external_userid) f.external_userid, f.userid FROM follows f
      WHERE f.corp_id = $1 AND f.userid = ANY($2::text[]) AND f.status = 'active' AND (cardinality($3::text[]) = 0 OR f.tag_ids && $3::text[])
      ORDER BY f.external_userid, f.userid`, [corpId, senders, tagIds]);
  return rows;
}

// ---- customers: budget and reach ----

export async function insertPlanned(db: Db, corpId: string, momentId: number, rows: { externalUserid: string; sender: string | null; ledgerId: number | null; status: 'planned' | 'skipped'; reason: SkipReason | null }[]): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `INSERT INTO moment_customers (corp_id, moment_id, external_userid, sender_userid, ledger_id, plan_status, reason)
     SELECT $1, $2, t.ext, t.sender, t.lid, t.st, t.reason FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[]) AS t(ext, sender, lid, st, reason)
     ON CONFLICT (moment_id, external_userid) DO UPDATE SET ledger_id = coalesce(moment_customers.ledger_id, EXCLUDED.ledger_id),
       plan_status = coalesce(moment_customers.plan_status, EXCLUDED.plan_status), reason = coalesce(moment_customers.reason, EXCLUDED.reason)`,
    [corpId, momentId, rows.map((r) => r.externalUserid), rows.map((r) => r.sender), rows.map((r) => r.ledgerId), rows.map((r) => r.status), rows.map((r) => r.reason)]);
}

/** Customers WeCom reports can see `sender`'s post: returns the ones reached for the first time, with their planned ledger row. */
export async function markReached(db: Db, corpId: string, momentId: number, sender: string, exts: string[], at: Date): Promise<{ external_userid: string; ledger_id: number | null; plan_status: string | null }[]> {
  if (!exts.length) return [];
  const { rows } = await db.query<{ external_userid: string; ledger_id: number | null; plan_status: string | null }>(
    `WITH t AS (SELECT DISTINCT unnest($4::text[]) AS ext),
     upd AS (
       UPDATE moment_customers c SET reached_at = $5, sender_userid = coalesce(c.sender_userid, $3)
         FROM t WHERE c.moment_id = $2 AND c.external_userid = t.ext AND c.reached_at IS NULL
       RETURNING c.external_userid, c.ledger_id, c.plan_status
     ), ins AS (
       INSERT INTO moment_customers (corp_id, moment_id, external_userid, sender_userid, reached_at)
       SELECT $1, $2, t.ext, $3, $5 FROM t
        WHERE NOT EXISTS (SELECT 1 FROM moment_customers c WHERE c.moment_id = $2 AND c.external_userid = t.ext)
       ON CONFLICT DO NOTHING
       RETURNING external_userid, ledger_id, plan_status
     )
     SELECT * FROM upd UNION ALL SELECT * FROM ins`, [corpId, momentId, sender, exts, at]);
  return rows;
}

/** Ledger rows planned for customers of the moment who were not reached (to release when it is cancelled or done). */
export async function unreachedPlanned(db: Db, momentId: number): Promise<number[]> {
  const { rows } = await db.query<{ ledger_id: number }>(
    `SELECT ledger_id FROM moment_customers WHERE moment_id = $1 AND plan_status = 'planned' AND ledger_id IS NOT NULL AND reached_at IS NULL`, [momentId]);
  return rows.map((r) => r.ledger_id);
}

export async function setCustomerLedger(db: Db, momentId: number, rows: { externalUserid: string; ledgerId: number | null; status: 'planned' | 'skipped'; reason: SkipReason | null }[]): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `UPDATE moment_customers c SET ledger_id = t.lid, plan_status = t.st, reason = t.reason
       FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS t(ext, lid, st, reason)
      WHERE c.moment_id = $1 AND c.external_userid = t.ext AND c.plan_status IS NULL`,
    [momentId, rows.map((r) => r.externalUserid), rows.map((r) => r.ledgerId), rows.map((r) => r.status), rows.map((r) => r.reason)]);
}

// ---- interactions ----

export interface NewInteraction { kind: InteractionKind; externalUserid: string | null; userid: string | null; at: Date }

/** Stores likes and comments on `sender`'s post; returns the ones not seen before. */
export async function insertInteractions(db: Db, corpId: string, momentId: number, sender: string, list: NewInteraction[]): Promise<NewInteraction[]> {
  if (!list.length) return [];
  const { rows } = await db.query<{ kind: InteractionKind; external_userid: string | null; userid: string | null; at: Date }>(
    `INSERT INTO moment_interactions (corp_id, moment_id, sender_userid, kind, external_userid, userid, who, at)
     SELECT $1, $2, $3, t.kind, t.ext, t.uid, coalesce(t.ext, 'user:' || t.uid), t.at
       FROM unnest($4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS t(kind, ext, uid, at)
     ON CONFLICT DO NOTHING
     RETURNING kind, external_userid, userid, at`,
    [corpId, momentId, sender, list.map((i) => i.kind), list.map((i) => i.externalUserid), list.map((i) => i.userid), list.map((i) => i.at)]);
  return rows.map((r) => ({ kind: r.kind, externalUserid: r.external_userid, userid: r.userid, at: r.at }));
}

/** Customers who liked or commented and whose relation with the sender has not had the moment's tag put on yet. */
export async function untaggedEngaged(db: Db, momentId: number, limit = 500): Promise<{ external_userid: string; sender_userid: string }[]> {
  const { rows } = await db.query<{ external_userid: string; sender_userid: string }>(
    `SELECT DISTINCT external_userid, sender_userid FROM moment_interactions
      WHERE moment_id = $1 AND external_userid IS NOT NULL AND tagged_at IS NULL ORDER BY external_userid, sender_userid LIMIT $2`, [momentId, limit]);
  return rows;
}

export async function markTagged(db: Db, momentId: number, items: { externalUserid: string; userid: string; error: string | null }[]): Promise<void> {
  if (!items.length) return;
  await db.query(
    `UPDATE moment_interactions i SET tagged_at = now(), tag_error = t.err
       FROM unnest($2::text[], $3::text[], $4::text[]) AS t(ext, uid, err)
      WHERE i.moment_id = $1 AND i.external_userid = t.ext AND i.sender_userid = t.uid AND i.tagged_at IS NULL`,
    [momentId, items.map((i) => i.externalUserid), items.map((i) => i.userid), items.map((i) => i.error)]);
}

// ---- reads ----

export interface MomentListRow extends MomentRow {
  auto_tag_name: string | null;
  senders: number; published: number; reach: number; likes: number; comments: number; planned: number; over_budget: number;
}

/** A moment the scope sees: store managers and staff see the moments their (stores') staff were given to post. */
function visibleMoment(scope: Scope, p: Params, alias: string): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  return `EXISTS (SELECT 1 FROM moment_senders vs WHERE vs.moment_id = ${alias}.id AND ${staffUseridVisibleSql(scope, p, 'vs.userid', 'vs.corp_id')})`;
}

function listSelect(scope: Scope, p: Params): string {
  const vis = (col: string) => staffUseridVisibleSql(scope, p, col, 'm.corp_id');
  return `SELECT m.*, t.name AS auto_tag_name, coalesce(s.senders, 0) AS senders, coalesce(s.published, 0) AS published, coalesce(c.reach, 0) AS reach,
                 coalesce(s.likes, 0) AS likes, coalesce(s.comments, 0) AS comments, coalesce(c.planned, 0) AS planned, coalesce(c.over_budget, 0) AS over_budget
            FROM moments m
            LEFT JOIN tags t ON t.corp_id = m.corp_id AND t.id = m.auto_tag_id
            LEFT JOIN LATERAL (
              SELECT count(*)::int AS senders, count(*) FILTER (WHERE ms.published)::int AS published, sum(ms.likes)::int AS likes, sum(ms.comments)::int AS comments
                FROM moment_senders ms WHERE ms.moment_id = m.id AND ${vis('ms.userid')}) s ON true
            LEFT JOIN LATERAL (
              SELECT count(*) FILTER (WHERE mc.plan_status = 'planned')::int AS planned, count(*) FILTER (WHERE mc.plan_status = 'skipped')::int AS over_budget,
                     count(*) FILTER (WHERE mc.reached_at IS NOT NULL)::int AS reach
                FROM moment_customers mc WHERE mc.moment_id = m.id AND (mc.sender_userid IS NULL OR ${vis('mc.sender_userid')})) c ON true`;
}

export async function listMoments(db: Db, scope: Scope, q: MomentListQuery & { limit: number; offset: number }): Promise<{ rows: MomentListRow[]; total: number }> {
  const where = (p: Params) => {
    const conds = [`m.corp_id = ${p.add(scope.corpId)}`, visibleMoment(scope, p, 'm')];
    if (q.status) conds.push(`m.status = ${p.add(q.status)}`);
    if (q.origin) conds.push(`m.origin = ${p.add(q.origin)}`);
    return conds.join(' AND ');
  };
  const p = new Params();
  const select = listSelect(scope, p);
  const { rows } = await db.query<MomentListRow>(`${select} WHERE ${where(p)} ORDER BY m.created_at DESC, m.id DESC LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`, p.values);
  const c = new Params();
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM moments m WHERE ${where(c)}`, c.values);
  return { rows, total: n?.n ?? 0 };
}

export async function getMomentRead(db: Db, scope: Scope, id: number): Promise<MomentListRow | null> {
  const p = new Params();
  const select = listSelect(scope, p);
  const { rows } = await db.query<MomentListRow>(`${select} WHERE m.corp_id = ${p.add(scope.corpId)} AND m.id = ${p.add(id)}`, p.values);
  return rows[0] ?? null;
}

export async function sendersRead(db: Db, scope: Scope, momentId: number): Promise<(Row<'moment_senders'> & { name: string | null })[]> {
  const p = new Params();
  const { rows } = await db.query<Row<'moment_senders'> & { name: string | null }>(
    `SELECT ms.*, s.name FROM moment_senders ms LEFT JOIN staff s ON s.corp_id = ms.corp_id AND s.userid = ms.userid
      WHERE ms.moment_id = ${p.add(momentId)} AND ms.corp_id = ${p.add(scope.corpId)} AND ${staffUseridVisibleSql(scope, p, 'ms.userid', 'ms.corp_id')}
      ORDER BY ms.published, ms.userid`, p.values);
  return rows;
}

export type InteractionRow = Row<'moment_interactions'> & { customer_name: string | null; sender_name: string | null };

export async function interactionsRead(db: Db, scope: Scope, momentId: number, q: { kind?: InteractionKind; limit: number; offset: number }): Promise<{ rows: InteractionRow[]; total: number }> {
  const p = new Params();
  const conds = [`i.corp_id = ${p.add(scope.corpId)}`, `i.moment_id = ${p.add(momentId)}`, staffUseridVisibleSql(scope, p, 'i.sender_userid', 'i.corp_id')];
  if (q.kind) conds.push(`i.kind = ${p.add(q.kind)}`);
  const where = conds.join(' AND ');
  const { rows } = await db.query<InteractionRow>(
    `SELECT i.*, coalesce(nullif(f.remark, ''), c.name) AS customer_name, s.name AS sender_name
       FROM moment_interactions i
       LEFT JOIN customers c ON c.corp_id = i.corp_id AND c.external_userid = i.external_userid
       LEFT JOIN follows f ON f.corp_id = i.corp_id AND f.external_userid = i.external_userid AND f.userid = i.sender_userid
       LEFT JOIN staff s ON s.corp_id = i.corp_id AND s.userid = i.sender_userid
      WHERE ${where} ORDER BY i.at DESC, i.id DESC LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM moment_interactions i WHERE ${where}`, p.values.slice(0, -2)); // without LIMIT and OFFSET's values
  return { rows, total: n?.n ?? 0 };
}

/** Names of customers (for a budget preview's samples). */
export async function customerNames(db: Db, corpId: string, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query<Cols<'customers', 'external_userid' | 'name'>>(
    'SELECT external_userid, name FROM customers WHERE corp_id = $1 AND external_userid = ANY($2::text[])', [corpId, ids]);
  return new Map(rows.map((r) => [r.external_userid, r.name]));
}

/** WeCom moment ids already in Pond, and whether any moment of Pond's is between its call and its result (its id unknown yet). */
export async function knownMomentIds(db: Db, corpId: string, ids: string[]): Promise<{ known: Set<string>; pendingSince: Date | null }> {
  const { rows } = await db.query<Cols<'moments', 'wecom_moment_id'>>(
    'SELECT wecom_moment_id FROM moments WHERE corp_id = $1 AND wecom_moment_id = ANY($2::text[])', [corpId, ids]);
  const { rows: [p] } = await db.query<{ since: Date | null }>(
    `SELECT min(call_started_at) AS since FROM moments WHERE corp_id = $1 AND origin = 'pond' AND wecom_moment_id IS NULL AND call_started_at IS NOT NULL
        AND status IN ('issuing', 'cancelled') AND wecom_cancelled_at IS NULL`, [corpId]);
  return { known: new Set(rows.map((r) => r.wecom_moment_id!)), pendingSince: p?.since ?? null };
}
