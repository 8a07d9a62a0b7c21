// The public surface of the campaigns module (the shared part of every Activate campaign): other modules and app.ts import only this.
export { checkEligibility, ELIGIBILITY_MESSAGES } from './eligibility';
export type { EligibilityMiss } from './eligibility';
export { campaignRoutes } from './routes';
export { CAMPAIGN_ORDERS_SQL, CAMPAIGN_REWARDS_SQL, campaignOrdersSql, campaignRewardsSql, CampaignService, openness, OPENNESS_MESSAGES, pagePath, requireOpen, toCampaign } from './service';
export type { CampaignRow, CampaignSlice, Openness } from './service';
export { CUSTOMER_PATH, CustomerSessions } from './session';
export { customerNotice, customerPage } from './page';
export type { FissionBoot } from './page';
export type { CustomerRef, CustomerSession, WechatIdentity } from './session';
