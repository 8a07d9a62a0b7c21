// Namespace `staff` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Staff',
  searchPlaceholder: 'Search name / account',
  name: 'Staff',
  position: 'Position',
  store: 'Store',
  department: 'Department',
  status: 'Status',
  followUser: 'Customer contact',
  followUserOn: 'Enabled',
  followUserOff: 'Off',
  customerCount: 'Customers',
  allStores: 'All stores',
  allDepartments: 'All departments',
  allStatuses: 'All statuses',
  empty: 'No staff yet. Connect WeCom and run a sync to see them here.',
  pickStaff: 'Choose staff',
};

export default enUS;
