// Namespace `overview` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Overview',
  counts: {
    customers: 'Customers',
    follows: 'Follows',
    staff: 'Staff',
    stores: 'Stores',
    groups: 'Groups',
    groupMembers: 'Group members',
    tags: 'Tags',
  },
  chartTitle: 'Customers added and lost, last 30 days',
  adds: 'Added',
  deletes: 'Lost',
  net: 'Net',
  totalAdds: 'Added (30 d)',
  totalDeletes: 'Lost (30 d)',
  totalNet: 'Net (30 d)',
  noData: 'No data yet',
  orders: {
    title: 'Orders and repurchase',
    none: 'No orders yet: enter the order webhook URL from Settings → Orders and RFM in your shop.',
    buyers: 'Buyers',
    repurchaseRate: 'Repurchase rate',
    repeatBuyers: '{{count}} customers bought twice or more',
    orders: 'Orders',
    total: 'Spent (net of refunds)',
    buckets: 'RFM buckets',
  },
};

export default enUS;
