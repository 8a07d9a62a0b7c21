// SQL for welcome templates and welcome sends. Every function takes the corp id.
import type pg from 'pg';
import {
  SEND_STATUSES, type SendStatus, type TemplateStatus, type WelcomeAttachment, type WelcomeScope, type WelcomeSendOutput,
  type WelcomeTemplateOutput,
} from '@pond/contracts/welcome';
import type { Cols, Row } from '../../platform/db/rows';
import { Params } from '../../platform/sql';
import type { TemplateDraft } from './content';
import type { Scope } from '../../platform/auth';
import { staffUseridVisibleSql } from '../../platform/resources';

type Queryable = Pick<pg.Pool, 'query'>;

/** A template as the API shows it. */
export type WelcomeTemplate = WelcomeTemplateOutput;

export { SEND_STATUSES, type SendStatus };

/** The claim marker: a row written before calling WeCom (the attempt) and finished after it. */
export const IN_PROGRESS = 'in progress';
/** An attempt left in progress longer than this can no longer be checked with WeCom: the code (20 s) has expired. */
export const CLAIM_STALE_SECONDS = 30;
/** WeCom's window for a welcome code, from the add event. */
export const WELCOME_WINDOW_MS = 20_000;

export function rowToTemplate(r: Row<'welcome_templates'>): WelcomeTemplate {
  return {
    id: r.id, name: r.name, scope: r.scope, userids: r.userids, text: r.text, attachments: r.attachments,
    status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export async function listTemplates(db: Queryable, corpId: string, filter: { status?: TemplateStatus; scope?: WelcomeScope } = {}): Promise<WelcomeTemplate[]> {
  const p = new Params();
  const where = [`corp_id = ${p.add(corpId)}`];
  if (filter.status) where.push(`status = ${p.add(filter.status)}`);
  if (filter.scope) where.push(`scope = ${p.add(filter.scope)}`);
  const { rows } = await db.query<Row<'welcome_templates'>>(
    `SELECT * FROM welcome_templates WHERE ${where.join(' AND ')}
     ORDER BY status = 'archived', array_position(ARRAY['default','staff','code'], scope), updated_at DESC, id DESC`, p.values);
  return rows.map(rowToTemplate);
}

export async function findTemplate(db: Queryable, corpId: string, id: number): Promise<WelcomeTemplate | null> {
  const { rows } = await db.query<Row<'welcome_templates'>>('SELECT * FROM welcome_templates WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows[0] ? rowToTemplate(rows[0]) : null;
}

export async function insertTemplate(db: Queryable, corpId: string, d: TemplateDraft): Promise<WelcomeTemplate> {
  const { rows } = await db.query<Row<'welcome_templates'>>(
    `INSERT INTO welcome_templates (corp_id, name, scope, userids, text, attachments) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
    [corpId, d.name, d.scope, d.userids, d.text, JSON.stringify(d.attachments)]);
  return rowToTemplate(rows[0]);
}

export async function updateTemplate(db: Queryable, corpId: string, id: number, d: TemplateDraft): Promise<WelcomeTemplate> {
  const { rows } = await db.query<Row<'welcome_templates'>>(
    `UPDATE welcome_templates SET name=$3, scope=$4, userids=$5, text=$6, attachments=$7, updated_at=now()
     WHERE corp_id=$1 AND id=$2 RETURNING *`,
    [corpId, id, d.name, d.scope, d.userids, d.text, JSON.stringify(d.attachments)]);
  return rowToTemplate(rows[0]);
}

export async function archiveTemplates(db: Queryable, corpId: string, where: { id?: number; activeDefaultExcept?: number | null }): Promise<WelcomeTemplate[]> {
  const { rows } = where.id !== undefined
    ? await db.query<Row<'welcome_templates'>>(
      `UPDATE welcome_templates SET status='archived', updated_at = CASE WHEN status='archived' THEN updated_at ELSE now() END
       WHERE corp_id=$1 AND id=$2 RETURNING *`, [corpId, where.id])
    : await db.query<Row<'welcome_templates'>>(
      `UPDATE welcome_templates SET status='archived', updated_at=now()
       WHERE corp_id=$1 AND scope='default' AND status='active' AND id <> coalesce($2::bigint, -1) RETURNING *`,
      [corpId, where.activeDefaultExcept ?? null]);
  return rows.map(rowToTemplate);
}

/** Userids of `userids` that are not in the corp's staff table. */
export async function unknownStaff(db: Queryable, corpId: string, userids: string[]): Promise<string[]> {
  if (userids.length === 0) return [];
  const { rows } = await db.query<Cols<'staff', 'userid'>>('SELECT userid FROM staff WHERE corp_id = $1 AND userid = ANY($2::text[])', [corpId, userids]);
  const known = new Set(rows.map((r) => r.userid));
  return userids.filter((u) => !known.has(u));
}

/** Active staff templates (other than `exceptId`) that already list one of `userids`. */
export async function staffConflicts(db: Queryable, corpId: string, userids: string[], exceptId: number | null): Promise<{ id: number; name: string; userid: string }[]> {
  const { rows } = await db.query<Cols<'welcome_templates', 'id' | 'name'> & { userid: string }>(
    `SELECT t.id, t.name, u AS userid FROM welcome_templates t, unnest(t.userids) u
     WHERE t.corp_id=$1 AND t.status='active' AND t.scope='staff' AND t.id <> coalesce($3::bigint, -1) AND u = ANY($2::text[])
     ORDER BY t.id, u`, [corpId, userids, exceptId]);
  return rows;
}

/** Active live codes that point at the template. */
export async function codesUsing(db: Queryable, corpId: string, templateId: number): Promise<{ id: number; name: string }[]> {
  const { rows } = await db.query<Cols<'live_codes', 'id' | 'name'>>(
    `SELECT id, name FROM live_codes WHERE corp_id=$1 AND welcome_id=$2 AND status='active' ORDER BY id`, [corpId, templateId]);
  return rows;
}

/** Ordered by priority: the code's own template (when active) > a staff template listing userid > the default. */
export const CHOOSE_SQL = `
  SELECT * FROM welcome_templates
  WHERE corp_id = $1 AND status = 'active'
    AND (id = $2::bigint OR (scope = 'staff' AND $3::text = ANY(userids)) OR scope = 'default')
  ORDER BY CASE WHEN id = $2::bigint THEN 0 WHEN scope = 'staff' THEN 1 ELSE 2 END, id DESC
  LIMIT 1`;

export async function chooseTemplate(db: Queryable, corpId: string, userid: string, codeWelcomeId: number | null): Promise<WelcomeTemplate | null> {
  const { rows } = await db.query<Row<'welcome_templates'>>(CHOOSE_SQL, [corpId, codeWelcomeId, userid]);
  return rows[0] ? rowToTemplate(rows[0]) : null;
}

export async function staffInfo(db: Queryable, corpId: string, userid: string): Promise<{ name: string; storeName: string | null } | null> {
  const { rows } = await db.query<Cols<'staff', 'name'> & { store_name: string | null }>(
    `SELECT s.name, st.name AS store_name FROM staff s LEFT JOIN stores st ON st.id = s.store_id AND st.corp_id = s.corp_id
     WHERE s.corp_id = $1 AND s.userid = $2`, [corpId, userid]);
  return rows[0] ? { name: rows[0].name, storeName: rows[0].store_name } : null;
}

// ---- sends ----------------------------------------------------------------------------------

export interface SendRow {
  id: number;
  templateId: number | null;
  status: SendStatus;
  errcode: number | null;
  error: string | null;
  latencyMs: number | null;
  /** When the row was written or last finished. */
  sentAt: Date;
  /** Milliseconds since sentAt, by the database clock. */
  ageMs: number;
  /** The inbox lease under which the attempt was made (null outside the inbox). */
  lease: string | null;
  reconciled: boolean;
}

/** A whole welcome_sends row; `age_ms` where the query computes it. */
type SendDbRow = Row<'welcome_sends'> & { age_ms?: number };

function rowToSend(r: SendDbRow): SendRow {
  return {
    id: r.id, templateId: r.template_id, status: r.status, errcode: r.errcode, error: r.error, latencyMs: r.latency_ms, sentAt: r.sent_at,
    ageMs: r.age_ms ?? 0, lease: r.lease, reconciled: r.reconciled,
  };
}

export interface SendKey {
  corpId: string;
  inboxId: number;
  externalUserid: string;
  userid: string;
  codeId: number | null;
  receivedAt: Date;
}

/** Records a final outcome in one statement; returns null when a row for this inbox id already exists. */
export async function insertFinalSend(db: Queryable, k: SendKey, out: { status: SendStatus; templateId?: number | null; errcode?: number | null; error: string; latencyMs: number }): Promise<SendRow | null> {
  const { rows } = await db.query<SendDbRow>(
    `INSERT INTO welcome_sends (corp_id, inbox_id, external_userid, userid, code_id, template_id, status, errcode, error, received_at, latency_ms)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
     ON CONFLICT (corp_id, inbox_id) DO NOTHING RETURNING *`,
    [k.corpId, k.inboxId, k.externalUserid, k.userid, k.codeId, out.templateId ?? null, out.status, out.errcode ?? null, out.error, k.receivedAt, out.latencyMs]);
  return rows[0] ? rowToSend(rows[0]) : null;
}

export interface Claim {
  sendId: number;
  template: { id: number; text: string; attachments: WelcomeAttachment[] } | null;
  staffName: string | null;
  storeName: string | null;
  customerName: string | null;
}

export interface ClaimRequest {
  key: SendKey; codeWelcomeId: number | null; latencyMs: number; welcomeCode: string;
  /** The inbox lease the add is handled under: the attempt is recorded only while it is still held. */
  lease: string | null;
}

/** The inbox row is still held under this lease (SQL over `lease` and `inbox_id` expressions); always true without one. */
/** The template and names a claimed attempt is rendered with (null where the LEFT JOINs found nothing). */
interface ClaimedDbRow {
  template_id: number | null;
  text: string | null;
  attachments: WelcomeAttachment[] | null;
  staff_name: string | null;
  store_name: string | null;
  customer_name: string | null;
}

function claimOf(sendId: number, r: ClaimedDbRow): Claim {
  return {
    sendId,
    template: r.template_id !== null ? { id: r.template_id, text: r.text ?? '', attachments: r.attachments ?? [] } : null,
    staffName: r.staff_name, storeName: r.store_name, customerName: r.customer_name,
  };
}

const holdsLease = (lease: string, inboxId: string) =>
  `(${lease} IS NULL OR EXISTS (SELECT 1 FROM callback_inbox i WHERE i.id = ${inboxId} AND i.lease = ${lease} AND i.locked_until > now()))`;

/**
 * One round trip on the hot path, for every add of one corp handled together: picks each add's template,
 * records the attempt for its inbox id (status 'skipped', error 'in progress', the code, the lease — or the final
 * 'no template' outcome) and reads the staff and customer names. Results in input order; null where the inbox id
 * was already claimed, or its lease was lost.
 */
export async function claimSends(db: Queryable, reqs: ClaimRequest[], noTemplateError: string): Promise<(Claim | null)[]> {
  if (reqs.length === 0) return [];
  const corpId = reqs[0].key.corpId;
  if (reqs.some((r) => r.key.corpId !== corpId)) throw new Error('claimSends: one corp per call');
  const { rows } = await db.query<ClaimedDbRow & { inbox_id: number; send_id: number }>(
    `WITH x AS (
       SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::int[], $10::text[], $11::uuid[])
         AS x(inbox_id, external_userid, userid, code_id, code_welcome_id, received_at, latency_ms, welcome_code, lease)
       WHERE ${holdsLease('x.lease', 'x.inbox_id')}),
     pick AS (
       SELECT x.*, (SELECT t.id FROM welcome_templates t
                    WHERE t.corp_id = $1 AND t.status = 'active'
                      AND (t.id = x.code_welcome_id OR (t.scope = 'staff' AND x.userid = ANY(t.userids)) OR t.scope = 'default')
                    ORDER BY CASE WHEN t.id = x.code_welcome_id THEN 0 WHEN t.scope = 'staff' THEN 1 ELSE 2 END, t.id DESC
                    LIMIT 1) AS template_id
       FROM x),
     claim AS (
       INSERT INTO welcome_sends (corp_id, inbox_id, external_userid, userid, code_id, template_id, status, error, received_at, latency_ms,
                                  welcome_code, lease, attempted_at)
       SELECT $1, inbox_id, external_userid, userid, code_id, template_id, 'skipped',
              CASE WHEN template_id IS NOT NULL THEN '${IN_PROGRESS}' ELSE $9 END, received_at,
              CASE WHEN template_id IS NOT NULL THEN NULL ELSE latency_ms END, welcome_code, lease, now()
       FROM pick
       ON CONFLICT (corp_id, inbox_id) DO NOTHING
       RETURNING id, inbox_id, template_id)
     SELECT c.inbox_id, c.id AS send_id, t.id AS template_id, t.text, t.attachments,
            s.name AS staff_name, st.name AS store_name,
            (SELECT nullif(cu.name, '') FROM customers cu WHERE cu.corp_id = $1 AND cu.external_userid = p.external_userid) AS customer_name
     FROM claim c
     JOIN pick p ON p.inbox_id = c.inbox_id
     LEFT JOIN welcome_templates t ON t.id = c.template_id
     LEFT JOIN staff s ON s.corp_id = $1 AND s.userid = p.userid
     LEFT JOIN stores st ON st.id = s.store_id AND st.corp_id = $1`,
    [corpId, reqs.map((r) => r.key.inboxId), reqs.map((r) => r.key.externalUserid), reqs.map((r) => r.key.userid),
     reqs.map((r) => r.key.codeId), reqs.map((r) => r.codeWelcomeId), reqs.map((r) => r.key.receivedAt), reqs.map((r) => Math.round(r.latencyMs)),
     noTemplateError, reqs.map((r) => r.welcomeCode), reqs.map((r) => r.lease)]);
  const byInbox = new Map(rows.map((r) => [r.inbox_id, r]));
  return reqs.map((q) => {
    const r = byInbox.get(q.key.inboxId);
    return r ? claimOf(r.send_id, r) : null;
  });
}

/** The status and errcode recorded for each of these add events (inbox ids) that has a send row. */
export async function sendOutcomes(db: Queryable, corpId: string, inboxIds: number[]): Promise<Map<number, { status: SendStatus; errcode: number | null }>> {
  const { rows } = await db.query<Cols<'welcome_sends', 'inbox_id' | 'status' | 'errcode'>>(
    `SELECT inbox_id, status, errcode FROM welcome_sends WHERE corp_id = $1 AND inbox_id = ANY($2::bigint[])`, [corpId, inboxIds]);
  return new Map(rows.map((r) => [r.inbox_id, { status: r.status, errcode: r.errcode }]));
}

export async function findSend(db: Queryable, corpId: string, inboxId: number): Promise<SendRow | null> {
  const { rows } = await db.query<SendDbRow>(
    `SELECT *, (extract(epoch FROM now() - sent_at) * 1000)::int AS age_ms FROM welcome_sends WHERE corp_id = $1 AND inbox_id = $2`, [corpId, inboxId]);
  return rows[0] ? rowToSend(rows[0]) : null;
}

export interface TakeOver {
  claim: Claim;
  receivedAt: Date;
  /** When the interrupted attempt was recorded (before its call to WeCom). */
  attemptedAt: Date;
}

/**
 * An attempt left in progress by a claim that is gone (its worker crashed or lost its lease) passes to the caller,
 * who holds the event's inbox row under `lease` now. Null when the row is no longer in progress, already this
 * lease's, or the caller does not hold the inbox row (a live claimant still owns the attempt).
 */
export async function takeOverSend(db: Queryable, corpId: string, inboxId: number, lease: string | null): Promise<TakeOver | null> {
  const { rows: [r] } = await db.query<ClaimedDbRow & Cols<'welcome_sends', 'id' | 'received_at'> & { attempted_at: Date }>(
    `WITH t AS (
       UPDATE welcome_sends w SET lease = $3
       WHERE w.corp_id = $1 AND w.inbox_id = $2 AND w.status = 'skipped' AND w.error = '${IN_PROGRESS}'
         AND w.lease IS DISTINCT FROM $3::uuid AND ${holdsLease('$3::uuid', 'w.inbox_id')}
       RETURNING w.id, w.template_id, w.userid, w.external_userid, w.received_at, coalesce(w.attempted_at, w.sent_at) AS attempted_at)
     SELECT t.*, tp.text, tp.attachments, s.name AS staff_name, st.name AS store_name,
            (SELECT nullif(cu.name, '') FROM customers cu WHERE cu.corp_id = $1 AND cu.external_userid = t.external_userid) AS customer_name
     FROM t
     LEFT JOIN welcome_templates tp ON tp.id = t.template_id
     LEFT JOIN staff s ON s.corp_id = $1 AND s.userid = t.userid
     LEFT JOIN stores st ON st.id = s.store_id AND st.corp_id = $1`, [corpId, inboxId, lease]);
  if (!r) return null;
  return { claim: claimOf(r.id, r), receivedAt: r.received_at, attemptedAt: r.attempted_at };
}

/** Finishes an attempt; only a row still in progress under the same lease is changed, so an outcome is written once. */
export async function finishSend(db: Queryable, sendId: number, out: SendOutcomeRecord, lease: string | null = null): Promise<SendRow | null> {
  const { rows } = await db.query<SendDbRow>(
    `UPDATE welcome_sends SET status=$2, errcode=$3, error=$4, latency_ms=$5, reconciled=$7, sent_at=now()
     WHERE id=$1 AND status='skipped' AND error='${IN_PROGRESS}' AND lease IS NOT DISTINCT FROM $6::uuid RETURNING *`,
    [sendId, out.status, out.errcode ?? null, out.error ?? null, out.latencyMs, lease, out.reconciled ?? false]);
  return rows[0] ? rowToSend(rows[0]) : null;
}

export interface SendOutcomeRecord { status: SendStatus; errcode?: number | null; error?: string | null; latencyMs: number | null; reconciled?: boolean }

/** finishSend for many attempts in one statement (group commit of a burst's outcomes). */
export async function finishSends(db: Queryable, items: { sendId: number; lease: string | null; out: SendOutcomeRecord }[]): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `UPDATE welcome_sends w SET status = x.status, errcode = x.errcode, error = x.error, latency_ms = x.latency_ms, reconciled = x.reconciled, sent_at = now()
     FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::int[], $6::uuid[], $7::boolean[]) AS x(id, status, errcode, error, latency_ms, lease, reconciled)
     WHERE w.id = x.id AND w.status = 'skipped' AND w.error = '${IN_PROGRESS}' AND w.lease IS NOT DISTINCT FROM x.lease`,
    [items.map((i) => i.sendId), items.map((i) => i.out.status), items.map((i) => i.out.errcode ?? null), items.map((i) => i.out.error ?? null),
     items.map((i) => (i.out.latencyMs === null ? null : Math.round(i.out.latencyMs))), items.map((i) => i.lease), items.map((i) => i.out.reconciled ?? false)]);
}

export const INTERRUPTED_UNKNOWN = 'interrupted while sending, and the welcome code has expired since: WeCom can no longer tell whether it was delivered';

/** Status as shown: an attempt left in progress past the stale limit was interrupted and can no longer be checked. */
const STALE = `s.status = 'skipped' AND s.error = '${IN_PROGRESS}' AND coalesce(s.attempted_at, s.sent_at) < now() - interval '${CLAIM_STALE_SECONDS} seconds'`;
const EFFECTIVE_STATUS = `CASE WHEN ${STALE} THEN 'unknown' ELSE s.status END`;
const EFFECTIVE_ERROR = `CASE WHEN ${STALE} THEN '${INTERRUPTED_UNKNOWN}' ELSE s.error END`;

/** A row of the sends list: the send, its effective status, and the names it refers to. */
type SendListDbRow = Cols<'welcome_sends', 'id' | 'inbox_id' | 'external_userid' | 'userid' | 'template_id' | 'code_id' | 'errcode' | 'reconciled' | 'received_at' | 'sent_at' | 'latency_ms'>
  & { customer_name: string | null; staff_name: string | null; template_name: string | null; code_name: string | null; status: SendStatus; error: string | null };

export async function listSends(
  db: Queryable, scope: Scope, q: { codeId?: number; status?: SendStatus; page: number; pageSize: number },
): Promise<{ items: WelcomeSendOutput[]; total: number }> {
  const p = new Params();
  // A store manager sees the sends of their stores' staff; a staff member their own.
  const where = [`s.corp_id = ${p.add(scope.corpId)}`, staffUseridVisibleSql(scope, p, 's.userid', 's.corp_id')];
  if (q.codeId !== undefined) where.push(`s.code_id = ${p.add(q.codeId)}`);
  if (q.status) where.push(`${EFFECTIVE_STATUS} = ${p.add(q.status)}`);
  const whereSql = where.join(' AND ');
  const countP = p.values.length;
  const limit = p.add(q.pageSize);
  const offset = p.add((q.page - 1) * q.pageSize);
  const [{ rows }, { rows: total }] = await Promise.all([
    db.query<SendListDbRow>(
      `SELECT s.id, s.inbox_id, s.external_userid, c.name AS customer_name, s.userid, st.name AS staff_name,
              s.template_id, t.name AS template_name, s.code_id, lc.name AS code_name,
              ${EFFECTIVE_STATUS} AS status, s.errcode, ${EFFECTIVE_ERROR} AS error, s.reconciled, s.received_at, s.sent_at, s.latency_ms
       FROM welcome_sends s
       LEFT JOIN customers c ON c.corp_id = s.corp_id AND c.external_userid = s.external_userid
       LEFT JOIN staff st ON st.corp_id = s.corp_id AND st.userid = s.userid
       LEFT JOIN welcome_templates t ON t.corp_id = s.corp_id AND t.id = s.template_id
       LEFT JOIN live_codes lc ON lc.corp_id = s.corp_id AND lc.id = s.code_id
       WHERE ${whereSql}
       ORDER BY s.received_at DESC, s.id DESC LIMIT ${limit} OFFSET ${offset}`, p.values),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM welcome_sends s WHERE ${whereSql}`, p.values.slice(0, countP)),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id, inboxId: r.inbox_id, externalUserid: r.external_userid, customerName: r.customer_name || null,
      userid: r.userid, staffName: r.staff_name, templateId: r.template_id, templateName: r.template_name,
      codeId: r.code_id, codeName: r.code_name, status: r.status, errcode: r.errcode,
      error: r.error, reconciled: r.reconciled, receivedAt: r.received_at, sentAt: r.sent_at,
      latencyMs: r.latency_ms,
    })),
    total: total[0].n,
  };
}
