const invites = {
  title: '邀请有礼（任务宝 / 群裂变）',
  subtitle: '客户生成专属海报邀请好友添加或进群，达到人数领取奖励；防刷：仅新客户、禁止自邀、保留期内删除作废、异常进入审核',
  create: '新建邀请活动',
  edit: '编辑邀请活动',
  empty: '还没有邀请活动',
  rules: { add: '添加员工', group: '加入群聊（群裂变）', add_and_stay: '添加并保持 N 天' },
  creditStatuses: { pending: '保留期中', review: '待审核', credited: '已计入', voided: '已作废' },
  reasons: {
    self_invite: '自己邀请自己', existing_customer: '老客户', deleted: '保留期内删除', left_group: '保留期内退群', rejected: '审核拒绝',
    ip_anomaly: '同一 IP 过多', burst_anomaly: '短时间内过多', not_staying: '未保持好友', campaign_closed: '活动已关闭', unknown: '其他',
  },
  columns: { participants: '参与人数', rewards: '奖励', cost: '成本', actions: '操作' },
  actions: { endConfirm: '结束后不可恢复，确定结束？', approve: '通过', reject: '拒绝' },
  numbers: {
    participants: '参与人数', scanned: '扫码好友', invitees: '添加/进群好友', credited: '已计入', pending: '保留期中', review: '待审核', voided: '已作废',
    kFactor: 'K 因子', costPerNew: '每位新客成本', rewards: '已发奖励', cost: '奖励成本',
  },
  tabs: { participants: '排行榜', review: '审核队列', credits: '全部邀请记录', tiers: '阶梯奖励' },
  participants: { name: '客户', staff: '所属员工', credited: '已计入', pending: '待确认', voided: '已作废', tiers: '达成阶梯' },
  credits: { inviter: '邀请人', invitee: '好友', kind: '方式', status: '状态', reason: '原因', ip: 'IP', at: '时间', holdUntil: '保留期至', kinds: { add: '添加', group: '进群' } },
  form: {
    basics: '基本信息', name: '名称', startsAt: '开始时间', endsAt: '结束时间', rulesText: '活动规则（客户页面展示）',
    counting: '计数规则', codeId: '活码 ID（好友被分配到的员工活码或群活码）', rule: '计数方式', stayDays: '需保持好友天数', holdDays: '保留期（天）',
    holdHelp: '保留期内好友删除或退群则作废；保留期结束后计入并发放奖励', leaderboardSize: '排行榜人数',
    tiers: '阶梯奖励', friends: '邀请人数', rewardKind: '奖励类型', rewardTitle: '奖励名称', rewardPoints: '积分', rewardAmount: '红包金额（元）', couponPool: '券库 ID', addTier: '添加阶梯',
    rewardKinds: { points: '积分', coupon: '优惠券', redpacket: '红包', custom: '其他（人工发放）' },
    poster: '海报', posterTitle: '海报标题', posterText: '海报文案', posterTemplateId: '海报模板 ID（可选）',
    antiFraud: '防刷', maxPerIp: '同一 IP 每天最多好友数（空 = 不限）', burstCount: '短时间内好友数上限（空 = 不限）', burstSeconds: '时间窗（秒）',
    budget: '预算', budgetTotal: '总预算（元）', rewardsPerCustomer: '每人最多奖励数',
    save: '保存', created: '已创建', saved: '已保存', fixed: '已有好友计入：活码、计数方式和保留期不可再改',
  },
};
export default invites;
