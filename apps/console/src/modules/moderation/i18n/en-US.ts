// Namespace `moderation` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Group moderation',
  subtitle: 'Rules per group tier against ads and spam; the owner is told how to remove an offender, strikes add up, repeat offenders cannot join through group codes',
  violations: 'Violations',
  offenders: 'Offenders',
  rules: 'Rules',
  intercept: 'Staff sensitive words',
  profiles: 'Persona and content calendar',
  time: 'Time',
  rule: 'Rule',
  detail: 'Detail',
  group: 'Group',
  customer: 'Customer',
  message: 'Message',
  strikes: 'Strikes',
  blocked: 'Blocked',
  pardon: 'Pardon',
  tier: 'Group tier',
  tierDefault: 'Default (*)',
  save: 'Save',
  ruleNames: {
    link: 'Link', qr: 'QR image', weapp: 'Mini-program', card: 'Contact card', phone: 'Phone number', word: 'Banned word', repeat: 'Flooding', new_member: 'New member posting', multi_group: 'Many groups',
  },
  fields: {
    enabled: 'Enabled', link: 'No links', allowedDomains: 'Allowed domains', qr: 'No QR images', weapp: 'No mini-programs', card: 'No contact cards', phone: 'No phone numbers',
    words: 'Banned words (one per line)', pinyinInitials: 'Match pinyin initials', repeatCount: 'Flooding: times', repeatMinutes: 'Flooding: within minutes', newMemberMinutes: 'New member: minutes after joining',
    multiGroups: 'Many groups: groups', multiMinutes: 'Many groups: within minutes', strikesToBlock: 'Strikes before blocking',
  },
  interceptName: 'Rule name',
  interceptWords: 'Words (one per line)',
  interceptType: 'Action',
  interceptTypes: { block: 'Warn and block', warn: 'Warn only' },
  userids: 'Staff',
  addIntercept: 'New sensitive-word rule',
  persona: { name: 'Persona name', tone: 'Tone', intro: 'Introduction', rules: 'Group rules', announcement: 'Announcement', slots: 'Daily slots', slotTime: 'Time', slotLabel: 'Label', slotText: 'Text', groups: 'Groups' },
  addSlot: 'Add a slot',
  generate: 'Generate content calendar',
  generated: 'A draft group playbook with {{steps}} steps was made: review and activate it in Playbooks',
};
export default enUS;
