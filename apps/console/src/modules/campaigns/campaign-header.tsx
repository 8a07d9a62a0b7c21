// The top of every campaign's page: back to the kind's list, the name with its status (and the kind's own tags),
// the window (or the kind's subtitle), the kind's own buttons, edit (until it ended) and the status actions — the
// last two for those who may write. useCampaignFallback is what the page shows until the campaign is loaded.
import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Flex } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { detailFallback } from '../../components/detail-fallback';
import { PageHeader } from '../../components/page-header';
import { formatDateTime } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import type { CampaignQueryKey, CampaignRow } from './hooks';
import { CampaignStatusActions, CampaignStatusTag } from './status';

/** The window as the kinds' detail types carry it (the wire's ISO strings; some kinds type them as the contracts' Dates). */
interface CampaignWindow { startsAt: string | Date; endsAt: string | Date | null }

/** "start – end" (∞ while open-ended), in the corp's time zone. */
export function campaignWindow(c: CampaignWindow, format: (iso: string) => string = formatDateTime): string {
  return `${format(String(c.startsAt))} – ${c.endsAt ? format(String(c.endsAt)) : '∞'}`;
}

function BackButton({ to }: { to: string }) {
  const { t } = useTranslation('campaigns');
  const navigate = useNavigate();
  return <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate(to)} aria-label={t('back')} />;
}

/** Until the campaign is in: "not found", the error under a header with the way back, or a skeleton; then null. */
export function useCampaignFallback(query: { data: unknown; error: unknown; refetch: () => unknown }, options: { title: ReactNode; listPath: string }): ReactNode | null {
  const { t } = useTranslation('campaigns');
  return detailFallback(query, { title: options.title, back: <BackButton to={options.listPath} />, notFound: t('notFound') });
}

export interface CampaignHeaderProps {
  campaign: Pick<CampaignRow, 'id' | 'name' | 'status'> & CampaignWindow;
  queryKey: CampaignQueryKey;
  /** The kind's list ('/checkins'): the back button's target, and `${listPath}/${id}/edit` the edit page's. */
  listPath: string;
  /** The kind's test id prefix: `${testId}-status`, `${testId}-edit`, `${testId}-publish`. */
  testId: string;
  endConfirm: string;
  /** Below the name; the window by default. */
  subtitle?: ReactNode;
  /** After the status tag (e.g. the offer's kind). */
  tags?: ReactNode;
  /** The kind's own buttons, before edit and the status actions. */
  extra?: ReactNode;
  /** Edit in place (a modal) instead of going to the edit page. */
  onEdit?: () => void;
}

export function CampaignHeader({ campaign: c, queryKey, listPath, testId, endConfirm, subtitle, tags, extra, onEdit }: CampaignHeaderProps) {
  const { t } = useTranslation('campaigns');
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const edit = onEdit ?? (() => void navigate(`${listPath}/${c.id}/edit`));
  return (
    <PageHeader
      back={<BackButton to={listPath} />}
      title={<Flex gap={8} align="center" wrap>{c.name}<CampaignStatusTag status={c.status} testId={`${testId}-status`} />{tags}</Flex>}
      subtitle={subtitle ?? campaignWindow(c)}
      extra={(
        <>
          {extra}
          {canWrite && c.status !== 'ended' ? <Button icon={<EditOutlined />} onClick={edit} data-testid={`${testId}-edit`}>{t('actions.edit')}</Button> : null}
          {canWrite ? <CampaignStatusActions campaign={c} queryKey={queryKey} endConfirm={endConfirm} publishTestId={`${testId}-publish`} /> : null}
        </>
      )}
    />
  );
}
