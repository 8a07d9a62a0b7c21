// The FAQ library's and the questions' SQL.
import type pg from 'pg';
import type { Content } from '@pond/contracts/content';
import type { QuestionSource, QuestionStatus } from '@pond/contracts/faq';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import { staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

type Db = Pick<pg.PoolClient, 'query'>;

export interface FaqFields { question: string; synonyms: string[]; answer: Content; tiers: string[]; enabled: boolean }

export async function listFaqs(db: Db, corpId: string): Promise<Row<'faq_entries'>[]> {
  const { rows } = await db.query<Row<'faq_entries'>>('SELECT * FROM faq_entries WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY id', [corpId]);
  return rows;
}

export async function getFaq(db: Db, corpId: string, id: number): Promise<Row<'faq_entries'> | null> {
  const { rows } = await db.query<Row<'faq_entries'>>('SELECT * FROM faq_entries WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
  return rows[0] ?? null;
}

export async function insertFaq(db: Db, corpId: string, f: FaqFields): Promise<number> {
  const { rows: [r] } = await db.query<{ id: number }>(
    'INSERT INTO faq_entries (corp_id, question, synonyms, answer, tiers, enabled) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [corpId, f.question, f.synonyms, JSON.stringify(f.answer), f.tiers, f.enabled]);
  return r.id;
}

export async function updateFaq(db: Db, corpId: string, id: number, f: FaqFields): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE faq_entries SET question = $3, synonyms = $4, answer = $5, tiers = $6, enabled = $7, updated_at = clock_timestamp()
      WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL`, [corpId, id, f.question, f.synonyms, JSON.stringify(f.answer), f.tiers, f.enabled]);
  return (rowCount ?? 0) > 0;
}

export async function deleteFaq(db: Db, corpId: string, id: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE faq_entries SET deleted_at = now(), updated_at = clock_timestamp() WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
  return (rowCount ?? 0) > 0;
}

/** What the library looks like now: the matcher is rebuilt when this changes (any process's edit). */
export async function libraryVersion(db: Db, corpId: string): Promise<string> {
  const { rows: [r] } = await db.query<{ v: string }>(
    `SELECT count(*)::text || ':' || coalesce(max(extract(epoch FROM updated_at))::text, '0') AS v FROM faq_entries WHERE corp_id = $1`, [corpId]);
  return r.v;
}

export async function getSettings(db: Db, corpId: string): Promise<Row<'faq_settings'> | null> {
  const { rows } = await db.query<Row<'faq_settings'>>('SELECT * FROM faq_settings WHERE corp_id = $1', [corpId]);
  return rows[0] ?? null;
}

export async function upsertSettings(db: Db, corpId: string, s: { threshold: number; escalateAfterMinutes: number; directChats: boolean }): Promise<void> {
  await db.query(
    `INSERT INTO faq_settings (corp_id, threshold, escalate_after_minutes, direct_chats) VALUES ($1, $2, $3, $4)
     ON CONFLICT (corp_id) DO UPDATE SET threshold = $2, escalate_after_minutes = $3, direct_chats = $4, updated_at = now()`,
    [corpId, s.threshold, s.escalateAfterMinutes, s.directChats]);
}

/** The groups' tier and who answers there: the owner, or (owner resigned) the first admin. */
export async function groupsOf(db: Db, corpId: string, chatIds: string[]): Promise<Map<string, { tier: string | null; answerer: string | null }>> {
  if (!chatIds.length) return new Map();
  const { rows } = await db.query<{ chat_id: string; tier: string | null; answerer: string | null }>(
    `SELECT chat_id, tier, CASE WHEN owner_status = 0 OR cardinality(admin_userids) = 0 THEN owner_userid ELSE admin_userids[1] END AS answerer
       FROM groups WHERE corp_id = $1 AND chat_id = ANY($2::text[])`, [corpId, chatIds]);
  return new Map(rows.map((r) => [r.chat_id, { tier: r.tier, answerer: r.answerer }]));
}

/** Customers Pond knows (the timeline's rows need them). */
export async function knownCustomers(db: Db, corpId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const { rows } = await db.query<{ external_userid: string }>('SELECT external_userid FROM customers WHERE corp_id = $1 AND external_userid = ANY($2::text[])', [corpId, ids]);
  return new Set(rows.map((r) => r.external_userid));
}

export interface NewQuestion {
  msgid: string; source: QuestionSource; status: QuestionStatus; text: string; chatId: string | null; externalUserid: string | null;
  ownerUserid: string | null; faqId: number | null; score: number | null; askedAt: Date;
}

/** Stores questions (once per message); returns those stored now. */
export async function insertQuestions(db: Db, corpId: string, qs: NewQuestion[]): Promise<Cols<'faq_questions', 'id' | 'msgid' | 'status' | 'faq_id' | 'external_userid' | 'chat_id' | 'asked_at'>[]> {
  if (!qs.length) return [];
  const col = <T>(f: (q: NewQuestion) => T) => qs.map(f);
  const { rows } = await db.query<Cols<'faq_questions', 'id' | 'msgid' | 'status' | 'faq_id' | 'external_userid' | 'chat_id' | 'asked_at'>>(
    `INSERT INTO faq_questions (corp_id, msgid, source, status, text, chat_id, external_userid, owner_userid, faq_id, score, asked_at)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::float8[], $11::timestamptz[])
     ON CONFLICT (corp_id, msgid) DO NOTHING
     RETURNING id, msgid, status, faq_id, external_userid, chat_id, asked_at`,
    [corpId, col((q) => q.msgid), col((q) => q.source), col((q) => q.status), col((q) => q.text), col((q) => q.chatId), col((q) => q.externalUserid),
      col((q) => q.ownerUserid), col((q) => q.faqId), col((q) => q.score), col((q) => q.askedAt)]);
  if (rows.some((r) => r.faq_id)) {
    await db.query(
      `UPDATE faq_entries f SET hits = f.hits + n.n FROM (SELECT faq_id, count(*)::int AS n FROM unnest($2::bigint[]) AS faq_id GROUP BY faq_id) n
        WHERE f.corp_id = $1 AND f.id = n.faq_id`, [corpId, rows.flatMap((r) => (r.faq_id ? [r.faq_id] : []))]);
  }
  return rows;
}

/**
 * Staff messages answer the open questions asked before them in the same chat: a group's any staff message, a 1:1
 * chat's message from the staff member the question waits on. Returns the questions answered now.
 */
export async function answerByChat(db: Db, corpId: string, msgs: { chatId: string | null; peer: string | null; sender: string; at: Date }[]): Promise<Cols<'faq_questions', 'id' | 'task_id' | 'external_userid' | 'chat_id' | 'owner_userid' | 'asked_at' | 'answered_at'>[]> {
  if (!msgs.length) return [];
  const { rows } = await db.query<Cols<'faq_questions', 'id' | 'task_id' | 'external_userid' | 'chat_id' | 'owner_userid' | 'asked_at' | 'answered_at'>>(
    `WITH m AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS m(chat_id, peer, sender, at)),
     hit AS (
       SELECT q.id, min(m.at) AS at FROM faq_questions q JOIN m
           ON (m.chat_id IS NOT NULL AND q.chat_id = m.chat_id) OR (m.chat_id IS NULL AND q.chat_id IS NULL AND q.external_userid = m.peer AND q.owner_userid = m.sender)
        WHERE q.corp_id = $1 AND q.status = 'matched' AND q.asked_at <= m.at
        GROUP BY q.id)
     UPDATE faq_questions q SET status = 'answered', answered_at = hit.at, answered_via = 'chat'
       FROM hit WHERE q.id = hit.id AND q.status = 'matched'
     RETURNING q.id, q.task_id, q.external_userid, q.chat_id, q.owner_userid, q.asked_at, q.answered_at`,
    [corpId, msgs.map((m) => m.chatId), msgs.map((m) => m.peer), msgs.map((m) => m.sender), msgs.map((m) => m.at)]);
  return rows;
}

/** The suggested reply was sent (its task done): answered at that time, unless a chat message answered it first. */
export async function answerByTask(db: Db, corpId: string, questionId: number, at: Date): Promise<Cols<'faq_questions', 'id' | 'external_userid' | 'chat_id' | 'owner_userid' | 'asked_at'> | null> {
  const { rows } = await db.query<Cols<'faq_questions', 'id' | 'external_userid' | 'chat_id' | 'owner_userid' | 'asked_at'>>(
    `UPDATE faq_questions SET status = 'answered', answered_at = $3, answered_via = 'task'
      WHERE corp_id = $1 AND id = $2 AND status = 'matched' RETURNING id, external_userid, chat_id, owner_userid, asked_at`, [corpId, questionId, at]);
  return rows[0] ?? null;
}

export async function getQuestion(db: Db, corpId: string, id: number): Promise<Row<'faq_questions'> | null> {
  const { rows } = await db.query<Row<'faq_questions'>>('SELECT * FROM faq_questions WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows[0] ?? null;
}

export async function setSuggested(db: Db, corpId: string, id: number, taskId: number, at: Date): Promise<void> {
  await db.query('UPDATE faq_questions SET task_id = $3, suggested_at = coalesce(suggested_at, $4) WHERE corp_id = $1 AND id = $2', [corpId, id, taskId, at]);
}

export async function setStatus(db: Db, corpId: string, id: number, from: QuestionStatus[], to: QuestionStatus): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE faq_questions SET status = $4 WHERE corp_id = $1 AND id = $2 AND status = ANY($3::text[])', [corpId, id, from, to]);
  return (rowCount ?? 0) > 0;
}

/** Open questions whose corp's escalation time has passed: claimed (escalated_at set) once. */
export async function claimEscalations(db: Db, now: Date): Promise<Cols<'faq_questions', 'id' | 'corp_id' | 'task_id'>[]> {
  const { rows } = await db.query<Cols<'faq_questions', 'id' | 'corp_id' | 'task_id'>>(
    `UPDATE faq_questions q SET escalated_at = $1
       FROM (SELECT x.id FROM faq_questions x LEFT JOIN faq_settings s ON s.corp_id = x.corp_id
              WHERE x.status = 'matched' AND x.escalated_at IS NULL
                AND x.asked_at + make_interval(mins => coalesce(s.escalate_after_minutes, 10)) <= $1
              ORDER BY x.asked_at LIMIT 2000 FOR UPDATE OF x SKIP LOCKED) d
      WHERE q.id = d.id RETURNING q.id, q.corp_id, q.task_id`, [now]);
  return rows;
}

/** Matched questions with no suggestion yet (their follow-up event lost or failed): made again by the tick. */
export async function unsuggested(db: Db, before: Date): Promise<Cols<'faq_questions', 'id' | 'corp_id'>[]> {
  const { rows } = await db.query<Cols<'faq_questions', 'id' | 'corp_id'>>(
    `SELECT id, corp_id FROM faq_questions WHERE status = 'matched' AND task_id IS NULL AND escalated_at IS NULL AND asked_at < $1 ORDER BY asked_at LIMIT 500`, [before]);
  return rows;
}

export interface QuestionRow extends Row<'faq_questions'> { chat_name: string | null; customer_name: string | null; faq_question: string | null }

export async function listQuestions(db: Db, scope: Scope, f: { id?: number; status?: QuestionStatus; faqId?: number; chatId?: string; externalUserid?: string; limit: number; offset: number }): Promise<{ rows: QuestionRow[]; total: number }> {
  const p = new Params();
  const conds = [`q.corp_id = ${p.add(scope.corpId)}`];
  if (scope.staffUserid || scope.storeIds) conds.push(staffUseridVisibleSql(scope, p, 'q.owner_userid', 'q.corp_id'));
  if (f.id) conds.push(`q.id = ${p.add(f.id)}`);
  if (f.status) conds.push(`q.status = ${p.add(f.status)}`);
  if (f.faqId) conds.push(`q.faq_id = ${p.add(f.faqId)}`);
  if (f.chatId) conds.push(`q.chat_id = ${p.add(f.chatId)}`);
  if (f.externalUserid) conds.push(`q.external_userid = ${p.add(f.externalUserid)}`);
  const where = conds.join(' AND ');
  const countValues = [...p.values];
  const { rows } = await db.query<QuestionRow>(
    `SELECT q.*, g.name AS chat_name, c.name AS customer_name, fe.question AS faq_question
       FROM faq_questions q LEFT JOIN groups g ON g.corp_id = q.corp_id AND g.chat_id = q.chat_id
       LEFT JOIN customers c ON c.corp_id = q.corp_id AND c.external_userid = q.external_userid
       LEFT JOIN faq_entries fe ON fe.id = q.faq_id
      WHERE ${where} ORDER BY q.asked_at DESC, q.id DESC LIMIT ${p.add(f.limit)} OFFSET ${p.add(f.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM faq_questions q WHERE ${where}`, countValues);
  return { rows, total: n?.n ?? 0 };
}

export interface StatsRow {
  questions: number; hits: number; unmatched: number; answered: number; escalated: number;
  median_s: number | null; p90_s: number | null; suggest_p90_s: number | null;
}

export async function stats(db: Db, scope: Scope, from: Date, to: Date): Promise<{ totals: StatsRow; top: { faq_id: number; question: string; hits: number }[] }> {
  const p = new Params();
  const conds = [`q.corp_id = ${p.add(scope.corpId)}`, `q.asked_at >= ${p.add(from)}`, `q.asked_at < ${p.add(to)}`];
  if (scope.staffUserid || scope.storeIds) conds.push(staffUseridVisibleSql(scope, p, 'q.owner_userid', 'q.corp_id'));
  const where = conds.join(' AND ');
  const { rows: [totals] } = await db.query<StatsRow>(
    `SELECT count(*)::int AS questions,
            count(*) FILTER (WHERE q.faq_id IS NOT NULL)::int AS hits,
            count(*) FILTER (WHERE q.faq_id IS NULL)::int AS unmatched,
            count(*) FILTER (WHERE q.status = 'answered')::int AS answered,
            count(*) FILTER (WHERE q.escalated_at IS NOT NULL)::int AS escalated,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM q.answered_at - q.asked_at)) FILTER (WHERE q.answered_at IS NOT NULL) AS median_s,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM q.answered_at - q.asked_at)) FILTER (WHERE q.answered_at IS NOT NULL) AS p90_s,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM q.suggested_at - q.asked_at)) FILTER (WHERE q.suggested_at IS NOT NULL) AS suggest_p90_s
       FROM faq_questions q WHERE ${where}`, p.values);
  const { rows: top } = await db.query<{ faq_id: number; question: string; hits: number }>(
    `SELECT q.faq_id, fe.question, count(*)::int AS hits FROM faq_questions q JOIN faq_entries fe ON fe.id = q.faq_id
      WHERE ${where} GROUP BY q.faq_id, fe.question ORDER BY count(*) DESC, q.faq_id LIMIT 10`, p.values);
  return { totals, top };
}
