// Files from the media library for a moment: pick among the uploads of one kind, or upload a new one (it lands in the
// library and is picked). Pond sends moments' files to WeCom with media/upload_attachment itself.
import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Flex, Image, Select, Upload } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, uploadFile } from '../../api/client';
import { useMediaLibrary, type MediaAsset } from './hooks';

interface Props<V> {
  kind: 'image' | 'video';
  value?: V;
  onChange?: (value: V) => void;
  placeholder?: string;
  testId?: string;
}

function Thumb({ asset }: { asset: MediaAsset }) {
  return asset.picUrl ? <Image src={asset.picUrl} width={28} height={28} preview={false} style={{ objectFit: 'cover', borderRadius: 4 }} /> : null;
}

function useOptions(kind: 'image' | 'video') {
  const library = useMediaLibrary();
  const items = (library.data?.items ?? []).filter((m) => m.kind === kind);
  const options = items.map((m) => ({ value: m.id, label: m.filename }));
  return { options, assets: new Map(items.map((m) => [m.id, m])), loading: library.isLoading };
}

/** An option: the image's thumbnail and the file's name. */
function Option({ id, assets }: { id: number; assets: Map<number, MediaAsset> }) {
  const asset = assets.get(id);
  return asset ? <Flex gap={8} align="center"><Thumb asset={asset} />{asset.filename}</Flex> : null;
}

function UploadButton({ kind, onUploaded }: { kind: 'image' | 'video'; onUploaded: (m: MediaAsset) => void }) {
  const { t } = useTranslation('moments');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  return (
    <Upload
      accept={kind === 'image' ? 'image/png,image/jpeg' : 'video/mp4'}
      showUploadList={false}
      customRequest={async ({ file }) => {
        setBusy(true);
        try {
          const f = file as File;
          const m = await uploadFile<MediaAsset>('/media', f, { kind, filename: f.name });
          await queryClient.invalidateQueries({ queryKey: ['media'] });
          onUploaded(m);
          void message.success(t('upload.uploaded'));
        } catch (err) {
          void message.error(err instanceof ApiError ? err.message : String(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Button icon={<UploadOutlined />} loading={busy} data-testid={`moment-upload-${kind}`}>{t('upload.upload')}</Button>
    </Upload>
  );
}

/** Several files of one kind (images: up to `max`). */
export function MediaMultiPicker({ kind, value, onChange, placeholder, testId, max }: Props<number[]> & { max: number }) {
  const { options, assets, loading } = useOptions(kind);
  const selected = value ?? [];
  return (
    <Flex gap={8} align="start">
      <Select<number[]>
        mode="multiple"
        allowClear
        value={selected}
        onChange={(next) => onChange?.((next ?? []).slice(0, max))}
        options={options}
        optionRender={(o) => <Option id={Number(o.value)} assets={assets} />}
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={placeholder}
        loading={loading}
        style={{ flex: 1, minWidth: 0 }}
        data-testid={testId}
      />
      <UploadButton kind={kind} onUploaded={(m) => onChange?.([...selected, m.id].slice(0, max))} />
    </Flex>
  );
}

/** One file of a kind. */
export function MediaPicker({ kind, value, onChange, placeholder, testId }: Props<number | undefined>) {
  const { options, assets, loading } = useOptions(kind);
  return (
    <Flex gap={8} align="start">
      <Select<number>
        allowClear
        value={value}
        onChange={(next) => onChange?.(next ?? undefined)}
        options={options}
        optionRender={(o) => <Option id={Number(o.value)} assets={assets} />}
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={placeholder}
        loading={loading}
        style={{ flex: 1, minWidth: 0 }}
        data-testid={testId}
      />
      <UploadButton kind={kind} onUploaded={(m) => onChange?.(m.id)} />
    </Flex>
  );
}
