// Namespace `auth`, Simplified Chinese (the console's first language): the auth module.
// Its English twin (en-US.ts) is typed by this object, so a missing or extra key fails the typecheck.
const zhCN = {
  title: '登录鱼塘',
  subtitle: '开源的企业微信私域 SCRM',
  username: '用户名',
  password: '密码',
  usernameRequired: '请输入用户名',
  passwordRequired: '请输入密码',
  submit: '登录',
  failed: '登录失败',
  demoHint: '演示模式下，管理员账号和密码会在服务器启动时打印在终端中。',
};

export default zhCN;
