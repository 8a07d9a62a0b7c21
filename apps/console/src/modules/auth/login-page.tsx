import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { LanguageSwitch } from '../../components/language-switch';
import { ApiError } from '../../api/client';
import { useLogin } from './hooks';

interface LoginForm {
  username: string;
  password: string;
}

/** Only same-origin paths, so `?next=` cannot send a signed-in user elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export default function LoginPage() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const login = useLogin();

  // Signed in, but no corp is the user's yet: the message says to open the invitation link.
  const noCorp = login.error instanceof ApiError && login.error.status === 403;

  const onFinish = (values: LoginForm) => {
    login.mutate(values, { onSuccess: () => void navigate(safeNext(params.get('next')), { replace: true }) });
  };

  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{ minHeight: '100vh', padding: 16, background: 'linear-gradient(160deg, #e6f4ff 0%, #f5f5f5 60%)' }}
    >
      <div style={{ position: 'absolute', top: 16, right: 16 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <Flex vertical align="center" style={{ marginBottom: 24 }}>
          <Typography.Title level={3} style={{ marginBottom: 4 }}>
            {t('title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('subtitle')}</Typography.Text>
        </Flex>
        {login.error ? (
          <Alert type={noCorp ? 'warning' : 'error'} showIcon title={login.error.message || t('failed')} style={{ marginBottom: 16 }} />
        ) : null}
        <Form<LoginForm> layout="vertical" requiredMark={false} onFinish={onFinish} disabled={login.isPending}>
          <Form.Item label={t('username')} name="username" rules={[{ required: true, message: t('usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
            {t('submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t('demoHint')}
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
