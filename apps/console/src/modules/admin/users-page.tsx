import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Switch, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ListPage, ListTable } from '../../components/list-page';
import { showFieldError } from '../../lib/form-errors';
import { useLabels } from '../../lib/labels';
import { ROLES, type Role } from '../auth/hooks';
import { useStoreNames } from '../staff/hooks';
import { StaffSelect, StoresSelect } from '../staff/pickers';
import { useCreateUser, useRemoveUser, useUpdateUser, useUsers, type User } from './hooks';
import { RoleTag } from './role-tag';

export default function UsersPage() {
  const { t } = useTranslation();
  const users = useUsers();
  const storeNames = useStoreNames();
  const remove = useRemoveUser();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<User | 'new' | null>(null);

  const columns: ColumnsType<User> = [
    { title: t('admin.users.username'), dataIndex: 'username', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    {
      title: t('admin.users.displayName'),
      key: 'displayName',
      render: (_, u) => (
        <>
          {u.displayName}
          {u.disabled ? <Tag style={{ marginLeft: 8 }}>{t('admin.users.disabled')}</Tag> : null}
        </>
      ),
    },
    {
      title: t('admin.users.status'),
      dataIndex: 'status',
      render: (status: User['status']) =>
        status === 'invited' ? <Tag color="gold">{t('admin.users.invited')}</Tag> : <Tag color="green">{t('admin.users.active')}</Tag>,
    },
    { title: t('admin.users.role'), dataIndex: 'role', render: (role: Role) => <RoleTag role={role} /> },
    {
      title: t('admin.users.storeIds'),
      dataIndex: 'storeIds',
      render: (ids: User['storeIds']) =>
        ids?.length ? ids.map((id) => <Tag key={String(id)}>{storeNames.get(String(id)) ?? id}</Tag>) : t('common.none'),
    },
    { title: t('admin.users.staffUserid'), dataIndex: 'staffUserid', render: (v: string | null) => v || t('common.none') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 190,
      render: (_, user) => (
        <>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(user)}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('admin.users.removeConfirm', { name: user.displayName })}
            onConfirm={() => remove.mutateAsync(user.id).then(() => void message.success(t('admin.users.removed')))}
          >
            <Button type="link" size="small" danger icon={<DeleteOutlined />}>
              {t('admin.users.remove')}
            </Button>
          </Popconfirm>
        </>
      ),
    },
  ];

  return (
    <>
      <ListPage
        title={t('admin.users.title')}
        actions={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('admin.users.create')}
          </Button>
        }
      >
        <ListTable<User> rowKey="id" columns={columns} query={users} empty={t('admin.users.empty')} scroll={{ x: 760 }} />
      </ListPage>
      {editing ? <UserModal user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

interface UserForm {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  storeIds: (number | string)[];
  staffUserid?: string;
  disabled: boolean;
}

function UserModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserForm>();
  const role = Form.useWatch('role', form);
  const create = useCreateUser();
  const update = useUpdateUser();

  const submit = async () => {
    const values = await form.validateFields();
    // Scope fields follow the role: changing a store manager to operator clears their stores.
    const storeIds = values.role === 'store_manager' ? values.storeIds ?? [] : [];
    const staffUserid = values.role === 'staff' ? values.staffUserid ?? null : null;
    try {
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
        void message.success(t('common.saved'));
      } else {
        await create.mutateAsync({
          username: values.username.trim(),
          password: values.password,
          displayName: values.displayName.trim(),
          role: values.role,
          storeIds,
          ...(staffUserid ? { staffUserid } : {}),
        });
        void message.success(t('common.created'));
      }
      onClose();
    } catch (error) {
      showFieldError(form, error);
    }
  };

  return (
    <Modal
      open
      title={user ? t('admin.users.edit') : t('admin.users.create')}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
    >
      <Form<UserForm>
        form={form}
        layout="vertical"
        initialValues={{
          username: user?.username ?? '',
          displayName: user?.displayName ?? '',
          password: '',
          role: user?.role ?? 'operator',
          storeIds: user?.storeIds ?? [],
          staffUserid: user?.staffUserid ?? undefined,
          disabled: user?.disabled ?? false,
        }}
      >
        <Typography.Paragraph type="secondary">{user ? t('admin.users.accountHelp') : t('admin.users.createHelp')}</Typography.Paragraph>
        <Form.Item
          name="username"
          label={t('admin.users.username')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('admin.users.username') }) }]}
        >
          <Input disabled={!!user} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('admin.users.displayName')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('admin.users.displayName') }) }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('admin.users.password')}
          extra={user ? t('admin.users.passwordKeep') : t('admin.users.passwordHelp')}
          rules={[
            { required: !user, message: t('common.required', { field: t('admin.users.password') }) },
            { min: 8, message: t('admin.users.passwordHelp') },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
          <Select<Role> options={ROLES.map((r) => ({ value: r, label: labels.role(r) }))} />
        </Form.Item>
        {role === 'store_manager' ? (
          <Form.Item
            name="storeIds"
            label={t('admin.users.storeIds')}
            extra={t('admin.users.storeIdsHelp')}
            rules={[{ required: true, type: 'array', min: 1, message: t('common.required', { field: t('admin.users.storeIds') }) }]}
          >
            <StoresSelect />
          </Form.Item>
        ) : null}
        {role === 'staff' ? (
          <Form.Item
            name="staffUserid"
            label={t('admin.users.staffUserid')}
            extra={t('admin.users.staffUseridHelp')}
            rules={[{ required: true, message: t('common.required', { field: t('admin.users.staffUserid') }) }]}
          >
            <StaffSelect />
          </Form.Item>
        ) : null}
        {user ? (
          <Form.Item name="disabled" label={t('admin.users.disabledHere')} extra={t('admin.users.disabledHelp')} valuePropName="checked">
            <Switch />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
