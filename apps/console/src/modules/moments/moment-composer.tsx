// The moment composer: text, then up to 9 images, or a video, or a link (never mixed: WeCom's rule) from the media
// library; who posts it and which customers see it; now or at a time in the corp's zone; reminders; an auto-tag.
// "Estimate" asks the server who would post it, how many customers would see it and what the contact budget says.
import { Alert, Button, DatePicker, Form, Input, Radio, Select, Space, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { FormModal } from '../../components/form-modal';
import { timeZone } from '../../lib/format';
import { useDepartments } from '../staff/hooks';
import { buildDepartmentTree, StaffMultiSelect } from '../staff/pickers';
import { TagSelect } from '../tags/tag-pickers';
import { useTags } from '../tags/hooks';
import { MediaMultiPicker, MediaPicker } from './media-picker';
import { MOMENT_LIMITS, useCreateMoment, usePreviewMoment, type MomentInput, type MomentPreview } from './hooks';

dayjs.extend(utc);
dayjs.extend(timezone);

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;
/** The composer's idempotency key (getRandomValues: randomUUID needs a secure context, and Pond may be served over plain http). */
const newRequestId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
const REMIND_CHOICES = ['30', '120', '360', '1440', '2880'] as const;

type Kind = 'none' | 'image' | 'video' | 'link';

interface ComposerForm {
  name?: string;
  text?: string;
  kind: Kind;
  images?: number[];
  video?: number;
  linkTitle?: string;
  linkUrl?: string;
  linkCover?: number;
  staffUserids?: string[];
  departmentIds?: string[];
  tagIds?: string[];
  when: 'now' | 'later';
  scheduledAt?: Dayjs;
  remindAfter?: string[];
  autoTagId?: string;
}

/** The wall-clock time picked, read in the corp's zone (what people mean by "at 20:00"). */
function inCorpZone(picked: Dayjs): string {
  return dayjs.tz(picked.format('YYYY-MM-DD HH:mm'), timeZone()).toISOString();
}

function toInput(v: ComposerForm, requestId: string): MomentInput {
  const attachments: MomentInput['attachments'] =
    v.kind === 'image' ? (v.images ?? []).map((mediaId) => ({ type: 'image' as const, mediaId }))
      : v.kind === 'video' && v.video ? [{ type: 'video' as const, mediaId: v.video }]
        : v.kind === 'link' ? [{ type: 'link' as const, title: (v.linkTitle ?? '').trim(), url: (v.linkUrl ?? '').trim(), coverMediaId: v.linkCover ?? 0 }]
          : [];
  return {
    requestId,
    name: v.name?.trim() || undefined,
    text: v.text?.trim() || undefined,
    attachments,
    visibility: {
      staffUserids: v.staffUserids?.length ? v.staffUserids : undefined,
      departmentIds: v.departmentIds?.length ? v.departmentIds.map(Number) : undefined,
      tagIds: v.tagIds?.length ? v.tagIds : undefined,
    },
    scheduledAt: v.when === 'later' && v.scheduledAt ? inCorpZone(v.scheduledAt) : undefined,
    remindAfter: (v.remindAfter ?? []).map(Number),
    autoTagId: v.autoTagId || undefined,
  };
}

/** The server names fields as the API has them; the form's fields for them. */
const FORM_FIELD: [RegExp, (kind: Kind) => keyof ComposerForm][] = [
  [/^attachments\.\d+\.title$/, () => 'linkTitle'],
  [/^attachments\.\d+\.url$/, () => 'linkUrl'],
  [/^attachments\.\d+\.coverMediaId$/, () => 'linkCover'],
  [/^attachments/, (kind) => (kind === 'video' ? 'video' : kind === 'link' ? 'linkCover' : 'images')],
  [/^visibility\.staffUserids/, () => 'staffUserids'],
  [/^visibility\.departmentIds/, () => 'departmentIds'],
  [/^visibility\.tagIds/, () => 'tagIds'],
  [/^remindAfter/, () => 'remindAfter'],
];

export function MomentComposer({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useTranslation(['moments', 'common']);
  const [form] = Form.useForm<ComposerForm>();
  const [requestId] = useState(newRequestId);
  const create = useCreateMoment();
  const preview = usePreviewMoment();
  const [estimate, setEstimate] = useState<MomentPreview | null>(null);
  const departments = useDepartments();
  const tree = useMemo(() => buildDepartmentTree(departments.data?.items ?? []), [departments.data]);
  const tags = useTags();
  const tagOptions = (tags.data?.groups ?? []).map((g) => ({ label: g.name, title: g.name, options: g.tags.map((tag) => ({ value: tag.id, label: tag.name })) }));
  const kind = Form.useWatch('kind', form) ?? 'none';
  const when = Form.useWatch('when', form) ?? 'now';

  const estimateNow = async () => {
    const v = form.getFieldsValue(true) as ComposerForm;
    const input = toInput(v, requestId);
    setEstimate(await preview.mutateAsync({ visibility: input.visibility, text: input.text, scheduledAt: input.scheduledAt }));
  };

  return (
    <FormModal<ComposerForm>
      title={t('composer.title')}
      form={form}
      width={720}
      initialValues={{ kind: 'none', when: 'now', remindAfter: ['120'] }}
      okText={when === 'later' ? t('composer.submitScheduled') : t('composer.submit')}
      okButtonProps={{ 'data-testid': 'moment-submit' }}
      success={t('created')}
      onSubmit={async (v) => {
        const m = await create.mutateAsync(toInput(v, requestId));
        onCreated(m.id);
      }}
      onError={(error, onField) => {
        if (onField || !(error instanceof ApiError) || !error.field) return;
        const hit = FORM_FIELD.find(([re]) => re.test(error.field!));
        if (hit) form.setFields([{ name: hit[1](kind), errors: [error.message] }]);
      }}
      onClose={onClose}
    >
      <Form.Item name="name" label={t('composer.name')} extra={t('composer.nameHelp')} rules={[{ max: MOMENT_LIMITS.nameChars, message: t('common:maxChars', { n: MOMENT_LIMITS.nameChars }) }]}>
        <Input maxLength={MOMENT_LIMITS.nameChars} data-testid="moment-name" />
      </Form.Item>
      <Form.Item
        name="text"
        label={t('composer.text')}
        rules={[
          { max: MOMENT_LIMITS.textChars, message: t('common:maxChars', { n: MOMENT_LIMITS.textChars }) },
          { validator: (_, v?: string) => (!v || utf8Bytes(v) <= MOMENT_LIMITS.textBytes ? Promise.resolve() : Promise.reject(new Error(t('composer.textBytes', { n: utf8Bytes(v) })))) },
          ({ getFieldValue }) => ({
            validator: (_, v?: string) => (v?.trim() || getFieldValue('kind') !== 'none' ? Promise.resolve() : Promise.reject(new Error(t('composer.needContent')))),
          }),
        ]}
      >
        <Input.TextArea rows={4} showCount maxLength={MOMENT_LIMITS.textChars} placeholder={t('composer.textPlaceholder')} data-testid="moment-text" />
      </Form.Item>
      <Form.Item name="kind" label={t('composer.attachment')} extra={t('composer.mixHelp')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'none', label: t('composer.none') },
            { value: 'image', label: t('composer.images') },
            { value: 'video', label: t('composer.video') },
            { value: 'link', label: t('composer.link') },
          ]}
        />
      </Form.Item>
      {kind === 'image' ? (
        <Form.Item
          name="images"
          label={t('composer.pickImages')}
          extra={t('composer.mediaHelp')}
          rules={[
            { required: true, type: 'array', min: 1, message: t('composer.pickImages') },
            { type: 'array', max: MOMENT_LIMITS.images, message: t('composer.maxImages') },
          ]}
        >
          <MediaMultiPicker kind="image" max={MOMENT_LIMITS.images} testId="moment-images" />
        </Form.Item>
      ) : null}
      {kind === 'video' ? (
        <Form.Item name="video" label={t('composer.pickVideo')} extra={t('composer.mediaHelp')} rules={[{ required: true, message: t('composer.pickVideo') }]}>
          <MediaPicker kind="video" testId="moment-video" />
        </Form.Item>
      ) : null}
      {kind === 'link' ? (
        <>
          <Form.Item
            name="linkTitle"
            label={t('composer.linkTitle')}
            rules={[
              { required: true, whitespace: true, message: t('common:required', { field: t('composer.linkTitle') }) },
              { validator: (_, v?: string) => (!v || utf8Bytes(v) <= MOMENT_LIMITS.linkTitleBytes ? Promise.resolve() : Promise.reject(new Error(t('composer.linkTitleBytes', { n: utf8Bytes(v) })))) },
            ]}
          >
            <Input data-testid="moment-link-title" />
          </Form.Item>
          <Form.Item
            name="linkUrl"
            label={t('composer.linkUrl')}
            rules={[{ required: true, pattern: /^https?:\/\/\S+$/i, message: t('composer.httpUrl') }]}
          >
            <Input placeholder="https://" data-testid="moment-link-url" />
          </Form.Item>
          <Form.Item name="linkCover" label={t('composer.pickCover')} rules={[{ required: true, message: t('composer.pickCover') }]}>
            <MediaPicker kind="image" testId="moment-link-cover" />
          </Form.Item>
        </>
      ) : null}
      <Typography.Title level={5}>{t('composer.visibility')}</Typography.Title>
      <Form.Item name="staffUserids" label={t('composer.staff')} extra={t('composer.staffHelp')}>
        <StaffMultiSelect followOnly />
      </Form.Item>
      <Form.Item name="departmentIds" label={t('composer.departments')}>
        <TreeSelect<string[]> multiple treeDefaultExpandAll allowClear treeData={tree} loading={departments.isLoading} showSearch={{ treeNodeFilterProp: 'title' }} />
      </Form.Item>
      <Form.Item name="tagIds" label={t('composer.tags')} extra={t('composer.tagsHelp')}>
        <TagSelect />
      </Form.Item>
      <Form.Item name="when" label={t('composer.when')}>
        <Radio.Group optionType="button" options={[{ value: 'now', label: t('composer.now') }, { value: 'later', label: t('composer.later') }]} />
      </Form.Item>
      {when === 'later' ? (
        <Form.Item name="scheduledAt" label={t('composer.scheduledAt', { zone: timeZone() })} rules={[{ required: true, message: t('composer.scheduledRequired') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} data-testid="moment-scheduled-at" />
        </Form.Item>
      ) : null}
      <Form.Item name="remindAfter" label={t('composer.remind')} extra={t('composer.remindHelp')}
        rules={[{ type: 'array', max: MOMENT_LIMITS.reminders, message: t('composer.remindHelp') }]}>
        <Select mode="multiple" allowClear options={REMIND_CHOICES.map((m) => ({ value: m, label: t(`composer.remindOptions.${m}`) }))} />
      </Form.Item>
      <Form.Item name="autoTagId" label={t('composer.autoTag')} extra={t('composer.autoTagHelp')}>
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={tagOptions} loading={tags.isLoading} data-testid="moment-auto-tag" />
      </Form.Item>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Button onClick={() => void estimateNow().catch(() => undefined)} loading={preview.isPending} data-testid="moment-preview">{t('composer.preview')}</Button>
        {estimate ? (
          <Alert
            type={estimate.budget && estimate.budget.audience > estimate.budget.planned ? 'warning' : 'info'}
            showIcon
            data-testid="moment-estimate"
            title={t('composer.previewResult', { senders: estimate.senders, customers: estimate.customers })}
            description={
              <>
                {estimate.senderNames.length ? <div>{estimate.senderNames.join(t('common:listSeparator'))}</div> : null}
                <div>
                  {estimate.budget
                    ? t('composer.budgetResult', { planned: estimate.budget.planned, skipped: estimate.budget.audience - estimate.budget.planned })
                    : t('composer.budgetOff')}
                </div>
              </>
            }
          />
        ) : null}
      </Space>
    </FormModal>
  );
}
