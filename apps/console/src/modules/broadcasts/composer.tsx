// The broadcast composer: kind, content (text + attachments from the welcome editor), audience, schedule and reminders,
// and the preview — who would receive it and whom the contact budget would skip, and why — before anything is sent.
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Drawer, Empty, Flex, Form, Input, Radio, Row, Select, Switch, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { QueryError } from '../../components/query-error';
import { formatDateTime } from '../../lib/format';
import { useMe } from '../auth/hooks';
import { useGroupSegments } from '../group-segments/hooks';
import { useSegments } from '../segments/hooks';
import { StaffMultiSelect } from '../staff/pickers';
import { TagSelect } from '../tags/tag-pickers';
import { AttachmentsEditor, cleanAttachment, isComplete } from '../welcome/attachments-editor';
import type { Attachment } from '../welcome/hooks';
import { useCreateBroadcast, usePreviewBroadcast, useSendBroadcast, type BroadcastInput, type BroadcastPreview } from './hooks';

interface Values {
  kind: 'customer' | 'group';
  name: string;
  text?: string;
  attachments?: Attachment[];
  tagIds?: string[];
  tagMode?: 'any' | 'all';
  segmentId?: number;
  staffUserids?: string[];
  excludeTagIds?: string[];
  excludeSegmentId?: number;
  list?: string;
  tiers?: string[];
  groupLabels?: string[];
  groupSegmentId?: number;
  chatIds?: string;
  scheduledAt?: Dayjs | null;
  remindAfter?: number[];
  override?: boolean;
  overrideReason?: string;
}

const lines = (s: string | undefined) => [...new Set((s ?? '').split(/[\s,，]+/).map((x) => x.trim()).filter(Boolean))];

function toInput(v: Values): BroadcastInput {
  const empty = (a: string[] | undefined) => (a?.length ? a : undefined);
  const audience = v.kind === 'customer'
    ? { tagIds: empty(v.tagIds), tagMode: v.tagMode, segmentId: v.segmentId, staffUserids: empty(v.staffUserids), excludeTagIds: empty(v.excludeTagIds), excludeSegmentId: v.excludeSegmentId, externalUserids: empty(lines(v.list)) }
    : { tiers: empty(v.tiers), groupLabels: empty(v.groupLabels), groupSegmentId: v.groupSegmentId, staffUserids: empty(v.staffUserids), chatIds: empty(lines(v.chatIds)) };
  return {
    kind: v.kind,
    name: v.name,
    content: { text: v.text ?? '', attachments: (v.attachments ?? []).filter(isComplete).map(cleanAttachment) },
    audience,
    scheduledAt: v.scheduledAt ? v.scheduledAt.toISOString() : null,
    remindAfter: v.remindAfter,
  };
}

export function BroadcastComposer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(['broadcasts', 'governance', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const me = useMe();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? 'customer';
  const override = Form.useWatch('override', form);
  const segments = useSegments();
  const groupSegments = useGroupSegments();
  const preview = usePreviewBroadcast();
  const create = useCreateBroadcast();
  const send = useSendBroadcast();
  const [result, setResult] = useState<BroadcastPreview | null>(null);

  const runPreview = async () => {
    const v = await form.validateFields();
    const input = toInput(v);
    setResult(await preview.mutateAsync({
      kind: input.kind, audience: input.audience, content: input.content, scheduledAt: input.scheduledAt,
      override: v.override && v.overrideReason ? { reason: v.overrideReason } : undefined,
    }));
  };

  const save = async (andSend: boolean) => {
    const v = await form.validateFields();
    const created = await create.mutateAsync(toInput(v));
    if (andSend) {
      await send.mutateAsync({ id: created.id, override: v.override && v.overrideReason ? { reason: v.overrideReason } : undefined });
      void message.success(t('sent'));
    }
    form.resetFields();
    setResult(null);
    onClose();
    void navigate(`/broadcasts/${created.id}`);
  };

  return (
    <Drawer title={t('create')} open={open} onClose={onClose} width={1100} destroyOnHidden
      extra={(
        <Flex gap={8}>
          <Button onClick={() => void runPreview().catch(() => undefined)} loading={preview.isPending} data-testid="broadcast-preview">{t('preview.run')}</Button>
          <Button onClick={() => void save(false).catch(() => undefined)} loading={create.isPending && !send.isPending}>{t('saveDraft')}</Button>
          <Button type="primary" onClick={() => void save(true).catch(() => undefined)} loading={send.isPending} data-testid="broadcast-send">{t('saveAndSend')}</Button>
        </Flex>
      )}
    >
      {create.error ? <QueryError error={create.error} /> : null}
      {send.error ? <QueryError error={send.error} /> : null}
      {preview.error ? <QueryError error={preview.error} /> : null}
      <Row gutter={24}>
        <Col span={14}>
          <Form form={form} layout="vertical" initialValues={{ kind: 'customer', tagMode: 'any', remindAfter: [60, 240] }} onValuesChange={() => setResult(null)}>
            <Form.Item name="kind" label={t('form.kind')}>
              <Radio.Group optionType="button" options={(['customer', 'group'] as const).map((k) => ({ value: k, label: t(`kinds.${k}`) }))} />
            </Form.Item>
            <Form.Item name="name" label={t('form.name')} rules={[{ required: true, whitespace: true }, { max: 60 }]}>
              <Input maxLength={60} data-testid="broadcast-name" />
            </Form.Item>
            <Form.Item name="text" label={t('form.text')} extra={t('form.textHelp')}
              rules={[{ validator: (_, v: string | undefined) => (/\{(nickname|staff|store|channel)\}/.test(v ?? '') ? Promise.reject(new Error(t('form.textHelp'))) : Promise.resolve()) }]}>
              <Input.TextArea rows={5} showCount maxLength={4000} data-testid="broadcast-text" />
            </Form.Item>
            <Form.Item label={t('form.attachments')}>
              <AttachmentsEditor form={form} />
            </Form.Item>
            <Card size="small" title={t('form.audience')} style={{ marginBottom: 16 }}>
              {kind === 'customer' ? (
                <>
                  <Row gutter={12}>
                    <Col span={16}><Form.Item name="tagIds" label={t('form.tags')}><TagSelect /></Form.Item></Col>
                    <Col span={8}><Form.Item name="tagMode" label={t('form.tagMode')}><Radio.Group options={(['any', 'all'] as const).map((m) => ({ value: m, label: t(`form.tagModes.${m}`) }))} /></Form.Item></Col>
                  </Row>
                  <Form.Item name="segmentId" label={t('form.segment')}>
                    <Select allowClear options={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))} />
                  </Form.Item>
                  <Form.Item name="staffUserids" label={t('form.staff')}><StaffMultiSelect /></Form.Item>
                  <Form.Item name="excludeTagIds" label={t('form.excludeTags')}><TagSelect /></Form.Item>
                  <Form.Item name="excludeSegmentId" label={t('form.excludeSegment')}>
                    <Select allowClear options={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))} />
                  </Form.Item>
                  <Form.Item name="list" label={t('form.list')}><Input.TextArea rows={2} /></Form.Item>
                </>
              ) : (
                <>
                  <Form.Item name="tiers" label={t('form.tiers')}><Select mode="tags" /></Form.Item>
                  <Form.Item name="groupLabels" label={t('form.labels')}><Select mode="tags" /></Form.Item>
                  <Form.Item name="groupSegmentId" label={t('form.groupSegment')}>
                    <Select allowClear options={(groupSegments.data ?? []).map((s) => ({ value: s.id, label: s.name }))} />
                  </Form.Item>
                  <Form.Item name="staffUserids" label={t('form.owners')}><StaffMultiSelect /></Form.Item>
                  <Form.Item name="chatIds" label={t('form.chatIds')}><Input.TextArea rows={2} /></Form.Item>
                </>
              )}
            </Card>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="scheduledAt" label={t('form.scheduledAt')} extra={t('form.scheduledHelp')}>
                  <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="remindAfter" label={t('form.remindAfter')} extra={t('form.remindHelp')}
                  rules={[{ validator: (_, v: number[] | undefined) => ((v?.length ?? 0) <= 3 ? Promise.resolve() : Promise.reject(new Error(t('form.remindHelp')))) }]}>
                  <Select mode="multiple" options={[15, 30, 60, 120, 240, 480, 1440].map((m) => ({ value: m, label: `${m}` }))} />
                </Form.Item>
              </Col>
            </Row>
            {me.data?.role === 'admin' ? (
              <Card size="small" style={{ marginBottom: 16 }}>
                <Form.Item name="override" label={t('override.label')} valuePropName="checked" extra={t('override.help')}><Switch /></Form.Item>
                {override ? <Form.Item name="overrideReason" label={t('override.reason')} rules={[{ required: true, whitespace: true }, { max: 500 }]}><Input /></Form.Item> : null}
              </Card>
            ) : null}
          </Form>
        </Col>
        <Col span={10}>
          <Card size="small" title={t('preview.title')} data-testid="broadcast-preview-result">
            {!result ? <Empty description={t('preview.run')} /> : <PreviewBody result={result} />}
          </Card>
        </Col>
      </Row>
    </Drawer>
  );
}

function PreviewBody({ result }: { result: BroadcastPreview }) {
  const { t } = useTranslation(['broadcasts', 'governance']);
  return (
    <>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('preview.audience')}>{result.audience}</Descriptions.Item>
        <Descriptions.Item label={t('preview.planned')}><Typography.Text strong data-testid="preview-planned">{result.planned}</Typography.Text></Descriptions.Item>
        <Descriptions.Item label={t('preview.skipped')}>{result.audience - result.planned}</Descriptions.Item>
        <Descriptions.Item label={t('preview.senders')}>{result.senders}</Descriptions.Item>
        <Descriptions.Item label={t('preview.calls')}>{result.calls}</Descriptions.Item>
        <Descriptions.Item label={t('preview.sendAt')}>{result.sendAt ? formatDateTime(result.sendAt) : '—'}</Descriptions.Item>
      </Descriptions>
      {result.planned === 0 ? <Alert type="warning" showIcon message={t('preview.none')} style={{ marginTop: 12 }} /> : null}
      {result.skipped.length ? (
        <Table size="small" style={{ marginTop: 12 }} rowKey="reason" pagination={false} title={() => t('preview.reasons')}
          dataSource={result.skipped} columns={[
            { dataIndex: 'reason', render: (r: BroadcastPreview['skipped'][number]['reason']) => <Tag>{t(`governance:reasons.${r}`)}</Tag> },
            { dataIndex: 'count', align: 'right' },
          ]} />
      ) : null}
      {result.samples.length ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('preview.samples')}：{result.samples.slice(0, 8).map((s) => `${s.name}（${t(`governance:reasons.${s.reason}`)}）`).join('、')}
        </Typography.Paragraph>
      ) : null}
    </>
  );
}
