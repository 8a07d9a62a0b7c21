// SQL for welcome templates and welcome sends. Every function takes the corp id.
import type pg from 'pg';
import type { WelcomeAttachment } from '../../platform/db/schema';
import { Params } from '../../platform/sql';
import type { TemplateDraft, WelcomeScope } from './content';
import type { Scope } from '../../platform/auth';
import { staffUseridVisibleSql } from '../../platform/resources';

type Queryable = Pick<pg.Pool, 'query'>;

export interface WelcomeTemplate {
  id: number;
  name: string;
  scope: WelcomeScope;
  userids: string[];
  text: string;
  attachments: WelcomeAttachment[];
  status: 'active' | 'archived';
  createdAt: Date;
  updatedAt: Date;
}

export const SEND_STATUSES = ['sent', 'failed', 'skipped'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** The claim marker: a row written before calling WeCom and finished after it. */
export const IN_PROGRESS = 'in progress';
/** A claim older than this is never finished by a retry: the welcome code (20 s) has expired. */
export const CLAIM_STALE_SECONDS = 30;

export function rowToTemplate(r: any): WelcomeTemplate {
  return {
    id: r.id, name: r.name, scope: r.scope, userids: r.userids, text: r.text, attachments: r.attachments,
    status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export async function listTemplates(db: Queryable, corpId: string, filter: { status?: 'active' | 'archived'; scope?: WelcomeScope } = {}): Promise<WelcomeTemplate[]> {
  const p = new Params();
  const where = [`corp_id = ${p.add(corpId)}`];
  if (filter.status) where.push(`status = ${p.add(filter.status)}`);
  if (filter.scope) where.push(`scope = ${p.add(filter.scope)}`);
  const { rows } = await db.query(
    `SELECT * FROM welcome_templates WHERE ${where.join(' AND ')}
     ORDER BY status = 'archived', array_position(ARRAY['default','staff','code'], scope), updated_at DESC, id DESC`, p.values);
  return rows.map(rowToTemplate);
}

export async function findTemplate(db: Queryable, corpId: string, id: number): Promise<WelcomeTemplate | null> {
  const { rows } = await db.query('SELECT * FROM welcome_templates WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows[0] ? rowToTemplate(rows[0]) : null;
}

export async function insertTemplate(db: Queryable, corpId: string, d: TemplateDraft): Promise<WelcomeTemplate> {
  const { rows } = await db.query(
    `INSERT INTO welcome_templates (corp_id, name, scope, userids, text, attachments) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
    [corpId, d.name, d.scope, d.userids, d.text, JSON.stringify(d.attachments)]);
  return rowToTemplate(rows[0]);
}

export async function updateTemplate(db: Queryable, corpId: string, id: number, d: TemplateDraft): Promise<WelcomeTemplate> {
  const { rows } = await db.query(
    `UPDATE welcome_templates SET name=$3, scope=$4, userids=$5, text=$6, attachments=$7, updated_at=now()
     WHERE corp_id=$1 AND id=$2 RETURNING *`,
    [corpId, id, d.name, d.scope, d.userids, d.text, JSON.stringify(d.attachments)]);
  return rowToTemplate(rows[0]);
}

export async function archiveTemplates(db: Queryable, corpId: string, where: { id?: number; activeDefaultExcept?: number | null }): Promise<WelcomeTemplate[]> {
  const { rows } = where.id !== undefined
    ? await db.query(
      `UPDATE welcome_templates SET status='archived', updated_at = CASE WHEN status='archived' THEN updated_at ELSE now() END
       WHERE corp_id=$1 AND id=$2 RETURNING *`, [corpId, where.id])
    : await db.query(
      `UPDATE welcome_templates SET status='archived', updated_at=now()
       WHERE corp_id=$1 AND scope='default' AND status='active' AND id <> coalesce($2::bigint, -1) RETURNING *`,
      [corpId, where.activeDefaultExcept ?? null]);
  return rows.map(rowToTemplate);
}

/** Userids of `userids` that are not in the corp's staff table. */
export async function unknownStaff(db: Queryable, corpId: string, userids: string[]): Promise<string[]> {
  if (userids.length === 0) return [];
  const { rows } = await db.query('SELECT userid FROM staff WHERE corp_id = $1 AND userid = ANY($2::text[])', [corpId, userids]);
  const known = new Set(rows.map((r) => r.userid as string));
  return userids.filter((u) => !known.has(u));
}

/** Active staff templates (other than `exceptId`) that already list one of `userids`. */
export async function staffConflicts(db: Queryable, corpId: string, userids: string[], exceptId: number | null) {
  const { rows } = await db.query(
    `SELECT t.id, t.name, u AS userid FROM welcome_templates t, unnest(t.userids) u
     WHERE t.corp_id=$1 AND t.status='active' AND t.scope='staff' AND t.id <> coalesce($3::bigint, -1) AND u = ANY($2::text[])
     ORDER BY t.id, u`, [corpId, userids, exceptId]);
  return rows as { id: number; name: string; userid: string }[];
}

/** Active live codes that point at the template. */
export async function codesUsing(db: Queryable, corpId: string, templateId: number): Promise<{ id: number; name: string }[]> {
  const { rows } = await db.query(
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
  const { rows } = await db.query(CHOOSE_SQL, [corpId, codeWelcomeId, userid]);
  return rows[0] ? rowToTemplate(rows[0]) : null;
}

export async function staffInfo(db: Queryable, corpId: string, userid: string): Promise<{ name: string; storeName: string | null } | null> {
  const { rows } = await db.query(
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
}

function rowToSend(r: any): SendRow {
  return { id: r.id, templateId: r.template_id, status: r.status, errcode: r.errcode, error: r.error, latencyMs: r.latency_ms, sentAt: r.sent_at, ageMs: Number(r.age_ms ?? 0) };
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
  const { rows } = await db.query(
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

export interface ClaimRequest { key: SendKey; codeWelcomeId: number | null; latencyMs: number }

/**
 * One round trip on the hot path, for every add of one corp handled together: picks each add's template,
 * claims its inbox id (status 'skipped', error 'in progress' — or the final 'no template' outcome) and
 * reads the staff and customer names. Results in input order; null where the inbox id was already claimed.
 */
export async function claimSends(db: Queryable, reqs: ClaimRequest[], noTemplateError: string): Promise<(Claim | null)[]> {
  if (reqs.length === 0) return [];
  const corpId = reqs[0]!.key.corpId;
  if (reqs.some((r) => r.key.corpId !== corpId)) throw new Error('claimSends: one corp per call');
  const { rows } = await db.query(
    `WITH x AS (
       SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::int[])
         AS x(inbox_id, external_userid, userid, code_id, code_welcome_id, received_at, latency_ms)),
     pick AS (
       SELECT x.*, (SELECT t.id FROM welcome_templates t
                    WHERE t.corp_id = $1 AND t.status = 'active'
                      AND (t.id = x.code_welcome_id OR (t.scope = 'staff' AND x.userid = ANY(t.userids)) OR t.scope = 'default')
                    ORDER BY CASE WHEN t.id = x.code_welcome_id THEN 0 WHEN t.scope = 'staff' THEN 1 ELSE 2 END, t.id DESC
                    LIMIT 1) AS template_id
       FROM x),
     claim AS (
       INSERT INTO welcome_sends (corp_id, inbox_id, external_userid, userid, code_id, template_id, status, error, received_at, latency_ms)
       SELECT $1, inbox_id, external_userid, userid, code_id, template_id, 'skipped',
              CASE WHEN template_id IS NOT NULL THEN '${IN_PROGRESS}' ELSE $9 END, received_at,
              CASE WHEN template_id IS NOT NULL THEN NULL ELSE latency_ms END
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
     noTemplateError]);
  const byInbox = new Map(rows.map((r) => [Number(r.inbox_id), r]));
  return reqs.map((q) => {
    const r = byInbox.get(q.key.inboxId);
    if (!r) return null;
    return {
      sendId: Number(r.send_id),
      template: r.template_id ? { id: Number(r.template_id), text: r.text, attachments: r.attachments } : null,
      staffName: r.staff_name, storeName: r.store_name, customerName: r.customer_name,
    };
  });
}

/** The status and errcode recorded for each of these add events (inbox ids) that has a send row. */
export async function sendOutcomes(db: Queryable, corpId: string, inboxIds: number[]): Promise<Map<number, { status: SendStatus; errcode: number | null }>> {
  const { rows } = await db.query(
    `SELECT inbox_id, status, errcode FROM welcome_sends WHERE corp_id = $1 AND inbox_id = ANY($2::bigint[])`, [corpId, inboxIds]);
  return new Map(rows.map((r) => [Number(r.inbox_id), { status: r.status as SendStatus, errcode: r.errcode === null ? null : Number(r.errcode) }]));
}

export async function findSend(db: Queryable, corpId: string, inboxId: number): Promise<SendRow | null> {
  const { rows } = await db.query(
    `SELECT *, (extract(epoch FROM now() - sent_at) * 1000)::int AS age_ms FROM welcome_sends WHERE corp_id = $1 AND inbox_id = $2`, [corpId, inboxId]);
  return rows[0] ? rowToSend(rows[0]) : null;
}

/** Finishes a claim; only a row still marked in progress is changed, so an outcome is written once. */
export async function finishSend(db: Queryable, sendId: number, out: SendOutcomeRecord): Promise<SendRow | null> {
  const { rows } = await db.query(
    `UPDATE welcome_sends SET status=$2, errcode=$3, error=$4, latency_ms=$5, sent_at=now()
     WHERE id=$1 AND status='skipped' AND error='${IN_PROGRESS}' RETURNING *`,
    [sendId, out.status, out.errcode ?? null, out.error ?? null, out.latencyMs]);
  return rows[0] ? rowToSend(rows[0]) : null;
}

export interface SendOutcomeRecord { status: SendStatus; errcode?: number | null; error?: string | null; latencyMs: number | null }

/** finishSend for many claims in one statement (group commit of a burst's outcomes). */
export async function finishSends(db: Queryable, items: { sendId: number; out: SendOutcomeRecord }[]): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `UPDATE welcome_sends w SET status = x.status, errcode = x.errcode, error = x.error, latency_ms = x.latency_ms, sent_at = now()
     FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::int[]) AS x(id, status, errcode, error, latency_ms)
     WHERE w.id = x.id AND w.status = 'skipped' AND w.error = '${IN_PROGRESS}'`,
    [items.map((i) => i.sendId), items.map((i) => i.out.status), items.map((i) => i.out.errcode ?? null), items.map((i) => i.out.error ?? null),
     items.map((i) => (i.out.latencyMs === null ? null : Math.round(i.out.latencyMs)))]);
}

/** Status as shown: a claim left in progress past the stale limit was interrupted (crash) and never resent. */
const EFFECTIVE_STATUS = `CASE WHEN s.status = 'skipped' AND s.error = '${IN_PROGRESS}' AND s.sent_at < now() - interval '${CLAIM_STALE_SECONDS} seconds' THEN 'failed' ELSE s.status END`;
const EFFECTIVE_ERROR = `CASE WHEN s.status = 'skipped' AND s.error = '${IN_PROGRESS}' AND s.sent_at < now() - interval '${CLAIM_STALE_SECONDS} seconds' THEN 'interrupted while sending; the welcome code has expired, not resent' ELSE s.error END`;

export async function listSends(db: Queryable, scope: Scope, q: { codeId?: number; status?: SendStatus; page: number; pageSize: number }) {
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
    db.query(
      `SELECT s.id, s.inbox_id, s.external_userid, c.name AS customer_name, s.userid, st.name AS staff_name,
              s.template_id, t.name AS template_name, s.code_id, lc.name AS code_name,
              ${EFFECTIVE_STATUS} AS status, s.errcode, ${EFFECTIVE_ERROR} AS error, s.received_at, s.sent_at, s.latency_ms
       FROM welcome_sends s
       LEFT JOIN customers c ON c.corp_id = s.corp_id AND c.external_userid = s.external_userid
       LEFT JOIN staff st ON st.corp_id = s.corp_id AND st.userid = s.userid
       LEFT JOIN welcome_templates t ON t.corp_id = s.corp_id AND t.id = s.template_id
       LEFT JOIN live_codes lc ON lc.corp_id = s.corp_id AND lc.id = s.code_id
       WHERE ${whereSql}
       ORDER BY s.received_at DESC, s.id DESC LIMIT ${limit} OFFSET ${offset}`, p.values),
    db.query(`SELECT count(*)::int AS n FROM welcome_sends s WHERE ${whereSql}`, p.values.slice(0, countP)),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id as number, inboxId: r.inbox_id as number, externalUserid: r.external_userid as string, customerName: (r.customer_name || null) as string | null,
      userid: r.userid as string, staffName: r.staff_name as string | null, templateId: r.template_id as number | null, templateName: r.template_name as string | null,
      codeId: r.code_id as number | null, codeName: r.code_name as string | null, status: r.status as SendStatus, errcode: r.errcode as number | null,
      error: r.error as string | null, receivedAt: r.received_at as Date, sentAt: r.sent_at as Date, latencyMs: r.latency_ms as number | null,
    })),
    total: total[0].n as number,
  };
}
