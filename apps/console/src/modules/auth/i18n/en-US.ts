// Namespace `auth` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Sign in to Pond',
  subtitle: 'Open-source SCRM for WeCom',
  username: 'Username',
  password: 'Password',
  usernameRequired: 'Enter your username',
  passwordRequired: 'Enter your password',
  submit: 'Sign in',
  failed: 'Sign-in failed',
  demoHint: 'In demo mode the admin username and password are printed on the terminal when the server starts.',
};

export default enUS;
