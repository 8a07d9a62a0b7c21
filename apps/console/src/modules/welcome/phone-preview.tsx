// What the customer sees in WeChat right after adding: the text, then each attachment as its own
// message (WeCom sends them separately), rendered from the server's preview.
import { AppstoreOutlined, FileOutlined, LinkOutlined, PictureOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Avatar, Flex, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Attachment, WelcomePreview } from './hooks';

interface Props {
  preview: WelcomePreview | undefined;
  loading: boolean;
  error: Error | null;
  staffName?: string;
}

export function PhonePreview({ preview, loading, error, staffName }: Props) {
  const { t } = useTranslation('welcome');
  const name = staffName || preview?.vars.staff || t('preview.staff');
  return (
    <div className="pond-phone" data-testid="welcome-preview">
      <div className="pond-phone-bar">
        <span>{name}</span>
        {loading ? <Spin size="small" /> : null}
      </div>
      <div className="pond-phone-body">
        {error ? <Alert type="warning" showIcon title={t('preview.invalid')} description={error.message} /> : null}
        {!error && preview ? (
          <>
            <Typography.Text type="secondary" className="pond-phone-system">
              {t('preview.added', { nickname: preview.vars.nickname })}
            </Typography.Text>
            {preview.text ? (
              <Bubble name={name}>
                <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="welcome-preview-text">
                  {preview.text}
                </span>
              </Bubble>
            ) : null}
            {preview.attachments.map((a, i) => (
              <Bubble key={i} name={name} plain>
                <AttachmentView attachment={a} />
              </Bubble>
            ))}
            {preview.truncated ? <Alert type="warning" showIcon title={t('preview.truncated')} /> : null}
          </>
        ) : null}
      </div>
      {preview ? (
        <Typography.Text type="secondary" className="pond-phone-foot">
          {t('preview.bytes', { n: preview.bytes })} · {t('preview.sample', { nickname: preview.vars.nickname ?? '', channel: preview.vars.channel ?? '', store: preview.vars.store ?? '' })}
        </Typography.Text>
      ) : null}
    </div>
  );
}

function Bubble({ name, plain, children }: { name: string; plain?: boolean; children: React.ReactNode }) {
  return (
    <Flex gap={8} align="flex-start">
      <Avatar size={32} style={{ backgroundColor: '#1677ff', flex: 'none' }}>
        {name.slice(0, 1)}
      </Avatar>
      <div className={plain ? 'pond-bubble pond-bubble-plain' : 'pond-bubble'}>{children}</div>
    </Flex>
  );
}

function AttachmentView({ attachment: a }: { attachment: Attachment }) {
  const { t } = useTranslation('welcome');
  switch (a.msgtype) {
    case 'image':
      return a.image?.pic_url ? (
        <img src={a.image.pic_url} alt="" style={{ maxWidth: 160, maxHeight: 200, display: 'block', borderRadius: 4 }} />
      ) : (
        <Placeholder icon={<PictureOutlined />} text={`${t('attachments.types.image')} · ${a.image?.media_id ?? ''}`} />
      );
    case 'link':
    case 'coupon': {
      const link = a.link ?? a.coupon ?? {};
      return (
        <div className="pond-card-msg">
          <Typography.Text strong ellipsis={{ tooltip: link.title }} style={{ display: 'block' }}>
            {link.title}
          </Typography.Text>
          <Flex gap={8} justify="space-between" style={{ marginTop: 4 }}>
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 3 }} style={{ fontSize: 12, margin: 0, flex: 1 }}>
              {link.desc || link.url}
            </Typography.Paragraph>
            {link.picurl ? (
              <img src={link.picurl} alt="" style={{ width: 44, height: 44, objectFit: 'cover', borderRadius: 2, flex: 'none' }} />
            ) : (
              <LinkOutlined style={{ fontSize: 28, color: '#bfbfbf' }} />
            )}
          </Flex>
        </div>
      );
    }
    case 'miniprogram':
      return (
        <div className="pond-card-msg">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <AppstoreOutlined /> {t('attachments.types.miniprogram')}
          </Typography.Text>
          <Typography.Text strong style={{ display: 'block' }}>
            {a.miniprogram?.title}
          </Typography.Text>
          <div className="pond-card-thumb">{a.miniprogram?.appid}</div>
        </div>
      );
    case 'video':
      return <Placeholder icon={<PlayCircleOutlined />} text={`${t('attachments.types.video')} · ${a.video?.media_id ?? ''}`} />;
    default:
      return <Placeholder icon={<FileOutlined />} text={`${t('attachments.types.file')} · ${a.file?.media_id ?? ''}`} />;
  }
}

function Placeholder({ icon, text }: { icon: React.ReactNode; text: string }) {
  return (
    <Flex vertical align="center" justify="center" gap={4} className="pond-card-thumb" style={{ width: 160, height: 100 }}>
      <span style={{ fontSize: 24 }}>{icon}</span>
      <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, maxWidth: 150 }}>
        {text}
      </Typography.Text>
    </Flex>
  );
}
