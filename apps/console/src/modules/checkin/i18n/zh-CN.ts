// Namespace `checkin`: check-in campaigns (签到 / 打卡挑战) — list, form, detail.
const zhCN = {
  title: '签到打卡',
  subtitle: '每日签到与 N 天打卡挑战：里程碑奖励、补签卡、付费挑战完成后返还报名费（打卡返现）',
  create: '新建签到活动',
  edit: '编辑',
  empty: '还没有签到活动。新建一个，把活动链接发到客户群里。',
  enrolmentStates: { active: '进行中', completed: '已完成', failed: '已失败', refunded: '已退款' },
  rewardStates: { pending: '待发放', issuing: '发放中', issued: '已发放', failed: '发放失败', void: '已作废' },
  modes: { daily: '每日签到', challenge: 'N 天挑战' },
  streakRules: { consecutive: '连续打卡', cumulative: '累计打卡' },
  onBreak: { fail: '中断即失败（不返现）', restart: '中断后重新计算连续天数' },
  entryKinds: { free: '免费', points: '积分', paid: '付费（报名费商品）' },
  rewardKinds: { coupon: '优惠券', points: '积分', redpacket: '红包', custom: '其他（人工发放）' },
  columns: {
    mode: '玩法', window: '时间', participants: '参与', completed: '完成', customer: '客户', state: '状态',
    streak: '当前连续', bestStreak: '最长连续', days: '累计天数', lastDay: '最近打卡', makeups: '补签', fee: '报名费', cashback: '返现', joinedAt: '参加时间',
  },
  form: {
    audience: '参与条件', 
    basics: '基本信息', name: '活动名称', window: '活动时间', startsAt: '开始', endsAt: '结束（可不填）', rules: '活动规则（展示在活动页）',
    play: '玩法', mode: '玩法', challengeDays: '挑战天数 N', streakRule: '计算方式', onBreak: '连续中断时', makeupCards: '每人补签卡', makeupWindowDays: '可补签最近几天',
    entry: '参与方式', entryKind: '参与条件', points: '消耗积分', sku: '报名费商品 SKU', price: '报名费（元）', productUrl: '商品购买链接', cashback: '完成后返还报名费（打卡返现）',
    cashbackHelp: '完成挑战后，通过微信支付返还报名订单的实付金额（中途退款则不返）。',
    milestones: '里程碑奖励', addMilestone: '添加里程碑', milestoneDays: '天数', rewardKind: '奖励', rewardTitle: '奖励名称', rewardPoints: '积分', rewardAmount: '红包金额（元）', couponPool: '券池 ID',
    budget: '预算', budgetTotal: '总预算（元）', budgetDaily: '每日预算（元）', rewardsPerCustomer: '每人最多奖励数', joinCodeId: '非客户引导添加的活码 ID',
    save: '保存', saved: '已保存', created: '已创建（草稿）：发布后客户即可参加',
    fixedAfterEnrol: '已有客户参加：玩法、天数和参与方式不可再修改。',
  },
  detail: {
    endConfirm: '结束后不可再修改或重新开始，确定结束？',         sendInGroups: '发到客户群', sendInGroupsHelp: 'SOP 剧本或群发的内容里添加「链接」附件，链接填上面的活动页地址，即可把签到活动发到群里。',
    copyAttachment: '复制为链接附件（JSON）',
    numbers: '数据', participants: '参与人数', active: '进行中', completed: '已完成', failed: '已失败', refunded: '已退款', completionRate: '完成率',
    checkins: '打卡次数', makeups: '补签次数', rewards: '奖励数', cost: '奖励成本', orders: '报名订单', gmv: '订单金额',
    perDay: '每日打卡', perDayCheckins: '打卡', perDayMakeups: '补签',
    milestones: '里程碑发放', granted: '已发放 {{n}} 份',
    cashback: '打卡返现', cashbackPending: '待发放 {{n}} 笔（{{amount}}）', cashbackPaid: '已返还 {{n}} 笔（{{amount}}）', cashbackVoid: '已作废 {{n}} 笔',
    cashbackNote: '已返还的金额不会因订单退款而追回；尚未发放的返现在报名订单退款时作废。',
    participantsTitle: '参与客户', config: '设置',
  },
};

export default zhCN;
