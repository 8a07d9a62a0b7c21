// A campaign's status as every kind shows it (one tag, one colour per status) and the status actions every kind
// offers: publish a draft, pause and resume, end (after a confirmation that says what ending means for the kind).
// Failures are reported by the console's global mutation toast.
import { App, Button, Flex, Popconfirm, Tag } from 'antd';
import type { ButtonProps } from 'antd';
import { CAMPAIGN_STATUSES } from '@pond/contracts/activate';
import { useTranslation } from 'react-i18next';
import { useSetCampaignStatus, type CampaignQueryKey, type CampaignRef, type CampaignStatus } from './hooks';

export { CAMPAIGN_STATUSES };
export const STATUS_COLORS: Record<CampaignStatus, string> = { draft: 'default', active: 'success', paused: 'warning', ended: 'default' };

export function CampaignStatusTag({ status, testId }: { status: CampaignStatus; testId?: string }) {
  const { t } = useTranslation('campaigns');
  return <Tag color={STATUS_COLORS[status]} data-testid={testId} data-status={status}>{t(`statuses.${status}`)}</Tag>;
}

export interface CampaignStatusActionsProps {
  campaign: CampaignRef;
  /** The kind's query key root, refreshed after a change. */
  queryKey: CampaignQueryKey;
  /** What ending means for this kind, asked before it ends. */
  endConfirm: string;
  /** data-testid of the publish / resume button. */
  publishTestId?: string;
  /** Small buttons in a table row; default-sized in a page header. */
  size?: ButtonProps['size'];
}

export function CampaignStatusActions({ campaign, queryKey, endConfirm, publishTestId, size }: CampaignStatusActionsProps) {
  const { t } = useTranslation('campaigns');
  const { message } = App.useApp();
  const set = useSetCampaignStatus(queryKey);
  const change = async (status: CampaignStatus) => {
    try {
      await set.mutateAsync({ id: campaign.id, status });
      void message.success(t('actions.statusChanged'));
    } catch { /* the global toast says why */ }
  };
  if (campaign.status === 'ended') return null;
  const starts = campaign.status === 'draft' || campaign.status === 'paused';
  return (
    <Flex gap={size === 'small' ? 4 : 8} wrap>
      {starts ? (
        <Button size={size} type="primary" loading={set.isPending} data-testid={publishTestId} onClick={() => void change('active')}>
          {campaign.status === 'draft' ? t('actions.publish') : t('actions.resume')}
        </Button>
      ) : null}
      {campaign.status === 'active' ? <Button size={size} loading={set.isPending} onClick={() => void change('paused')}>{t('actions.pause')}</Button> : null}
      <Popconfirm title={endConfirm} onConfirm={() => void change('ended')}>
        <Button size={size} danger>{t('actions.end')}</Button>
      </Popconfirm>
    </Flex>
  );
}
