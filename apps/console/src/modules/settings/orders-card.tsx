// Orders and RFM settings: the shop's webhook URL with its secret (admins see and regenerate it) and the
// RFM thresholds that decide high and low (admins and operators change them).
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Divider, Form, InputNumber, Popconfirm, Skeleton, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import type { RfmThresholds } from '../customers/hooks';
import { useCorpSettings, useOrderSettings, useRegenerateWebhookToken, useUpdateRfm } from './hooks';

export function OrdersSettingsCard({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation(['settings', 'common']);
  const { message } = App.useApp();
  const settings = useOrderSettings();
  const corp = useCorpSettings();
  const update = useUpdateRfm();
  const regenerate = useRegenerateWebhookToken();
  const [form] = Form.useForm<RfmThresholds>();

  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data.rfm);
  }, [settings.data, form]);

  const onFinish = async (values: RfmThresholds) => {
    try {
      await update.mutateAsync(values);
      void message.success(t('orders.saved'));
    } catch (error) {
      showFieldError(form, error);
    }
  };

  const data = settings.data;
  return (
    <Card title={t('orders.title')} data-testid="orders-settings">
      <QueryError query={settings} />
      {!data && !settings.error ? <Skeleton active paragraph={{ rows: 5 }} /> : null}
      {data ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('orders.webhookUrl')}
          </Typography.Title>
          {data.webhookUrl ? (
            <>
              <Space align="start" style={{ width: '100%' }}>
                <Typography.Text copyable code data-testid="order-webhook-url" style={{ wordBreak: 'break-all' }}>
                  {data.webhookUrl}
                </Typography.Text>
                <Popconfirm
                  title={t('orders.regenerateConfirm')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() =>
                    regenerate
                      .mutateAsync(undefined)
                      .then(() => void message.success(t('orders.regenerated')))
                      .catch(() => undefined)
                  }
                >
                  <Button size="small" icon={<ReloadOutlined />} loading={regenerate.isPending} data-testid="order-webhook-regenerate">
                    {t('orders.regenerate')}
                  </Button>
                </Popconfirm>
              </Space>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {t('orders.webhookHelp')}
              </Typography.Paragraph>
              {corp.data?.isDemo ? <Alert type="info" showIcon title={t('orders.demoNotice')} /> : null}
            </>
          ) : (
            <Typography.Paragraph type="secondary">{isAdmin ? t('common:none') : t('orders.adminOnly')}</Typography.Paragraph>
          )}
          <Divider />
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('orders.rfmTitle')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('orders.rfmHelp')}</Typography.Paragraph>
          <Form<RfmThresholds> form={form} layout="vertical" onFinish={(v) => void onFinish(v)} disabled={update.isPending} style={{ maxWidth: 560 }}>
            <Form.Item name="recencyDays" label={t('orders.recencyDays')} rules={[{ required: true, message: t('common:required', { field: t('orders.recencyDays') }) }]}>
              <InputNumber min={1} max={3650} precision={0} suffix={t('orders.daysUnit')} style={{ width: 200 }} data-testid="rfm-recency-days" />
            </Form.Item>
            <Form.Item name="orderCount" label={t('orders.orderCount')} rules={[{ required: true, message: t('common:required', { field: t('orders.orderCount') }) }]}>
              <InputNumber min={1} max={100000} precision={0} suffix={t('orders.ordersUnit')} style={{ width: 200 }} data-testid="rfm-order-count" />
            </Form.Item>
            <Form.Item name="orderTotal" label={t('orders.orderTotal')} rules={[{ required: true, message: t('common:required', { field: t('orders.orderTotal') }) }]}>
              <InputNumber min={0.01} max={9_999_999_999.99} precision={2} suffix={t('orders.yuanUnit')} style={{ width: 200 }} data-testid="rfm-order-total" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="rfm-save">
              {t('common:save')}
            </Button>
          </Form>
        </>
      ) : null}
    </Card>
  );
}
