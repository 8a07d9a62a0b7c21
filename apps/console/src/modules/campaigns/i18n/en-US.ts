// Namespace `campaigns` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  staffCodes: 'Staff codes', groupCodes: 'Group codes', pickCode: 'Pick a live code (non-customers add first)', pickPool: 'Pick a coupon pool', poolLeft: '{{n}} left',
  eligibilityHint: 'Who may take part: none chosen = every customer; several kinds chosen = all must hold.',
  tags: 'Customer tags (any)', segments: 'Segments (any)', groups: 'In groups (any)', groupTiers: 'Group tiers (any)', stores: 'Customers of stores (any)',
  statuses: { draft: 'Draft', active: 'Active', paused: 'Paused', ended: 'Ended' },
  statusFilter: 'Status',
  columns: { name: 'Name', status: 'Status', window: 'Window', actions: 'Actions' },
  actions: { publish: 'Publish', pause: 'Pause', resume: 'Resume', end: 'End', edit: 'Edit', statusChanged: 'Status changed' },
  page: {
    title: 'Campaign page', copy: 'Copy link', copied: 'Copied', preview: 'Preview',
    help: 'Open it in WeChat (or on the simulator phone) to see the page as a customer does.',
  },
  back: 'Back',
  notFound: 'No such campaign',
};
export default enUS;
