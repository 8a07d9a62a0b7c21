// Namespace `checkin` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Check-in',
  subtitle: 'Daily check-in and N-day challenges: milestone rewards, make-up cards, and the entry fee back on completion (打卡返现)',
  create: 'New check-in campaign',
  edit: 'Edit',
  empty: 'No check-in campaigns yet. Create one and post its link into your groups.',
  enrolmentStates: { active: 'In progress', completed: 'Completed', failed: 'Failed', refunded: 'Refunded' },
  rewardStates: { pending: 'Pending', issuing: 'Issuing', issued: 'Issued', failed: 'Failed', void: 'Void' },
  modes: { daily: 'Daily check-in', challenge: 'N-day challenge' },
  streakRules: { consecutive: 'Consecutive days', cumulative: 'Any days (cumulative)' },
  onBreak: { fail: 'A broken streak fails (no cash-back)', restart: 'A broken streak starts again' },
  entryKinds: { free: 'Free', points: 'Points', paid: 'Paid (an entry-fee product)' },
  rewardKinds: { coupon: 'Coupon', points: 'Points', redpacket: 'Red packet', custom: 'Other (by hand)' },
  columns: {
    mode: 'Mode', window: 'Window', participants: 'Participants', completed: 'Completed', customer: 'Customer', state: 'State',
    streak: 'Streak', bestStreak: 'Best streak', days: 'Days', lastDay: 'Last check-in', makeups: 'Make-ups', fee: 'Fee', cashback: 'Cash-back', joinedAt: 'Joined',
  },
  form: {
    audience: 'Who may take part', 
    basics: 'Basics', name: 'Name', window: 'Window', startsAt: 'Starts', endsAt: 'Ends (optional)', rules: 'Rules (shown on the page)',
    play: 'How it works', mode: 'Mode', challengeDays: 'Challenge days (N)', streakRule: 'Counting', onBreak: 'When a streak breaks', makeupCards: 'Make-up cards per customer', makeupWindowDays: 'Make-up reaches back (days)',
    entry: 'Entry', entryKind: 'Entry', points: 'Points per entry', sku: 'Entry-fee product SKU', price: 'Entry fee (yuan)', productUrl: 'Product link (to pay)', cashback: 'Return the fee on completion (打卡返现)',
    cashbackHelp: "On completion the fee order's paid amount is returned through WeChat Pay (nothing when it was refunded mid-challenge).",
    milestones: 'Milestone rewards', addMilestone: 'Add a milestone', milestoneDays: 'Days', rewardKind: 'Reward', rewardTitle: 'Reward name', rewardPoints: 'Points', rewardAmount: 'Red packet (yuan)', couponPool: 'Coupon pool ID',
    budget: 'Budget', budgetTotal: 'Total budget (yuan)', budgetDaily: 'Daily budget (yuan)', rewardsPerCustomer: 'Most rewards per customer', joinCodeId: 'Live code ID shown to non-customers',
    save: 'Save', saved: 'Saved', created: 'Created (draft): publish it to let customers take part',
    fixedAfterEnrol: 'Customers have enrolled: the mode, days and entry can no longer change.',
  },
  detail: {
    endConfirm: 'An ended campaign cannot be changed or restarted. End it?',         sendInGroups: 'Post into groups', sendInGroupsHelp: "Add a link attachment with the page's URL to a playbook step's or a broadcast's content to post the check-in into groups.",
    copyAttachment: 'Copy as a link attachment (JSON)',
    numbers: 'Numbers', participants: 'Participants', active: 'In progress', completed: 'Completed', failed: 'Failed', refunded: 'Refunded', completionRate: 'Completion rate',
    checkins: 'Check-ins', makeups: 'Make-ups', rewards: 'Rewards', cost: 'Reward cost', orders: 'Fee orders', gmv: 'Order amount',
    perDay: 'Check-ins per day', perDayCheckins: 'Check-ins', perDayMakeups: 'Make-ups',
    milestones: 'Milestones granted', granted: '{{n}} granted',
    cashback: 'Cash-back (打卡返现)', cashbackPending: '{{n}} pending ({{amount}})', cashbackPaid: '{{n}} paid ({{amount}})', cashbackVoid: '{{n}} void',
    cashbackNote: 'Cash-back already paid is not clawed back when the order is refunded; cash-back not yet paid is voided.',
    participantsTitle: 'Participants', config: 'Settings',
  },
};

export default enUS;
