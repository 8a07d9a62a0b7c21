// Coupon redemption through the order webhook: a paid order may carry `couponCodes` (contracts/commerce.ts PaidOrder).
// When the order reaches its customer (OrderHooks' `paid`, in the hook's transaction, retried until done), every code
// of this corp that was handed out (claimed) is marked redeemed by this order — once: a code keeps its first order —
// and the customer's timeline gets `coupon.redeemed` (campaign, code, order, amount, the order's staff attribution).
import type { OrderListener } from '../commerce';
import { appendTimeline } from '../customers';
import { redeemCodes } from './coupons';

export function couponRedemption(): OrderListener {
  return {
    async paid(db, order) {
      const raw = order.payload.couponCodes;
      if (!Array.isArray(raw)) return;
      const codes = [...new Set(raw.filter((c): c is string => typeof c === 'string').map((c) => c.trim()).filter(Boolean))].slice(0, 20);
      const redeemed = await redeemCodes(db, order.corpId, codes, order.orderId, order.paidAt);
      if (!redeemed.length) return;
      await appendTimeline(db, order.corpId, redeemed.map((c) => ({
        externalUserid: order.externalUserid, type: 'coupon.redeemed', userid: order.userid, occurredAt: order.paidAt,
        data: {
          code: c.code, campaignId: c.campaign_id, rewardId: c.reward_id, orderId: order.orderId, amountFen: order.amountFen,
          // A code handed to another customer and used by this one: who it was given to.
          ...(c.external_userid && c.external_userid !== order.externalUserid ? { claimedBy: c.external_userid } : {}),
        },
        dedupeKey: `coupon-redeemed:${c.code}`,
      })));
    },
  };
}
