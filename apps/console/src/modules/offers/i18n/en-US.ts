// Namespace `offers` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Offers',
  subtitle: 'Coupons and limited-time offers, group-buys, bargains: customers take part on the campaign page in WeChat; rewards go to the one reward ledger',
  kinds: { coupon: 'Coupons / limited-time', groupbuy: 'Group-buy', bargain: 'Bargain' },
  create: 'New offer',
  edit: 'Edit',
  saved: 'Saved',
  empty: 'No offers yet',
  actions: { confirmEnd: 'An ended offer cannot be resumed. End it?' },
  columns: { status: 'Status', participants: 'Participants', rewards: 'Rewards', cost: 'Cost', orders: 'Orders', gmv: 'GMV' },
  form: {
    name: 'Name', startsAt: 'Starts', endsAt: 'Ends (the limited-time countdown runs to it)', rules: 'Rules', joinCodeId: 'Live code id shown to visitors who are not customers',
    chatIds: 'Members of these groups only (chat_id)', groupTiers: 'Members of groups of these tiers only', budgetTotal: 'Total budget (yuan)', rewardsPerCustomer: 'Most rewards per customer',
    couponPoolId: 'Coupon pool id', perCustomerLimit: 'Coupons per customer', showCountdown: 'Show a countdown on the page',
    productName: 'Product', sku: 'SKU', imageUrl: 'Product image URL', productUrl: 'Product link', priceFen: 'Group price (yuan)', originalPriceFen: 'Original price (yuan)',
    groupSize: 'Group size (opener included)', hours: 'Hours to complete', maxGroupsPerCustomer: 'Groups one customer may open',
    startFen: 'Start price (yuan)', floorFen: 'Floor price (yuan)', minCutFen: 'Smallest cut (yuan)', maxCutFen: 'Largest cut (yuan)', helpsToFloor: 'About how many helps reach the floor (optional)',
    newCustomersOnly: 'Only friends who are not customers yet may help',
    poolOrUrl: 'With a pool each member gets a coupon when the group is full; without one, the product link at the group price',
    bargainBuy: 'The owner buys at the price reached through the product link (a manual reward in the ledger; its cost is the amount cut)',
  },
  numbers: {
    participants: 'Participants', claims: 'Claimed', redeemed: 'Redeemed', cost: 'Cost', orders: 'Orders', gmv: 'GMV', rewards: 'Rewards',
    groupbuysOpen: 'Open groups', groupbuysFull: 'Full groups', groupbuysExpired: 'Expired groups', groupbuyMembers: 'Joins',
    bargains: 'Bargains', bargainsAtFloor: 'At the floor', bargainsBought: 'Bought', helps: 'Helps', available: 'Codes left',
  },
  chart: { title: 'By day', participants: 'New participants', claims: 'Claims', redeemed: 'Redeemed', joins: 'Joins', helps: 'Helps' },
  groupbuys: { title: 'Group-buys', opener: 'Opener', progress: 'Progress', members: 'Members', state: { open: 'Open', full: 'Full', expired: 'Expired' }, expiresAt: 'Ends', coupon: 'Code' },
  bargains: { title: 'Bargains', owner: 'Owner', price: 'Price now', helpers: 'Helpers', cut: 'Cut', state: { open: 'Open', floor: 'At the floor', bought: 'Bought', expired: 'Expired' } },
  guest: 'WeChat friend (not a customer)',
};
export default enUS;
