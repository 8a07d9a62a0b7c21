// Add another WeCom corp (multi-corp): its self-built app and callback settings; Pond starts a full
// sync at once and the admin becomes its admin (switch corps in the header).
import { App, Button, Card, Form, Input, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showFieldError } from '../../lib/form-errors';

interface AddCorpInput {
  id: string; name: string; agentId: string; secret: string; callbackToken: string; callbackAesKey: string; apiBase?: string;
}

export function AddCorpCard() {
  const { t } = useTranslation(['settings', 'common']);
  const { message } = App.useApp();
  const [form] = Form.useForm<AddCorpInput>();
  const queryClient = useQueryClient();
  const add = useMutation({
    mutationFn: (input: AddCorpInput) => api.post<{ id: string; name: string }>('/corps', input),
    onSuccess: (corp) => {
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      message.success(t('addCorp.done', { name: corp.name }));
      form.resetFields();
    },
  });
  const onFinish = (values: AddCorpInput) => {
    const input = { ...values, apiBase: values.apiBase?.trim() || undefined };
    add.mutate(input, { onError: (err) => { showFieldError(form, err); } });
  };
  return (
    <Card title={t('addCorp.title')} data-testid="add-corp">
      <Typography.Paragraph type="secondary">{t('addCorp.help')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark>
        <Form.Item name="id" label={t('corp.corpId')} rules={[{ required: true, message: t('common:required', { field: t('corp.corpId') }) }]}>
          <Input placeholder="ww…" />
        </Form.Item>
        <Form.Item name="name" label={t('corp.name')} rules={[{ required: true, whitespace: true, message: t('common:required', { field: t('corp.name') }) }]}>
          <Input />
        </Form.Item>
        <Form.Item name="agentId" label={t('corp.agentId')} rules={[{ required: true, message: t('common:required', { field: t('corp.agentId') }) }]}>
          <Input />
        </Form.Item>
        <Form.Item name="secret" label={t('corp.secret')} rules={[{ required: true, message: t('common:required', { field: t('corp.secret') }) }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="callbackToken" label={t('corp.callbackToken')} rules={[{ required: true, message: t('common:required', { field: t('corp.callbackToken') }) }]}>
          <Input />
        </Form.Item>
        <Form.Item name="callbackAesKey" label={t('corp.callbackAesKey')} rules={[{ required: true, len: 43, message: t('corp.aesKeyHelp') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="apiBase" label={t('corp.apiBase')} extra={t('corp.apiBaseHelp')}>
          <Input placeholder="https://qyapi.weixin.qq.com" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="add-corp-submit">{t('addCorp.submit')}</Button>
      </Form>
    </Card>
  );
}
