// Namespace `referrals`: referral commission (分销) — list, form, detail.
const zhCN = {
  title: '推荐分销',
  subtitle: '客户和员工分享专属链接或优惠码，好友下单后按阶梯比例获得佣金；退款期过后可结算，经微信支付或商城 Webhook 发放',
  create: '新建分销活动',
  edit: '编辑',
  empty: '还没有分销活动。新建一个，让客户和员工带来新的订单。',
  commissionStates: { pending: '待结算（退款期内）', payable: '可结算', paid: '已结算', cancelled: '已取消' },
  payoutMethods: { wechatpay: '微信支付（零钱）', webhook: '商城 Webhook', manual: '人工发放' },
  referrerKinds: { customer: '客户', staff: '员工' },
  via: { link: '推荐链接', coupon: '专属优惠码' },
  columns: {
    referrers: '推荐人', orders: '推荐订单', referrer: '推荐人', kind: '类型', code: '推荐码', couponCode: '专属优惠码',
    referees: '好友', gmv: '推荐 GMV', pending: '待结算', payable: '可结算', paid: '已结算', referee: '下单好友', order: '订单', rate: '比例', orderAmount: '订单金额',
    amount: '佣金', clawback: '结算后退款', state: '状态', paidAt: '下单时间', maturesAt: '可结算时间', commissions: '佣金笔数', method: '方式', createdAt: '时间',
  },
  form: {
    basics: '基本信息', name: '活动名称', startsAt: '开始', endsAt: '结束（可不填）', rules: '活动规则（展示在推荐页）',
    terms: '推荐规则', attributionDays: '归因有效期（天）', attributionHelp: '好友首次打开推荐链接后，这些天内的订单归属该推荐人；期间其他人的链接不改变归属。',
    customersCanRefer: '客户可以成为推荐人', staffCanRefer: '员工可以成为推荐人', couponPoolId: '专属优惠码券池 ID（可不填）',
    tiers: '佣金阶梯（按好友第几单）', fromOrder: '从第几单起', rate: '佣金比例（%）', addTier: '添加阶梯', maxPerOrder: '单笔佣金上限（元，可不填）',
    payout: '结算', refundWindowDays: '退款期（天）', refundHelp: '订单支付后过了退款期，佣金才变为可结算；退款期内部分退款按比例减少，全额退款取消。',
    payoutMethod: '客户佣金发放方式', minPayout: '最低结算金额（元）', joinCodeId: '非客户引导添加的活码 ID',
    save: '保存', saved: '已保存', created: '已创建（草稿）：发布后客户和员工即可领取推荐链接',
  },
  detail: {
    endConfirm: '结束后不再产生新佣金，确定结束？',
    referrers: '推荐人', referees: '被推荐好友', orders: '推荐订单', gmv: '推荐 GMV', commission: '佣金成本',
    pending: '待结算', payable: '可结算', paid: '已结算', cancelled: '已取消', referrersTitle: '推荐人', commissionsTitle: '佣金明细', payoutsTitle: '结算记录',
    createPayouts: '结算可结算佣金', payoutsCreated: '已生成 {{count}} 笔结算', noPayouts: '没有达到最低结算金额的推荐人', exportCsv: '导出结算 CSV', config: '设置',
    staffPaid: '员工佣金随工资发放（人工）',
  },
};

export default zhCN;
