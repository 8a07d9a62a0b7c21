// Namespace `faq` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Keyword answers',
  subtitle: 'Customers\' questions in groups and chats are matched to the FAQ; the owner gets a one-tap suggested reply, and the time to answer is measured',
  library: 'FAQ library',
  unmatched: 'Unmatched questions',
  answered: 'Answered',
  all: 'All questions',
  create: 'New FAQ',
  edit: 'Edit FAQ',
  question: 'Question',
  synonyms: 'Other phrasings',
  synonymsHint: 'One per line, e.g. 快递到哪了 / 发货了吗',
  answer: 'Answer',
  answerHint: 'Placeholders {nickname} {staff} {store}',
  tiers: 'Group tiers',
  tiersHint: 'Empty: every group and 1:1 chats',
  enabled: 'Enabled',
  hits: 'Hits',
  deleteConfirm: 'Delete FAQ "{{q}}"?',
  makeFaq: 'Add to the FAQ',
  dismiss: 'Dismiss',
  askedAt: 'Asked',
  chat: 'Group / customer',
  status: 'Status',
  seconds: 'Time to answer',
  statuses: { matched: 'Waiting', answered: 'Answered', unmatched: 'Unmatched', dismissed: 'Dismissed', added: 'Added to FAQ' },
  stats: { questions: 'Questions', hits: 'Hits', answered: 'Answered', unmatched: 'Unmatched', median: 'Median time to answer', p90: 'P90 time to answer', escalated: 'Escalated' },
  settings: 'Matching',
  threshold: 'Threshold',
  escalate: 'Escalate after (minutes)',
  directChats: 'Match 1:1 chats too',
  secondsUnit: '{{n}} s',
};
export default enUS;
