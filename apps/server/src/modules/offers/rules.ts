// Offers' pure rules: refusal messages (zh-CN with the English), a bargain's next cut, the buy link.
import { AppError } from '../../platform/errors';
import type { GrantRefusal } from '../rewards';

/** Every refusal the H5 page shows: a 409 (or 403) whose details carry the machine-readable reason. */
export const REFUSALS = {
  limit: (n: number) => `每人限领 ${n} 张，您已领完 (you have claimed the limit of ${n} per customer)`,
  no_stock: '券已领完 (no coupons left)',
  no_stock_group: '券已领完，本团无法成团 (no coupons left: this group cannot complete)',
  budget_total: '活动预算已用完 (the campaign budget is used up)',
  budget_daily: '今日名额已发完，明天再来 (today\'s budget is used up: come back tomorrow)',
  per_customer: '您在本活动的奖励已达上限 (you have reached this campaign\'s reward limit)',
  full: '该团已满员 (this group is full)',
  expired_group: '该团已过期，未能成团 (this group-buy expired before it was full)',
  groups_limit: (n: number) => `每人最多开 ${n} 个团 (at most ${n} group-buys per customer)`,
  own_bargain: '不能给自己砍价，请分享给好友 (you cannot help your own bargain: share it with friends)',
  new_only: '本活动仅限新朋友助力 (only friends who are not customers yet may help)',
  at_floor: '已砍到底价 (the price is already at the floor)',
  bought: '已按砍后价格下单 (the owner has already bought at this price)',
  expired_bargain: '砍价已过期 (this bargain has expired)',
  not_owner: '只有发起人可以购买 (only the one who started the bargain may buy)',
} as const;

export type RefusalReason = keyof typeof REFUSALS | 'closed' | 'ineligible';

export function refuse(reason: RefusalReason, message: string, code: 'conflict' | 'forbidden' = 'conflict'): AppError {
  return new AppError(code, message, { details: { reason } });
}

export function grantRefusal(r: GrantRefusal, inGroup = false): AppError {
  if (r === 'no_stock') return refuse('no_stock', inGroup ? REFUSALS.no_stock_group : REFUSALS.no_stock);
  return refuse(r, REFUSALS[r]);
}

/**
 * The next help's cut: random in [minCut, maxCut], never past the floor (the cut that would pass it stops on it).
 * With `helpsToFloor`, the cut aims at the floor over that many helps (the remaining distance shared by the helps
 * left, jittered ±30 %, within the bounds), and the last of them lands exactly on the floor.
 */
export function nextCut(o: { priceFen: number; floorFen: number; minCutFen: number; maxCutFen: number; helps: number; helpsToFloor: number | null }, rnd = Math.random): number {
  const room = o.priceFen - o.floorFen;
  if (room <= 0) return 0;
  let cut: number;
  if (o.helpsToFloor !== null) {
    const left = o.helpsToFloor - o.helps;
    if (left <= 1) return room;
    const share = room / left;
    cut = Math.round(share * (0.7 + 0.6 * rnd()));
    cut = Math.max(o.minCutFen, Math.min(o.maxCutFen, cut));
  } else {
    cut = o.minCutFen + Math.floor(rnd() * (o.maxCutFen - o.minCutFen + 1));
  }
  return Math.max(1, Math.min(room, cut));
}

/** The shop link a member or bargain owner buys with: the product's URL with the sku, the price and Pond's reward. */
export function buyUrl(productUrl: string, sku: string, priceFen: number, rewardId: number | null): string {
  const u = new URL(productUrl);
  u.searchParams.set('sku', sku);
  u.searchParams.set('price_fen', String(priceFen));
  if (rewardId) u.searchParams.set('pond_reward', String(rewardId));
  return u.toString();
}
