// The public surface of the rewards module (the reward ledger): other modules and app.ts import only this.
export { redeemCodes, takeCode } from './coupons';
export { TOTAL_DAY, findBySource, rebuildSpend } from './ledger';
export type { Db, GrantInput, GrantRefusal, GrantResult, RewardRow } from './ledger';
export { applyPoints, pointsBalance } from './points';
export { AdapterError, MAX_ATTEMPTS, RewardService, backoffMs } from './service';
export type { OutboundAdapter } from './service';
