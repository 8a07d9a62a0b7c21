// Uploads a file to WeCom through Pond and hands back what a message needs: an image's permanent
// pic_url, or a video's/file's media_id (Pond re-uploads it before WeCom's 3 days run out).
import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, uploadFile } from '../../api/client';
import type { MediaAsset as UploadedMedia } from '@pond/contracts/media';

export function MediaUpload({ kind, onUploaded }: { kind: 'image' | 'video' | 'file'; onUploaded: (m: UploadedMedia) => void }) {
  const { t } = useTranslation('welcome');
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const accept = kind === 'image' ? 'image/png,image/jpeg' : kind === 'video' ? 'video/mp4' : undefined;
  return (
    <Upload
      accept={accept}
      showUploadList={false}
      customRequest={async ({ file }) => {
        setBusy(true);
        try {
          const f = file as File;
          const m = await uploadFile<UploadedMedia>('/media', f, { kind, filename: f.name });
          onUploaded(m);
          message.success(t('attachments.uploaded'));
        } catch (err) {
          message.error(err instanceof ApiError ? err.message : String(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Button icon={<UploadOutlined />} loading={busy} size="small" data-testid={`upload-${kind}`}>{t('attachments.upload')}</Button>
    </Upload>
  );
}
