// Namespace `referrals` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Referrals',
  subtitle: 'Customers and staff share their own link or coupon code; friends\' orders earn commission by tiers, payable after the refund window, paid by WeChat Pay or the shop\'s webhook',
  create: 'New referral programme',
  edit: 'Edit',
  empty: 'No referral programmes yet. Create one and let customers and staff bring orders.',
  commissionStates: { pending: 'Pending (refund window)', payable: 'Payable', paid: 'Paid', cancelled: 'Cancelled' },
  payoutMethods: { wechatpay: 'WeChat Pay (balance)', webhook: 'Shop webhook', manual: 'By hand' },
  referrerKinds: { customer: 'Customer', staff: 'Staff' },
  via: { link: 'Link', coupon: 'Coupon code' },
  columns: {
    referrers: 'Referrers', orders: 'Referred orders', referrer: 'Referrer', kind: 'Kind', code: 'Code', couponCode: 'Coupon code',
    referees: 'Friends', gmv: 'Referred GMV', pending: 'Pending', payable: 'Payable', paid: 'Paid', referee: 'Buyer', order: 'Order', rate: 'Rate', orderAmount: 'Order amount',
    amount: 'Commission', clawback: 'Refunded after payout', state: 'State', paidAt: 'Ordered at', maturesAt: 'Payable from', commissions: 'Commissions', method: 'Method', createdAt: 'Created',
  },
  form: {
    basics: 'Basics', name: 'Name', startsAt: 'Starts', endsAt: 'Ends (optional)', rules: 'Rules (shown on the referral page)',
    terms: 'Attribution', attributionDays: 'Attribution window (days)', attributionHelp: 'A friend\'s orders within these days of first opening a link belong to that referrer; other links in between change nothing.',
    customersCanRefer: 'Customers can refer', staffCanRefer: 'Staff can refer', couponPoolId: 'Coupon pool id for personal codes (optional)',
    tiers: 'Commission tiers (by the friend\'s order number)', fromOrder: 'From order', rate: 'Rate (%)', addTier: 'Add a tier', maxPerOrder: 'Cap per order (¥, optional)',
    payout: 'Payout', refundWindowDays: 'Refund window (days)', refundHelp: 'Commission becomes payable once the order\'s refund window has passed; a partial refund inside it reduces it, a full refund cancels it.',
    payoutMethod: 'How customers are paid', minPayout: 'Minimum payout (¥)', joinCodeId: 'Live code id shown to non-customers',
    save: 'Save', saved: 'Saved', created: 'Created (draft): publish it and customers and staff can take their links',
  },
  detail: {
    endConfirm: 'No commission is earned after the end. End it?',
    referrers: 'Referrers', referees: 'Referred friends', orders: 'Referred orders', gmv: 'Referred GMV', commission: 'Commission cost',
    pending: 'Pending', payable: 'Payable', paid: 'Paid', cancelled: 'Cancelled', referrersTitle: 'Referrers', commissionsTitle: 'Commission', payoutsTitle: 'Payouts',
    createPayouts: 'Pay out payable commission', payoutsCreated: '{{count}} payouts created', noPayouts: 'No referrer has reached the minimum payout', exportCsv: 'Export payouts CSV', config: 'Settings',
    staffPaid: 'Staff commission is paid with wages (by hand)',
  },
};

export default enUS;
