// Namespace `scripts`, Simplified Chinese (the console's first language): the scripts module.
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '话术库',
  subtitle: '常用回复，按文件夹整理，支持中文分词搜索',
  folders: '文件夹',
  allFolders: '全部话术',
  newFolder: '新建文件夹',
  folderName: '文件夹名称',
  parentFolder: '上级文件夹',
  topLevel: '顶级',
  deleteFolder: '删除文件夹',
  deleteFolderConfirm: '删除文件夹「{{name}}」？文件夹内有话术时无法删除。',
  create: '新建话术',
  edit: '编辑话术',
  scriptTitle: '标题',
  content: '内容',
  folder: '文件夹',
  noFolder: '不放入文件夹',
  useCount: '使用次数',
  more: '展开',
  searchPlaceholder: '搜索标题或内容',
  empty: '暂无话术',
  noMatch: '没有匹配的话术',
  deleteConfirm: '删除话术「{{title}}」？',
  placeholdersHint: '可用占位符：{nickname} 客户昵称，{staff} 成员姓名（发送时自动替换）',
};

export default zhCN;
