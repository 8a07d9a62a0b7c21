import { DeleteOutlined, EditOutlined, LinkOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Switch, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/form-modal';
import { ListPage, ListTable } from '../../components/list-page';
import { useLabels } from '../../lib/labels';
import { ROLES, type Role } from '@pond/contracts/auth';
import { useStoreNames } from '../staff/hooks';
import { StaffSelect, StoresSelect } from '../staff/pickers';
import { useCreateUser, useRemoveUser, useRenewInvitation, useUpdateUser, useUsers, type Invitation, type Member } from './hooks';
import { RoleTag } from './role-tag';

export default function UsersPage() {
  const { t } = useTranslation(['admin', 'common']);
  const users = useUsers();
  const storeNames = useStoreNames();
  const remove = useRemoveUser();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Member | 'new' | null>(null);
  const [link, setLink] = useState<Invitation | null>(null);
  const renew = useRenewInvitation();

  const columns: ColumnsType<Member> = [
    { title: t('users.username'), dataIndex: 'username', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    {
      title: t('users.displayName'),
      key: 'displayName',
      render: (_, u) => (
        <>
          {u.displayName}
          {u.disabled ? <Tag style={{ marginLeft: 8 }}>{t('users.disabled')}</Tag> : null}
        </>
      ),
    },
    {
      title: t('users.status'),
      dataIndex: 'status',
      render: (status: Member['status']) =>
        status === 'invited' ? <Tag color="gold">{t('users.invited')}</Tag> : <Tag color="green">{t('users.active')}</Tag>,
    },
    { title: t('users.role'), dataIndex: 'role', render: (role: Role) => <RoleTag role={role} /> },
    {
      title: t('users.storeIds'),
      dataIndex: 'storeIds',
      render: (ids: Member['storeIds']) =>
        ids?.length ? ids.map((id) => <Tag key={String(id)}>{storeNames.get(String(id)) ?? id}</Tag>) : t('common:none'),
    },
    { title: t('users.staffUserid'), dataIndex: 'staffUserid', render: (v: string | null) => v || t('common:none') },
    {
      title: t('common:actions'),
      key: 'actions',
      width: 280,
      render: (_, user) => (
        <>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(user)}>
            {t('common:edit')}
          </Button>
          {user.status === 'invited' ? (
            <Button type="link" size="small" icon={<LinkOutlined />} loading={renew.isPending} onClick={() => void renew.mutateAsync(user.id).then(setLink)}>
              {t('users.newLink')}
            </Button>
          ) : null}
          <Popconfirm
            title={t('users.removeConfirm', { name: user.displayName })}
            onConfirm={() => remove.mutateAsync(user.id).then(() => void message.success(t('users.removed')))}
          >
            <Button type="link" size="small" danger icon={<DeleteOutlined />}>
              {t('users.remove')}
            </Button>
          </Popconfirm>
        </>
      ),
    },
  ];

  return (
    <>
      <ListPage
        title={t('users.title')}
        actions={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('users.create')}
          </Button>
        }
      >
        <ListTable<Member> rowKey="id" columns={columns} query={users} empty={t('users.empty')} scroll={{ x: 760 }} />
      </ListPage>
      {editing ? <UserModal user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onInvited={setLink} /> : null}
      {link ? (
        <Modal open title={t('users.inviteLinkTitle', { name: link.username })} onOk={() => setLink(null)} onCancel={() => setLink(null)} cancelButtonProps={{ style: { display: 'none' } }}>
          <Typography.Paragraph>{t('users.inviteLinkHelp')}</Typography.Paragraph>
          <Typography.Paragraph copyable data-testid="invite-url" code>
            {link.inviteUrl}
          </Typography.Paragraph>
        </Modal>
      ) : null}
    </>
  );
}

interface UserForm {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  storeIds: number[];
  staffUserid?: string;
  disabled: boolean;
}

function UserModal({ user, onClose, onInvited }: { user: Member | null; onClose: () => void; onInvited: (invitation: Invitation) => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const labels = useLabels();
  const [form] = Form.useForm<UserForm>();
  const role = Form.useWatch('role', form);
  const create = useCreateUser();
  const update = useUpdateUser();

  const save = async (values: UserForm) => {
    // Scope fields follow the role: changing a store manager to operator clears their stores.
    const storeIds = values.role === 'store_manager' ? values.storeIds ?? [] : [];
    const staffUserid = values.role === 'staff' ? values.staffUserid ?? null : null;
    if (user) {
      await update.mutateAsync({
        id: user.id,
        patch: {
          displayName: values.displayName.trim(),
          role: values.role,
          storeIds,
          staffUserid,
          disabled: values.disabled,
          ...(values.password ? { password: values.password } : {}),
        },
      });
    } else {
      const invitation = await create.mutateAsync({
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        role: values.role,
        storeIds,
        ...(staffUserid ? { staffUserid } : {}),
      });
      onInvited(invitation);
    }
  };

  return (
    <FormModal<UserForm>
      title={user ? t('users.edit') : t('users.create')}
      form={form}
      initialValues={{
        username: user?.username ?? '',
        displayName: user?.displayName ?? '',
        password: '',
        role: user?.role ?? 'operator',
        storeIds: user?.storeIds ?? [],
        staffUserid: user?.staffUserid ?? undefined,
        disabled: user?.disabled ?? false,
      }}
      onSubmit={save}
      success={user ? t('common:saved') : t('common:created')}
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">{user ? t('users.accountHelp') : t('users.createHelp')}</Typography.Paragraph>
      <Form.Item
        name="username"
        label={t('users.username')}
        rules={[{ required: true, whitespace: true, message: t('common:required', { field: t('users.username') }) }]}
      >
        <Input disabled={!!user} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('users.displayName')}
        rules={[{ required: true, whitespace: true, message: t('common:required', { field: t('users.displayName') }) }]}
      >
        <Input />
      </Form.Item>
      {user && user.status === 'active' ? (
        <Form.Item name="password" label={t('users.password')} extra={t('users.passwordKeep')} rules={[{ min: 8, message: t('users.passwordHelp') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      ) : null}
      <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
        <Select<Role> options={ROLES.map((r) => ({ value: r, label: labels.role(r) }))} />
      </Form.Item>
      {role === 'store_manager' ? (
        <Form.Item
          name="storeIds"
          label={t('users.storeIds')}
          extra={t('users.storeIdsHelp')}
          rules={[{ required: true, type: 'array', min: 1, message: t('common:required', { field: t('users.storeIds') }) }]}
        >
          <StoresSelect />
        </Form.Item>
      ) : null}
      {role === 'staff' ? (
        <Form.Item
          name="staffUserid"
          label={t('users.staffUserid')}
          extra={t('users.staffUseridHelp')}
          rules={[{ required: true, message: t('common:required', { field: t('users.staffUserid') }) }]}
        >
          <StaffSelect />
        </Form.Item>
      ) : null}
      {user ? (
        <Form.Item name="disabled" label={t('users.disabledHere')} extra={t('users.disabledHelp')} valuePropName="checked">
          <Switch />
        </Form.Item>
      ) : null}
    </FormModal>
  );
}
