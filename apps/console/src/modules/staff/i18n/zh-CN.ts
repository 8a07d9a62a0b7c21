// Namespace `staff`, Simplified Chinese (the console's first language): the staff module.
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '员工',
  searchPlaceholder: '搜索姓名 / 账号',
  name: '员工',
  position: '职务',
  store: '门店',
  department: '部门',
  status: '状态',
  followUser: '客户联系',
  followUserOn: '已开启',
  followUserOff: '未开启',
  customerCount: '客户数',
  allStores: '全部门店',
  allDepartments: '全部部门',
  allStatuses: '全部状态',
  empty: '还没有员工。连接企业微信并完成同步后，员工会出现在这里。',
  pickStaff: '选择员工',
};

export default zhCN;
