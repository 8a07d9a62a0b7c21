import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Form, Input, Modal, Popconfirm, Select, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ListPage, ListTable } from '../../components/list-page';
import { formatDateTime } from '../../lib/format';
import { showFieldError } from '../../lib/form-errors';
import { useLabels } from '../../lib/labels';
import { ROLES, type Role } from '../auth/hooks';
import { StoresSelect } from '../staff/pickers';
import { useCreateToken, useRevokeToken, useTokens, type ApiToken } from './hooks';
import { RoleTag } from './role-tag';

export default function TokensPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const columns: ColumnsType<ApiToken> = [
    { title: t('admin.tokens.name'), dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: t('admin.tokens.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
    { title: t('admin.tokens.role'), dataIndex: 'role', render: (role: Role) => <RoleTag role={role} /> },
    { title: t('admin.tokens.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('admin.tokens.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      render: (v: string | null) => (v ? formatDateTime(v) : <Typography.Text type="secondary">{t('admin.tokens.neverUsed')}</Typography.Text>),
    },
    {
      title: t('admin.tokens.status'),
      dataIndex: 'revokedAt',
      render: (v: string | null) =>
        v ? <Badge status="default" text={`${t('admin.tokens.revoked')} ${formatDateTime(v)}`} /> : <Badge status="success" text={t('admin.tokens.active')} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, token) =>
        token.revokedAt ? null : (
          <Popconfirm
            title={t('admin.tokens.revokeConfirm', { name: token.name })}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              revoke
                .mutateAsync(token.id)
                .then(() => void message.success(t('admin.tokens.revokedDone')))
                .catch(() => undefined)
            }
          >
            <Button type="link" size="small" danger>
              {t('admin.tokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <ListPage
        title={t('admin.tokens.title')}
        subtitle={t('admin.tokens.usage')}
        actions={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('admin.tokens.create')}
          </Button>
        }
      >
        <ListTable<ApiToken>
          rowKey="id"
          columns={columns}
          query={tokens}
          rowClassName={(token) => (token.revokedAt ? 'pond-row-muted' : '')}
          empty={t('admin.tokens.empty')}
          scroll={{ x: 860 }}
        />
      </ListPage>
      {creating ? (
        <CreateTokenModal
          onClose={() => setCreating(false)}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
          }}
        />
      ) : null}
      <Modal
        open={created !== null}
        title={t('admin.tokens.createdTitle')}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t('common.confirm')}
          </Button>
        }
        mask={{ closable: false }}
        destroyOnHidden
      >
        <Alert type="warning" showIcon title={t('admin.tokens.createdNotice')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph copyable={{ text: created ?? '' }} code style={{ wordBreak: 'break-all' }} data-testid="token-value">
          {created}
        </Typography.Paragraph>
        <Typography.Text type="secondary">{t('admin.tokens.usage')}</Typography.Text>
      </Modal>
    </>
  );
}

interface TokenForm {
  name: string;
  role: Role;
  storeIds: (number | string)[];
}

function CreateTokenModal({ onClose, onCreated }: { onClose: () => void; onCreated: (token: string) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form] = Form.useForm<TokenForm>();
  const role = Form.useWatch('role', form);
  const create = useCreateToken();

  const submit = async () => {
    const values = await form.validateFields();
    try {
      const result = await create.mutateAsync({
        name: values.name.trim(),
        role: values.role,
        ...(values.role === 'store_manager' ? { storeIds: values.storeIds } : {}),
      });
      onCreated(result.token);
    } catch (error) {
      showFieldError(form, error);
    }
  };

  return (
    <Modal open title={t('admin.tokens.create')} onOk={() => void submit()} onCancel={onClose} confirmLoading={create.isPending} destroyOnHidden>
      <Form<TokenForm> form={form} layout="vertical" initialValues={{ name: '', role: 'operator', storeIds: [] }}>
        <Form.Item
          name="name"
          label={t('admin.tokens.name')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('admin.tokens.name') }) }]}
        >
          <Input placeholder={t('admin.tokens.namePlaceholder')} autoFocus />
        </Form.Item>
        <Form.Item name="role" label={t('admin.tokens.role')} rules={[{ required: true }]}>
          <Select<Role> options={ROLES.filter((r) => r !== 'staff').map((r) => ({ value: r, label: labels.role(r) }))} />
        </Form.Item>
        {role === 'store_manager' ? (
          <Form.Item
            name="storeIds"
            label={t('admin.tokens.storeIds')}
            rules={[{ required: true, type: 'array', min: 1, message: t('common.required', { field: t('admin.tokens.storeIds') }) }]}
          >
            <StoresSelect />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
