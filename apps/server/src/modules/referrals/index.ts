// The public surface of the referrals module (分销, referral commission): app.ts imports only this.
export { referralRoutes } from './routes';
export { commissionFen, configOf, rateFor, ReferralService } from './service';
