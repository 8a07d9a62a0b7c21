// Namespace `campaigns` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  staffCodes: 'Staff codes', groupCodes: 'Group codes', pickCode: 'Pick a live code (non-customers add first)', pickPool: 'Pick a coupon pool', poolLeft: '{{n}} left',
  eligibilityHint: 'Who may take part: none chosen = every customer; several kinds chosen = all must hold.',
  tags: 'Customer tags (any)', segments: 'Segments (any)', groups: 'In groups (any)', groupTiers: 'Group tiers (any)', stores: 'Customers of stores (any)',
};
export default enUS;
