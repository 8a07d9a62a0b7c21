// Handover's SQL: jobs and their items (one per customer or group), the customers a handover would move with their
// recent transfers, and Pond's own records that follow a customer to the new owner.
import type pg from 'pg';
import type { HandoverItemStatus, HandoverKind } from '@pond/contracts/handover';
import type { Cols, Row } from '../../platform/db/rows';
import type { Params } from '../../platform/sql';

type Queryable = Pick<pg.Pool, 'query'>;

export type StaffStatusRow = Cols<'staff', 'userid' | 'status' | 'is_follow_user'>;

export async function staffStatuses(db: Queryable, corpId: string, userids: string[]): Promise<StaffStatusRow[]> {
  const { rows } = await db.query<StaffStatusRow>('SELECT userid, status, is_follow_user FROM staff WHERE corp_id = $1 AND userid = ANY($2)', [corpId, userids]);
  return rows;
}

export interface CandidateFilter {
  handoverUserid: string;
  takeoverUserid: string;
  externalUserids?: string[];
  tagIds?: string[];
}
export type CandidateRow = { external_userid: string; name: string | null; transfers_90d: number };

/**
 * The handover member's active customers the filter selects (and `inSegment`, a condition on `f.external_userid`
 * whose parameters are already in `p`), but not those the takeover member already has, each with the transfers that
 * reached them in the last 90 days.
 */
export async function handoverCandidates(db: Queryable, corpId: string, f: CandidateFilter, inSegment: string, p: Params): Promise<CandidateRow[]> {
  const { rows } = await db.query<CandidateRow>(
    `SELECT f.external_userid, c.name, f.tag_ids,
            (SELECT count(*)::int FROM handover_items i JOIN handover_jobs j ON j.id = i.job_id
             WHERE j.corp_id = f.corp_id AND i.kind = 'customer' AND i.target_id = f.external_userid
               AND i.status IN ('waiting','done') AND j.created_at > now() - interval '90 days') AS transfers_90d
     FROM follows f LEFT JOIN customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
     WHERE f.corp_id = ${p.add(corpId)} AND f.userid = ${p.add(f.handoverUserid)} AND f.status = 'active'
       AND (${p.add(f.externalUserids ?? null)}::text[] IS NULL OR f.external_userid = ANY(${p.add(f.externalUserids ?? null)}::text[]))
       AND (${p.add(f.tagIds ?? null)}::text[] IS NULL OR f.tag_ids && ${p.add(f.tagIds ?? null)}::text[])
       AND ${inSegment}
       AND NOT EXISTS (SELECT 1 FROM follows t WHERE t.corp_id = f.corp_id AND t.external_userid = f.external_userid AND t.userid = ${p.add(f.takeoverUserid)} AND t.status = 'active')
     ORDER BY c.name`, p.values);
  return rows;
}

/** The member's active groups. */
export async function ownedGroups(db: Queryable, corpId: string, owner: string): Promise<Cols<'groups', 'chat_id' | 'name' | 'member_count'>[]> {
  const { rows } = await db.query<Cols<'groups', 'chat_id' | 'name' | 'member_count'>>(
    `SELECT chat_id, name, member_count FROM groups WHERE corp_id = $1 AND owner_userid = $2 AND status = 'active' ORDER BY name`, [corpId, owner]);
  return rows;
}

export type HandoverJobRow = Row<'handover_jobs'> & { counts: Partial<Record<HandoverItemStatus, number>> | null };
export type HandoverItemRow = Omit<Row<'handover_items'>, 'status'> & { status: HandoverItemStatus; name: string | null };

/** Creates the job with an item per customer (pending when eligible, else skipped with the reason) and per group. */
export async function insertHandoverJob(
  db: Queryable, corpId: string,
  job: { kind: HandoverKind; handoverUserid: string; takeoverUserid: string; message?: string; createdBy: string },
  customers: { externalUserid: string; eligible: boolean; reason: string | null }[], chatIds: string[],
): Promise<number> {
  const { rows: [j] } = await db.query<Cols<'handover_jobs', 'id'>>(
    `INSERT INTO handover_jobs (corp_id, kind, handover_userid, takeover_userid, message, created_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
    [corpId, job.kind, job.handoverUserid, job.takeoverUserid, job.message ?? null, job.createdBy]);
  await db.query(
    `INSERT INTO handover_items (job_id, kind, target_id, status, error)
     SELECT $1, 'customer', x.id, CASE WHEN x.ok THEN 'pending' ELSE 'skipped' END, x.reason FROM unnest($2::text[], $3::boolean[], $4::text[]) AS x(id, ok, reason)`,
    [j.id, customers.map((c) => c.externalUserid), customers.map((c) => c.eligible), customers.map((c) => c.reason)]);
  if (chatIds.length) {
    await db.query(`INSERT INTO handover_items (job_id, kind, target_id) SELECT $1, 'group', unnest($2::text[])`, [j.id, chatIds]);
  }
  return j.id;
}

export async function findHandoverJobById(db: Queryable, id: number): Promise<Row<'handover_jobs'> | undefined> {
  const { rows: [job] } = await db.query<Row<'handover_jobs'>>('SELECT * FROM handover_jobs WHERE id = $1', [id]);
  return job;
}

/** Pending items of a kind (at most `limit`): their target ids. */
export async function pendingTargets(db: Queryable, jobId: number, kind: 'customer' | 'group', limit?: number): Promise<string[]> {
  const { rows } = await db.query<Cols<'handover_items', 'target_id'>>(
    `SELECT target_id FROM handover_items WHERE job_id = $1 AND kind = $2 AND status = 'pending'${limit === undefined ? '' : ` LIMIT ${limit}`}`, [jobId, kind]);
  return rows.map((r) => r.target_id);
}

/** WeCom's answer for a customer whose transfer was asked for. */
export async function setCustomerStarted(db: Queryable, jobId: number, externalUserid: string, status: HandoverItemStatus, errcode: number | null): Promise<void> {
  await db.query(
    `UPDATE handover_items SET status = $3, errcode = $4 WHERE job_id = $1 AND kind = 'customer' AND target_id = $2 AND status = 'pending'`,
    [jobId, externalUserid, status, errcode]);
}

/** Customers of the batch still pending after WeCom answered: WeCom did not mention them. */
export async function failUnanswered(db: Queryable, jobId: number, ids: string[]): Promise<void> {
  await db.query(`UPDATE handover_items SET status = 'failed', error = 'not in WeCom''s answer' WHERE job_id = $1 AND kind = 'customer' AND status = 'pending' AND target_id = ANY($2)`, [jobId, ids]);
}

/** A group's transfer result; a transferred group is the new owner's at once. */
export async function setGroupResult(
  db: Queryable, job: Row<'handover_jobs'>, chatId: string, failure: { errcode: number | null; errmsg: string | null } | null,
): Promise<void> {
  await db.query(`UPDATE handover_items SET status = $3, errcode = $4, error = $5, takeover_at = CASE WHEN $3 = 'done' THEN now() END WHERE job_id = $1 AND kind = 'group' AND target_id = $2`,
    [job.id, chatId, failure ? 'failed' : 'done', failure?.errcode ?? null, failure?.errmsg ?? null]);
  if (!failure) await db.query(`UPDATE groups SET owner_userid = $3, updated_at = now() WHERE corp_id = $1 AND chat_id = $2`, [job.corp_id, chatId, job.takeover_userid]);
}

/** A waiting customer's final result (transfer_result); false when the item was not waiting. */
export async function settleCustomer(db: Queryable, jobId: number, externalUserid: string, status: HandoverItemStatus, takeoverAt: Date | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE handover_items SET status = $3, takeover_at = $4 WHERE job_id = $1 AND kind = 'customer' AND target_id = $2 AND status = 'waiting' AND $3 <> 'waiting'`,
    [jobId, externalUserid, status, takeoverAt]);
  return !!rowCount;
}

/** Pond's own records follow the customer: locks and attributions now point at the new owner. */
export async function moveCustomerRecords(db: Queryable, corpId: string, ext: string, from: string, to: string): Promise<void> {
  await db.query(`UPDATE code_locks SET userid = $4 WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`, [corpId, ext, from, to]);
  await db.query(`UPDATE attributions SET userid = $4 WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND deleted_at IS NULL`, [corpId, ext, from, to]);
}

export async function openItemCount(db: Queryable, jobId: number): Promise<number> {
  const { rows: [n] } = await db.query<{ open: number }>(`SELECT count(*) FILTER (WHERE status IN ('pending','waiting'))::int AS open FROM handover_items WHERE job_id = $1`, [jobId]);
  return n.open;
}

export async function setHandoverJobStatus(db: Queryable, jobId: number, status: 'waiting' | 'done'): Promise<void> {
  await db.query(status === 'done' ? `UPDATE handover_jobs SET status = 'done', finished_at = now() WHERE id = $1` : `UPDATE handover_jobs SET status = 'waiting' WHERE id = $1`, [jobId]);
}

const WITH_COUNTS = `SELECT j.*, (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM handover_items WHERE job_id = j.id GROUP BY status) s) AS counts
  FROM handover_jobs j`;

export async function listHandoverJobs(db: Queryable, corpId: string): Promise<HandoverJobRow[]> {
  const { rows } = await db.query<HandoverJobRow>(`${WITH_COUNTS} WHERE j.corp_id = $1 ORDER BY j.id DESC LIMIT 50`, [corpId]);
  return rows;
}

export async function findHandoverJob(db: Queryable, corpId: string, id: number): Promise<HandoverJobRow | undefined> {
  const { rows: [j] } = await db.query<HandoverJobRow>(`${WITH_COUNTS} WHERE j.corp_id = $1 AND j.id = $2`, [corpId, id]);
  return j;
}

/** The job's items with the customers' and groups' names. */
export async function handoverItems(db: Queryable, corpId: string, jobId: number): Promise<HandoverItemRow[]> {
  const { rows } = await db.query<HandoverItemRow>(
    `SELECT i.*, coalesce(c.name, g.name) AS name FROM handover_items i
     LEFT JOIN customers c ON i.kind = 'customer' AND c.corp_id = $2 AND c.external_userid = i.target_id
     LEFT JOIN groups g ON i.kind = 'group' AND g.corp_id = $2 AND g.chat_id = i.target_id
     WHERE i.job_id = $1 ORDER BY i.kind, i.status, name`, [jobId, corpId]);
  return rows;
}
