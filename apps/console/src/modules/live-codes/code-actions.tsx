// Printable assets and the landing link of one code: plain links the browser downloads with the
// session cookie, and a copy button for the URL the printed QR encodes.
import { DownloadOutlined, LinkOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Tooltip } from 'antd';
import type { MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { copyText } from '../../lib/clipboard';
import { links, QR_PRINT_PX, type LiveCode } from './hooks';

export function DownloadMenu({ code, label = false }: { code: Pick<LiveCode, 'id'>; label?: boolean }) {
  const { t } = useTranslation('liveCodes');
  const items: MenuProps['items'] = [
    { key: 'png', label: <a href={links.qrPng(code.id, QR_PRINT_PX)} download>{t('download.qrPng')}</a> },
    { key: 'png-small', label: <a href={links.qrPng(code.id, 430)} download>{t('download.qrPngSmall')}</a> },
    { key: 'svg', label: <a href={links.qrSvg(code.id, 80)} download>{t('download.qrSvg')}</a> },
    { key: 'poster', label: <a href={links.poster(code.id)} download>{t('download.poster')}</a> },
  ];
  return (
    <Dropdown menu={{ items }} trigger={['click']}>
      {label ? (
        <Button icon={<DownloadOutlined />} data-testid="live-code-download">
          {t('download.title')}
        </Button>
      ) : (
        <Tooltip title={t('download.title')}>
          <Button type="text" size="small" icon={<DownloadOutlined />} aria-label={t('download.title')} data-testid="live-code-download" />
        </Tooltip>
      )}
    </Dropdown>
  );
}

export function CopyLinkButton({ url, label = false }: { url: string; label?: boolean }) {
  const { t } = useTranslation('liveCodes');
  const { message } = App.useApp();
  const copy = async () => {
    if (await copyText(url)) void message.success(t('linkCopied'));
    else void message.error(t('copyFailed'));
  };
  return label ? (
    <Button icon={<LinkOutlined />} onClick={() => void copy()} data-testid="live-code-copy">
      {t('copyLink')}
    </Button>
  ) : (
    <Tooltip title={t('copyLink')}>
      <Button type="text" size="small" icon={<LinkOutlined />} aria-label={t('copyLink')} onClick={() => void copy()} data-testid="live-code-copy" />
    </Tooltip>
  );
}
