// Namespace `overview`, Simplified Chinese (the console's first language): the overview module.
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '概览',
  counts: {
    customers: '客户数',
    follows: '跟进关系',
    staff: '员工数',
    stores: '门店数',
    groups: '客户群',
    groupMembers: '群成员',
    tags: '标签数',
  },
  chartTitle: '近 30 天客户增减',
  adds: '新增客户',
  deletes: '流失客户',
  net: '净增',
  totalAdds: '30 天新增',
  totalDeletes: '30 天流失',
  totalNet: '30 天净增',
  noData: '暂无数据',
  orders: {
    title: '订单与复购',
    none: '还没有订单：在「设置 → 订单接入与 RFM」把订单 Webhook 地址填到商城里。',
    buyers: '购买客户',
    repurchaseRate: '复购率',
    repeatBuyers: '{{count}} 位客户买过 2 次及以上',
    orders: '有效订单',
    total: '消费金额（不含退款）',
    buckets: 'RFM 分层',
  },
};

export default zhCN;
