// Settings → 奖励发放 Reward payouts (admins): the shop's reward webhook (URL; its signing secret shown once when made)
// and the WeChat Pay merchant (secrets are write-only: the server says only whether each is set), the daily cap.
import { Alert, App, Button, Card, Divider, Form, Input, InputNumber, Popconfirm, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { useRegenerateRewardSecret, useRewardSettings, useUpdateRewardSettings, type RewardSettingsBody } from './hooks';

interface Values { webhookUrl?: string; mchid?: string; appid?: string; serialNo?: string; apiV3Key?: string; privateKey?: string; platformKeyId?: string; platformPublicKey?: string; apiBase?: string; capYuan?: number | null }

export function RewardPayoutsCard({ isDemo }: { isDemo?: boolean }) {
  const { t } = useTranslation(['rewards', 'common']);
  const { message } = App.useApp();
  const settings = useRewardSettings();
  const update = useUpdateRewardSettings();
  const regenerate = useRegenerateRewardSecret();
  const [form] = Form.useForm<Values>();
  const [shown, setShown] = useState<string | null>(null);
  const s = settings.data;

  useEffect(() => {
    if (s) form.setFieldsValue({ webhookUrl: s.webhookUrl ?? '', mchid: s.wechatPay.mchid ?? '', appid: s.wechatPay.appid ?? '', serialNo: s.wechatPay.serialNo ?? '',
      platformKeyId: s.wechatPay.platformKeyId ?? '', platformPublicKey: s.wechatPay.platformPublicKey ?? '',
      apiBase: s.wechatPay.apiBase, capYuan: s.dailyPayoutCapFen === null ? null : s.dailyPayoutCapFen / 100, apiV3Key: '', privateKey: '' });
  }, [s, form]);

  const onFinish = async (v: Values) => {
    const orNull = (x?: string) => (x?.trim() ? x.trim() : null);
    const body: RewardSettingsBody = {
      webhookUrl: orNull(v.webhookUrl),
      wechatPay: {
        mchid: orNull(v.mchid), appid: orNull(v.appid), serialNo: orNull(v.serialNo),
        platformKeyId: orNull(v.platformKeyId), platformPublicKey: orNull(v.platformPublicKey), ...(v.apiBase?.trim() ? { apiBase: v.apiBase.trim() } : {}),
        // Secrets left empty keep their stored value.
        ...(v.apiV3Key?.trim() ? { apiV3Key: v.apiV3Key.trim() } : {}), ...(v.privateKey?.trim() ? { privateKey: v.privateKey.trim() } : {}),
      },
      dailyPayoutCapFen: v.capYuan ? Math.round(v.capYuan * 100) : null,
    };
    try {
      const saved = await update.mutateAsync(body);
      if (saved.webhookSecret) setShown(saved.webhookSecret);
      void message.success(t('payouts.saved'));
    } catch (error) {
      showFieldError(form, error);
    }
  };

  return (
    <Card title={t('payouts.title')} data-testid="reward-payouts">
      <QueryError query={settings} />
      {!s && !settings.error ? <Skeleton active paragraph={{ rows: 6 }} /> : null}
      {s ? (
        <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)}>
          {isDemo ? <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('payouts.demo')} /> : null}
          <Typography.Title level={5} style={{ marginTop: 0 }}>{t('payouts.webhook')}</Typography.Title>
          <Form.Item name="webhookUrl" label={t('payouts.webhookUrl')} extra={t('payouts.webhookHelp')}>
            <Input placeholder="https://shop.example.com/pond/rewards" />
          </Form.Item>
          <Form.Item label={t('payouts.secret')}>
            {s.webhookSecretSet ? <Tag color="green">{t('payouts.secretSet')}</Tag> : <Tag>{t('payouts.secretNone')}</Tag>}
            {s.webhookSecretSet ? (
              <Popconfirm title={t('payouts.regenerateConfirm')} okButtonProps={{ danger: true }}
                onConfirm={() => regenerate.mutateAsync().then((r) => setShown(r.secret)).catch((e: Error) => void message.error(e.message))}>
                <Button size="small" loading={regenerate.isPending}>{t('payouts.regenerate')}</Button>
              </Popconfirm>
            ) : null}
          </Form.Item>
          {shown ? <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('payouts.secretShown')} description={<Typography.Text copyable code data-testid="reward-secret">{shown}</Typography.Text>} /> : null}
          <Divider />
          <Typography.Title level={5}>
            {t('payouts.wechatPay')} {s.wechatPay.ready ? <Tag color="green">{t('payouts.ready')}</Tag> : <Tag>{t('payouts.notReady')}</Tag>}
          </Typography.Title>
          <Form.Item name="mchid" label={t('payouts.mchid')}><Input /></Form.Item>
          <Form.Item name="appid" label={t('payouts.appid')}><Input /></Form.Item>
          <Form.Item name="serialNo" label={t('payouts.serialNo')}><Input /></Form.Item>
          <Form.Item name="apiV3Key" label={t('payouts.apiV3Key')}><Input.Password placeholder={s.wechatPay.apiV3KeySet ? t('payouts.keepSecret') : ''} autoComplete="off" /></Form.Item>
          <Form.Item name="privateKey" label={t('payouts.privateKey')}>
            <Input.TextArea rows={3} placeholder={s.wechatPay.privateKeySet ? t('payouts.keepSecret') : '-----BEGIN PRIVATE KEY-----'} />
          </Form.Item>
          <Form.Item name="platformKeyId" label={t('payouts.platformKeyId')}><Input placeholder="PUB_KEY_ID_…" /></Form.Item>
          <Form.Item name="platformPublicKey" label={t('payouts.platformPublicKey')} extra={t('payouts.platformHelp')}>
            <Input.TextArea rows={3} placeholder="-----BEGIN PUBLIC KEY-----" />
          </Form.Item>
          <Form.Item name="apiBase" label={t('payouts.apiBase')}><Input /></Form.Item>
          <Form.Item name="capYuan" label={t('payouts.cap')} extra={t('payouts.capHelp')}><InputNumber min={0.01} step={1} precision={2} style={{ width: 200 }} /></Form.Item>
          <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="reward-payouts-save">{t('payouts.save')}</Button>
        </Form>
      ) : null}
    </Card>
  );
}
