// Namespace `rewards`, Simplified Chinese: the reward ledger (奖励台账), a customer's rewards, reward payouts.
const zhCN = {
  title: '奖励台账',
  subtitle: 'Pond 发出的每一份奖励：谁、什么、为什么、状态；失败的可重试（不会重复发放），手工发放的可标记已发',
  export: '导出发放清单',
  empty: '还没有奖励',
  states: { pending: '待发放', issuing: '发放中', issued: '已发放', failed: '失败', void: '已作废' },
  kinds: { coupon: '优惠券', points: '积分', gift: '实物礼品', redpacket: '红包', cashback: '返现', custom: '自定义', cash: '现金（佣金）' },
  adapters: { coupon: '券码', points: '积分', webhook: '商城 Webhook', wechatpay: '微信支付', manual: '手工' },
  sources: { lottery: '抽奖', checkin: '签到', coupon: '领券', groupbuy: '拼团', bargain: '砍价', invite: '邀请', referral: '推荐', plan: '红包计划', manual: '手工' },
  filters: { state: '状态', source: '来源', campaign: '活动 ID', customer: '客户 external_userid', dates: '发放时间' },
  cols: { createdAt: '时间', customer: '客户', title: '奖励', kind: '类型', campaign: '活动', value: '价值', state: '状态', adapter: '发放方式' },
  detail: {
    title: '奖励 #{{id}}', trail: '状态记录', system: '系统', couponCode: '券码', externalRef: '发放凭证', outTradeNo: '商户单号', lastError: '最近错误',
    attempts: '尝试次数', address: '收货地址', voidReason: '作废原因', source: '来源', nextAttempt: '下次尝试',
  },
  actions: {
    retry: '重试', retried: '已重新排队发放', issued: '标记已发放', issuedDone: '已标记发放', note: '备注（如快递单号）',
    void: '作废', voidDone: '已作废', reason: '作废原因', reasonRequired: '请填写作废原因',
  },
  card: { title: '奖励', points: '积分余额', none: '还没有奖励', all: '查看台账' },
  payouts: {
    title: '奖励发放 Reward payouts',
    webhook: '商城奖励 Webhook', webhookUrl: 'Webhook 地址', webhookHelp: '实物礼品与自定义奖励以签名的 POST 发给商城（X-Pond-Signature: HMAC-SHA256，Idempotency-Key: reward-<id>）。',
    secret: '签名密钥', secretSet: '已设置', secretNone: '未设置', secretShown: '签名密钥（仅显示这一次，请妥善保存）', regenerate: '重置密钥', regenerateConfirm: '旧密钥立即失效，商城需要换用新密钥。继续？',
    wechatPay: '微信支付（商家转账到零钱）', mchid: '商户号 mchid', appid: '公众号 AppID', serialNo: '商户证书序列号', apiV3Key: 'APIv3 密钥', platformKeyId: '微信支付公钥 ID', platformPublicKey: '微信支付公钥（PEM）', platformHelp: '用于验证微信支付每个应答的签名；在商户平台「API安全 → 微信支付公钥」下载。', privateKey: '商户私钥（PEM）',
    apiBase: '支付 API 地址', keepSecret: '已设置（留空则不修改）', ready: '可以付款', notReady: '未配置完整',
    cap: '每位客户每日最多发放（元）', capHelp: '微信支付自身的限额以商户平台为准；留空为不限', save: '保存', saved: '已保存', demo: '演示企业使用内置模拟器的微信支付：红包会出现在模拟手机的「微信支付 / 零钱」。',
  },
};
export default zhCN;
