import type zh from './zh-CN';

const fission: typeof zh = {
  title: 'Fission paths',
  subtitle: 'The three fission models: spread (poster → invite → reward), product (paid entry → check-in challenge → cash-back), service (landing page → poster → invite → sign-up form → group). Each path shows how many reached each step and where they dropped',
  create: 'New fission path',
  empty: 'No fission paths yet: start from a template',
  models: {
    spread: { name: 'Spread', desc: 'Poster → invite → reward: customers share their own poster and earn tiered rewards for friends' },
    product: { name: 'Product', desc: 'Paid entry → check-in challenge → cash-back: buying the shop product enrols; completing returns the fee' },
    service: { name: 'Service', desc: 'Landing page → poster → invite → sign-up form → group: a service draws customers, friends unlock the sign-up, then the service group' },
  },
  statuses: { draft: 'Draft', active: 'Active', paused: 'Paused', ended: 'Ended' },
  steps: {
    visited: 'Visited the landing page', poster: 'Got the poster', invited: 'Invited a friend', unlocked: 'Reached the invite goal', rewarded: 'Rewarded',
    paid: 'Paid the entry', checked_in: 'Checked in', completed: 'Completed', cashback: 'Cash-back', signed_up: 'Signed up', joined_group: 'Joined the group',
  },
  figures: {
    friendsScanned: 'Friends who scanned', friendsInvited: 'Friends who added', friendsPending: 'Holding', friendsCredited: 'Friends credited', friendsVoided: 'Voided',
    rewards: 'Rewards granted', rewardsIssued: 'Rewards paid', rewardCostFen: 'Reward cost',
    paidOrders: 'Entry orders', feesFen: 'Entry fees', refunded: 'Refunded', cashbackPaid: 'Cash-backs paid', cashbackPaidFen: 'Cash-back paid', cashbackPendingFen: 'Cash-back pending',
    landingViews: 'Landing page views', landingCustomers: 'Customers who visited',
  },
  columns: { name: 'Name', model: 'Model', status: 'Status', window: 'Window', funnel: 'Funnel (people per step)', actions: 'Actions' },
  actions: { publish: 'Publish', pause: 'Pause', resume: 'Resume', end: 'End', endConfirm: 'The path and its campaigns end together, for good. End it?', openPage: 'Open the customer page', exportCsv: 'Export CSV', campaign: 'Open the campaign' },
  detail: {
    funnel: 'Funnel', step: 'Step', count: 'People', dropOff: 'Dropped', rate: 'Conversion', byDay: 'By day', day: 'Day', figures: 'Figures',
    submissions: 'Sign-ups', customer: 'Customer', submittedAt: 'Submitted', joinedGroup: 'Group', notJoined: 'Not joined', landing: 'Landing page', form: 'Sign-up form',
    entryUrl: 'Customer entry', linked: 'Linked', invite: 'Invite campaign', checkin: 'Check-in challenge', groupCode: 'Group code',
  },
  edit: {
    title: 'Edit fission path',
    fieldsLocked: '{{n}} customer(s) signed up already: the fields can no longer change (their answers are stored by field); the form title, button text and friends needed still can',
    campaignsNote: 'Invite rules, rewards and the check-in challenge are edited on the linked campaigns\' pages',
  },
  wizard: {
    pickModel: 'Pick a model', fillSteps: 'Fill in the steps', confirm: 'Confirm', next: 'Next', back: 'Back', create: 'Create the path', created: 'Created: the path and its campaigns are drafts until published',
    basics: 'Basics', name: 'Name', startsAt: 'Starts', endsAt: 'Ends (optional)', rules: 'Rules (shown to customers)', budgetTotal: 'Total budget (yuan, optional)',
    invite: 'Invites and rewards', codeId: 'The staff code friends are routed by', holdDays: 'Holding period (days)', holdHelp: 'A friend who deletes within it is voided; after it they count and rewards are granted',
    tiers: 'Reward tiers', friends: 'Friends', rewardTitle: 'Reward', rewardPoints: 'Points', addTier: 'Add a tier', posterTitle: 'Poster headline', posterText: 'Poster copy',
    product: 'The paid entry', sku: 'Product SKU (the sku in the order webhook)', price: 'Entry fee (yuan)', productUrl: 'Product link (optional)',
    challenge: 'Check-in challenge', challengeDays: 'Days', streakRule: 'Counting', consecutive: 'Consecutive days', cumulative: 'Any days', makeupCards: 'Make-up cards',
    cashbackNote: 'Completing the challenge returns the entry fee (cash-back)',
    landing: 'Landing page', landingTitle: 'Title', coverUrl: 'Cover image URL', body: 'Body (blank lines separate paragraphs)', ctaText: 'Button text',
    form: 'Sign-up form', formTitle: 'Form title', unlockFriends: 'Friends needed before signing up (0 = open with the poster)', submitText: 'Submit button text',
    fields: 'Fields', fieldKey: 'Key (letters)', fieldLabel: 'Label', fieldType: 'Type', required: 'Required', options: 'Options (one per line)', maxLength: 'Max length', addField: 'Add a field',
    fieldTypes: { name: 'Name', phone: 'Phone (validated)', select: 'Select', text: 'Text' },
    group: 'Group', groupCodeId: 'The group code they join after signing up',
    summary: 'Pond will create:', willCreate: { spread: 'an invite campaign', product: 'a paid check-in challenge with cash-back', service: 'an invite campaign, the landing page and form, linked to the group code' },
  },
};
export default fission;
