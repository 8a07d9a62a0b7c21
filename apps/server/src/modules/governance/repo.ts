// The contact budget's SQL: the policy row, the planner (lock the targets' heads in key order, then decide every
// target against the ledger in one statement and record the outcome), settling attempts, and the ledger's reads.
import type pg from 'pg';
import type { ContactChannel, ContactStatus, ContactVia, SkipReason } from '@pond/contracts/governance';
import type { Cols, Row } from '../../platform/db/rows';
import { Params } from '../../platform/sql';
import type { Policy } from './policy';

type Db = Pick<pg.PoolClient, 'query'>;

export async function getPolicyRow(db: Db, corpId: string): Promise<Row<'contact_policies'> | null> {
  const { rows } = await db.query<Row<'contact_policies'>>('SELECT * FROM contact_policies WHERE corp_id = $1', [corpId]);
  return rows[0] ?? null;
}

export async function upsertPolicy(db: Db, corpId: string, p: Policy): Promise<void> {
  await db.query(
    `INSERT INTO contact_policies (corp_id, customer_per_day, customer_per_week, customer_per_month, group_per_day, group_per_week,
       min_gap_minutes, quiet_start, quiet_end, quiet_action, dedupe_days, dnd_tag_ids, wecom_cap, count_moments,
       overdue_after_minutes, digest_time, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())
     ON CONFLICT (corp_id) DO UPDATE SET customer_per_day = $2, customer_per_week = $3, customer_per_month = $4, group_per_day = $5,
       group_per_week = $6, min_gap_minutes = $7, quiet_start = $8, quiet_end = $9, quiet_action = $10, dedupe_days = $11,
       dnd_tag_ids = $12, wecom_cap = $13, count_moments = $14, overdue_after_minutes = $15, digest_time = $16, updated_at = now()`,
    [corpId, p.customerPerDay, p.customerPerWeek, p.customerPerMonth, p.groupPerDay, p.groupPerWeek, p.minGapMinutes, p.quietStart,
      p.quietEnd, p.quietAction, p.dedupeDays, p.dndTagIds, p.wecomCap, p.countMoments, p.overdueAfterMinutes, p.digestTime],
  );
}

export interface PlanChunk {
  corpId: string;
  targetKind: 'customer' | 'group';
  channel: ContactChannel;
  via: ContactVia;
  sourceKind: string;
  sourceId: number | null;
  contentHash: string;
  preview: string;
  tz: string;
  /** Per target (distinct ids): the staff member sending, when it would arrive, the source's ref, a reason decided before (quiet hours…). */
  ids: string[];
  staff: (string | null)[];
  at: Date[];
  refs: string[];
  preReasons: (SkipReason | null)[];
  limits: { day: number; week: number; month: number; gapMinutes: number; dedupeDays: number; wecomMax: number; wecomUnit: 'day' | 'week' | 'month' };
  dndTagIds: string[];
  override: { by: string; reason: string } | null;
}

export interface PlannedRow { target_id: string; id: number | null; status: ContactStatus; reason: SkipReason | null; at: Date }

/**
 * Decides every target of the chunk against the ledger and (unless `dryRun`) records the outcome, all in the caller's
 * transaction. Correct under concurrency (ADR 0020): the targets' heads are locked in key order first, so a planner
 * counting a target's ledger has waited for every other planner that held it, and sees what they recorded.
 */
export async function planChunk(db: Db, c: PlanChunk, dryRun: boolean): Promise<PlannedRow[]> {
  if (!c.ids.length) return [];
  if (!dryRun) {
    await db.query(
      `INSERT INTO contact_heads (corp_id, target_kind, target_id) SELECT $1, $2, t FROM unnest($3::text[]) t ORDER BY t
       ON CONFLICT DO NOTHING`, [c.corpId, c.targetKind, c.ids]);
    await db.query(
      `SELECT target_id FROM contact_heads WHERE corp_id = $1 AND target_kind = $2 AND target_id = ANY($3::text[])
       ORDER BY target_id FOR UPDATE`, [c.corpId, c.targetKind, c.ids]);
  }
  const p = new Params();
  const corp = p.add(c.corpId);
  const kind = p.add(c.targetKind);
  const tz = p.add(c.tz);
  const hash = p.add(c.contentHash);
  const L = c.limits;
  const over = c.override ? 'true' : 'false';
  const gap = p.add(L.gapMinutes);
  const dd = p.add(L.dedupeDays);
  const unit = p.add(L.wecomUnit);
  const dnd = c.targetKind === 'customer' && c.dndTagIds.length
    ? `EXISTS (SELECT 1 FROM customers cu WHERE cu.corp_id = ${corp} AND cu.external_userid = w.target_id AND cu.tag_ids && ${p.add(c.dndTagIds)}::text[])`
    : 'false';
  const decide = `
    WITH cand AS (
      SELECT t.target_id, t.staff, t.at, t.ref, t.pre
        FROM unnest(${p.add(c.ids)}::text[], ${p.add(c.staff)}::text[], ${p.add(c.at)}::timestamptz[], ${p.add(c.refs)}::text[], ${p.add(c.preReasons)}::text[])
          AS t(target_id, staff, at, ref, pre)
       WHERE NOT EXISTS (SELECT 1 FROM contact_ledger x WHERE x.corp_id = ${corp} AND x.source_kind = ${p.add(c.sourceKind)}
                           AND x.source_id IS NOT DISTINCT FROM ${p.add(c.sourceId)}::bigint AND x.source_ref = t.ref
                           AND x.target_kind = ${kind} AND x.target_id = t.target_id)
    ), w AS (
      SELECT c.*,
             date_trunc('day', c.at AT TIME ZONE ${tz}) AT TIME ZONE ${tz} AS d0,
             (date_trunc('day', c.at AT TIME ZONE ${tz}) + interval '1 day') AT TIME ZONE ${tz} AS d1,
             date_trunc('week', c.at AT TIME ZONE ${tz}) AT TIME ZONE ${tz} AS w0,
             (date_trunc('week', c.at AT TIME ZONE ${tz}) + interval '1 week') AT TIME ZONE ${tz} AS w1,
             date_trunc('month', c.at AT TIME ZONE ${tz}) AT TIME ZONE ${tz} AS m0,
             (date_trunc('month', c.at AT TIME ZONE ${tz}) + interval '1 month') AT TIME ZONE ${tz} AS m1,
             date_trunc(${unit}, c.at AT TIME ZONE ${tz}) AT TIME ZONE ${tz} AS k0,
             (date_trunc(${unit}, c.at AT TIME ZONE ${tz}) + ('1 ' || ${unit})::interval) AT TIME ZONE ${tz} AS k1
        FROM cand c
    ), s AS (
      SELECT w.*, ${dnd} AS dnd, n.*
        FROM w LEFT JOIN LATERAL (
          SELECT count(*) FILTER (WHERE l.at >= w.d0 AND l.at < w.d1) AS day_n,
                 count(*) FILTER (WHERE l.at >= w.w0 AND l.at < w.w1) AS week_n,
                 count(*) FILTER (WHERE l.at >= w.m0 AND l.at < w.m1) AS month_n,
                 count(*) FILTER (WHERE l.via = 'mass' AND l.at >= w.k0 AND l.at < w.k1) AS wecom_n,
                 coalesce(bool_or(l.at > w.at - make_interval(mins => ${gap}) AND l.at < w.at + make_interval(mins => ${gap})), false) AS near,
                 coalesce(bool_or(l.content_hash = ${hash} AND l.at > w.at - make_interval(days => ${dd}) AND l.at < w.at + make_interval(days => ${dd})), false) AS dup
            FROM contact_ledger l
           WHERE l.corp_id = ${corp} AND l.target_kind = ${kind} AND l.target_id = w.target_id AND l.status IN ('planned', 'sent')
             AND l.at >= LEAST(w.m0, w.w0, w.k0, w.at - make_interval(days => ${dd}) - make_interval(mins => ${gap}))
             AND l.at < GREATEST(w.m1, w.w1, w.k1, w.at + make_interval(days => ${dd}) + make_interval(mins => ${gap}))
        ) n ON true
    ), d AS (
      SELECT s.target_id, s.staff, s.at, s.ref,
             CASE WHEN s.pre IS NOT NULL THEN s.pre
                  WHEN s.dnd THEN 'dnd'
                  WHEN NOT ${over} AND ${dd} > 0 AND s.dup THEN 'duplicate'
                  WHEN ${p.add(c.via === 'mass')} AND ${p.add(L.wecomMax)} > 0 AND s.wecom_n >= ${p.add(L.wecomMax)} THEN 'wecom_cap'
                  WHEN NOT ${over} AND ${p.add(L.day)} > 0 AND s.day_n >= ${p.add(L.day)} THEN 'cap_day'
                  WHEN NOT ${over} AND ${p.add(L.week)} > 0 AND s.week_n >= ${p.add(L.week)} THEN 'cap_week'
                  WHEN NOT ${over} AND ${p.add(L.month)} > 0 AND s.month_n >= ${p.add(L.month)} THEN 'cap_month'
                  WHEN NOT ${over} AND ${gap} > 0 AND s.near THEN 'min_gap'
             END AS reason
        FROM s
    )`;
  if (dryRun) {
    const { rows } = await db.query<PlannedRow>(
      `${decide} SELECT target_id, NULL::bigint AS id, CASE WHEN reason IS NULL THEN 'planned' ELSE 'skipped' END AS status, reason, at FROM d`, p.values);
    return rows;
  }
  const { rows } = await db.query<PlannedRow>(
    `${decide}
     INSERT INTO contact_ledger (corp_id, target_kind, target_id, channel, via, source_kind, source_id, source_ref, staff_userid,
                                 content_hash, preview, at, status, reason, override_by, override_reason)
     SELECT ${corp}, ${kind}, d.target_id, ${p.add(c.channel)}, ${p.add(c.via)}, ${p.add(c.sourceKind)}, ${p.add(c.sourceId)}::bigint, d.ref, d.staff,
            ${hash}, ${p.add(c.preview)}, d.at, CASE WHEN d.reason IS NULL THEN 'planned' ELSE 'skipped' END, d.reason,
            ${p.add(c.override?.by ?? null)}::text, ${p.add(c.override?.reason ?? null)}::text
       FROM d ORDER BY d.target_id
     ON CONFLICT DO NOTHING
     RETURNING target_id, id, status, reason, at`, p.values);
  // Targets this source had already planned (a retry): their first outcome stands.
  if (rows.length < c.ids.length) {
    const seen = new Set(rows.map((r) => r.target_id));
    const missing = c.ids.filter((id) => !seen.has(id));
    const { rows: before } = await db.query<PlannedRow>(
      `SELECT l.target_id, l.id, l.status, l.reason, l.at FROM contact_ledger l
        JOIN unnest($5::text[], $6::text[]) AS t(target_id, ref) ON t.target_id = l.target_id AND t.ref = l.source_ref
       WHERE l.corp_id = $1 AND l.source_kind = $2 AND l.source_id IS NOT DISTINCT FROM $3::bigint AND l.target_kind = $4`,
      [c.corpId, c.sourceKind, c.sourceId, c.targetKind, missing, missing.map((id) => c.refs[c.ids.indexOf(id)] ?? '')]);
    rows.push(...before);
  }
  return rows;
}

/** Settles planned attempts: sent (optionally at the time WeCom reports), released (never went out), failed. */
export async function settleIds(db: Db, corpId: string, ids: number[], status: 'sent' | 'released' | 'failed', at?: Date | null): Promise<Cols<'contact_ledger', 'id' | 'target_kind' | 'target_id' | 'staff_userid' | 'preview' | 'source_kind' | 'source_id' | 'at'>[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<Cols<'contact_ledger', 'id' | 'target_kind' | 'target_id' | 'staff_userid' | 'preview' | 'source_kind' | 'source_id' | 'at'>>(
    `UPDATE contact_ledger SET status = $3, settled_at = now(), at = CASE WHEN $3 = 'sent' THEN coalesce($4::timestamptz, at) ELSE at END
      WHERE corp_id = $1 AND id = ANY($2::bigint[]) AND status = 'planned'
      RETURNING id, target_kind, target_id, staff_userid, preview, source_kind, source_id, at`, [corpId, ids, status, at ?? null]);
  return rows;
}

/** The customers' timeline gets each delivered message (once per ledger row). */
export async function timelineForSent(db: Db, corpId: string, rows: Cols<'contact_ledger', 'id' | 'target_kind' | 'target_id' | 'staff_userid' | 'preview' | 'source_kind' | 'source_id' | 'at'>[]): Promise<void> {
  const customers = rows.filter((r) => r.target_kind === 'customer');
  if (!customers.length) return;
  await db.query(
    `INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at, data, dedupe_key)
     SELECT $1, t.ext, 'contact.received', t.staff, t.at, jsonb_build_object('source', t.src, 'sourceId', t.sid, 'preview', t.preview, 'ledgerId', t.id), 'contact:' || t.id
       FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::bigint[], $7::text[], $8::bigint[]) AS t(ext, staff, at, src, sid, preview, id)
     ON CONFLICT DO NOTHING`,
    [corpId, customers.map((r) => r.target_id), customers.map((r) => r.staff_userid), customers.map((r) => r.at), customers.map((r) => r.source_kind),
      customers.map((r) => r.source_id), customers.map((r) => r.preview), customers.map((r) => r.id)]);
}

/**
 * The customers' timeline gets each attempt the budget skipped, with its reason (once per ledger row, the same key as a
 * delivery's: a skipped attempt never becomes sent). One statement per planner chunk, written after the chunk's
 * transaction has released the targets' heads, in key order like every multi-customer timeline write.
 */
export async function timelineForSkipped(db: Db, corpId: string, ledgerIds: number[]): Promise<number> {
  if (!ledgerIds.length) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at, data, dedupe_key)
     SELECT l.corp_id, l.target_id, 'contact.skipped', l.staff_userid, l.at,
            jsonb_build_object('source', l.source_kind, 'sourceId', l.source_id, 'channel', l.channel, 'via', l.via, 'preview', l.preview,
                               'reason', l.reason, 'ledgerId', l.id),
            'contact:' || l.id
       FROM contact_ledger l
      WHERE l.corp_id = $1 AND l.id = ANY($2::bigint[]) AND l.status = 'skipped' AND l.target_kind = 'customer'
      ORDER BY l.target_id
     ON CONFLICT DO NOTHING`, [corpId, ledgerIds]);
  return rowCount ?? 0;
}

export interface LedgerRow extends Row<'contact_ledger'> { source_name: string | null; staff_name: string | null }

export async function ledgerPage(db: Db, corpId: string, targetKind: 'customer' | 'group', targetId: string, q: { status?: ContactStatus; limit: number; offset: number }, staffVisible: (p: Params) => string): Promise<{ rows: LedgerRow[]; total: number }> {
  const p = new Params();
  const conds = [`l.corp_id = ${p.add(corpId)}`, `l.target_kind = ${p.add(targetKind)}`, `l.target_id = ${p.add(targetId)}`, staffVisible(p)];
  if (q.status) conds.push(`l.status = ${p.add(q.status)}`);
  const where = conds.join(' AND ');
  const countValues = [...p.values];
  const { rows } = await db.query<LedgerRow>(
    `SELECT l.*, s.name AS staff_name,
            CASE l.source_kind WHEN 'broadcast' THEN (SELECT b.name FROM broadcasts b WHERE b.id = l.source_id) ELSE NULL END AS source_name
       FROM contact_ledger l LEFT JOIN staff s ON s.corp_id = l.corp_id AND s.userid = l.staff_userid
      WHERE ${where} ORDER BY l.at DESC, l.id DESC LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM contact_ledger l WHERE ${where}`, countValues);
  return { rows, total: n?.n ?? 0 };
}

/** Counts of a target's attempts (planned or sent) in the windows around `at`. */
export async function budgetCounts(db: Db, corpId: string, targetKind: 'customer' | 'group', targetId: string, tz: string, unit: string): Promise<{ day: number; week: number; month: number; wecom: number; last: Date | null }> {
  const { rows } = await db.query<{ day: number; week: number; month: number; wecom: number; last: Date | null }>(
    `WITH w AS (SELECT now() AT TIME ZONE $4 AS t)
     SELECT count(*) FILTER (WHERE l.at >= date_trunc('day', w.t) AT TIME ZONE $4 AND l.at < (date_trunc('day', w.t) + interval '1 day') AT TIME ZONE $4)::int AS day,
            count(*) FILTER (WHERE l.at >= date_trunc('week', w.t) AT TIME ZONE $4 AND l.at < (date_trunc('week', w.t) + interval '1 week') AT TIME ZONE $4)::int AS week,
            count(*) FILTER (WHERE l.at >= date_trunc('month', w.t) AT TIME ZONE $4 AND l.at < (date_trunc('month', w.t) + interval '1 month') AT TIME ZONE $4)::int AS month,
            count(*) FILTER (WHERE l.via = 'mass' AND l.at >= date_trunc($5, w.t) AT TIME ZONE $4 AND l.at < (date_trunc($5, w.t) + ('1 ' || $5)::interval) AT TIME ZONE $4)::int AS wecom,
            max(l.at) FILTER (WHERE l.at <= now()) AS last
       FROM w LEFT JOIN contact_ledger l ON l.corp_id = $1 AND l.target_kind = $2 AND l.target_id = $3 AND l.status IN ('planned', 'sent')
      GROUP BY w.t`, [corpId, targetKind, targetId, tz, unit]);
  return rows[0] ?? { day: 0, week: 0, month: 0, wecom: 0, last: null };
}

export async function customerHasTags(db: Db, corpId: string, externalUserid: string, tagIds: string[]): Promise<boolean> {
  if (!tagIds.length) return false;
  const { rows } = await db.query('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND tag_ids && $3::text[]', [corpId, externalUserid, tagIds]);
  return rows.length > 0;
}

export async function liveTagIds(db: Db, corpId: string, ids: string[]): Promise<Set<string>> {
  const { rows } = await db.query<Cols<'tags', 'id'>>('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2::text[]) AND deleted_at IS NULL', [corpId, ids]);
  return new Set(rows.map((r) => r.id));
}

/** Attempts Pond did not plan but WeCom reports delivered (a mass send made in WeCom itself): recorded as sent. */
export async function insertSent(db: Db, c: { corpId: string; targetKind: 'customer' | 'group'; channel: ContactChannel; via: ContactVia; sourceKind: string; sourceId: number | null; staffUserid: string | null; contentHash: string; preview: string; ids: string[]; at: Date[] }): Promise<Cols<'contact_ledger', 'id' | 'target_kind' | 'target_id' | 'staff_userid' | 'preview' | 'source_kind' | 'source_id' | 'at'>[]> {
  const { rows } = await db.query<Cols<'contact_ledger', 'id' | 'target_kind' | 'target_id' | 'staff_userid' | 'preview' | 'source_kind' | 'source_id' | 'at'>>(
    `INSERT INTO contact_ledger (corp_id, target_kind, target_id, channel, via, source_kind, source_id, source_ref, staff_userid, content_hash, preview, at, status, settled_at)
     SELECT $1, $2, x.id, $3, $4, $5, $6, '', $7, $8, $9, x.at, 'sent', now() FROM unnest($10::text[], $11::timestamptz[]) AS x(id, at)
     ON CONFLICT DO NOTHING RETURNING id, target_kind, target_id, staff_userid, preview, source_kind, source_id, at`,
    [c.corpId, c.targetKind, c.channel, c.via, c.sourceKind, c.sourceId, c.staffUserid, c.contentHash, c.preview, c.ids, c.at]);
  return rows;
}
