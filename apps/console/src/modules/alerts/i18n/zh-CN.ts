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
  },
};

export default zhCN;
