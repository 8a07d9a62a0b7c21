// Namespace `redpackets` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Red-packet rules',
  subtitle: 'Red packets as planned activities: when (rounds by weekday and time), to whom (eligibility), how much (fixed or random) — within the campaign budget, paid to WeChat balance.',
  create: 'New red-packet rule',
  edit: 'Edit red-packet rule',
  empty: 'No red-packet rules yet',
  columns: { participants: 'Participants', packets: 'Packets', cost: 'Cost' },
  weekdays: { d0: 'Sun', d1: 'Mon', d2: 'Tue', d3: 'Wed', d4: 'Thu', d5: 'Fri', d6: 'Sat' },
  form: {
    basics: 'Basics', name: 'Name', startsAt: 'Starts', endsAt: 'Ends (optional)', rules: 'Rules (shown on the page)',
    when: 'When', whenHint: 'In the corp time zone; each round releases "packets per round"', weekdays: 'Weekdays', everyDay: 'none = every day', start: 'Start', end: 'End (24:00 = midnight)',
    count: 'Packets per round', addSlot: 'Add a round',
    howMuch: 'How much', title: 'Packet title', mode: 'Amount', fixed: 'Fixed', random: 'Random', amount: 'Amount each (yuan)', min: 'Min (yuan)', max: 'Max (yuan)',
    perCustomerTotal: 'Most packets per customer (empty = one per round, no total)',
    toWhom: 'To whom', joinCodeId: 'Live code for non-customers',
    budget: 'Budget', budgetTotal: 'Total budget (yuan, empty = none)', budgetDaily: 'Daily budget (yuan, empty = none)',
    save: 'Save', saved: 'Saved',
  },
  detail: {
    everyDay: 'Every day',
    endConfirm: 'Once ended, no more packets and no resuming. End it?',
    sendInGroupsHelp: 'Post the link into groups before a round (a link card in a group playbook or broadcast: attachment "campaign page").',
    numbers: 'Numbers', participants: 'Participants', packets: 'Packets taken', paid: 'Paid', pending: 'Being paid', failed: 'Failed', cost: 'Cost / budget',
    ledger: 'Each packet in the reward ledger →', rule: 'Rule', perCustomer: 'at most {{n}} each', perRound: '{{n}} per round', next: 'Next round',
    rounds: 'Rounds so far', round: 'Round', taken: 'Taken / total', noRounds: 'No round has started yet',
  },
};
export default enUS;
