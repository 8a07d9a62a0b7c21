// Namespace `archive`: the chat archive (会话内容存档) — search, a customer's and a group's messages.
const zhCN = {
  title: '会话存档',
  subtitle: '企业微信会话内容存档：群聊与单聊消息，中文分词搜索；只包含同意存档的客户',
  search: '搜索消息',
  searchPlaceholder: '输入关键词，如：物流信息',
  kind: '范围',
  kindAll: '全部',
  kindGroup: '群聊',
  kindPrivate: '单聊',
  type: '类型',
  empty: '没有消息',
  more: '更早的消息',
  recalled: '已撤回',
  tab: '会话',
  group: '群',
  private: '单聊',
  types: {
    text: '文本', image: '图片', link: '链接', weapp: '小程序', card: '名片', revoke: '撤回', agree: '同意存档', disagree: '拒绝存档',
    voice: '语音', video: '视频', file: '文件', emotion: '表情', location: '位置', mixed: '图文', other: '其他',
  },
  cursor: '已存档 {{stored}} 条 · 未同意跳过 {{skipped}} 条 · seq {{seq}}',
  pullNow: '立即拉取',
  pulled: '拉取 {{pulled}} 条，存档 {{stored}} 条',
  lastError: '上次拉取出错：{{error}}',
};
export default zhCN;
