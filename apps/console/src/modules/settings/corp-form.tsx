import { Alert, App, Button, Card, Form, Input, Skeleton, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/query-error';
import { TimeZoneSelect } from '../../components/time-zone-select';
import { showFieldError } from '../../lib/form-errors';
import { useCorpSettings, useUpdateCorpSettings, type CorpSettings, type CorpSettingsInput } from './hooks';

interface FormValues {
  name: string;
  timezone: string;
  agentId: string;
  secret: string;
  callbackToken: string;
  callbackAesKey: string;
  apiBase: string;
  oauthAppId: string;
  oauthSecret: string;
}

function toForm(settings: CorpSettings): FormValues {
  return {
    name: settings.name,
    timezone: settings.timezone,
    agentId: settings.agentId,
    secret: '',
    callbackToken: settings.callbackToken ?? '',
    callbackAesKey: '',
    apiBase: settings.apiBase,
    oauthAppId: settings.oauthAppId ?? '',
    oauthSecret: '',
  };
}

/** Only what changed is sent; the secret and the AES key are write-only and sent when typed. */
function changes(values: FormValues, settings: CorpSettings): CorpSettingsInput {
  const input: CorpSettingsInput = {};
  if (values.name.trim() !== settings.name) input.name = values.name.trim();
  if (values.timezone !== settings.timezone) input.timezone = values.timezone;
  if (values.agentId.trim() !== settings.agentId) input.agentId = values.agentId.trim();
  if (values.callbackToken.trim() !== (settings.callbackToken ?? '')) input.callbackToken = values.callbackToken.trim();
  if (values.apiBase.trim() !== settings.apiBase) input.apiBase = values.apiBase.trim();
  if (values.secret.trim()) input.secret = values.secret.trim();
  if (values.callbackAesKey.trim()) input.callbackAesKey = values.callbackAesKey.trim();
  if (values.oauthAppId.trim() !== (settings.oauthAppId ?? '')) input.oauthAppId = values.oauthAppId.trim() || null;
  if (values.oauthSecret.trim()) input.oauthSecret = values.oauthSecret.trim();
  return input;
}

/** Admins edit the connection; operators see it read-only. */
export function CorpForm({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation(['settings', 'common']);
  const { message } = App.useApp();
  const settings = useCorpSettings();
  const update = useUpdateCorpSettings();
  const [form] = Form.useForm<FormValues>();

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toForm(settings.data));
  }, [settings.data, form]);

  const onFinish = async (values: FormValues) => {
    if (!settings.data) return;
    const input = changes(values, settings.data);
    if (Object.keys(input).length === 0) {
      void message.info(t('common:saved'));
      return;
    }
    try {
      await update.mutateAsync(input);
      void message.success(t('corp.saved'));
    } catch (error) {
      showFieldError(form, error);
    }
  };

  const data = settings.data;
  return (
    <Card title={t('corp.title')}>
      <QueryError query={settings} />
      {!data && !settings.error ? <Skeleton active paragraph={{ rows: 6 }} /> : null}
      {data ? (
        <>
          {data.isDemo ? <Alert type="info" showIcon title={t('corp.demoNotice')} style={{ marginBottom: 16 }} /> : null}
          <Form<FormValues> form={form} layout="vertical" onFinish={(v) => void onFinish(v)} disabled={readOnly || update.isPending} style={{ maxWidth: 560 }}>
            <Form.Item name="name" label={t('corp.name')} rules={[{ required: true, whitespace: true, message: t('common:required', { field: t('corp.name') }) }]}>
              <Input />
            </Form.Item>
            <Form.Item name="timezone" label={t('corp.timezone')} extra={t('corp.timezoneHelp')}>
              <TimeZoneSelect style={{ width: 260 }} data-testid="corp-timezone" />
            </Form.Item>
            <Form.Item label={t('corp.corpId')}>
              <Typography.Text copyable code>
                {data.id}
              </Typography.Text>
            </Form.Item>
            <Form.Item name="agentId" label={t('corp.agentId')}>
              <Input />
            </Form.Item>
            <Form.Item name="secret" label={t('corp.secret')} extra={t('corp.secretHelp')}>
              <Input.Password
                autoComplete="new-password"
                placeholder={data.secretSet ? t('corp.secretSet') : t('corp.secretUnset')}
              />
            </Form.Item>
            <Form.Item name="callbackToken" label={t('corp.callbackToken')}>
              <Input />
            </Form.Item>
            <Form.Item
              name="callbackAesKey"
              label={t('corp.callbackAesKey')}
              extra={t('corp.aesKeyHelp')}
              rules={[{ len: 43, message: t('corp.aesKeyHelp') }]}
            >
              <Input.Password
                autoComplete="new-password"
                placeholder={data.callbackAesKeySet ? t('corp.secretSet') : t('corp.secretUnset')}
              />
            </Form.Item>
            <Form.Item name="apiBase" label={t('corp.apiBase')} extra={t('corp.apiBaseHelp')} rules={[{ type: 'url', message: t('corp.apiBaseHelp') }]}>
              <Input />
            </Form.Item>
            <Form.Item name="oauthAppId" label={t('corp.oauthAppId')} extra={t('corp.oauthHelp')}>
              <Input placeholder="wx…" />
            </Form.Item>
            <Form.Item name="oauthSecret" label={t('corp.oauthSecret')}>
              <Input.Password
                autoComplete="new-password"
                placeholder={data.oauthSecretSet ? t('corp.secretSet') : t('corp.secretUnset')}
              />
            </Form.Item>
            <Form.Item label={t('corp.callbackUrl')} extra={t('corp.callbackUrlHelp')}>
              <Typography.Text copyable code data-testid="callback-url" style={{ wordBreak: 'break-all' }}>
                {data.callbackUrl}
              </Typography.Text>
            </Form.Item>
            <Form.Item label={t('corp.sidebarUrl')} extra={t('corp.sidebarUrlHelp')}>
              <Typography.Text copyable code data-testid="sidebar-url" style={{ wordBreak: 'break-all' }}>
                {data.sidebarUrl}
              </Typography.Text>
            </Form.Item>
            {readOnly ? null : (
              <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="corp-save">
                {t('common:save')}
              </Button>
            )}
          </Form>
        </>
      ) : null}
    </Card>
  );
}
