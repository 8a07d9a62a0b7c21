// Up to nine attachments in WeCom's shape ({msgtype, <msgtype>: {...}}): image, link, coupon (sent
// as a link card), mini-program, and video or file by media_id. Byte limits are WeCom's and are
// checked here as the server will check them, so a template fails in the console, not in the 20 s
// window of a real add.
import { MediaUpload } from './media-upload';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Dropdown, Flex, Form, Input, Row, Select, Typography } from 'antd';
import type { FormInstance, FormRule } from 'antd';
import type { TFunction } from 'i18next';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { MAX_ATTACHMENTS, type Attachment } from './hooks';

export type AttachmentType = Attachment['msgtype'];
export const ATTACHMENT_TYPES: readonly AttachmentType[] = ['image', 'link', 'coupon', 'miniprogram', 'video', 'file'];

export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

// `t` of the editor (welcome's strings first).
type T = TFunction<readonly ['welcome', 'common']>;
const maxBytes = (t: T, max: number): FormRule => ({
  validator: (_, v: string | undefined) =>
    !v || utf8Bytes(v) <= max ? Promise.resolve() : Promise.reject(new Error(t('attachments.maxBytes', { max, n: utf8Bytes(v) }))),
});
const httpUrl = (t: T): FormRule => ({
  validator: (_, v: string | undefined) => (!v || /^https?:\/\/\S+$/i.test(v) ? Promise.resolve() : Promise.reject(new Error(t('attachments.httpUrl')))),
});

/** One attachment as the API wants it: only the payload of its own msgtype, without empty fields. */
export function cleanAttachment(a: Attachment): Attachment {
  const payload = Object.fromEntries(
    Object.entries((a[a.msgtype] ?? {}) as Record<string, string | undefined>)
      .map(([k, v]): [string, string | undefined] => [k, typeof v === 'string' ? v.trim() : v])
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  return { msgtype: a.msgtype, [a.msgtype]: payload };
}

/** Whether an attachment has what WeCom requires; the preview leaves out the ones still being filled in. */
export function isComplete(a: Attachment): boolean {
  const p = (a[a.msgtype] ?? {}) as Record<string, string | undefined>;
  const has = (...keys: string[]) => keys.every((k) => !!p[k]?.trim());
  switch (a.msgtype) {
    case 'image':
      return has('pic_url') || has('media_id');
    case 'link':
    case 'coupon':
      return has('title', 'url');
    case 'miniprogram':
      return has('title', 'appid', 'page', 'pic_media_id');
    default:
      return has('media_id');
  }
}

export function AttachmentsEditor({ form }: { form: FormInstance }) {
  const { t } = useTranslation('welcome');
  return (
    <Form.List name="attachments">
      {(fields, { add, remove, move }) => (
        <Flex vertical gap={8}>
          {fields.map((field, i) => (
            <AttachmentCard
              key={field.key}
              form={form}
              name={field.name}
              index={i}
              count={fields.length}
              onRemove={() => remove(field.name)}
              onMove={(delta) => move(i, i + delta)}
            />
          ))}
          <div>
            <Dropdown
              disabled={fields.length >= MAX_ATTACHMENTS}
              menu={{
                items: ATTACHMENT_TYPES.map((type) => ({ key: type, label: t(`attachments.types.${type}`) })),
                onClick: ({ key }) => add({ msgtype: key, [key]: {} }),
              }}
            >
              <Button type="dashed" icon={<PlusOutlined />} data-testid="attachment-add">
                {t('attachments.add', { n: fields.length, max: MAX_ATTACHMENTS })}
              </Button>
            </Dropdown>
          </div>
        </Flex>
      )}
    </Form.List>
  );
}

interface CardProps {
  form: FormInstance;
  name: number;
  index: number;
  count: number;
  onRemove: () => void;
  onMove: (delta: number) => void;
}

function AttachmentCard({ form, name, index, count, onRemove, onMove }: CardProps) {
  const { t } = useTranslation(['welcome', 'common']);
  const type = (Form.useWatch(['attachments', name, 'msgtype'], form) as AttachmentType | undefined) ?? 'link';
  const field = (key: string) => [name, type, key];
  const required = (label: string): FormRule => ({ required: true, whitespace: true, message: t('common:required', { field: label }) });

  const linkFields = (
    <Row gutter={12}>
      {type === 'link' ? (
        <Col xs={24}>
          <CampaignLinkPicker onPick={(c) => form.setFieldValue(['attachments', name, 'link'], { ...form.getFieldValue(['attachments', name, 'link']), title: c.name, url: c.pageUrl })} />
        </Col>
      ) : null}
      <Col xs={24} md={12}>
        <Form.Item name={field('title')} label={t('attachments.title')} rules={[required(t('attachments.title')), maxBytes(t, 128)]}>
          <Input />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={field('url')} label={t('attachments.url')} rules={[required(t('attachments.url')), httpUrl(t)]}>
          <Input placeholder="https://" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={field('desc')} label={t('attachments.desc')} rules={[maxBytes(t, 512)]}>
          <Input />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={field('picurl')} label={t('attachments.picurl')} rules={[httpUrl(t)]}>
          <Input placeholder="https://" />
        </Form.Item>
      </Col>
    </Row>
  );

  let body: React.ReactNode;
  switch (type) {
    case 'image':
      body = (
        <Row gutter={12}>
          <Col xs={24} md={14}>
            <Form.Item
              name={field('pic_url')}
              label={t('attachments.picUrl')}
              extra={t('attachments.picUrlHelp')}
              dependencies={[['attachments', name, 'image', 'media_id']]}
              rules={[
                httpUrl(t),
                {
                  validator: (_, v: string | undefined) =>
                    v || form.getFieldValue(['attachments', name, 'image', 'media_id'])
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('attachments.imageNeeds'))),
                },
              ]}
            >
              <Input placeholder="https://" />
            </Form.Item>
            <MediaUpload kind="image" onUploaded={(m) => form.setFieldValue(['attachments', name, 'image', 'pic_url'], m.picUrl)} />
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name={field('media_id')} label="media_id">
              <Input />
            </Form.Item>
          </Col>
        </Row>
      );
      break;
    case 'link':
      body = linkFields;
      break;
    case 'coupon':
      body = (
        <>
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            {t('attachments.couponHelp')}
          </Typography.Paragraph>
          {linkFields}
        </>
      );
      break;
    case 'miniprogram':
      body = (
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name={field('title')} label={t('attachments.title')} rules={[required(t('attachments.title')), maxBytes(t, 64)]}>
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={field('appid')} label="AppID" rules={[required('AppID')]} extra={t('attachments.appidHelp')}>
              <Input placeholder="wx…" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={field('page')} label={t('attachments.page')} rules={[required(t('attachments.page'))]}>
              <Input placeholder="pages/index/index.html" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={field('pic_media_id')} label={t('attachments.picMediaId')} rules={[required(t('attachments.picMediaId'))]} extra={t('attachments.mediaIdHelp')}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
      );
      break;
    default:
      body = (
        <>
          <Form.Item name={field('media_id')} label="media_id" rules={[required('media_id')]} extra={t('attachments.mediaIdHelp')}>
            <Input />
          </Form.Item>
          <MediaUpload kind={type === 'video' ? 'video' : 'file'} onUploaded={(m) => form.setFieldValue(['attachments', name, type, 'media_id'], m.mediaId)} />
        </>
      );
  }

  return (
    <Card
      size="small"
      data-testid="attachment-card"
      title={
        <Flex align="center" gap={8}>
          <Typography.Text type="secondary">{index + 1}.</Typography.Text>
          <Form.Item name={[name, 'msgtype']} noStyle>
            <Select<AttachmentType>
              size="small"
              style={{ width: 140 }}
              options={ATTACHMENT_TYPES.map((k) => ({ value: k, label: t(`attachments.types.${k}`) }))}
              onChange={(next) => {
                // Carry a link's fields over to a coupon and back; anything else starts empty.
                const current = form.getFieldValue(['attachments', name]) as Attachment;
                const carried = (next === 'link' || next === 'coupon') && (type === 'link' || type === 'coupon') ? current[type] : {};
                form.setFieldValue(['attachments', name], { msgtype: next, [next]: carried ?? {} });
              }}
            />
          </Form.Item>
        </Flex>
      }
      extra={
        <Flex gap={2}>
          <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={t('attachments.up')} onClick={() => onMove(-1)} />
          <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={index === count - 1} aria-label={t('attachments.down')} onClick={() => onMove(1)} />
          <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} onClick={onRemove} />
        </Flex>
      }
    >
      {body}
    </Card>
  );
}

interface CampaignLink { id: number; name: string; kind: string; status: string; pageUrl: string }

/** Fills a link card with an Activate campaign's page (a check-in, a draw…): how playbooks and broadcasts post them into groups. */
function CampaignLinkPicker({ onPick }: { onPick: (c: CampaignLink) => void }) {
  const { t } = useTranslation('welcome');
  const campaigns = useQuery({
    queryKey: ['campaigns', 'links'],
    queryFn: ({ signal }) => api.get<{ items: CampaignLink[] }>('/campaigns', { limit: 200 }, signal),
    staleTime: 60_000,
  });
  const live = (campaigns.data?.items ?? []).filter((c) => c.status === 'active' || c.status === 'draft' || c.status === 'paused');
  if (!live.length) return null;
  return (
    <Form.Item label={t('attachments.campaign')}>
      <Select
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('attachments.campaignPlaceholder')}
        options={live.map((c) => ({ value: c.id, label: c.name }))}
        onChange={(id?: number) => { const c = live.find((x) => x.id === id); if (c) onPick(c); }}
        data-testid="attachment-campaign"
      />
    </Form.Item>
  );
}
