// Namespace `playbooks` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Playbooks (SOP)',
  subtitle: 'Customer playbooks enrol on a trigger and move day by day; group playbooks run on a calendar. Every step spends the contact budget and goes out as a staff task or a WeCom mass send.',
  all: 'All',
  create: 'New playbook',
  edit: 'Edit playbook',
  empty: 'No playbooks yet',
  kinds: { customer: 'Customer SOP', group: 'Group SOP' },
  statuses: { draft: 'Draft', active: 'Active', paused: 'Paused', archived: 'Archived' },
  columns: { name: 'Name', kind: 'Kind', status: 'Status', trigger: 'Trigger', steps: 'Steps', enrolments: 'Live / done / exited', sent: 'Sent / delivered', updatedAt: 'Updated', actions: 'Actions' },
  actions: { activate: 'Start', pause: 'Pause', archive: 'Archive', archiveConfirm: 'Archiving exits every live enrolment and cancels open tasks. Archive it?', results: 'Results', enrol: 'Enrol customers', edit: 'Edit' },
  triggers: {
    added: 'Added through a code or channel', tagged: 'Tagged', segment: 'Entered a segment', order_paid: 'Paid an order', no_order: 'No order for N days', date: 'A date (e.g. birthday)', manual: 'By hand or CSV only',
  },
  exits: { tag_added: 'Tagged', order_paid: 'Paid an order', deleted: 'Deleted (either side)', group_joined: 'Joined a group', enrolled_elsewhere: 'Enrolled in another playbook' },
  reentries: { never: 'Never again', after_end: 'Again after it ended (exit or completion)', always: 'Every trigger restarts it' },
  quietActions: { defer: 'Wait until quiet hours end', skip: 'Skip the step' },
  deliveries: { task: 'Staff task (one tap in the sidebar)', mass: 'WeCom mass send (the staff member confirms)' },
  repeats: { daily: 'Every day', weekly: 'Weekly', monthly: 'Monthly', dates: 'On dates' },
  weekdays: { '1': 'Mon', '2': 'Tue', '3': 'Wed', '4': 'Thu', '5': 'Fri', '6': 'Sat', '7': 'Sun' },
  form: {
    basics: 'Basics', name: 'Name', namePlaceholder: 'e.g. New customers, 7 days', description: 'Description', kind: 'Kind',
    trigger: 'Trigger', triggerType: 'When', codes: 'Live codes', codesPlaceholder: 'Any code when none chosen', channels: 'Channels', channelsPlaceholder: 'Type a channel and press Enter',
    statePrefix: 'State prefix', tags: 'Tags', segment: 'Segment', includeExisting: 'Also enrol its current members when started', minAmount: 'Minimum amount (yuan)', days: 'Days',
    dateKey: 'Attribute', dateKeyHelp: 'An imported customer attribute holding YYYY-MM-DD or MM-DD', daysBefore: 'Days before',
    exits: 'Exits', exitTags: 'Exit tags', exitGroups: 'Exit groups (any when none chosen)', reentry: 'Re-entry', quietAction: 'Steps in quiet hours',
    audience: 'Groups', tiers: 'Tiers', labels: 'Group labels', labelsPlaceholder: 'Type a label and press Enter', chatIds: 'Listed chat_ids', chatIdsPlaceholder: 'Type a chat_id and press Enter',
    steps: 'Steps on a timeline', addStep: 'Add a step', noSteps: 'Add at least one step', save: 'Save', saveAndActivate: 'Save and start',
  },
  step: {
    title: 'Step', edit: 'Edit step', name: 'Step name', day: 'Day', dayHelp: '0 = the day of enrolment', timing: 'When', atTime: 'At a time of day', offset: 'After enrolment',
    time: 'Time', offsetMinutes: 'Minutes', schedule: 'Calendar', repeat: 'Repeat', weekdays: 'Weekdays', monthDays: 'Days of the month', dates: 'Dates',
    delivery: 'Delivery', text: 'Content', insert: 'Insert', attachments: 'Attachments', dayLabel: 'Day {{day}}', offsetLabel: '+{{minutes}} min', atLabel: '{{time}}',
    placeholders: { nickname: 'Customer name', staff: 'Staff name', store: 'Store name' }, contentRequired: 'Write some text or add an attachment',
  },
  preview: { title: 'Next sends', hint: 'For a customer enrolled now', groupHint: 'The calendar’s next sends', quiet: 'Quiet hours', none: 'None' },
  results: {
    funnel: 'Step funnel', staff: 'Completion by staff', runs: 'Sends', enrolments: 'Enrolments', upcoming: 'Coming up',
    planned: 'Planned', taskCreated: 'Delivered', sent: 'Sent', late: 'Late', skipped: 'Skipped', failed: 'Failed', pending: 'Waiting', total: 'Total',
    reached: 'Delivered', open: 'Open', completion: 'Completion', reasons: 'Skip reasons',
  },
  runStatuses: { pending: 'Waiting', planned: 'Planned', task_created: 'Delivered', sent: 'Sent', skipped: 'Skipped', failed: 'Failed' },
  reasons: {
    dnd: 'Do-not-disturb tag', quiet_hours: 'Quiet hours', duplicate: 'Same content', cap_day: 'Daily cap', cap_week: 'Weekly cap', cap_month: 'Monthly cap', min_gap: 'Too soon after another',
    wecom_cap: 'WeCom mass-send cap', no_relation: 'No longer a contact', excluded: 'Not targeted', exited: 'Exited', not_friend: 'Not a friend', over_wecom_cap: 'Received WeCom’s maximum',
    staff_gone: 'Staff left', missed: 'Missed its time', staff_skipped: 'Skipped by staff', cancelled: 'Cancelled', not_confirmed: 'Not confirmed by staff', wecom_error: 'WeCom error',
    archived: 'Playbook archived', step_removed: 'Step removed',
  },
  enrolmentStatuses: { active: 'Live', completed: 'Completed', exited: 'Exited' },
  sources: { trigger: 'Trigger', manual: 'By hand', csv: 'CSV' },
  enrol: {
    title: 'Enrol customers', ids: 'external_userids (one per line)', csv: 'or upload a CSV (an external_userid column, or the first)', owner: 'Staff member (default: the customer’s latest)',
    result: '{{enrolled}} enrolled, {{skipped}} skipped', skip: { not_found: 'No such customer', no_relation: 'No relation', already_enrolled: 'Already enrolled', not_again: 'May not re-enter' },
  },
  target: 'Target', owner: 'Staff', dueAt: 'Due', sentAt: 'Sent', enrolledAt: 'Enrolled', customer: 'Customer', group: 'Group', source: 'Source', progress: 'Progress',
};
export default enUS;
