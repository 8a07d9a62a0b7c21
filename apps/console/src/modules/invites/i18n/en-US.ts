import type zh from './zh-CN';

const invites: typeof zh = {
  title: 'Invite campaigns (referral tasks / group fission)',
  subtitle: 'Customers share their own poster; friends who add or join earn them rewards by tiers. Anti-fraud: new customers only, no self-invites, deletes within the holding period void, anomalies go to review',
  create: 'New invite campaign',
  edit: 'Edit invite campaign',
  empty: 'No invite campaigns yet',
  rules: { add: 'Adds a staff member', group: 'Joins a group (group fission)', add_and_stay: 'Adds and stays N days' },
  creditStatuses: { pending: 'Holding', review: 'In review', credited: 'Counted', voided: 'Voided' },
  reasons: {
    self_invite: 'Self-invite', existing_customer: 'Existing customer', deleted: 'Deleted within holding', left_group: 'Left within holding', rejected: 'Rejected in review',
    ip_anomaly: 'Too many from one IP', burst_anomaly: 'Too many too fast', not_staying: 'Did not stay', campaign_closed: 'Campaign closed', unknown: 'Other',
  },
  columns: { participants: 'Participants', rewards: 'Rewards', cost: 'Cost', actions: 'Actions' },
  actions: { endConfirm: 'Ending cannot be undone. End it?', approve: 'Approve', reject: 'Reject' },
  numbers: {
    participants: 'Participants', scanned: 'Friends who scanned', invitees: 'Friends who added/joined', credited: 'Counted', pending: 'Holding', review: 'In review', voided: 'Voided',
    kFactor: 'K-factor', costPerNew: 'Cost per new customer', rewards: 'Rewards issued', cost: 'Reward cost',
  },
  tabs: { participants: 'Leaderboard', review: 'Review queue', credits: 'All credits', tiers: 'Tiers' },
  participants: { name: 'Customer', staff: 'Staff', credited: 'Counted', pending: 'Pending', voided: 'Voided', tiers: 'Tiers reached' },
  credits: { inviter: 'Inviter', invitee: 'Friend', kind: 'How', status: 'Status', reason: 'Reason', ip: 'IP', at: 'When', holdUntil: 'Holding until', kinds: { add: 'Add', group: 'Join' } },
  form: {
    basics: 'Basics', name: 'Name', startsAt: 'Starts', endsAt: 'Ends', rulesText: 'Rules (shown on the customer page)',
    counting: 'Counting', codeId: 'Live code id (the staff or group code friends are routed by)', rule: 'What counts', stayDays: 'Days to stay', holdDays: 'Holding period (days)',
    holdHelp: 'A delete or leave within it voids the credit; after it the credit counts and rewards are issued', leaderboardSize: 'Leaderboard size',
    tiers: 'Reward tiers', friends: 'Friends', rewardKind: 'Reward', rewardTitle: 'Reward name', rewardPoints: 'Points', rewardAmount: 'Red packet (yuan)', couponPool: 'Coupon pool id', addTier: 'Add a tier',
    rewardKinds: { points: 'Points', coupon: 'Coupon', redpacket: 'Red packet', custom: 'Other (by hand)' },
    poster: 'Poster', posterTitle: 'Poster headline', posterText: 'Poster copy', posterTemplateId: 'Poster template',
    posterTemplateHelp: 'One of your published poster templates; without one, the built-in poster with the headline and copy above. Each participant\'s poster carries their own QR code and nickname.',
    posterTemplateNone: 'No template (built-in poster)', posterTemplateEmpty: 'No published poster templates yet: design and publish one under Posters',
    posterTemplateGone: 'Template #{{id}} (not published or archived)', posterTemplateSample: 'Sample preview (sample nickname and QR)',
    posterPurposes: { invite: 'Invite poster', live_code: 'Live code poster', staff_card: 'Staff card', badge: 'Badge', generic: 'General' },
    antiFraud: 'Anti-fraud', maxPerIp: 'Most friends per IP per day (empty = no limit)', burstCount: 'Most friends in a burst (empty = no limit)', burstSeconds: 'Burst window (seconds)',
    budget: 'Budget', budgetTotal: 'Total budget (yuan)', rewardsPerCustomer: 'Most rewards per customer',
    save: 'Save', created: 'Created', saved: 'Saved', fixed: 'Friends were credited: the code, counting rule and holding period can no longer change',
  },
};
export default invites;
