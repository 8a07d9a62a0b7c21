// Namespace `rewards` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Reward ledger',
  subtitle: 'Every reward Pond gave: who, what, why and its state; failed ones can be retried (never paid twice), manual ones marked issued',
  export: 'Export fulfilment list',
  empty: 'No rewards yet',
  states: { pending: 'Pending', issuing: 'Issuing', issued: 'Issued', failed: 'Failed', void: 'Void' },
  kinds: { coupon: 'Coupon', points: 'Points', gift: 'Gift', redpacket: 'Red packet', cashback: 'Cash-back', custom: 'Custom', cash: 'Cash (commission)' },
  adapters: { coupon: 'Coupon code', points: 'Points', webhook: 'Shop webhook', wechatpay: 'WeChat Pay', manual: 'Manual' },
  sources: { lottery: 'Lottery', checkin: 'Check-in', coupon: 'Coupon', groupbuy: 'Group-buy', bargain: 'Bargain', invite: 'Invite', referral: 'Referral', plan: 'Red packet plan', manual: 'Manual' },
  filters: { state: 'State', source: 'Source', campaign: 'Campaign ID', customer: 'Customer external_userid', dates: 'Created' },
  cols: { createdAt: 'Time', customer: 'Customer', title: 'Reward', kind: 'Kind', campaign: 'Campaign', value: 'Value', state: 'State', adapter: 'Issued by' },
  detail: {
    title: 'Reward #{{id}}', trail: 'Trail', system: 'System', couponCode: 'Coupon code', externalRef: 'Reference', outTradeNo: 'Merchant number', lastError: 'Last error',
    attempts: 'Attempts', address: 'Shipping address', voidReason: 'Void reason', source: 'Source', nextAttempt: 'Next attempt',
  },
  actions: {
    retry: 'Retry', retried: 'Queued to issue again', issued: 'Mark issued', issuedDone: 'Marked issued', note: 'Note (e.g. tracking number)',
    void: 'Void', voidDone: 'Voided', reason: 'Reason', reasonRequired: 'Give a reason',
  },
  card: { title: 'Rewards', points: 'Points balance', none: 'No rewards yet', all: 'Open the ledger' },
  payouts: {
    title: 'Reward payouts',
    webhook: 'Shop reward webhook', webhookUrl: 'Webhook URL', webhookHelp: 'Gifts and custom rewards are POSTed to the shop, signed (X-Pond-Signature: HMAC-SHA256, Idempotency-Key: reward-<id>).',
    secret: 'Signing secret', secretSet: 'Set', secretNone: 'Not set', secretShown: 'Signing secret (shown this once: keep it)', regenerate: 'Regenerate', regenerateConfirm: 'The old secret stops working at once; the shop must switch. Continue?',
    wechatPay: 'WeChat Pay (transfer to balance)', mchid: 'Merchant id (mchid)', appid: 'Official account AppID', serialNo: 'Merchant certificate serial no.', apiV3Key: 'API v3 key', platformKeyId: 'WeChat Pay public key ID', platformPublicKey: 'WeChat Pay public key (PEM)', platformHelp: 'Verifies the signature of every WeChat Pay answer; download it in the merchant platform (API security → WeChat Pay public key).', privateKey: 'Merchant private key (PEM)',
    apiBase: 'Pay API base URL', keepSecret: 'Set (leave empty to keep)', ready: 'Ready to pay', notReady: 'Incomplete',
    cap: 'Most paid per customer per day (yuan)', capHelp: 'WeChat Pay\'s own limits are set in the merchant platform; empty: no cap', save: 'Save', saved: 'Saved', demo: 'The demo corp pays through the built-in simulator: red packets show on the simulated phone under WeChat Pay balance.',
  },
};
export default enUS;
