import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Form, Input, Popconfirm, Select, Skeleton, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { FormModal } from '../../components/form-modal';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import {
  useCreateTag,
  useCreateTagGroup,
  useDeleteTag,
  useDeleteTagGroup,
  useRenameTag,
  useRenameTagGroup,
  useTags,
  type Tag as TagItem,
  type TagGroup,
} from './hooks';

// WeCom limits tag and tag group names to 30 characters.
const NAME_MAX = 30;

type Dialog =
  | { kind: 'createGroup' }
  | { kind: 'renameGroup'; group: TagGroup }
  | { kind: 'addTag'; group: TagGroup }
  | { kind: 'renameTag'; tag: TagItem };

export default function TagsPage() {
  const { t } = useTranslation('tags');
  const tags = useTags();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const groups = tags.data?.groups ?? [];

  return (
    <>
      <PageHeader
        title={t('title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'createGroup' })}>
            {t('createGroup')}
          </Button>
        }
      />
      <Alert type="info" showIcon title={t('syncNote')} style={{ marginBottom: 16 }} />
      <QueryError query={tags} />
      {tags.isLoading ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : groups.length === 0 && !tags.error ? (
        <Card>
          <Empty description={t('empty')}>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'createGroup' })}>
              {t('createGroup')}
            </Button>
          </Empty>
        </Card>
      ) : (
        <div style={{ display: 'grid', gap: 16, gridTemplateColumns: 'repeat(auto-fill, minmax(340px, 1fr))' }}>
          {groups.map((group) => (
            <TagGroupCard key={group.id} group={group} onDialog={setDialog} />
          ))}
        </div>
      )}
      {dialog?.kind === 'createGroup' ? <CreateGroupModal onClose={() => setDialog(null)} /> : null}
      {dialog && dialog.kind !== 'createGroup' ? <NameModal dialog={dialog} onClose={() => setDialog(null)} /> : null}
    </>
  );
}

function TagGroupCard({ group, onDialog }: { group: TagGroup; onDialog: (dialog: Dialog) => void }) {
  const { t } = useTranslation(['tags', 'common']);
  const { message } = App.useApp();
  const deleteGroup = useDeleteTagGroup();
  const deleteTag = useDeleteTag();
  const tags = [...group.tags].sort((a, b) => a.order - b.order);

  return (
    <Card
      size="small"
      title={group.name}
      extra={
        <Flex gap={4}>
          <Tooltip title={t('addTag')}>
            <Button type="text" size="small" icon={<PlusOutlined />} aria-label={t('addTag')} onClick={() => onDialog({ kind: 'addTag', group })} />
          </Tooltip>
          <Tooltip title={t('renameGroup')}>
            <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('renameGroup')} onClick={() => onDialog({ kind: 'renameGroup', group })} />
          </Tooltip>
          <Popconfirm
            title={t('deleteGroupConfirm', { name: group.name })}
            okButtonProps={{ danger: true, loading: deleteGroup.isPending }}
            onConfirm={() => deleteGroup.mutateAsync(group.id).then(() => void message.success(t('common:deleted'))).catch(() => undefined)}
          >
            <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} />
          </Popconfirm>
        </Flex>
      }
    >
      {tags.length === 0 ? (
        <Typography.Text type="secondary">{t('groupEmpty')}</Typography.Text>
      ) : (
        <Flex vertical gap={4}>
          {tags.map((tag) => (
            <Flex key={tag.id} justify="space-between" align="center" className="pond-tag-row">
              <span>
                <Tag color="blue">{tag.name}</Tag>
                <Link to={`/customers?tagIds=${encodeURIComponent(tag.id)}`}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('customerCount', { n: tag.customerCount ?? 0 })}
                  </Typography.Text>
                </Link>
              </span>
              <Flex gap={2}>
                <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('renameTag')} onClick={() => onDialog({ kind: 'renameTag', tag })} />
                <Popconfirm
                  title={t('deleteTagConfirm', { name: tag.name })}
                  okButtonProps={{ danger: true, loading: deleteTag.isPending }}
                  onConfirm={() => deleteTag.mutateAsync(tag.id).then(() => void message.success(t('common:deleted'))).catch(() => undefined)}
                >
                  <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} />
                </Popconfirm>
              </Flex>
            </Flex>
          ))}
        </Flex>
      )}
    </Card>
  );
}

interface GroupForm {
  name: string;
  tags: string[];
}

function CreateGroupModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['tags', 'common']);
  const [form] = Form.useForm<GroupForm>();
  const create = useCreateTagGroup();

  const save = async (values: GroupForm) => {
    await create.mutateAsync({ name: values.name.trim(), tags: values.tags.map((name) => ({ name: name.trim() })) });
  };

  return (
    <FormModal<GroupForm>
      title={t('createGroup')}
      form={form}
      initialValues={{ name: '', tags: [] }}
      onSubmit={save}
      success={t('syncedToWecom')}
      onClose={onClose}
    >
      <Form.Item
        name="name"
        label={t('groupName')}
        rules={[
          { required: true, whitespace: true, message: t('common:required', { field: t('groupName') }) },
          { max: NAME_MAX, message: t('nameTooLong') },
        ]}
      >
        <Input maxLength={NAME_MAX} autoFocus />
      </Form.Item>
      <Form.Item
        name="tags"
        label={t('initialTags')}
        extra={t('initialTagsHelp')}
        rules={[
          { required: true, type: 'array', min: 1, message: t('initialTagsRequired') },
          {
            validator: (_, value: string[] | undefined) =>
              (value ?? []).every((name) => name.trim().length <= NAME_MAX) ? Promise.resolve() : Promise.reject(new Error(t('nameTooLong'))),
          },
        ]}
      >
        <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} />
      </Form.Item>
    </FormModal>
  );
}

function NameModal({ dialog, onClose }: { dialog: Exclude<Dialog, { kind: 'createGroup' }>; onClose: () => void }) {
  const { t } = useTranslation(['tags', 'common']);
  const [form] = Form.useForm<{ name: string }>();
  const renameGroup = useRenameTagGroup();
  const createTag = useCreateTag();
  const renameTag = useRenameTag();

  const { title, label, initial } =
    dialog.kind === 'renameGroup'
      ? { title: t('renameGroup'), label: t('groupName'), initial: dialog.group.name }
      : dialog.kind === 'renameTag'
        ? { title: t('renameTag'), label: t('tagName'), initial: dialog.tag.name }
        : { title: `${t('addTag')} · ${dialog.group.name}`, label: t('tagName'), initial: '' };

  const save = async ({ name }: { name: string }) => {
    const trimmed = name.trim();
    if (dialog.kind === 'renameGroup') await renameGroup.mutateAsync({ id: dialog.group.id, name: trimmed });
    else if (dialog.kind === 'renameTag') await renameTag.mutateAsync({ id: dialog.tag.id, name: trimmed });
    else await createTag.mutateAsync({ groupId: dialog.group.id, name: trimmed });
  };

  return (
    <FormModal<{ name: string }>
      title={title}
      form={form}
      initialValues={{ name: initial }}
      submitOnEnter
      onSubmit={save}
      success={t('syncedToWecom')}
      onClose={onClose}
    >
      <Form.Item
        name="name"
        label={label}
        rules={[
          { required: true, whitespace: true, message: t('common:required', { field: label }) },
          { max: NAME_MAX, message: t('nameTooLong') },
        ]}
      >
        <Input maxLength={NAME_MAX} autoFocus />
      </Form.Item>
    </FormModal>
  );
}
