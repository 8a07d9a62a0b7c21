// Namespace `lottery` (抽奖): the console's lottery pages.
const zhCN = {
  title: '抽奖',
  subtitle: '奖品按权重抽取、库存绝不超发；每人每天与总次数限制；免费、积分或付费（1 分钱抽奖）参与。',
  create: '新建抽奖',
  edit: '编辑抽奖',
  empty: '还没有抽奖活动',
  columns: { entry: '参与方式', participants: '参与人数', rewards: '中奖', cost: '成本', gmv: '订单 / GMV' },
  entryKinds: { free: '免费', points: '{{points}} 积分 / 次', paid: '付费 ¥{{price}}（{{sku}}）' },
  actions: { endConfirm: '结束后不能再抽奖，也不能恢复。确定结束？', export: '导出中奖名单 (CSV)' },
  form: {
    basics: '基本信息', name: '活动名称', startsAt: '开始时间', endsAt: '结束时间（可空）', rules: '活动规则（显示在 H5 页面）',
    entry: '参与方式', entryKind: '参与方式', points: '每次消耗积分', sku: '商品 SKU（店铺商品编码）', priceFen: '价格（分）', entriesPerOrder: '每单获得抽奖次数', productUrl: '购买链接',
    limits: '次数与展示', perDay: '每人每天次数（空 = 不限）', total: '每人总次数（空 = 不限）', display: '展示方式', wheel: '大转盘', grid: '九宫格',
    budget: '预算', budgetTotalFen: '总预算（分，空 = 不限）', budgetDailyFen: '每日预算（分，空 = 不限）', rewardsPerCustomer: '每人最多中奖次数（空 = 不限）',
    prizes: '奖品（1–12 个）', addPrize: '添加奖品', prizeName: '奖品名称', kind: '类型', weight: '权重', stock: '库存', audience: '参与条件', joinCodeId: '非客户先添加的活码', joinCodeHint: '还不是客户的访客会看到这个活码，添加后即可参加。', couponPoolId: '优惠券库', prizePoints: '积分',
    amountFen: '红包金额（分）', costFen: '成本（分）', imageUrl: '图片 URL', lockedPrizes: '活动已发布：奖品不可更改，只能调整库存（不能低于已中奖数）。',
    save: '保存', saved: '已保存',
  },
  kinds: { coupon: '优惠券', gift: '实物礼品', points: '积分', redpacket: '微信红包', nothing: '谢谢参与' },
  detail: {
    participants: '参与人数', draws: '抽奖次数', winners: '中奖次数', cost: '成本', orders: '订单', gmv: 'GMV', unused: '未使用付费次数', revoked: '已撤销（退款）',
    perPrize: '奖品', won: '已中', stockLeft: '剩余库存', unlimited: '不限', drawsPerDay: '每日抽奖', winnersTitle: '中奖名单',
    customer: '客户', prize: '奖品', drawnAt: '中奖时间', state: '发放状态', code: '券码 / 内容', address: '收货地址', noAddress: '待填写',
  },
  rewardStates: { pending: '待发放', issuing: '发放中', issued: '已发放', failed: '失败', void: '已作废' },
};
export default zhCN;
