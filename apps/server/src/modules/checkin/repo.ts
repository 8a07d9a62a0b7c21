// Check-in's SQL: enrolments (dates read as text: they are corp calendar days), their days, the rewards a
// customer's page shows, and the console's numbers and participant list.
import type { z } from 'zod';
import type { CheckinParticipantList, CheckinParticipantsQuery, EnrolmentState } from '@pond/contracts/checkin';
import type { RewardState } from '@pond/contracts/activate';
import type { Row } from '../../platform/db/rows';
import { CAMPAIGN_ORDERS_SQL, CAMPAIGN_REWARDS_SQL } from '../campaigns';
import type { Db } from '../rewards';

export type EnrolmentRow = Row<'checkin_enrolments'>;

const COLS = `e.id, e.corp_id, e.campaign_id, e.external_userid, e.order_id, e.fee_fen, e.state, e.start_day::text AS start_day, e.streak, e.best_streak,
  e.days, e.last_day::text AS last_day, e.makeups_used, e.completed_at, e.reward_id, e.created_at, e.updated_at`;

export async function findEnrolment(db: Db, campaignId: number, externalUserid: string, lock = false): Promise<EnrolmentRow | null> {
  const { rows } = await db.query<EnrolmentRow>(
    `SELECT ${COLS} FROM checkin_enrolments e WHERE e.campaign_id = $1 AND e.external_userid = $2${lock ? ' FOR UPDATE' : ''}`, [campaignId, externalUserid]);
  return rows[0] ?? null;
}

export async function enrolmentById(db: Db, id: number, lock = false): Promise<EnrolmentRow | null> {
  const { rows } = await db.query<EnrolmentRow>(`SELECT ${COLS} FROM checkin_enrolments e WHERE e.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function enrolmentsOfOrder(db: Db, corpId: string, orderId: string): Promise<EnrolmentRow[]> {
  const { rows } = await db.query<EnrolmentRow>(
    `SELECT ${COLS} FROM checkin_enrolments e WHERE e.corp_id = $1 AND e.order_id = $2 ORDER BY e.id FOR UPDATE`, [corpId, orderId]);
  return rows;
}

/** Inserts the enrolment once (a concurrent insert of the same customer waits and does nothing). */
export async function insertEnrolment(db: Db, e: { corpId: string; campaignId: number; externalUserid: string; startDay: string; orderId?: string | null; feeFen?: number }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO checkin_enrolments (corp_id, campaign_id, external_userid, start_day, order_id, fee_fen) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (campaign_id, external_userid) DO NOTHING`,
    [e.corpId, e.campaignId, e.externalUserid, e.startDay, e.orderId ?? null, e.feeFen ?? 0]);
  return !!rowCount;
}

/** Locks the participant row: the first lock of every per-customer action in a campaign (then the enrolment). */
export async function lockParticipant(db: Db, campaignId: number, externalUserid: string): Promise<void> {
  await db.query('SELECT 1 FROM campaign_participants WHERE campaign_id = $1 AND external_userid = $2 FOR UPDATE', [campaignId, externalUserid]);
}

export interface DayRow { day: string; makeup: boolean }

export async function daysOf(db: Db, enrolmentId: number): Promise<DayRow[]> {
  const { rows } = await db.query<DayRow>('SELECT day::text AS day, makeup FROM checkin_days WHERE enrolment_id = $1 ORDER BY day', [enrolmentId]);
  return rows;
}

/** Adds a day once (the primary key): false when it was there already. */
export async function addDay(db: Db, enrolmentId: number, day: string, at: Date, makeup: boolean): Promise<boolean> {
  const { rowCount } = await db.query('INSERT INTO checkin_days (enrolment_id, day, at, makeup) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING', [enrolmentId, day, at, makeup]);
  return !!rowCount;
}

export async function saveStats(db: Db, id: number, s: { streak: number; bestStreak: number; days: number; lastDay: string | null }, makeupsUsed?: number): Promise<void> {
  await db.query(
    `UPDATE checkin_enrolments SET streak = $2, best_streak = $3, days = $4, last_day = $5, makeups_used = coalesce($6, makeups_used), updated_at = now() WHERE id = $1`,
    [id, s.streak, s.bestStreak, s.days, s.lastDay, makeupsUsed ?? null]);
}

/** Moves an enrolment from `from` to `to` (false when it was not in `from`). */
export async function setState(db: Db, id: number, from: EnrolmentState[], to: EnrolmentState, extra: { completedAt?: Date } = {}): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE checkin_enrolments SET state = $3, completed_at = coalesce($4, completed_at), updated_at = now() WHERE id = $1 AND state = ANY($2::text[])`,
    [id, from, to, extra.completedAt ?? null]);
  return !!rowCount;
}

export async function setReward(db: Db, id: number, rewardId: number): Promise<void> {
  await db.query('UPDATE checkin_enrolments SET reward_id = $2, updated_at = now() WHERE id = $1', [id, rewardId]);
}

/** The net paid fen of an order (refunds netted), or 0 when unknown. */
export async function orderNetFen(db: Db, corpId: string, orderId: string): Promise<number> {
  const { rows } = await db.query<{ fen: number }>(
    'SELECT round((amount - refunded_amount) * 100)::int AS fen FROM orders WHERE corp_id = $1 AND order_id = $2', [corpId, orderId]);
  return rows[0]?.fen ?? 0;
}

export async function couponFaceValue(db: Db, corpId: string, poolId: number): Promise<number | null> {
  const { rows } = await db.query<{ face_value_fen: number }>('SELECT face_value_fen FROM coupon_pools WHERE corp_id = $1 AND id = $2', [corpId, poolId]);
  return rows[0]?.face_value_fen ?? null;
}

export interface RewardBrief { source_ref: string; state: RewardState; coupon_code: string | null }

/** The check-in rewards of the given refs (milestones, cash-back). */
export async function rewardsByRef(db: Db, corpId: string, refs: string[]): Promise<Map<string, RewardBrief>> {
  if (!refs.length) return new Map();
  const { rows } = await db.query<RewardBrief>(
    `SELECT source_ref, state, coupon_code FROM rewards WHERE corp_id = $1 AND source = 'checkin' AND source_ref = ANY($2::text[])`, [corpId, refs]);
  return new Map(rows.map((r) => [r.source_ref, r]));
}

/**
 * Active enrolments the hourly pass looks at: challenges their campaign outlived, and consecutive ones (onBreak fail)
 * that may have broken — all but those whose checked days are one run reaching yesterday or today (streak = days).
 */
export async function enrolmentsToSettle(db: Db, limit: number, afterId: number, now: Date): Promise<{ id: number; campaign_id: number }[]> {
  const { rows } = await db.query<{ id: number; campaign_id: number }>(
    `SELECT e.id, e.campaign_id FROM checkin_enrolments e JOIN campaigns c ON c.id = e.campaign_id JOIN corps k ON k.id = e.corp_id
     WHERE e.state = 'active' AND e.id > $2 AND c.kind = 'checkin' AND c.config->>'mode' = 'challenge'
       AND (c.status = 'ended' OR c.ends_at <= $3
         OR (c.config->>'streakRule' = 'consecutive' AND c.config->>'onBreak' = 'fail' AND e.days > 0
             AND NOT (e.streak = e.days AND e.last_day >= ($3::timestamptz AT TIME ZONE k.timezone)::date - 1)))
     ORDER BY e.id LIMIT $1`,
    [limit, afterId, now]);
  return rows;
}

export interface CheckinNumbersRow {
  participants: number; active: number; completed: number; failed: number; refunded: number; checkins: number; makeups: number;
  rewards: number; cost_fen: number; orders: number; gmv_fen: number;
}

export async function numbers(db: Db, campaignId: number): Promise<CheckinNumbersRow> {
  const { rows: [r] } = await db.query<CheckinNumbersRow>(
    `SELECT
       (SELECT count(*)::int FROM checkin_enrolments WHERE campaign_id = c.id) AS participants,
       (SELECT count(*) FILTER (WHERE state = 'active')::int FROM checkin_enrolments WHERE campaign_id = c.id) AS active,
       (SELECT count(*) FILTER (WHERE state = 'completed')::int FROM checkin_enrolments WHERE campaign_id = c.id) AS completed,
       (SELECT count(*) FILTER (WHERE state = 'failed')::int FROM checkin_enrolments WHERE campaign_id = c.id) AS failed,
       (SELECT count(*) FILTER (WHERE state = 'refunded')::int FROM checkin_enrolments WHERE campaign_id = c.id) AS refunded,
       (SELECT count(*)::int FROM checkin_days d JOIN checkin_enrolments e ON e.id = d.enrolment_id WHERE e.campaign_id = c.id AND NOT d.makeup) AS checkins,
       (SELECT count(*)::int FROM checkin_days d JOIN checkin_enrolments e ON e.id = d.enrolment_id WHERE e.campaign_id = c.id AND d.makeup) AS makeups,
       s.rewards, s.cost_fen, o.orders, o.gmv_fen
     FROM campaigns c
     LEFT JOIN LATERAL (${CAMPAIGN_REWARDS_SQL}) s ON true
     LEFT JOIN LATERAL (${CAMPAIGN_ORDERS_SQL}) o ON true
     WHERE c.id = $1`,
    [campaignId]);
  return r;
}

/** Check-ins per day (the day checked, make-ups apart), the last `days` days up to `to`. */
export async function perDay(db: Db, campaignId: number, from: string, to: string): Promise<{ day: string; checkins: number; makeups: number }[]> {
  const { rows } = await db.query<{ day: string; checkins: number; makeups: number }>(
    `SELECT g.day::date::text AS day, count(d.day) FILTER (WHERE NOT d.makeup)::int AS checkins, count(d.day) FILTER (WHERE d.makeup)::int AS makeups
     FROM generate_series($2::date, $3::date, interval '1 day') g(day)
     LEFT JOIN checkin_days d ON d.day = g.day::date AND d.enrolment_id IN (SELECT id FROM checkin_enrolments WHERE campaign_id = $1)
     GROUP BY g.day ORDER BY g.day`,
    [campaignId, from, to]);
  return rows;
}

/** Rewards of the campaign by kind of ref: milestones per days (granted, not void), cash-back by state. */
export async function rewardNumbers(db: Db, campaignId: number): Promise<{ milestones: Map<number, number>; cashback: Record<'pending' | 'issued' | 'void', { n: number; fen: number }> }> {
  const { rows } = await db.query<{ ref_kind: string; days: number | null; state: RewardState; n: number; fen: number }>(
    `SELECT split_part(source_ref, ':', 1) AS ref_kind,
       CASE WHEN source_ref LIKE 'milestone:%' THEN split_part(source_ref, ':', 3)::int END AS days,
       state, count(*)::int AS n, coalesce(sum(amount_fen), 0)::bigint AS fen
     FROM rewards WHERE campaign_id = $1 AND source = 'checkin' GROUP BY 1, 2, 3`,
    [campaignId]);
  const milestones = new Map<number, number>();
  const cashback = { pending: { n: 0, fen: 0 }, issued: { n: 0, fen: 0 }, void: { n: 0, fen: 0 } };
  for (const r of rows) {
    if (r.ref_kind === 'milestone' && r.days !== null && r.state !== 'void') milestones.set(r.days, (milestones.get(r.days) ?? 0) + r.n);
    if (r.ref_kind === 'cashback') {
      const k = r.state === 'issued' ? 'issued' : r.state === 'void' ? 'void' : 'pending';
      cashback[k].n += r.n;
      cashback[k].fen += Number(r.fen);
    }
  }
  return { milestones, cashback };
}

export async function participants(db: Db, campaignId: number, q: z.output<typeof CheckinParticipantsQuery>): Promise<z.output<typeof CheckinParticipantList>> {
  const { rows } = await db.query<EnrolmentRow & { total: number; name: string | null; cashback_state: RewardState | null }>(
    `SELECT ${COLS}, count(*) OVER ()::int AS total, cu.name, r.state AS cashback_state
     FROM checkin_enrolments e
     LEFT JOIN customers cu ON cu.corp_id = e.corp_id AND cu.external_userid = e.external_userid
     LEFT JOIN rewards r ON r.id = e.reward_id
     WHERE e.campaign_id = $1 AND ($2::text IS NULL OR e.state = $2)
     ORDER BY e.best_streak DESC, e.days DESC, e.id LIMIT $3 OFFSET $4`,
    [campaignId, q.state ?? null, q.limit, q.offset]);
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({
      enrolmentId: r.id, externalUserid: r.external_userid, name: r.name, state: r.state, streak: r.streak, bestStreak: r.best_streak, days: r.days,
      lastDay: r.last_day, makeupsUsed: r.makeups_used, orderId: r.order_id, feeFen: r.fee_fen, completedAt: r.completed_at,
      cashbackState: r.cashback_state, joinedAt: r.created_at,
    })),
  };
}
