// Namespace `governance`, Simplified Chinese: the contact budget (触达规则) and the contact ledger.
const zhCN = {
  title: '触达规则',
  subtitle: '每位客户、每个群一份触达预算：群发、SOP、朋友圈共用，避免打扰客户',
  readOnly: '仅管理员可修改触达规则',
  saved: '已保存',
  save: '保存',
  sections: { caps: '频次上限', quiet: '免打扰时段', dedupe: '去重与勿扰', wecom: '企业微信群发规则', tasks: '员工任务' },
  fields: {
    customerPerDay: '每位客户每天最多', customerPerWeek: '每位客户每周最多', customerPerMonth: '每位客户每月最多',
    groupPerDay: '每个群每天最多', groupPerWeek: '每个群每周最多', minGapMinutes: '两次触达至少间隔（分钟）',
    quietStart: '开始', quietEnd: '结束', quietAction: '落在免打扰时段的消息',
    dedupeDays: '相同内容不重复发送（天）', dndTagIds: '勿扰标签（任何渠道都不发送）', wecomCap: '企业微信对每位客户的群发上限',
    countMoments: '朋友圈计入客户触达次数', overdueAfterMinutes: '任务超时多久算逾期（分钟）', digestTime: '每日任务汇总发送时间',
  },
  help: {
    zero: '0 表示不限',
    quiet: '按企业时区计算；开始晚于结束表示跨越午夜。两项都清空则不设免打扰时段。',
    override: '管理员可以在单次群发中填写理由越过频次与免打扰限制（勿扰标签与企业微信上限除外），会记录在操作日志。',
  },
  quietActions: { defer: '顺延到免打扰结束后发送', skip: '跳过不发' },
  wecomCaps: { month_days: '每月不超过当月天数', week7: '每周 7 条', day1: '每天 1 条' },
  ledger: {
    title: '触达记录', budget: '今日 {{today}}/{{day}} · 本周 {{week}}/{{weekMax}} · 本月 {{month}}/{{monthMax}}', dnd: '勿扰',
    nextAllowed: '下次可触达：{{at}}', empty: '还没有触达记录', at: '时间', channel: '渠道', source: '来源', staff: '员工', status: '状态', content: '内容',
    override: '越过预算：{{by}}（{{reason}}）',
  },
  channels: { broadcast: '群发', playbook: 'SOP', moment: '朋友圈', task: '员工任务', wecom: '企业微信后台群发' },
  statuses: { planned: '待发送', sent: '已送达', skipped: '已跳过', released: '未发出', failed: '失败' },
  reasons: {
    dnd: '勿扰标签', quiet_hours: '免打扰时段', duplicate: '相同内容近期已发', cap_day: '超过每日上限', cap_week: '超过每周上限', cap_month: '超过每月上限',
    min_gap: '距上次触达太近', wecom_cap: '超过企业微信群发上限', no_relation: '没有可发送的员工', excluded: '被排除', exited: '已退出',
    not_friend: '已不是好友', over_wecom_cap: '企业微信判定超限', staff_gone: '员工已离职',
  },
};
export default zhCN;
