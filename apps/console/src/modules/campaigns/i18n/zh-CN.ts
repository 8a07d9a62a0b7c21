// Namespace `campaigns`: what every campaign kind's pages share — the pickers of their forms, the status (tag,
// filter, actions), the list's common columns and the customer page's card.
const zhCN = {
  staffCodes: '员工活码', groupCodes: '群活码', pickCode: '选择活码（非客户先添加）', pickPool: '选择优惠券库', poolLeft: '剩 {{n}} 张',
  eligibilityHint: '谁可以参加：不选 = 所有客户；选了多项时需同时满足。',
  tags: '客户标签（任一）', segments: '客户分层（任一）', groups: '所在群（任一）', groupTiers: '群分层（任一）', stores: '门店客户（任一）',
  statuses: { draft: '草稿', active: '进行中', paused: '已暂停', ended: '已结束' },
  statusFilter: '状态',
  columns: { name: '名称', status: '状态', window: '时间', actions: '操作' },
  actions: { publish: '发布', pause: '暂停', resume: '恢复', end: '结束', edit: '编辑', statusChanged: '状态已更新' },
  page: {
    title: '活动页链接', copy: '复制链接', copied: '已复制', preview: '预览',
    help: '在微信中打开（或在模拟器手机中打开）即为客户所见页面。',
  },
  back: '返回',
  notFound: '活动不存在',
};
export default zhCN;
