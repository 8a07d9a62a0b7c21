import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Form, Input, Modal, Popconfirm, Select, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/form-modal';
import { ListPage, ListTable } from '../../components/list-page';
import { formatDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { ROLES, type Role } from '@pond/contracts/auth';
import { StoresSelect } from '../staff/pickers';
import { useCreateToken, useRevokeToken, useTokens, type ApiToken } from './hooks';
import { RoleTag } from './role-tag';

export default function TokensPage() {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const columns: ColumnsType<ApiToken> = [
    { title: t('tokens.name'), dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: t('tokens.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
    { title: t('tokens.role'), dataIndex: 'role', render: (role: Role) => <RoleTag role={role} /> },
    { title: t('tokens.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('tokens.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      render: (v: string | null) => (v ? formatDateTime(v) : <Typography.Text type="secondary">{t('tokens.neverUsed')}</Typography.Text>),
    },
    {
      title: t('tokens.status'),
      dataIndex: 'revokedAt',
      render: (v: string | null) =>
        v ? <Badge status="default" text={`${t('tokens.revoked')} ${formatDateTime(v)}`} /> : <Badge status="success" text={t('tokens.active')} />,
    },
    {
      title: t('common:actions'),
      key: 'actions',
      width: 100,
      render: (_, token) =>
        token.revokedAt ? null : (
          <Popconfirm
            title={t('tokens.revokeConfirm', { name: token.name })}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              revoke
                .mutateAsync(token.id)
                .then(() => void message.success(t('tokens.revokedDone')))
                .catch(() => undefined)
            }
          >
            <Button type="link" size="small" danger>
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <ListPage
        title={t('tokens.title')}
        subtitle={t('tokens.usage')}
        actions={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('tokens.create')}
          </Button>
        }
      >
        <ListTable<ApiToken>
          rowKey="id"
          columns={columns}
          query={tokens}
          rowClassName={(token) => (token.revokedAt ? 'pond-row-muted' : '')}
          empty={t('tokens.empty')}
          scroll={{ x: 860 }}
        />
      </ListPage>
      {creating ? <CreateTokenModal onClose={() => setCreating(false)} onCreated={setCreated} /> : null}
      <Modal
        open={created !== null}
        title={t('tokens.createdTitle')}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t('common:confirm')}
          </Button>
        }
        mask={{ closable: false }}
        destroyOnHidden
      >
        <Alert type="warning" showIcon title={t('tokens.createdNotice')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph copyable={{ text: created ?? '' }} code style={{ wordBreak: 'break-all' }} data-testid="token-value">
          {created}
        </Typography.Paragraph>
        <Typography.Text type="secondary">{t('tokens.usage')}</Typography.Text>
      </Modal>
    </>
  );
}

interface TokenForm {
  name: string;
  role: Role;
  storeIds: number[];
}

function CreateTokenModal({ onClose, onCreated }: { onClose: () => void; onCreated: (token: string) => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const labels = useLabels();
  const [form] = Form.useForm<TokenForm>();
  const role = Form.useWatch('role', form);
  const create = useCreateToken();

  const save = async (values: TokenForm) => {
    const result = await create.mutateAsync({
      name: values.name.trim(),
      role: values.role,
      ...(values.role === 'store_manager' ? { storeIds: values.storeIds } : {}),
    });
    onCreated(result.token);
  };

  return (
    <FormModal<TokenForm>
      title={t('tokens.create')}
      form={form}
      initialValues={{ name: '', role: 'operator', storeIds: [] }}
      onSubmit={save}
      onClose={onClose}
    >
      <Form.Item
        name="name"
        label={t('tokens.name')}
        rules={[{ required: true, whitespace: true, message: t('common:required', { field: t('tokens.name') }) }]}
      >
        <Input placeholder={t('tokens.namePlaceholder')} autoFocus />
      </Form.Item>
      <Form.Item name="role" label={t('tokens.role')} rules={[{ required: true }]}>
        <Select<Role> options={ROLES.filter((r) => r !== 'staff').map((r) => ({ value: r, label: labels.role(r) }))} />
      </Form.Item>
      {role === 'store_manager' ? (
        <Form.Item
          name="storeIds"
          label={t('tokens.storeIds')}
          rules={[{ required: true, type: 'array', min: 1, message: t('common:required', { field: t('tokens.storeIds') }) }]}
        >
          <StoresSelect />
        </Form.Item>
      ) : null}
    </FormModal>
  );
}
