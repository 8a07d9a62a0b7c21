// Namespace `tasks` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Staff tasks',
  subtitle: 'Everything playbooks, broadcasts and moments ask of staff: due, done, overdue and completion per staff member and store',
  board: 'Board',
  list: 'Tasks',
  range: 'Dates',
  byStaff: 'By staff',
  byStore: 'By store',
  total: 'Total',
  noStore: 'No store',
  cols: { staff: 'Staff', store: 'Store', due: 'Due', done: 'Done', overdue: 'Overdue', skipped: 'Skipped', pending: 'Pending', completion: 'Completion' },
  task: { due: 'Due', owner: 'Owner', target: 'Target', content: 'Content', source: 'Source', status: 'Status', kind: 'Kind', actions: 'Actions' },
  kinds: { send: 'Send a message', confirm_mass: 'Confirm a mass send', post_moment: 'Post a moment', review: 'Review' },
  statuses: { pending: 'Pending', overdue: 'Overdue', done: 'Done', skipped: 'Skipped', cancelled: 'Cancelled' },
  sources: { playbook: 'Playbook', broadcast: 'Broadcast', moment: 'Moment', manual: 'Manual', invite: 'Invite campaign', faq: 'FAQ', moderation: 'Moderation' },
  filters: { status: 'Status', open: 'Open', all: 'All' },
  markDone: 'Mark done',
  skip: 'Skip',
  skipReason: 'Why skip',
  empty: 'No tasks',
  attachments: '{{n}} attachment(s)',
  noTarget: '—',
};
export default enUS;
