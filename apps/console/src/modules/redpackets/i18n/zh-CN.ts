// Namespace `redpackets`: planned red-packet rules (定时红包) — list, form, detail.
const zhCN = {
  title: '定时红包',
  subtitle: '按计划发红包：什么时候（每周几、几点到几点一场）、发给谁（参与条件）、发多少（固定或随机金额），受活动预算约束，经微信支付发到零钱。',
  create: '新建红包规则',
  edit: '编辑红包规则',
  empty: '还没有红包规则',
  columns: { participants: '参与人数', packets: '已发红包', cost: '成本' },
  weekdays: { d0: '周日', d1: '周一', d2: '周二', d3: '周三', d4: '周四', d5: '周五', d6: '周六' },
  form: {
    basics: '基本信息', name: '名称', startsAt: '开始时间', endsAt: '结束时间（可空）', rules: '活动规则（显示在 H5 页面）',
    when: '什么时候', whenHint: '时间为企业时区；每场开抢时放出「每场个数」个红包', weekdays: '每周', everyDay: '不选 = 每天', start: '开始', end: '结束（24:00 = 午夜）',
    count: '每场个数', addSlot: '添加场次',
    howMuch: '发多少', title: '红包标题', mode: '金额', fixed: '固定金额', random: '随机金额', amount: '每个金额（元）', min: '最少（元）', max: '最多（元）',
    perCustomerTotal: '每人最多抢几个（空 = 每场一个，不限总数）',
    toWhom: '发给谁', joinCodeId: '非客户先添加的活码',
    budget: '预算', budgetTotal: '总预算（元，空 = 不限）', budgetDaily: '每日预算（元，空 = 不限）',
    save: '保存', saved: '已保存',
  },
  detail: {
    everyDay: '每天',
    endConfirm: '结束后不能再抢，也不能恢复。确定结束？',
    sendInGroupsHelp: '把链接作为链接卡片加入群 SOP 或群发（附件选择「活动页面」），在开抢前发到群里。',
    numbers: '数据', participants: '参与人数', packets: '已抢红包', paid: '已到账', pending: '发放中', failed: '发放失败', cost: '成本 / 预算',
    ledger: '在奖励台账中查看每个红包 →', rule: '规则', perCustomer: '每人最多 {{n}} 个', perRound: '每场 {{n}} 个', next: '下一场',
    rounds: '已开抢的场次', round: '场次', taken: '已抢 / 总数', noRounds: '还没有场次开抢',
  },
};
export default zhCN;
