// Namespace `broadcasts` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Broadcasts',
  subtitle: 'Mass sends to customers or groups: pick by tags, segments or a list, preview whom the contact budget skips, then staff confirm in WeCom',
  create: 'New broadcast',
  edit: 'Edit broadcast',
  kinds: { customer: 'To customers', group: 'To groups' },
  statuses: { draft: 'Draft', scheduled: 'Scheduled', planning: 'Planning', sending: 'Sending', done: 'Done', cancelled: 'Cancelled', failed: 'Failed' },
  sendStatuses: { pending: 'Pending', issuing: 'Issuing', issued: 'Waiting for staff', sent: 'Confirmed', cancelled: 'Cancelled', failed: 'Failed' },
  targetStatuses: { planned: 'Planned', skipped: 'Skipped', sent: 'Delivered', unsent: 'Not sent', not_friend: 'Not a friend', over_cap: "Over WeCom's cap", cancelled: 'Cancelled' },
  origins: { wecom: 'Made in WeCom' },
  cols: { name: 'Name', kind: 'Kind', status: 'Status', audience: 'Audience', planned: 'Planned', skipped: 'Skipped', sent: 'Delivered', senders: 'Staff confirmed', createdAt: 'Created', scheduledAt: 'Scheduled' },
  form: {
    name: 'Name', kind: 'Send to', text: 'Content', textHelp: 'A mass send is the same for everyone: placeholders such as {nickname} are not filled', attachments: 'Attachments',
    audience: 'Audience', tags: 'Any of these tags', tagMode: 'Tags match', tagModes: { any: 'Any', all: 'All' }, segment: 'Segment', staff: "Only these staff members' customers",
    excludeTags: 'Exclude tags', excludeSegment: 'Exclude segment', list: 'These customers (external_userid, one per line)', tiers: 'Group tiers', labels: 'Group tags', groupSegment: 'Group segment',
    chatIds: 'These groups (chat_id, one per line)', owners: 'Only groups of these owners', scheduledAt: 'Send at', scheduledHelp: 'Empty: issued to staff as soon as you send',
    remindAfter: 'Remind staff who have not confirmed (minutes after issuing)', remindHelp: 'WeCom allows 3 reminders per mass send in 24 h', all: 'All customers',
  },
  preview: {
    title: 'Preview', run: 'Preview', audience: 'Audience', planned: 'Will receive', skipped: 'Skipped', senders: 'Sending staff', calls: 'Mass-send tasks',
    sendAt: 'Arrives', none: 'Nobody would receive this broadcast', reasons: 'Why skipped', samples: 'Examples',
  },
  override: { label: 'Override the contact budget (admins)', reason: 'Reason', help: "Lifts caps and quiet hours; do-not-disturb and WeCom's cap still apply; audited" },
  saveDraft: 'Save draft',
  saveAndSend: 'Save and send',
  send: 'Send',
  sendConfirm: 'Send? Staff get the mass-send task in WeCom and confirm it.',
  cancel: 'Cancel broadcast',
  cancelConfirm: 'Unconfirmed mass-send tasks are withdrawn; what was delivered stays delivered.',
  remind: 'Remind staff',
  reminded: 'Reminded {{n}} staff member(s)',
  delete: 'Delete',
  sent: 'Sent',
  detail: {
    results: 'Results', senders: 'Staff confirmation', targets: 'Recipients', sender: 'Staff', sendStatus: 'Status', targetCount: 'Recipients', sentCount: 'Delivered', reminders: 'Reminders',
    issuedAt: 'Issued', confirmedAt: 'Confirmed', override: 'Budget overridden by {{by}} ({{reason}})', error: 'Error',
  },
  empty: 'No broadcasts yet',
  all: 'All',
  back: 'Back',
};
export default enUS;
