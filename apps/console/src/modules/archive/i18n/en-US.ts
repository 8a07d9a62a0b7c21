// Namespace `archive` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Chat archive',
  subtitle: 'WeCom chat archive (会话内容存档): group and 1:1 messages, searchable in Chinese; only customers who agreed',
  search: 'Search messages',
  searchPlaceholder: 'Words, e.g. 物流信息',
  kind: 'Chats',
  kindAll: 'All',
  kindGroup: 'Groups',
  kindPrivate: '1:1',
  type: 'Type',
  empty: 'No messages',
  more: 'Older messages',
  recalled: 'recalled',
  tab: 'Messages',
  group: 'Group',
  private: '1:1',
  types: {
    text: 'Text', image: 'Image', link: 'Link', weapp: 'Mini-program', card: 'Contact card', revoke: 'Recall', agree: 'Agreed to archiving', disagree: 'Refused archiving',
    voice: 'Voice', video: 'Video', file: 'File', emotion: 'Sticker', location: 'Location', mixed: 'Mixed', other: 'Other',
  },
  media: {
    seconds: '{{n}} s',
    unnamed: 'Unnamed file',
    download: 'Download',
    downloadNamed: 'Download: {{what}}',
    imageAlt: '{{what}} sent by {{sender}}',
    qr: 'QR code',
    pending: 'Not downloaded yet: fetching it from WeCom, it shows here shortly',
    failed: 'Download failed: WeCom did not provide the file (retried); it cannot be shown',
    tooLarge: 'Over the archive limit of {{limit}}: not kept',
    none: 'This message\'s file was not archived',
    unknown: 'The file is not available ({{status}})',
    loadError: 'The file could not be loaded: it may have been purged after the retention period, or your session ended. Reload the page',
    cannotPlay: 'Browsers cannot play {{format}} voice (WeCom records voice as AMR): download it to listen',
    cannotPlayVideo: 'This browser cannot play this video format ({{format}}): download it to watch',
    noPreview: 'This format ({{format}}) cannot be previewed here: download it to view',
  },
  cursor: '{{stored}} archived · {{skipped}} skipped (no consent) · seq {{seq}}',
  pullNow: 'Pull now',
  pulled: 'Pulled {{pulled}}, archived {{stored}}',
  lastError: 'The last pull failed: {{error}}',
};
export default enUS;
