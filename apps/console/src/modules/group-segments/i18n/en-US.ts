// Namespace `groupSegments` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Group segments',
  subtitle: 'Combine tier, group labels, owner, store, size, growth and activity and see the number of groups live',
  new: 'New group segment',
  saved: 'Saved group segments',
  emptySaved: 'No saved group segments yet',
  namePlaceholder: 'e.g. Shanghai VIP, active',
  matching: 'Matching groups:',
  unit: '',
  sample: 'Some of the groups',
  noSample: 'No group matches',
  members: '{{n}} members',
  groupsOf: 'Groups in segment: {{name}}',
  statsThrough: 'Activity figures up to {{day}} (WeCom group statistics)',
  noStats: 'No group statistics yet; they arrive with the next sync',
  pickTiers: 'Choose or type tiers',
  pickLabels: 'Choose or type group labels',
  min: 'min',
  max: 'max',
  people: 'people',
  netGrowth: 'net new members',
  activityHelp: 'WeCom reports group statistics per owner only: each day\'s figures are shared equally by the owner\'s groups. Figures run up to yesterday, at most 180 days back.',
  of: {
    all: 'All members',
    customers: 'Customers',
  },
  metrics: {
    messages: 'Messages per group',
    activeMembers: 'Daily active members per group',
  },
  types: {
    tier: 'Tier',
    labels: 'Group labels',
    owner: 'Owner',
    store: 'Store',
    memberCount: 'Group size',
    growth: 'Growth',
    activity: 'Activity',
    created: 'Created',
    status: 'Status',
  },
};

export default enUS;
