// Namespace `lottery` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Lotteries',
  subtitle: 'Prizes drawn by weight and never oversold; per-customer limits per day and in total; free, points or paid (the 1-cent draw) entry.',
  create: 'New lottery',
  edit: 'Edit lottery',
  empty: 'No lotteries yet',
  columns: { entry: 'Entry', participants: 'Participants', rewards: 'Wins', cost: 'Cost', gmv: 'Orders / GMV' },
  entryKinds: { free: 'Free', points: '{{points}} points a draw', paid: 'Paid ¥{{price}} ({{sku}})' },
  actions: { endConfirm: 'An ended lottery takes no more draws and cannot be resumed. End it?', export: 'Export winners (CSV)' },
  form: {
    basics: 'Basics', name: 'Name', startsAt: 'Starts', endsAt: 'Ends (optional)', rules: 'Rules (shown on the H5 page)',
    entry: 'Entry', entryKind: 'Entry cost', points: 'Points a draw', sku: 'Product SKU (the shop\'s code)', priceFen: 'Price (fen)', entriesPerOrder: 'Draws per order', productUrl: 'Product link',
    limits: 'Limits and display', perDay: 'Draws per customer per day (empty = no limit)', total: 'Draws per customer in total (empty = no limit)', display: 'Display', wheel: 'Wheel', grid: 'Grid',
    budget: 'Budget', budgetTotalFen: 'Total budget (fen, empty = none)', budgetDailyFen: 'Daily budget (fen, empty = none)', rewardsPerCustomer: 'Most wins per customer (empty = no limit)',
    prizes: 'Prizes (1–12)', addPrize: 'Add a prize', prizeName: 'Prize', kind: 'Kind', weight: 'Weight', stock: 'Stock', audience: 'Who may take part', joinCodeId: 'Live code for non-customers', joinCodeHint: 'Visitors who are not customers yet are shown this code; once they add, they can take part.', couponPoolId: 'Coupon pool', prizePoints: 'Points',
    amountFen: 'Red packet (fen)', costFen: 'Cost (fen)', imageUrl: 'Image URL', lockedPrizes: 'Published: prizes cannot change; only their stock (never below what was won).',
    save: 'Save', saved: 'Saved',
  },
  kinds: { coupon: 'Coupon', gift: 'Gift', points: 'Points', redpacket: 'Red packet', nothing: 'Thank you' },
  detail: {
    participants: 'Participants', draws: 'Draws', winners: 'Wins', cost: 'Cost', orders: 'Orders', gmv: 'GMV', unused: 'Paid draws unused', revoked: 'Revoked (refunds)',
    perPrize: 'Prizes', won: 'Won', stockLeft: 'Stock left', unlimited: 'Unlimited', drawsPerDay: 'Draws per day', winnersTitle: 'Winners',
    customer: 'Customer', prize: 'Prize', drawnAt: 'Won at', state: 'State', code: 'Code / content', address: 'Address', noAddress: 'Not given yet',
  },
  rewardStates: { pending: 'Pending', issuing: 'Issuing', issued: 'Issued', failed: 'Failed', void: 'Void' },
};
export default enUS;
