// Coupon codes: a pool's available codes are handed out one per reward, in the granting transaction (SKIP LOCKED:
// concurrent claims take different codes and none is handed out twice); an order that carries a code redeems it.
import type { Db } from './ledger';

export interface ClaimedCode { code: string; expiresAt: Date | null }

/** Takes one available code of the pool for the customer, or null when the pool is empty. */
export async function takeCode(db: Db, corpId: string, poolId: number, externalUserid: string, rewardId: number | null, campaignId: number | null): Promise<ClaimedCode | null> {
  const { rows } = await db.query<{ code: string; expires_at: Date | null }>(
    `WITH pick AS (
       SELECT c.code FROM coupon_codes c WHERE c.pool_id = $2 AND c.state = 'available' ORDER BY c.code LIMIT 1 FOR UPDATE SKIP LOCKED
     )
     UPDATE coupon_codes c SET state = 'claimed', external_userid = $3, reward_id = $4, campaign_id = $5, claimed_at = now(),
       expires_at = (SELECT coalesce(CASE WHEN p.valid_days IS NOT NULL THEN least(now() + make_interval(days => p.valid_days), p.valid_until) END, p.valid_until)
                     FROM coupon_pools p WHERE p.id = $2)
     FROM pick WHERE c.corp_id = $1 AND c.code = pick.code
     RETURNING c.code, c.expires_at`,
    [corpId, poolId, externalUserid, rewardId, campaignId]);
  return rows[0] ? { code: rows[0].code, expiresAt: rows[0].expires_at } : null;
}

/** Marks the codes an order carries as redeemed (once: a code already redeemed keeps its first order). */
export async function redeemCodes(db: Db, corpId: string, codes: string[], orderId: string, at: Date): Promise<{ code: string; campaign_id: number | null; external_userid: string | null; reward_id: number | null }[]> {
  if (!codes.length) return [];
  const { rows } = await db.query<{ code: string; campaign_id: number | null; external_userid: string | null; reward_id: number | null }>(
    `UPDATE coupon_codes SET state = 'redeemed', redeemed_at = $4, order_id = $3
     WHERE corp_id = $1 AND code = ANY($2::text[]) AND state = 'claimed'
     RETURNING code, campaign_id, external_userid, reward_id`,
    [corpId, codes, orderId, at]);
  return rows;
}
