// Namespace `couponPools`, Simplified Chinese: coupon pools (优惠券库) and their codes.
const zhCN = {
  title: '优惠券库',
  subtitle: '从商城导入或由 Pond 生成的券码：活动发券时从券库中取码，每张券只会发给一位客户；订单带上券码即记为核销',
  create: '新建券库',
  empty: '还没有券库',
  cols: { name: '名称', faceValue: '面额', threshold: '门槛', validity: '有效期', available: '可用', claimed: '已领取', redeemed: '已核销', createdAt: '创建时间' },
  validDays: '领取后 {{n}} 天', validUntil: '至 {{date}}', noLimit: '不限', noThreshold: '无门槛',
  form: { name: '名称', faceValue: '面额（元）', threshold: '使用门槛（元）', validDays: '领取后有效天数', validUntil: '截止日期', useUrl: '使用链接（商城）' },
  import: '导入券码', importHelp: 'CSV 每行一个券码（第一列；表头 code 会跳过）', importDone: '导入 {{added}} 个，重复 {{duplicates}} 个，拒绝 {{rejected}} 行',
  rejectedLine: '第 {{line}} 行「{{value}}」：{{reason}}',
  generate: '生成券码', count: '数量', prefix: '前缀', generated: '已生成 {{n}} 个券码',
  all: '全部',
  codes: '券码', states: { available: '可用', claimed: '已领取', redeemed: '已核销', void: '已作废' },
  codeCols: { code: '券码', state: '状态', customer: '客户', claimedAt: '领取时间', expiresAt: '到期', redeemedAt: '核销时间', orderId: '订单' },
  delete: '删除', deleteConfirm: '删除这个券库和它所有未发出的券码？',
};
export default zhCN;
