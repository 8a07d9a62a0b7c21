// Namespace `alerts` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Alerts',
  empty: 'No unread alerts',
  markRead: 'Mark as read',
  markAllRead: 'Mark all read',
  kinds: {
    no_staff: 'No staff available',
    group_code_full: 'Groups full',
    group_silent: 'Silent group',
    group_dying: 'Dying group',
    acquisition_balance_low: 'Acquisition quota low',
    acquisition_balance_exhausted: 'Acquisition quota used up',
    acquisition_link_unavailable: 'Acquisition link unavailable',
    acquisition_link_deleted: 'Acquisition link deleted',
  },
};

export default enUS;
