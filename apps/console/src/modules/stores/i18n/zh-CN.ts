// Namespace `stores`, Simplified Chinese (the console's first language): the stores module.
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '门店',
  subtitle: '门店的坐标用于门店活码按距离分配客户。',
  create: '新建门店',
  edit: '编辑门店',
  name: '门店名称',
  code: '门店编码',
  city: '城市',
  address: '地址',
  coordinates: '坐标（纬度, 经度）',
  lat: '纬度',
  lng: '经度',
  latRange: '纬度范围 -90 到 90',
  lngRange: '经度范围 -180 到 180',
  pickOnMap: '地图拾取坐标',
  coordinatesHelp: '在腾讯地图坐标拾取器中搜索门店地址，复制纬度和经度填入上方。',
  noCoordinates: '缺少坐标',
  noCoordinatesHelp: '没有坐标的门店不会出现在门店活码的就近推荐中。',
  missingCoordinates: '{{n}} 家门店缺少坐标，门店活码无法按距离推荐它们。',
  department: '对应部门',
  departmentHelp: '绑定企业微信部门后，该部门的员工自动归属此门店。',
  phone: '电话',
  staffCount: '员工数',
  deleteConfirm: '删除门店「{{name}}」？员工将不再归属此门店。',
  empty: '还没有门店',
};

export default zhCN;
