// Namespace `groups` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  tier: 'Tier',
  labels: 'Labels',
  tierPlaceholder: 'Filter by tier',
  labelPlaceholder: 'Filter by label',
  tierHelp: 'e.g. VIP / member / new',
  labelsHelp: 'Region, theme…; press Enter to add, at most 20',
  labelsMax: 'At most 20 labels',
  profile: 'Group operations',
  persona: 'Owner persona',
  personaPlaceholder: 'Who the owner is, tone of voice, what they offer',
  rulesText: 'Group rules',
  announcementTemplate: 'Announcement template',
  title: 'Groups',
  searchPlaceholder: 'Search group name',
  name: 'Group',
  owner: 'Owner',
  ownerPlaceholder: 'Filter by owner',
  memberCount: 'Members',
  customerCount: 'Customers',
  createdAt: 'Created',
  status: 'Status',
  statusPlaceholder: 'Status',
  unnamed: 'Unnamed group',
  empty: 'No groups match',
  notice: 'Notice',
  chatId: 'Chat ID',
  members: 'Members',
  memberType: 'Type',
  memberTypes: {
    staff: 'Staff',
    customer: 'Customer',
  },
  memberName: 'Member',
  groupNickname: 'Nickname in group',
  joinTime: 'Joined at',
  joinScene: 'Joined by',
  invitor: 'Invited by',
  leftAt: 'Left',
  inGroup: 'In group',
  showLeft: 'Show members who left',
  notFound: 'This group does not exist or you may not see it.',
};

export default enUS;
