// The customer page of a campaign (what customers open in WeChat): its link to copy, a preview as the customer
// sees it, and how to get it to customers (the kind's own words under it).
import { CopyOutlined, EyeOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { copyText } from '../../lib/clipboard';

export interface CampaignUrlCardProps {
  url: string;
  /** The kind's test id prefix: `${testId}-page-url`, `${testId}-copy-url`, `${testId}-preview`. */
  testId: string;
  /** The kind's own words under "open it in WeChat to see what a customer sees" (how to get it to customers). */
  children?: ReactNode;
}

export function CampaignUrlCard({ url, testId, children }: CampaignUrlCardProps) {
  const { t } = useTranslation('campaigns');
  const copy = useCopy();
  return (
    <Card size="small" title={t('page.title')} style={{ marginBottom: 16 }}>
      <Flex gap={8} wrap align="center">
        <Typography.Text code data-testid={`${testId}-page-url`}>{url}</Typography.Text>
        <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(url)} data-testid={`${testId}-copy-url`}>{t('page.copy')}</Button>
        <Button size="small" icon={<EyeOutlined />} href={url} target="_blank" data-testid={`${testId}-preview`}>{t('page.preview')}</Button>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>{t('page.help')}</Typography.Paragraph>
      {children ? <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>{children}</Typography.Paragraph> : null}
    </Card>
  );
}

/** Copies a text (e.g. a ready-made link attachment) and says so. */
export function useCopy() {
  const { t } = useTranslation('campaigns');
  const { message } = App.useApp();
  return async (text: string) => { if (await copyText(text)) void message.success(t('page.copied')); };
}
