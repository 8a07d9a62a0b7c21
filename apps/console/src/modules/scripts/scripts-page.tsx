import { DeleteOutlined, EditOutlined, FolderAddOutlined, FolderOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, Popconfirm, Tree, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { DataNode } from 'antd/es/tree';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/form-modal';
import { FilterBar, ListTable, text, useListState } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { SearchInput } from '../../components/search-input';
import { useMe } from '../auth/hooks';
import {
  useCreateFolder,
  useCreateScript,
  useDeleteFolder,
  useDeleteScript,
  useScriptFolders,
  useScripts,
  useUpdateScript,
  type Script,
  type ScriptFolder,
} from './hooks';
import { useTextRules } from '../../lib/form-rules';

const ALL = 'all';
// The folder picked in the tree and the search, in the URL like every list's filters.
const FILTERS = { folder: text(), q: text() };

function buildTree(folders: ScriptFolder[], parentId: number | null): DataNode[] {
  return folders
    .filter((f) => (f.parentId ?? null) === parentId)
    .sort((a, b) => a.position - b.position || a.id - b.id)
    .map((f) => ({ key: String(f.id), title: `${f.name} (${f.scripts})`, icon: <FolderOutlined />, children: buildTree(folders, f.id) }));
}

function folderTreeData(folders: ScriptFolder[], parentId: number | null): { value: number; title: string; children: ReturnType<typeof folderTreeData> }[] {
  return folders.filter((f) => (f.parentId ?? null) === parentId).map((f) => ({ value: f.id, title: f.name, children: folderTreeData(folders, f.id) }));
}

export default function ScriptsPage() {
  const { t } = useTranslation(['scripts', 'common']);
  const { message } = App.useApp();
  const me = useMe();
  const canWrite = me.data?.role === 'admin' || me.data?.role === 'operator';
  const folders = useScriptFolders();
  const state = useListState(FILTERS);
  const { q } = state.filters;
  const folderKey = state.filters.folder ?? ALL;
  const setFolderKey = (key: string) => state.set({ folder: key === ALL ? null : key });
  const folderId = folderKey === ALL || !Number.isFinite(Number(folderKey)) ? undefined : Number(folderKey);
  const scripts = useScripts({ q, folderId });
  const deleteFolder = useDeleteFolder();
  const deleteScript = useDeleteScript();
  const [editing, setEditing] = useState<Script | 'new' | null>(null);
  const [creatingFolder, setCreatingFolder] = useState(false);
  const folderList = useMemo(() => folders.data?.items ?? [], [folders.data]);
  const tree = useMemo<DataNode[]>(
    () => [{ key: ALL, title: t('allFolders'), icon: <FolderOutlined />, children: buildTree(folderList, null) }],
    [folderList, t],
  );
  const folderName = (id: number | null) => (id === null ? t('common:none') : folderList.find((f) => f.id === id)?.name ?? String(id));
  const current = folderList.find((f) => f.id === folderId);

  const columns: ColumnsType<Script> = [
    { title: t('scriptTitle'), dataIndex: 'title', width: 200 },
    {
      title: t('content'),
      dataIndex: 'content',
      render: (v: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, expandable: true, symbol: t('more') }} style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
          {v}
        </Typography.Paragraph>
      ),
    },
    { title: t('folder'), dataIndex: 'folderId', width: 140, render: folderName },
    { title: t('useCount'), dataIndex: 'useCount', width: 100, align: 'right' },
    ...(canWrite
      ? [
          {
            title: t('common:actions'),
            key: 'actions',
            width: 110,
            render: (_: unknown, s: Script) => (
              <Flex gap={4}>
                <Button size="small" type="text" icon={<EditOutlined />} aria-label={t('common:edit')} onClick={() => setEditing(s)} data-testid="script-edit" />
                <Popconfirm
                  title={t('deleteConfirm', { title: s.title })}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => deleteScript.mutateAsync(s.id).then(() => void message.success(t('common:deleted'))).catch(() => undefined)}
                >
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} />
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        extra={
          canWrite ? (
            <>
              <Button icon={<FolderAddOutlined />} onClick={() => setCreatingFolder(true)} data-testid="script-folder-create">
                {t('newFolder')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="script-create">
                {t('create')}
              </Button>
            </>
          ) : null
        }
      />
      <Flex gap={16} align="start" wrap>
        <Card size="small" title={t('folders')} style={{ width: 260 }}
          extra={
            canWrite && current ? (
              <Popconfirm
                title={t('deleteFolderConfirm', { name: current.name })}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  deleteFolder
                    .mutateAsync(current.id)
                    .then(() => {
                      void message.success(t('common:deleted'));
                      setFolderKey(ALL);
                    })
                    .catch(() => undefined)
                }
              >
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('deleteFolder')} />
              </Popconfirm>
            ) : null
          }
        >
          <QueryError query={folders} />
          <Tree
            showIcon
            defaultExpandAll
            blockNode
            treeData={tree}
            selectedKeys={[folderKey]}
            onSelect={(keys) => setFolderKey(keys.length ? String(keys[0]) : ALL)}
          />
        </Card>
        <Card style={{ flex: 1, minWidth: 480 }}>
          <FilterBar>
            <SearchInput value={q} onSearch={(v) => state.set({ q: v })} placeholder={t('searchPlaceholder')} testId="scripts-search" />
          </FilterBar>
          <ListTable<Script>
            rowKey="id"
            columns={columns}
            query={scripts}
            pageSize={20}
            empty={q ? t('noMatch') : t('empty')}
            scroll={{ x: 720 }}
          />
        </Card>
      </Flex>
      {editing ? (
        <ScriptModal script={editing === 'new' ? null : editing} defaultFolderId={folderId ?? null} folders={folderList} onClose={() => setEditing(null)} />
      ) : null}
      {creatingFolder ? <FolderModal parentId={folderId ?? null} folders={folderList} onClose={() => setCreatingFolder(false)} /> : null}
    </>
  );
}

interface FolderForm {
  name: string;
  parentId: number | null;
}

function FolderModal({ parentId, folders, onClose }: { parentId: number | null; folders: ScriptFolder[]; onClose: () => void }) {
  const { t } = useTranslation(['scripts', 'common']);
  const textRules = useTextRules();
  const [form] = Form.useForm<FolderForm>();
  const create = useCreateFolder();
  const save = async (v: FolderForm) => {
    await create.mutateAsync({ name: v.name.trim(), parentId: v.parentId ?? null });
  };
  return (
    <FormModal<FolderForm>
      title={t('newFolder')}
      form={form}
      initialValues={{ name: '', parentId }}
      onSubmit={save}
      success={t('common:created')}
      onClose={onClose}
    >
      <Form.Item name="name" label={t('folderName')} rules={textRules(t('folderName'), 30)}>
        <Input maxLength={30} autoFocus />
      </Form.Item>
      <Form.Item name="parentId" label={t('parentFolder')}>
        <TreeSelect allowClear treeDefaultExpandAll treeData={folderTreeData(folders, null)} placeholder={t('topLevel')} />
      </Form.Item>
    </FormModal>
  );
}

interface ScriptForm {
  folderId: number | null;
  title: string;
  content: string;
}

function ScriptModal({ script, defaultFolderId, folders, onClose }: { script: Script | null; defaultFolderId: number | null; folders: ScriptFolder[]; onClose: () => void }) {
  const { t } = useTranslation(['scripts', 'common']);
  const textRules = useTextRules();
  const [form] = Form.useForm<ScriptForm>();
  const create = useCreateScript();
  const update = useUpdateScript();
  const save = async (v: ScriptForm) => {
    const input = { folderId: v.folderId ?? null, title: v.title.trim(), content: v.content.trim() };
    if (script) await update.mutateAsync({ id: script.id, ...input });
    else await create.mutateAsync(input);
  };
  const insert = (token: string) => form.setFieldValue('content', `${form.getFieldValue('content') ?? ''}${token}`);
  return (
    <FormModal<ScriptForm>
      title={script ? t('edit') : t('create')}
      width={640}
      okButtonProps={{ 'data-testid': 'script-submit' }}
      form={form}
      initialValues={{ folderId: script?.folderId ?? defaultFolderId, title: script?.title ?? '', content: script?.content ?? '' }}
      onSubmit={save}
      success={t('common:saved')}
      onClose={onClose}
    >
      <Form.Item name="folderId" label={t('folder')}>
        <TreeSelect allowClear treeDefaultExpandAll treeData={folderTreeData(folders, null)} placeholder={t('noFolder')} />
      </Form.Item>
      <Form.Item name="title" label={t('scriptTitle')} rules={textRules(t('scriptTitle'), 60)}>
        <Input maxLength={60} showCount />
      </Form.Item>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title={t('placeholdersHint')}
        action={
          <Flex gap={4}>
            <Button size="small" onClick={() => insert('{nickname}')}>{'{nickname}'}</Button>
            <Button size="small" onClick={() => insert('{staff}')}>{'{staff}'}</Button>
          </Flex>
        }
      />
      <Form.Item name="content" label={t('content')} rules={textRules(t('content'), 4000)}>
        <Input.TextArea rows={8} maxLength={4000} showCount />
      </Form.Item>
    </FormModal>
  );
}
