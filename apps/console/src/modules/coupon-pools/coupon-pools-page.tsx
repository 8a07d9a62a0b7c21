// 优惠券库 Coupon pools: pools with available / claimed / redeemed counts, a new pool, import codes (CSV: refused lines
// listed by number), generate codes with a prefix, and each pool's codes with their state.
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Drawer, Form, Input, InputNumber, Modal, Popconfirm, Segmented, Space, Table, Tag, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ListPage, ListTable } from '../../components/list-page';
import { formatDate, formatDateTime, formatYuan } from '../../lib/format';
import { showFieldError } from '../../lib/form-errors';
import { useCouponPools, useCreatePool, useDeletePool, useGenerateCodes, useImportCodes, usePoolCodes, type CodeImportReport, type CouponCodeRow, type CouponPool } from './hooks';

const STATE_COLORS: Record<CouponCodeRow['state'], string> = { available: 'green', claimed: 'blue', redeemed: 'purple', void: 'default' };

export default function CouponPoolsPage() {
  const { t } = useTranslation(['couponPools', 'common']);
  const { message } = App.useApp();
  const pools = useCouponPools();
  const remove = useDeletePool();
  const importCodes = useImportCodes();
  const [creating, setCreating] = useState(false);
  const [generating, setGenerating] = useState<CouponPool | null>(null);
  const [codesOf, setCodesOf] = useState<CouponPool | null>(null);
  const [report, setReport] = useState<CodeImportReport | null>(null);
  const columns: ColumnsType<CouponPool> = [
    { title: t('cols.name'), dataIndex: 'name' },
    { title: t('cols.faceValue'), dataIndex: 'faceValueFen', width: 100, render: (v: number) => formatYuan(v / 100) },
    { title: t('cols.threshold'), dataIndex: 'thresholdFen', width: 100, render: (v: number) => (v ? formatYuan(v / 100) : t('noThreshold')) },
    {
      title: t('cols.validity'), key: 'validity', width: 180,
      render: (_, p) => [p.validDays ? t('validDays', { n: p.validDays }) : null, p.validUntil ? t('validUntil', { date: formatDate(p.validUntil) }) : null].filter(Boolean).join(' · ') || t('noLimit'),
    },
    { title: t('cols.available'), key: 'available', width: 80, render: (_, p) => p.counts.available },
    { title: t('cols.claimed'), key: 'claimed', width: 80, render: (_, p) => p.counts.claimed },
    { title: t('cols.redeemed'), key: 'redeemed', width: 80, render: (_, p) => p.counts.redeemed },
    {
      title: '', key: 'actions', width: 300,
      render: (_, p) => (
        <Space onClick={(e) => e.stopPropagation()}>
          <Upload accept=".csv,.txt,text/csv" showUploadList={false} beforeUpload={(file) => {
            importCodes.mutateAsync({ id: p.id, file }).then((r) => {
              setReport(r);
              void message.success(t('importDone', { added: r.added, duplicates: r.duplicates, rejected: r.rejectedTotal }));
            }).catch((e: Error) => void message.error(e.message));
            return false;
          }}>
            <Button size="small" icon={<UploadOutlined />} data-testid="pool-import">{t('import')}</Button>
          </Upload>
          <Button size="small" onClick={() => setGenerating(p)} data-testid="pool-generate">{t('generate')}</Button>
          <Popconfirm title={t('deleteConfirm')} okButtonProps={{ danger: true }} onConfirm={() => remove.mutateAsync(p.id).catch((e: Error) => void message.error(e.message))}>
            <Button size="small" danger>{t('delete')}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <ListPage title={t('title')} subtitle={t('subtitle')}
      actions={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-pool">{t('create')}</Button>}
      banner={report && report.rejected.length ? (
        <Alert type="warning" showIcon closable onClose={() => setReport(null)} style={{ marginBottom: 12 }} title={t('importDone', { added: report.added, duplicates: report.duplicates, rejected: report.rejectedTotal })}
          description={<ul style={{ margin: 0 }} data-testid="import-rejected">{report.rejected.slice(0, 20).map((r) => <li key={r.line}>{t('rejectedLine', r)}</li>)}</ul>} />
      ) : null}>
      <ListTable<CouponPool> rowKey="id" columns={columns} query={pools} pageSize={20} compact empty={t('empty')} rowTestId="pool-row" onRowClick={(p) => setCodesOf(p)} />
      <CreatePoolModal open={creating} onClose={() => setCreating(false)} />
      <GenerateModal pool={generating} onClose={() => setGenerating(null)} />
      <CodesDrawer pool={codesOf} onClose={() => setCodesOf(null)} />
    </ListPage>
  );
}

interface PoolValues { name: string; faceValue: number; threshold?: number; validDays?: number; validUntil?: { toISOString(): string }; useUrl?: string }

function CreatePoolModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(['couponPools', 'common']);
  const create = useCreatePool();
  const [form] = Form.useForm<PoolValues>();
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await create.mutateAsync({
        name: v.name, faceValueFen: Math.round(v.faceValue * 100), thresholdFen: Math.round((v.threshold ?? 0) * 100),
        validDays: v.validDays ?? null, validUntil: v.validUntil ? v.validUntil.toISOString() : null, useUrl: v.useUrl?.trim() || null,
      });
      form.resetFields();
      onClose();
    } catch (error) {
      showFieldError(form, error);
    }
  };
  return (
    <Modal open={open} title={t('create')} onCancel={onClose} onOk={() => void submit()} confirmLoading={create.isPending} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('form.name')} rules={[{ required: true, max: 60 }]}><Input /></Form.Item>
        <Form.Item name="faceValue" label={t('form.faceValue')} rules={[{ required: true }]}><InputNumber min={0.01} precision={2} style={{ width: '100%' }} /></Form.Item>
        <Form.Item name="threshold" label={t('form.threshold')}><InputNumber min={0} precision={2} style={{ width: '100%' }} /></Form.Item>
        <Form.Item name="validDays" label={t('form.validDays')}><InputNumber min={1} max={3650} style={{ width: '100%' }} /></Form.Item>
        <Form.Item name="validUntil" label={t('form.validUntil')}><DatePicker showTime style={{ width: '100%' }} /></Form.Item>
        <Form.Item name="useUrl" label={t('form.useUrl')}><Input placeholder="https://" /></Form.Item>
      </Form>
    </Modal>
  );
}

function GenerateModal({ pool, onClose }: { pool: CouponPool | null; onClose: () => void }) {
  const { t } = useTranslation(['couponPools', 'common']);
  const { message } = App.useApp();
  const generate = useGenerateCodes();
  const [form] = Form.useForm<{ count: number; prefix?: string }>();
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const r = await generate.mutateAsync({ id: pool!.id, count: v.count, prefix: v.prefix?.trim() ?? '' });
      void message.success(t('generated', { n: r.added }));
      onClose();
    } catch (error) {
      showFieldError(form, error);
    }
  };
  return (
    <Modal open={pool !== null} title={`${t('generate')} · ${pool?.name ?? ''}`} onCancel={onClose} onOk={() => void submit()} confirmLoading={generate.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ count: 100, prefix: '' }}>
        <Form.Item name="count" label={t('count')} rules={[{ required: true }]}><InputNumber min={1} max={100000} style={{ width: '100%' }} /></Form.Item>
        <Form.Item name="prefix" label={t('prefix')} rules={[{ pattern: /^[A-Za-z0-9_-]{0,16}$/ }]}><Input maxLength={16} /></Form.Item>
      </Form>
    </Modal>
  );
}

function CodesDrawer({ pool, onClose }: { pool: CouponPool | null; onClose: () => void }) {
  const { t } = useTranslation(['couponPools', 'common']);
  const [page, setPage] = useState(1);
  const [state, setState] = useState<string>('all');
  const codes = usePoolCodes(pool?.id ?? null, page, state === 'all' ? undefined : state);
  const columns: ColumnsType<CouponCodeRow> = [
    { title: t('codeCols.code'), dataIndex: 'code' },
    { title: t('codeCols.state'), dataIndex: 'state', width: 90, render: (v: CouponCodeRow['state']) => <Tag color={STATE_COLORS[v]}>{t(`states.${v}`)}</Tag> },
    { title: t('codeCols.customer'), dataIndex: 'externalUserid', render: (v: string | null) => v ?? '—' },
    { title: t('codeCols.expiresAt'), dataIndex: 'expiresAt', width: 150, render: (v: string | null) => (v ? formatDateTime(v) : '—') },
    { title: t('codeCols.orderId'), dataIndex: 'orderId', render: (v: string | null) => v ?? '—' },
  ];
  return (
    <Drawer open={pool !== null} onClose={onClose} width={720} title={`${t('codes')} · ${pool?.name ?? ''}`} destroyOnHidden>
      <Segmented value={state} onChange={(v) => { setState(String(v)); setPage(1); }} style={{ marginBottom: 12 }}
        options={[{ value: 'all', label: t('all') }, ...(['available', 'claimed', 'redeemed', 'void'] as const).map((s) => ({ value: s, label: t(`states.${s}`) }))]} />
      <Table<CouponCodeRow> rowKey="code" size="small" columns={columns} dataSource={codes.data?.items ?? []} loading={codes.isFetching}
        pagination={{ current: page, pageSize: 20, total: codes.data?.total ?? 0, onChange: setPage, showSizeChanger: false }} />
    </Drawer>
  );
}
