// One step of a playbook: when (a customer step: day N at a time or minutes after enrolment; a group step: its
// calendar), how (a staff task or a WeCom mass send) and what (text with placeholders, attachments from the media
// library — the shared content editor of the welcome drawer, so WeCom's rules are checked here as the server checks them).
import { Button, Checkbox, DatePicker, Drawer, Flex, Form, Input, InputNumber, Radio, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ContentEditor, contentOf } from '../welcome/content-editor';
import { PLACEHOLDERS, type Attachment } from '../welcome/hooks';
import { REPEATS, STEP_DELIVERIES, type PlaybookKind, type StepDelivery, type StepSchedule } from './hooks';

/** A step as the builder keeps it (sent as it is, with the id of a saved step). */
export interface StepDraft {
  id?: number;
  name: string;
  day?: number;
  time?: string | null;
  offsetMinutes?: number;
  schedule?: StepSchedule;
  delivery: StepDelivery;
  content: { text: string; attachments: Attachment[] };
}

interface StepForm {
  name: string;
  day: number;
  timing: 'time' | 'offset';
  time: string;
  offsetMinutes: number;
  repeat: StepSchedule['repeat'];
  weekdays: number[];
  monthDays: number[];
  dates: string[];
  delivery: StepDelivery;
  text: string;
  attachments: Attachment[];
}

/** A calendar as the API answers it (lists may be left out) with every list present. */
export function fullSchedule(s: { repeat: StepSchedule['repeat']; time: string; weekdays?: number[]; monthDays?: number[]; dates?: string[] } | null | undefined): StepSchedule | undefined {
  return s ? { repeat: s.repeat, time: s.time, weekdays: s.weekdays ?? [], monthDays: s.monthDays ?? [], dates: s.dates ?? [] } : undefined;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function StepDrawer({ kind, step, onClose, onSave }: { kind: PlaybookKind; step: StepDraft | null; onClose: () => void; onSave: (step: StepDraft) => void }) {
  const { t } = useTranslation(['playbooks', 'welcome', 'common']);
  const [form] = Form.useForm<StepForm>();
  const timing = (Form.useWatch('timing', form) as StepForm['timing'] | undefined) ?? (step?.time ? 'time' : 'offset');
  const repeat = (Form.useWatch('repeat', form) as StepForm['repeat'] | undefined) ?? step?.schedule?.repeat ?? 'daily';

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const content = contentOf(v);
    const base = { id: step?.id, name: (v.name ?? '').trim(), delivery: v.delivery, content };
    onSave(kind === 'customer'
      ? { ...base, day: v.day, time: v.timing === 'time' ? v.time : null, offsetMinutes: v.timing === 'offset' ? v.offsetMinutes : undefined }
      : { ...base, schedule: { repeat: v.repeat, time: v.time, weekdays: v.repeat === 'weekly' ? v.weekdays : [], monthDays: v.repeat === 'monthly' ? v.monthDays : [], dates: v.repeat === 'dates' ? v.dates : [] } });
  };

  return (
    <Drawer
      open
      size={760}
      title={step ? t('step.edit') : t('form.addStep')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose}>{t('common:cancel')}</Button>
          <Button type="primary" onClick={() => void submit()} data-testid="step-save">{t('common:confirm')}</Button>
        </Flex>
      }
    >
      <Form<StepForm>
        form={form}
        layout="vertical"
        initialValues={{
          name: step?.name ?? '', day: step?.day ?? 0, timing: step?.time ? 'time' : 'offset', time: step?.time ?? step?.schedule?.time ?? '09:00',
          offsetMinutes: step?.offsetMinutes ?? 10, repeat: step?.schedule?.repeat ?? 'daily', weekdays: step?.schedule?.weekdays ?? [1],
          monthDays: step?.schedule?.monthDays ?? [1], dates: step?.schedule?.dates ?? [], delivery: step?.delivery ?? 'task',
          text: step?.content.text ?? '', attachments: step?.content.attachments ?? [],
        }}
      >
        <Form.Item name="name" label={t('step.name')} rules={[{ max: 60 }]}>
          <Input maxLength={60} data-testid="step-name" />
        </Form.Item>
        {kind === 'customer' ? (
          <Flex gap={16} wrap>
            <Form.Item name="day" label={t('step.day')} extra={t('step.dayHelp')} rules={[{ required: true }]}>
              <InputNumber min={0} max={365} precision={0} data-testid="step-day" />
            </Form.Item>
            <Form.Item name="timing" label={t('step.timing')}>
              <Radio.Group optionType="button" options={[{ value: 'offset', label: t('step.offset') }, { value: 'time', label: t('step.atTime') }]} />
            </Form.Item>
            {timing === 'time' ? (
              <Form.Item name="time" label={t('step.time')} rules={[{ required: true, pattern: HHMM, message: 'HH:mm' }]}>
                <Input style={{ width: 100 }} placeholder="20:00" data-testid="step-time" />
              </Form.Item>
            ) : (
              <Form.Item name="offsetMinutes" label={t('step.offsetMinutes')} rules={[{ required: true }]}>
                <InputNumber min={0} max={1439} precision={0} data-testid="step-offset" />
              </Form.Item>
            )}
          </Flex>
        ) : (
          <Flex gap={16} wrap>
            <Form.Item name="repeat" label={t('step.repeat')}>
              <Select style={{ width: 140 }} options={REPEATS.map((r) => ({ value: r, label: t(`repeats.${r}`) }))} />
            </Form.Item>
            <Form.Item name="time" label={t('step.time')} rules={[{ required: true, pattern: HHMM, message: 'HH:mm' }]}>
              <Input style={{ width: 100 }} placeholder="08:00" data-testid="step-time" />
            </Form.Item>
            {repeat === 'weekly' ? (
              <Form.Item name="weekdays" label={t('step.weekdays')} rules={[{ required: true, type: 'array', min: 1 }]}>
                <Checkbox.Group options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`weekdays.${String(d) as '1'}`) }))} />
              </Form.Item>
            ) : null}
            {repeat === 'monthly' ? (
              <Form.Item name="monthDays" label={t('step.monthDays')} rules={[{ required: true, type: 'array', min: 1 }]}>
                <Select mode="multiple" style={{ minWidth: 220 }} options={Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: String(i + 1) }))} />
              </Form.Item>
            ) : null}
            {repeat === 'dates' ? (
              <Form.Item
                name="dates"
                label={t('step.dates')}
                rules={[{ required: true, type: 'array', min: 1 }]}
                getValueProps={(v: string[] | undefined) => ({ value: (v ?? []).map((d) => dayjs(d)) })}
                normalize={(v: dayjs.Dayjs[] | null) => (v ?? []).map((d) => d.format('YYYY-MM-DD'))}
              >
                <DatePicker multiple style={{ minWidth: 260 }} />
              </Form.Item>
            ) : null}
          </Flex>
        )}
        <Form.Item name="delivery" label={t('step.delivery')}>
          <Radio.Group options={STEP_DELIVERIES.map((d) => ({ value: d, label: t(`deliveries.${d}`) }))} />
        </Form.Item>
        <ContentEditor
          form={form}
          textLabel={t('step.text')}
          attachmentsLabel={t('step.attachments')}
          placeholders={PLACEHOLDERS.filter((k) => k !== 'channel')}
          placeholderLabel={(key) => t(`step.placeholders.${key as 'nickname'}`)}
          contentRequired={t('step.contentRequired')}
          textTestId="step-text"
          rows={{ min: 4, max: 12 }}
        />
      </Form>
    </Drawer>
  );
}
