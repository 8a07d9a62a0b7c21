// Namespace `scripts` in English; the keys are zh-CN.ts's (checked by its type).
import type { Messages } from '../../../i18n/messages';
import type zhCN from './zh-CN';

const enUS: Messages<typeof zhCN> = {
  title: 'Scripts',
  subtitle: 'Ready replies in folders, with Chinese word search',
  folders: 'Folders',
  allFolders: 'All scripts',
  newFolder: 'New folder',
  folderName: 'Folder name',
  parentFolder: 'Parent folder',
  topLevel: 'Top level',
  deleteFolder: 'Delete folder',
  deleteFolderConfirm: 'Delete folder "{{name}}"? A folder with scripts cannot be deleted.',
  create: 'New script',
  edit: 'Edit script',
  scriptTitle: 'Title',
  content: 'Content',
  folder: 'Folder',
  noFolder: 'No folder',
  useCount: 'Uses',
  more: 'more',
  searchPlaceholder: 'Search title or content',
  empty: 'No scripts yet',
  noMatch: 'No matching scripts',
  deleteConfirm: 'Delete script "{{title}}"?',
  placeholdersHint: 'Placeholders: {nickname} the customer\'s nickname, {staff} the member\'s name (filled in when sent)',
};

export default enUS;
