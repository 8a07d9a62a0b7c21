// Namespace `groupSegments`, Simplified Chinese (the console's first language): the groupSegments module.
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '群分层',
  subtitle: '按分层、群标签、群主、门店、人数、增长和活跃度组合条件，实时查看客户群数量',
  new: '新建群分层',
  saved: '已保存的群分层',
  emptySaved: '还没有保存的群分层',
  namePlaceholder: '例如：上海 VIP 活跃群',
  matching: '符合条件的客户群：',
  unit: '个',
  sample: '部分客户群',
  noSample: '没有符合条件的客户群',
  members: '{{n}} 人',
  groupsOf: '分层中的客户群：{{name}}',
  statsThrough: '活跃度数据截至 {{day}}（企业微信群统计）',
  noStats: '还没有群统计数据，同步后可用',
  pickTiers: '选择或输入分层',
  pickLabels: '选择或输入群标签',
  min: '最少',
  max: '最多',
  people: '人',
  netGrowth: '净增成员',
  activityHelp: '企业微信只按群主提供群统计：每天的数据平均分到该群主名下的群。统计截至昨天，最多查询 180 天。',
  of: {
    all: '全部成员',
    customers: '客户',
  },
  metrics: {
    messages: '群均消息数',
    activeMembers: '群均日活跃成员',
  },
  types: {
    tier: '群分层',
    labels: '群标签',
    owner: '群主',
    store: '门店',
    memberCount: '群人数',
    growth: '成员增长',
    activity: '活跃度',
    created: '建群时间',
    status: '群状态',
  },
};

export default zhCN;
