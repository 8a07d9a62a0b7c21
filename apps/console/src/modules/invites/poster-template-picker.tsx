// The invite form's poster field: one of the corp's published poster templates (by name, invite templates first, each
// with a thumbnail drawn by the server), or none — the built-in 9:16 design with the campaign's headline and copy.
import { Flex, Image, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../api/client';
import { usePosterTemplates, type PosterTemplate } from '../posters/hooks';

interface Option { value: number; label: string; purpose: PosterTemplate['purpose'] | null }

const thumb = (id: number) => apiUrl(`/poster-templates/${id}/preview.png`);

export function PosterTemplatePicker({ value, onChange }: { value?: number | null; onChange?: (v: number | null) => void }) {
  const { t } = useTranslation('invites');
  const list = usePosterTemplates();
  const published = (list.data?.items ?? [])
    .filter((p) => p.status === 'published')
    .sort((a, b) => Number(b.purpose === 'invite') - Number(a.purpose === 'invite') || a.name.localeCompare(b.name));
  const byId = new Map<number, PosterTemplate>(published.map((p) => [p.id, p]));
  // A template chosen earlier and since unpublished or archived still shows (by its id) until it is changed.
  const options: Option[] = [
    ...published.map((p) => ({ value: p.id, label: p.name, purpose: p.purpose })),
    ...(value != null && !byId.has(value) ? [{ value, label: t('form.posterTemplateGone', { id: value }), purpose: null }] : []),
  ];
  return (
    <Flex gap={16} align="start" wrap>
      <Select<number | null, Option>
        data-testid="invite-poster-template"
        style={{ width: 320 }}
        allowClear
        loading={list.isLoading}
        value={value ?? null}
        onChange={(v) => onChange?.(v ?? null)}
        placeholder={t('form.posterTemplateNone')}
        showSearch={{ optionFilterProp: 'label' }}
        notFoundContent={list.isLoading ? null : t('form.posterTemplateEmpty')}
        options={options}
        optionRender={(o) => (
          <Flex gap={8} align="center">
            {o.data.purpose !== null ? <img src={thumb(o.data.value)} alt="" loading="lazy" width={27} height={48} style={{ objectFit: 'cover', borderRadius: 2, background: '#f0f0f0' }} /> : null}
            <span>{o.data.label}</span>
            {o.data.purpose ? <Tag>{t(`form.posterPurposes.${o.data.purpose}`)}</Tag> : null}
          </Flex>
        )}
      />
      {value != null && byId.has(value) ? (
        <Flex vertical gap={4} data-testid="invite-poster-preview">
          <Image src={thumb(value)} width={108} height={192} style={{ objectFit: 'cover', borderRadius: 4 }} alt={byId.get(value)!.name} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('form.posterTemplateSample')}</Typography.Text>
        </Flex>
      ) : null}
    </Flex>
  );
}
