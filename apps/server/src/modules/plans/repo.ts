// SQL of activity plans: the plan rows, and what the review reads besides the results providers and Measure — the
// linked campaigns' participants and ledger cost per corp day, and what was sent in the plan's days.
import type pg from 'pg';
import type { z } from 'zod';
import type { PlanInput, PlanLinks, PlanPatch } from '@pond/contracts/plans';
import type { Row } from '../../platform/db/rows';
import { Params } from '../../platform/sql';
import type { Scope } from '../../platform/auth';
import { planVisibleSql } from '../../platform/resources';

type Db = Pick<pg.Pool, 'query'>;
export type PlanRow = Row<'plans'>;

/** Every column, the days as YYYY-MM-DD (pg would make them Dates at local midnight). */
const COLS = `id, corp_id, name, status, purpose, theme, goal_metric, goal_target, reserve, budget_fen, channels, starts_on::text AS starts_on, ends_on::text AS ends_on,
  milestones, expected, expected_text, store_id, links, notes, review, created_by, created_at, updated_at`;

export async function insertPlan(db: Db, corpId: string, p: z.output<typeof PlanInput>, actor: string | null): Promise<PlanRow> {
  const { rows: [r] } = await db.query<PlanRow>(
    `INSERT INTO plans (corp_id, name, purpose, theme, goal_metric, goal_target, reserve, budget_fen, channels, starts_on, ends_on, milestones, expected,
       expected_text, store_id, links, notes, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) RETURNING ${COLS}`,
    [corpId, p.name, p.purpose, p.theme, p.goal.metric, p.goal.target, p.reserve, p.budgetFen, JSON.stringify(p.channels), p.startsOn, p.endsOn,
      JSON.stringify(p.milestones), JSON.stringify(p.expected), p.expectedText, p.storeId, JSON.stringify(p.links), p.notes, actor]);
  return r;
}

const COLUMNS: Record<string, [string, (v: unknown) => unknown]> = {
  name: ['name', (v) => v], purpose: ['purpose', (v) => v], theme: ['theme', (v) => v], reserve: ['reserve', (v) => v],
  budgetFen: ['budget_fen', (v) => v], channels: ['channels', (v) => JSON.stringify(v)], startsOn: ['starts_on', (v) => v], endsOn: ['ends_on', (v) => v],
  milestones: ['milestones', (v) => JSON.stringify(v)], expected: ['expected', (v) => JSON.stringify(v)], expectedText: ['expected_text', (v) => v],
  storeId: ['store_id', (v) => v], links: ['links', (v) => JSON.stringify(v)], notes: ['notes', (v) => v], status: ['status', (v) => v],
  review: ['review', (v) => JSON.stringify(v)],
};

/** Changes what the patch names; null when the plan is not the corp's. The days are checked again on the merged row (CHECK). */
export async function updatePlan(db: Db, corpId: string, id: number, patch: z.output<typeof PlanPatch>): Promise<PlanRow | null> {
  const p = new Params();
  const sets: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === 'goal') {
      const g = v as { metric: string; target: number };
      sets.push(`goal_metric = ${p.add(g.metric)}`, `goal_target = ${p.add(g.target)}`);
      continue;
    }
    const c = COLUMNS[k];
    if (c) sets.push(`${c[0]} = ${p.add(c[1](v))}`);
  }
  sets.push('updated_at = now()');
  const { rows } = await db.query<PlanRow>(`UPDATE plans SET ${sets.join(', ')} WHERE corp_id = ${p.add(corpId)} AND id = ${p.add(id)} RETURNING ${COLS}`, p.values);
  return rows[0] ?? null;
}

export async function getPlan(db: Db, corpId: string, id: number): Promise<PlanRow | null> {
  const { rows } = await db.query<PlanRow>(`SELECT ${COLS} FROM plans WHERE corp_id = $1 AND id = $2`, [corpId, id]);
  return rows[0] ?? null;
}

/** The plans the scope sees (platform/resources.ts: a store manager's stores' plans), latest first. */
export async function listPlans(db: Db, scope: Scope, q: { status?: string; limit: number; offset: number }): Promise<{ rows: PlanRow[]; total: number }> {
  const p = new Params();
  const { rows } = await db.query<PlanRow & { total: number }>(
    `SELECT ${COLS}, count(*) OVER ()::int AS total FROM plans p WHERE p.corp_id = ${p.add(scope.corpId)} AND ${planVisibleSql(scope, p, 'p')}
       AND (${p.add(q.status ?? null)}::text IS NULL OR p.status = ${p.add(q.status ?? null)})
     ORDER BY p.starts_on DESC, p.id DESC LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`, p.values);
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function deletePlan(db: Db, corpId: string, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM plans WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return !!rowCount;
}

/** The kinds of the linked campaigns (the results providers are per kind). */
export async function campaignKinds(db: Db, corpId: string, ids: number[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!ids.length) return out;
  const { rows } = await db.query<{ id: number; kind: string }>('SELECT id, kind FROM campaigns WHERE corp_id = $1 AND id = ANY($2::bigint[]) ORDER BY id', [corpId, ids]);
  for (const r of rows) out.set(r.kind, [...(out.get(r.kind) ?? []), r.id]);
  return out;
}

/**
 * The linked campaigns' participants (joined) and ledger cost (granted, not void) per corp day of [lo, hi), counted as
 * the campaign providers count them: with a store, customers who entered through its staff.
 */
export async function linkedDaily(db: Db, corpId: string, campaignIds: number[], lo: Date, hi: Date, tz: string, storeId: number | null): Promise<Map<string, { participants: number; costFen: number }>> {
  const out = new Map<string, { participants: number; costFen: number }>();
  if (!campaignIds.length) return out;
  const store = storeId ? `AND EXISTS (SELECT 1 FROM campaign_participants sp WHERE sp.campaign_id = rw.campaign_id AND sp.external_userid = rw.external_userid AND sp.store_id = $6)` : '';
  const { rows } = await db.query<{ day: string; participants: number; cost_fen: string }>(
    `SELECT day, sum(participants)::int AS participants, sum(cost_fen)::bigint AS cost_fen FROM (
       SELECT to_char(p.joined_at AT TIME ZONE $5, 'YYYY-MM-DD') AS day, count(*) AS participants, 0 AS cost_fen FROM campaign_participants p
       WHERE p.corp_id = $1 AND p.campaign_id = ANY($2::bigint[]) AND p.joined_at >= $3 AND p.joined_at < $4 ${storeId ? 'AND p.store_id = $6' : ''} GROUP BY 1
       UNION ALL
       SELECT to_char(rw.created_at AT TIME ZONE $5, 'YYYY-MM-DD'), 0, sum(rw.cost_fen) FROM rewards rw
       WHERE rw.corp_id = $1 AND rw.campaign_id = ANY($2::bigint[]) AND rw.state <> 'void' AND rw.created_at >= $3 AND rw.created_at < $4 ${store} GROUP BY 1) x
     GROUP BY day`,
    storeId ? [corpId, campaignIds, lo, hi, tz, storeId] : [corpId, campaignIds, lo, hi, tz]);
  for (const r of rows) out.set(r.day, { participants: r.participants, costFen: Number(r.cost_fen) });
  return out;
}

export interface SentRow { kind: 'broadcast' | 'moment' | 'playbook'; id: number; name: string; at: Date; day: string; count: number }

/**
 * What was sent in [lo, hi): broadcasts (targets delivered), moments issued (customers reached), and playbook sends per
 * playbook and corp day (runs sent). With a store, what its staff sent.
 */
export async function sentIn(db: Db, corpId: string, lo: Date, hi: Date, tz: string, storeId: number | null): Promise<SentRow[]> {
  const staff = (col: string) => (storeId ? `AND ${col} IN (SELECT userid FROM staff WHERE corp_id = $1 AND store_id = $5)` : '');
  const { rows } = await db.query<SentRow>(
    `SELECT 'broadcast' AS kind, b.id, b.name, b.sent_at AS at, to_char(b.sent_at AT TIME ZONE $4, 'YYYY-MM-DD') AS day,
       (SELECT count(*)::int FROM broadcast_targets t WHERE t.broadcast_id = b.id AND t.status = 'sent' ${staff('t.sender_userid')}) AS count
     FROM broadcasts b WHERE b.corp_id = $1 AND b.sent_at >= $2 AND b.sent_at < $3
     UNION ALL
     SELECT 'moment', m.id, m.name, m.issued_at, to_char(m.issued_at AT TIME ZONE $4, 'YYYY-MM-DD'),
       (SELECT count(*)::int FROM moment_customers mc WHERE mc.moment_id = m.id AND mc.reached_at IS NOT NULL ${staff('mc.sender_userid')})
     FROM moments m WHERE m.corp_id = $1 AND m.issued_at >= $2 AND m.issued_at < $3
     UNION ALL
     SELECT 'playbook', x.id, x.name, min(r.sent_at), to_char(r.sent_at AT TIME ZONE $4, 'YYYY-MM-DD'), count(*)::int
     FROM playbook_runs r JOIN playbooks x ON x.id = r.playbook_id
     WHERE r.corp_id = $1 AND r.status = 'sent' AND r.sent_at >= $2 AND r.sent_at < $3 ${staff('r.owner_userid')}
     GROUP BY x.id, x.name, 5
     ORDER BY 4, 1, 2`,
    storeId ? [corpId, lo, hi, tz, storeId] : [corpId, lo, hi, tz]);
  return rows;
}

export const emptyLinks = (): PlanLinks => ({ campaignIds: [], liveCodeIds: [], broadcastIds: [], playbookIds: [] });
