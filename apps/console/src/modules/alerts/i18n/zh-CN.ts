// Namespace `alerts`, Simplified Chinese (the console's first language): the alerts module.
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '提醒',
  empty: '没有未读提醒',
  markRead: '标为已读',
  markAllRead: '全部已读',
  kinds: {
    no_staff: '无可分配员工',
    group_code_full: '群已满',
    group_silent: '沉默群',
    group_dying: '流失群',
    acquisition_balance_low: '获客额度不足',
    acquisition_balance_exhausted: '获客额度已用完',
    acquisition_link_unavailable: '获客链接不可用',
    acquisition_link_deleted: '获客链接已删除',
  },
};

export default zhCN;
