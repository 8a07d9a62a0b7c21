// Namespace `governance` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Contact rules',
  subtitle: 'One contact budget per customer and per group, shared by broadcasts, playbooks and moments: nobody gets spammed',
  readOnly: 'Only admins can change the contact rules',
  saved: 'Saved',
  save: 'Save',
  sections: { caps: 'Caps', quiet: 'Quiet hours', dedupe: 'De-duplication and do-not-disturb', wecom: "WeCom's mass-send rule", tasks: 'Staff tasks' },
  fields: {
    customerPerDay: 'Per customer per day', customerPerWeek: 'Per customer per week', customerPerMonth: 'Per customer per month',
    groupPerDay: 'Per group per day', groupPerWeek: 'Per group per week', minGapMinutes: 'Minimum gap between two (minutes)',
    quietStart: 'Start', quietEnd: 'End', quietAction: 'Messages falling in quiet hours',
    dedupeDays: 'Same content not sent again within (days)', dndTagIds: 'Do-not-disturb tags (no channel sends)', wecomCap: "WeCom's cap per customer",
    countMoments: "Moments count against customers' budgets", overdueAfterMinutes: 'A task is overdue after (minutes)', digestTime: 'Daily task digest at',
  },
  help: {
    zero: '0 means no cap',
    quiet: "In the corp's time zone; a start after the end spans midnight. Clear both for no quiet hours.",
    override: "An admin may override the caps and quiet hours for one broadcast with a reason (never do-not-disturb or WeCom's cap); it is audited.",
  },
  quietActions: { defer: 'Wait until quiet hours end', skip: 'Skip them' },
  wecomCaps: { month_days: 'As many per month as the month has days', week7: '7 per week', day1: '1 per day' },
  ledger: {
    title: 'Contact ledger', budget: 'Today {{today}}/{{day}} · week {{week}}/{{weekMax}} · month {{month}}/{{monthMax}}', dnd: 'Do not disturb',
    nextAllowed: 'Next allowed: {{at}}', empty: 'No contact yet', at: 'Time', channel: 'Channel', source: 'Source', staff: 'Staff', status: 'Status', content: 'Content',
    override: 'Budget overridden by {{by}} ({{reason}})',
  },
  channels: { broadcast: 'Broadcast', playbook: 'Playbook', moment: 'Moment', task: 'Staff task', wecom: 'Mass send in WeCom' },
  statuses: { planned: 'Planned', sent: 'Delivered', skipped: 'Skipped', released: 'Not sent', failed: 'Failed' },
  reasons: {
    dnd: 'Do-not-disturb tag', quiet_hours: 'Quiet hours', duplicate: 'Same content recently', cap_day: 'Over the daily cap', cap_week: 'Over the weekly cap',
    cap_month: 'Over the monthly cap', min_gap: 'Too soon after the last', wecom_cap: "Over WeCom's cap", no_relation: 'No staff member to send',
    excluded: 'Excluded', exited: 'Exited', not_friend: 'No longer a friend', over_wecom_cap: 'WeCom refused: over its cap', staff_gone: 'Staff member left',
  },
};
export default enUS;
