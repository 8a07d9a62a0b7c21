import { DeleteOutlined, EditOutlined, EnvironmentOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Form, Input, InputNumber, Popconfirm, Row, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { FormModal } from '../../components/form-modal';
import { ListPage, ListTable } from '../../components/list-page';
import { formatNumber } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useDepartments, useStores, type Store } from '../staff/hooks';
import { DepartmentSelect } from '../staff/pickers';
import { hasCoordinates, useCreateStore, useDeleteStore, useUpdateStore, type StoreInput } from './hooks';
import { useTextRules } from '../../lib/form-rules';

/** Tencent's coordinate picker: GCJ-02, the system WeChat's location and Chinese maps use. */
const COORDINATE_PICKER = 'https://lbs.qq.com/getPoint/';

export default function StoresPage() {
  const { t } = useTranslation(['stores', 'common']);
  const { message } = App.useApp();
  const canWrite = useCanWrite();
  const stores = useStores();
  const departments = useDepartments();
  const remove = useDeleteStore();
  const [editing, setEditing] = useState<Store | 'new' | null>(null);

  const departmentNames = useMemo(() => new Map((departments.data?.items ?? []).map((d) => [d.id, d.name])), [departments.data]);
  const items = stores.data?.items ?? [];
  const missing = items.filter((s) => !hasCoordinates(s)).length;

  const columns: ColumnsType<Store> = [
    {
      title: t('name'),
      key: 'name',
      render: (_, s) => (
        <div>
          <Typography.Text strong>{s.name}</Typography.Text>
          {s.code ? (
            <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
              {s.code}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    { title: t('city'), dataIndex: 'city', render: (v: string | null) => v || t('common:none') },
    {
      title: t('address'),
      dataIndex: 'address',
      render: (v: string | null) => (v ? <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0, maxWidth: 280 }}>{v}</Typography.Paragraph> : t('common:none')),
    },
    {
      title: t('coordinates'),
      key: 'coordinates',
      render: (_, s) =>
        hasCoordinates(s) ? (
          <Typography.Text code data-testid="store-coordinates">
            {s.lat!.toFixed(5)}, {s.lng!.toFixed(5)}
          </Typography.Text>
        ) : (
          <Tooltip title={t('noCoordinatesHelp')}>
            <Tag color="warning">{t('noCoordinates')}</Tag>
          </Tooltip>
        ),
    },
    {
      title: t('department'),
      dataIndex: 'departmentId',
      render: (id: number | null) => (id === null ? t('common:none') : departmentNames.get(id) ?? String(id)),
    },
    {
      title: t('staffCount'),
      dataIndex: 'staffCount',
      align: 'right',
      render: (n: number, s) => (n > 0 ? <Link to={`/staff?storeId=${encodeURIComponent(s.id)}`}>{formatNumber(n)}</Link> : formatNumber(n)),
    },
    ...(canWrite
      ? ([
          {
            title: t('common:actions'),
            key: 'actions',
            width: 110,
            render: (_, s) => (
              <>
                <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('common:edit')} onClick={() => setEditing(s)} />
                <Popconfirm
                  title={t('deleteConfirm', { name: s.name })}
                  okButtonProps={{ danger: true, loading: remove.isPending }}
                  onConfirm={() => remove.mutateAsync(s.id).then(() => void message.success(t('common:deleted'))).catch(() => undefined)}
                >
                  <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} />
                </Popconfirm>
              </>
            ),
          },
        ] satisfies ColumnsType<Store>)
      : []),
  ];

  return (
    <>
      <ListPage
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="store-create">
              {t('create')}
            </Button>
          ) : null
        }
        banner={missing > 0 ? <Alert type="warning" showIcon title={t('missingCoordinates', { n: missing })} style={{ marginBottom: 16 }} /> : null}
      >
        <ListTable<Store> rowKey="id" columns={columns} query={stores} rowTestId="store-row" empty={t('empty')} scroll={{ x: 900 }} />
      </ListPage>
      {editing ? <StoreModal store={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

interface StoreForm {
  name: string;
  code: string;
  departmentId: number | null;
  city: string;
  address: string;
  lat: number | null;
  lng: number | null;
  phone: string;
}

function StoreModal({ store, onClose }: { store: Store | null; onClose: () => void }) {
  const { t } = useTranslation(['stores', 'common']);
  const textRules = useTextRules();
  const [form] = Form.useForm<StoreForm>();
  const create = useCreateStore();
  const update = useUpdateStore();

  const save = async (v: StoreForm) => {
    const text = (s: string | undefined) => (s?.trim() ? s.trim() : null);
    const input: StoreInput = {
      name: v.name.trim(),
      code: text(v.code),
      departmentId: v.departmentId ?? null,
      city: text(v.city),
      address: text(v.address),
      lat: v.lat ?? null,
      lng: v.lng ?? null,
      phone: text(v.phone),
    };
    if (store) await update.mutateAsync({ id: store.id, input });
    else await create.mutateAsync(input);
  };

  return (
    <FormModal<StoreForm>
      width={640}
      title={store ? t('edit') : t('create')}
      form={form}
      initialValues={{
        name: store?.name ?? '',
        code: store?.code ?? '',
        departmentId: store?.departmentId ?? null,
        city: store?.city ?? '',
        address: store?.address ?? '',
        lat: store?.lat ?? null,
        lng: store?.lng ?? null,
        phone: store?.phone ?? '',
      }}
      onSubmit={save}
      success={store ? t('common:saved') : t('common:created')}
      onClose={onClose}
    >
      <Row gutter={16}>
        <Col span={16}>
          <Form.Item
            name="name"
            label={t('name')}
            rules={textRules(t('name'), 60)}
          >
            <Input autoFocus maxLength={60} data-testid="store-name" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="code" label={t('code')} rules={[{ max: 30, message: t('common:maxChars', { n: 30 }) }]}>
            <Input maxLength={30} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="city" label={t('city')} rules={[{ max: 40, message: t('common:maxChars', { n: 40 }) }]}>
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item name="address" label={t('address')} rules={[{ max: 200, message: t('common:maxChars', { n: 200 }) }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="lat" label={t('lat')} rules={[{ type: 'number', min: -90, max: 90, message: t('latRange') }]}>
            <InputNumber style={{ width: '100%' }} step={0.0001} precision={6} placeholder="31.2304" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="lng" label={t('lng')} rules={[{ type: 'number', min: -180, max: 180, message: t('lngRange') }]}>
            <InputNumber style={{ width: '100%' }} step={0.0001} precision={6} placeholder="121.4737" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item label=" " colon={false}>
            <Button icon={<EnvironmentOutlined />} href={COORDINATE_PICKER} target="_blank" rel="noreferrer">
              {t('pickOnMap')}
            </Button>
          </Form.Item>
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('coordinatesHelp')}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Col span={16}>
          <Form.Item name="departmentId" label={t('department')} extra={t('departmentHelp')}>
            <DepartmentSelect />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="phone" label={t('phone')} rules={[{ max: 30, message: t('common:maxChars', { n: 30 }) }]}>
            <Input maxLength={30} />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}
