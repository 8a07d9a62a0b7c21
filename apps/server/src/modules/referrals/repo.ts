// The referral tables' SQL (migration 0050): referrers, referees (bindings), commissions, payouts.
import { randomInt } from 'node:crypto';
import type { Row } from '../../platform/db/rows';
import type { Db } from '../rewards';

export type ReferrerRow = Row<'referral_referrers'>;
export type RefereeRow = Row<'referral_referees'>;
export type CommissionRow = Row<'referral_commissions'>;
export type PayoutRow = Row<'referral_payouts'>;

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const newCode = () => Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

export interface Earnings { pendingFen: number; payableFen: number; paidFen: number; cancelledFen: number }
export const EARNINGS_SQL = `
  coalesce(sum(rc.amount_fen) FILTER (WHERE rc.state = 'pending'), 0)::bigint AS pending_fen,
  coalesce(sum(rc.amount_fen) FILTER (WHERE rc.state = 'payable'), 0)::bigint AS payable_fen,
  coalesce(sum(rc.amount_fen) FILTER (WHERE rc.state = 'paid'), 0)::bigint AS paid_fen,
  coalesce(sum(rc.amount_fen) FILTER (WHERE rc.state = 'cancelled'), 0)::bigint AS cancelled_fen`;
export interface EarningsCols { pending_fen: string; payable_fen: string; paid_fen: string; cancelled_fen: string }
export const earnings = (r: EarningsCols): Earnings => ({
  pendingFen: Number(r.pending_fen), payableFen: Number(r.payable_fen), paidFen: Number(r.paid_fen), cancelledFen: Number(r.cancelled_fen),
});

export async function findReferrer(db: Db, campaignId: number, who: { externalUserid?: string; userid?: string }, lock = false): Promise<ReferrerRow | null> {
  const col = who.externalUserid ? 'external_userid' : 'userid';
  const { rows } = await db.query<ReferrerRow>(`SELECT * FROM referral_referrers WHERE campaign_id = $1 AND ${col} = $2${lock ? ' FOR UPDATE' : ''}`,
    [campaignId, who.externalUserid ?? who.userid]);
  return rows[0] ?? null;
}

export async function referrerByCode(db: Db, corpId: string, campaignId: number, code: string): Promise<ReferrerRow | null> {
  const { rows } = await db.query<ReferrerRow>('SELECT * FROM referral_referrers WHERE corp_id = $1 AND campaign_id = $2 AND code = $3', [corpId, campaignId, code]);
  return rows[0] ?? null;
}

/** Inserts the referrer once (a concurrent insert of the same person: theirs is returned); a code collision retries. */
export async function ensureReferrer(db: Db, r: { corpId: string; campaignId: number; kind: 'customer' | 'staff'; externalUserid?: string; userid?: string; identityKey?: string | null }): Promise<{ row: ReferrerRow; created: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await findReferrer(db, r.campaignId, r);
    if (existing) return { row: existing, created: false };
    const { rows } = await db.query<ReferrerRow>(
      `INSERT INTO referral_referrers (corp_id, campaign_id, kind, external_userid, userid, identity_key, code) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT DO NOTHING RETURNING *`,
      [r.corpId, r.campaignId, r.kind, r.externalUserid ?? null, r.userid ?? null, r.identityKey ?? null, newCode()]);
    if (rows[0]) return { row: rows[0], created: true };
  }
  throw new Error('could not make a unique referral code');
}

/** Takes one available code of the pool as the referrer's personal coupon code (SKIP LOCKED: never handed out twice). */
export async function takePersonalCoupon(db: Db, corpId: string, poolId: number, campaignId: number, externalUserid: string | null): Promise<string | null> {
  const { rows } = await db.query<{ code: string }>(
    `WITH pick AS (SELECT code FROM coupon_codes WHERE corp_id = $1 AND pool_id = $2 AND state = 'available' ORDER BY code LIMIT 1 FOR UPDATE SKIP LOCKED)
     UPDATE coupon_codes c SET state = 'claimed', external_userid = $4, campaign_id = $3, claimed_at = now()
     FROM pick WHERE c.corp_id = $1 AND c.code = pick.code RETURNING c.code`,
    [corpId, poolId, campaignId, externalUserid]);
  return rows[0]?.code ?? null;
}

export async function poolExists(db: Db, corpId: string, poolId: number): Promise<boolean> {
  return !!(await db.query('SELECT 1 FROM coupon_pools WHERE corp_id = $1 AND id = $2', [corpId, poolId])).rowCount;
}

/**
 * Binds the visitor to the referrer unless a binding that has not expired holds them (first touch wins). Returns the
 * binding when this touch made it, null when an earlier one holds.
 */
export async function bind(db: Db, b: { corpId: string; campaignId: number; key: string; referrerId: number; via: 'link' | 'coupon'; at: Date; days: number; externalUserid: string | null }): Promise<RefereeRow | null> {
  const { rows } = await db.query<RefereeRow>(
    `INSERT INTO referral_referees AS r (corp_id, campaign_id, referee_key, referrer_id, via, touched_at, expires_at, external_userid, attributed_at)
     VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $6::timestamptz + make_interval(days => $7::int), $8::text, CASE WHEN $8::text IS NOT NULL THEN $6::timestamptz END)
     ON CONFLICT (campaign_id, referee_key) DO UPDATE SET referrer_id = EXCLUDED.referrer_id, via = EXCLUDED.via, touched_at = EXCLUDED.touched_at,
       expires_at = EXCLUDED.expires_at, external_userid = coalesce(EXCLUDED.external_userid, r.external_userid),
       attributed_at = CASE WHEN coalesce(EXCLUDED.external_userid, r.external_userid) IS NOT NULL THEN EXCLUDED.touched_at END
     WHERE r.expires_at <= EXCLUDED.touched_at
     RETURNING *`,
    [b.corpId, b.campaignId, b.key, b.referrerId, b.via, b.at, b.days, b.externalUserid]);
  return rows[0] ?? null;
}

/** The customer's binding that holds at `at` (by their identity keys or their external_userid), locked. */
export async function bindingAt(db: Db, campaignId: number, keys: string[], externalUserid: string, at: Date): Promise<RefereeRow | null> {
  const { rows } = await db.query<RefereeRow>(
    `SELECT * FROM referral_referees WHERE campaign_id = $1 AND (referee_key = ANY($2::text[]) OR external_userid = $3)
       AND touched_at <= $4 AND $4 < expires_at ORDER BY touched_at LIMIT 1 FOR UPDATE`,
    [campaignId, keys, externalUserid, at]);
  return rows[0] ?? null;
}

export async function referrerById(db: Db, id: number): Promise<ReferrerRow | null> {
  const { rows } = await db.query<ReferrerRow>('SELECT * FROM referral_referrers WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** How many orders of this referee already earned this referrer commission (cancelled ones left out). */
export async function priorOrders(db: Db, referrerId: number, refereeExt: string): Promise<number> {
  const { rows: [n] } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM referral_commissions WHERE referrer_id = $1 AND referee_external_userid = $2 AND state <> 'cancelled'`, [referrerId, refereeExt]);
  return n.n;
}
