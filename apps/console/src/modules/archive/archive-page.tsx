// The chat archive's search page: words (segmented as stored), group / 1:1, type; admins see the cursor and can pull now.
import { useState } from 'react';
import { Alert, App, Button, Card, Flex, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ARCHIVE_MSG_TYPES } from '@pond/contracts/archive';
import { PageHeader } from '../../components/page-header';
import { useMe } from '../auth/hooks';
import { useArchiveSearch, useArchiveSettings, usePullNow, type SearchFilter } from './hooks';
import { ArchiveMessages } from './message-list';

export default function ArchivePage() {
  const { t } = useTranslation('archive');
  const { message } = App.useApp();
  const me = useMe();
  const isAdmin = me.data?.role === 'admin';
  const [filter, setFilter] = useState<SearchFilter>({});
  const pages = useArchiveSearch(filter);
  const settings = useArchiveSettings(isAdmin);
  const pull = usePullNow();
  const c = settings.data?.cursor;
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Flex vertical gap={16}>
        {isAdmin && c && (
          <Card size="small">
            <Flex gap={12} align="center" wrap>
              <Typography.Text type="secondary">{t('cursor', { stored: c.stored, skipped: c.skippedNoConsent, seq: c.seq })}</Typography.Text>
              <Button size="small" loading={pull.isPending} onClick={() => pull.mutate(undefined, { onSuccess: (r) => void message.success(t('pulled', { pulled: r.pulled, stored: r.stored })) })}>
                {t('pullNow')}
              </Button>
            </Flex>
            {c.lastError && <Alert type="warning" style={{ marginTop: 8 }} message={t('lastError', { error: c.lastError })} />}
          </Card>
        )}
        <Card>
          <Flex gap={8} wrap style={{ marginBottom: 16 }}>
            <Input.Search allowClear placeholder={t('searchPlaceholder')} aria-label={t('search')} style={{ maxWidth: 360 }} data-testid="archive-search"
              onSearch={(q) => setFilter((f) => ({ ...f, q: q.trim() || undefined }))} enterButton={t('search')} />
            <Select aria-label={t('kind')} style={{ width: 120 }} value={filter.scope ?? ''} onChange={(v) => setFilter((f) => ({ ...f, scope: (v || undefined) as SearchFilter['scope'] }))}
              options={[{ value: '', label: t('kindAll') }, { value: 'group', label: t('kindGroup') }, { value: 'private', label: t('kindPrivate') }]} />
            <Select aria-label={t('type')} style={{ width: 140 }} allowClear placeholder={t('type')} value={filter.type} onChange={(v?: string) => setFilter((f) => ({ ...f, type: v }))}
              options={ARCHIVE_MSG_TYPES.map((x) => ({ value: x, label: t(`types.${x}`) }))} />
          </Flex>
          <ArchiveMessages pages={pages} />
        </Card>
      </Flex>
    </>
  );
}
