// Namespace `campaigns`: the pickers every campaign form shares.
const zhCN = {
  staffCodes: '员工活码', groupCodes: '群活码', pickCode: '选择活码（非客户先添加）', pickPool: '选择优惠券库', poolLeft: '剩 {{n}} 张',
  eligibilityHint: '谁可以参加：不选 = 所有客户；选了多项时需同时满足。',
  tags: '客户标签（任一）', segments: '客户分层（任一）', groups: '所在群（任一）', groupTiers: '群分层（任一）', stores: '门店客户（任一）',
};
export default zhCN;
