// 触达规则 Contact rules: the corp's contact budget. Everyone may read it (staff see why a task was skipped); admins change it.
import { Alert, App, Button, Card, Col, Form, InputNumber, Radio, Row, Select, Skeleton, Switch, TimePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { useMe } from '../auth/hooks';
import { TagSelect } from '../tags/tag-pickers';
import { usePolicy, useSavePolicy, type ContactPolicy, type ContactPolicyInput } from './hooks';

type FormValues = Omit<ContactPolicy, 'quietStart' | 'quietEnd' | 'digestTime' | 'updatedAt'> & { quiet: [Dayjs, Dayjs] | null; digestTime: Dayjs | null };

const hhmm = (v: string | null) => (v ? dayjs(`2000-01-01T${v}`) : null);

export default function ContactRulesPage() {
  const { t } = useTranslation(['governance', 'common']);
  const { message } = App.useApp();
  const me = useMe();
  const admin = me.data?.role === 'admin';
  const policy = usePolicy();
  const save = useSavePolicy();
  const [form] = Form.useForm<FormValues>();

  useEffect(() => {
    const p = policy.data;
    if (!p) return;
    const quietStart = hhmm(p.quietStart);
    const quietEnd = hhmm(p.quietEnd);
    form.setFieldsValue({ ...p, quiet: quietStart && quietEnd ? [quietStart, quietEnd] : null, digestTime: hhmm(p.digestTime) });
  }, [policy.data, form]);

  const onFinish = (v: FormValues) => {
    const input: ContactPolicyInput = {
      customerPerDay: v.customerPerDay, customerPerWeek: v.customerPerWeek, customerPerMonth: v.customerPerMonth, groupPerDay: v.groupPerDay,
      groupPerWeek: v.groupPerWeek, minGapMinutes: v.minGapMinutes, quietAction: v.quietAction, dedupeDays: v.dedupeDays, dndTagIds: v.dndTagIds ?? [],
      wecomCap: v.wecomCap, countMoments: v.countMoments, overdueAfterMinutes: v.overdueAfterMinutes,
      quietStart: v.quiet ? v.quiet[0].format('HH:mm') : null, quietEnd: v.quiet ? v.quiet[1].format('HH:mm') : null,
      digestTime: v.digestTime ? v.digestTime.format('HH:mm') : null,
    };
    save.mutate(input, { onSuccess: () => void message.success(t('saved')) });
  };

  const num = (name: keyof FormValues, max: number) => (
    <Form.Item name={name} label={t(`fields.${name}` as 'fields.customerPerDay')} rules={[{ required: true }]}>
      <InputNumber min={0} max={max} precision={0} style={{ width: '100%' }} disabled={!admin} />
    </Form.Item>
  );

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <QueryError query={policy} />
      {save.error ? <QueryError error={save.error} /> : null}
      {!admin ? <Alert type="info" showIcon message={t('readOnly')} style={{ marginBottom: 16 }} /> : null}
      {!policy.data ? <Skeleton active /> : (
        <Form form={form} layout="vertical" onFinish={onFinish} disabled={!admin} data-testid="contact-rules-form">
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Card title={t('sections.caps')} extra={t('help.zero')} style={{ marginBottom: 16 }}>
                <Row gutter={12}>
                  <Col span={8}>{num('customerPerDay', 50)}</Col>
                  <Col span={8}>{num('customerPerWeek', 200)}</Col>
                  <Col span={8}>{num('customerPerMonth', 500)}</Col>
                  <Col span={8}>{num('groupPerDay', 50)}</Col>
                  <Col span={8}>{num('groupPerWeek', 200)}</Col>
                  <Col span={8}>{num('minGapMinutes', 10080)}</Col>
                </Row>
              </Card>
              <Card title={t('sections.quiet')} style={{ marginBottom: 16 }}>
                <Form.Item name="quiet" label={`${t('fields.quietStart')} – ${t('fields.quietEnd')}`} extra={t('help.quiet')}>
                  <TimePicker.RangePicker format="HH:mm" order={false} allowEmpty={[true, true]} />
                </Form.Item>
                <Form.Item name="quietAction" label={t('fields.quietAction')}>
                  <Radio.Group options={(['defer', 'skip'] as const).map((v) => ({ value: v, label: t(`quietActions.${v}`) }))} />
                </Form.Item>
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('sections.dedupe')} style={{ marginBottom: 16 }}>
                {num('dedupeDays', 365)}
                <Form.Item name="dndTagIds" label={t('fields.dndTagIds')}>
                  <TagSelect />
                </Form.Item>
                <Form.Item name="countMoments" label={t('fields.countMoments')} valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Card>
              <Card title={t('sections.wecom')} style={{ marginBottom: 16 }}>
                <Form.Item name="wecomCap" label={t('fields.wecomCap')}>
                  <Select options={(['month_days', 'week7', 'day1'] as const).map((v) => ({ value: v, label: t(`wecomCaps.${v}`) }))} />
                </Form.Item>
                <Alert type="info" showIcon message={t('help.override')} />
              </Card>
              <Card title={t('sections.tasks')} style={{ marginBottom: 16 }}>
                <Row gutter={12}>
                  <Col span={12}>
                    <Form.Item name="overdueAfterMinutes" label={t('fields.overdueAfterMinutes')} rules={[{ required: true }]}>
                      <InputNumber min={5} max={10080} precision={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col span={12}>
                    <Form.Item name="digestTime" label={t('fields.digestTime')}>
                      <TimePicker format="HH:mm" allowClear />
                    </Form.Item>
                  </Col>
                </Row>
              </Card>
            </Col>
          </Row>
          {admin ? <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-contact-rules">{t('save')}</Button> : null}
        </Form>
      )}
    </>
  );
}
