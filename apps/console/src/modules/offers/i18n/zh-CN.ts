// Namespace `offers`, Simplified Chinese: coupon campaigns and limited-time offers (领券), group-buy (拼团), bargain (砍价).
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '优惠活动',
  subtitle: '领券与限时优惠、拼团、砍价：客户在微信中打开活动页参与，奖励记入统一奖励台账',
  kinds: { coupon: '领券 / 限时优惠', groupbuy: '拼团', bargain: '砍价' },
  create: '新建活动',
  edit: '编辑',
  saved: '已保存',
  empty: '还没有活动',
  actions: { confirmEnd: '结束后不能再恢复，确定结束吗？' },
  columns: { status: '状态', participants: '参与', rewards: '奖励', cost: '成本', orders: '订单', gmv: 'GMV' },
  form: {
    name: '活动名称', startsAt: '开始时间', endsAt: '结束时间（限时优惠的倒计时以此为准）', rules: '活动规则', joinCodeId: '引导添加的活码 ID（非客户可见）',
    chatIds: '限指定群成员（群 chat_id）', groupTiers: '限指定等级的社群', budgetTotal: '总预算（元）', rewardsPerCustomer: '每位客户最多奖励数',
    couponPoolId: '优惠券池 ID', perCustomerLimit: '每人限领张数', showCountdown: '活动页显示倒计时',
    productName: '商品名称', sku: '商品 SKU', imageUrl: '商品图片 URL', productUrl: '商品购买链接', priceFen: '拼团价（元）', originalPriceFen: '原价（元）',
    groupSize: '成团人数（含团长）', hours: '有效时长（小时）', maxGroupsPerCustomer: '每人最多开团数',
    startFen: '起始价（元）', floorFen: '底价（元）', minCutFen: '每次最少砍（元）', maxCutFen: '每次最多砍（元）', helpsToFloor: '约几人砍到底价（可选）',
    newCustomersOnly: '仅限新朋友助力（未添加企业微信的人）',
    poolOrUrl: '有券池时成团后每人发一张券；否则给出商品链接按拼团价购买',
    bargainBuy: '发起人按砍后价格通过商品链接下单（台账中记为人工发放，成本为砍掉的金额）',
  },
  numbers: {
    participants: '参与客户', claims: '已领券', redeemed: '已核销', cost: '成本', orders: '订单', gmv: 'GMV', rewards: '奖励',
    groupbuysOpen: '拼团中', groupbuysFull: '已成团', groupbuysExpired: '已过期', groupbuyMembers: '参团人次',
    bargains: '砍价', bargainsAtFloor: '砍到底价', bargainsBought: '已成交', helps: '助力次数', available: '券池剩余',
  },
  chart: { title: '每日数据', participants: '新参与', claims: '领券', redeemed: '核销', joins: '参团', helps: '助力' },
  groupbuys: { title: '拼团列表', opener: '团长', progress: '进度', members: '成员', state: { open: '拼团中', full: '已成团', expired: '已过期' }, expiresAt: '截止', coupon: '券码' },
  bargains: { title: '砍价列表', owner: '发起人', price: '当前价', helpers: '助力好友', cut: '砍掉', state: { open: '砍价中', floor: '已到底价', bought: '已成交', expired: '已过期' } },
  guest: '微信好友（非客户）',
};
export default zhCN;
