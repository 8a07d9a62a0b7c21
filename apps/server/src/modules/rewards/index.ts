// The public surface of the rewards module (the reward ledger): other modules and app.ts import only this.
//
// Contract for the code that grants rewards (lottery, check-in, offers, invites…), on top of RewardService.grant:
// - Gifts wait for their shipping address: grant them with `holdUntil` far in the future (GIFT_HOLD) and
//   `details: { needsAddress: true, … }`. The customer gives the address on the H5 page ("my prizes",
//   POST /c/api/:corpId/rewards/:id/address): it is stored in `details.address` ({name, phone, address}) and the
//   reward's next_attempt_at is set to now(), so its adapter (`webhook`: the shop ships; `manual`: the export list)
//   takes it from there. Don't set next_attempt_at yourself.
// - Money (`wechatpay`: red packets, cash-back) is paid to an openid of the merchant's appid. When the reward is
//   earned on an H5 page whose session has an openid (CustomerSession.identity.openid, from the corp's 公众号 OAuth),
//   store it: `details: { openid, appid: corp.oauthAppId }` — the adapter uses it when the appid is the merchant's.
//   Without it the adapter falls back to a 公众号 follower import (leads.openid) or, in demo, the simulator.
// - `amountFen` is what is paid, `costFen` what the campaign's budget is charged (defaults to amountFen).
export { redeemCodes, takeCode } from './coupons';
export { TOTAL_DAY, findBySource, rebuildSpend } from './ledger';
export type { Db, GrantInput, GrantRefusal, GrantResult, RewardRow } from './ledger';
export { applyPoints, pointsBalance } from './points';
export { CouponPools } from './pools';
export { couponRedemption } from './redemption';
export { rewardRoutes } from './routes';
export { AdapterError, MAX_ATTEMPTS, RewardService, backoffMs } from './service';
export type { OutboundAdapter } from './service';
export { RewardSettingsService, rotateRewardSecrets } from './settings';
export type { PayoutConfig, WechatPayConfig } from './settings';
export { signWebhook, webhookAdapter, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook';
export { authorization as wechatPayAuthorization, wechatPayAdapter } from './wechatpay';

/** How long a gift waits for its address before its adapter may take it (in effect: until the address arrives). */
export const GIFT_HOLD = new Date('2100-01-01T00:00:00Z');
