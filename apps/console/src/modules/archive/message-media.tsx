// The file of an archived message (image, sticker, voice, video, file) in the message list: what it is in words
// (type, file name, duration, size: shown, and read by screen readers, whatever the file's state), then the file
// itself once it is downloaded — a thumbnail that opens a preview, a player, a download — or why it is not there.
//
// The console signs in with a same-origin httpOnly session cookie (api/client.ts), which <img>, <audio>, <video> and
// download links send by themselves: they load GET /api/archive/messages/:id/media directly. No credentials go into
// a URL, players can seek (ranges), and the server checks on every use that the caller may still see the message (it
// answers `private, no-cache` with an ETag: a 304 when nothing changed).
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { Flex, Image, Tag, Tooltip, Typography, theme } from 'antd';
import {
  AudioOutlined, ClockCircleOutlined, DownloadOutlined, ExclamationCircleOutlined, FileExcelOutlined, FileImageOutlined, FileOutlined,
  FilePdfOutlined, FilePptOutlined, FileTextOutlined, FileWordOutlined, FileZipOutlined, PictureOutlined, SmileOutlined, VideoCameraOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ARCHIVE_INLINE_IMAGE_TYPES, ARCHIVE_MEDIA_LIMITS, ARCHIVE_MEDIA_TYPES, type ArchiveMediaType } from '@pond/contracts/archive';
import { apiUrl } from '../../api/client';
import { formatBytes } from '../../lib/format';
import type { Message } from './hooks';

type T = TFunction<'archive'>;

export const isMediaMessage = (m: Message): boolean => (ARCHIVE_MEDIA_TYPES as readonly string[]).includes(m.type);

/** Where the browser loads a message's file. */
export const mediaUrl = (id: number): string => apiUrl(`/archive/messages/${id}/media`);


const positive = (v: unknown): number | null => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
};

function formatSeconds(s: number, t: T): string {
  if (s < 60) return t('media.seconds', { n: Math.round(s) });
  return `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

/** The file's name: as downloaded, else as the message said. */
function fileName(m: Message): string | null {
  return m.media?.filename || (typeof m.payload.filename === 'string' && m.payload.filename) || null;
}

/** A format's short name for people: "AMR", "MP4", "PDF". */
function formatName(contentType: string | null | undefined, name?: string | null): string {
  const sub = contentType?.split('/')[1]?.split(/[;+]/)[0];
  const ext = name?.includes('.') ? name.split('.').pop() : undefined;
  return (sub && sub !== 'octet-stream' ? sub : ext ?? sub ?? '?').toUpperCase();
}

/** What a media message is, in words: "文件 · 价目表.pdf · 1.2 MB", "语音 · 12 秒", "图片 · 24 KB". */
export function describeMedia(m: Message, t: T): string {
  const size = m.media?.size ?? positive(m.payload.filesize ?? m.payload.voice_size ?? m.payload.imagesize);
  const length = positive(m.payload.play_length);
  const parts: string[] = [t(`types.${m.type}`)];
  if (m.type === 'file') parts.push(fileName(m) ?? t('media.unnamed'));
  if (length && (m.type === 'voice' || m.type === 'video')) parts.push(formatSeconds(length, t));
  if (size) parts.push(formatBytes(size));
  return parts.join(' · ');
}

function FileIcon({ name }: { name: string | null }) {
  const ext = name?.split('.').pop()?.toLowerCase() ?? '';
  if (ext === 'pdf') return <FilePdfOutlined />;
  if (['doc', 'docx', 'wps'].includes(ext)) return <FileWordOutlined />;
  if (['xls', 'xlsx', 'csv', 'et'].includes(ext)) return <FileExcelOutlined />;
  if (['ppt', 'pptx', 'dps'].includes(ext)) return <FilePptOutlined />;
  if (['zip', 'rar', '7z', 'gz', 'tar'].includes(ext)) return <FileZipOutlined />;
  if (['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'heic'].includes(ext)) return <FileImageOutlined />;
  if (['txt', 'md', 'log'].includes(ext)) return <FileTextOutlined />;
  return <FileOutlined />;
}

function TypeIcon({ m }: { m: Message }) {
  switch (m.type) {
    case 'image': return <PictureOutlined />;
    case 'emotion': return <SmileOutlined />;
    case 'voice': return <AudioOutlined />;
    case 'video': return <VideoCameraOutlined />;
    default: return <FileIcon name={fileName(m)} />;
  }
}

/** True once the element is near the viewport (300 px ahead): files load only where the list is read. */
function useNearViewport<E extends Element>(): [RefObject<E | null>, boolean] {
  const ref = useRef<E>(null);
  const [near, setNear] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const el = ref.current;
    if (near || !el) return;
    const io = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) setNear(true); }, { rootMargin: '300px' });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);
  return [ref, near];
}

/** Can this browser play the type? (No browser plays WeCom's AMR voice.) */
function canPlay(kind: 'audio' | 'video', contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  try {
    return document.createElement(kind).canPlayType(contentType) !== '';
  } catch {
    return false;
  }
}

function Note({ status, icon, children }: { status: string; icon: ReactNode; children: ReactNode }) {
  return (
    <Typography.Text type={status === 'pending' || status === 'unplayable' ? 'secondary' : 'warning'} data-testid="archive-media-state" data-status={status}>
      <span aria-hidden>{icon}</span> {children}
    </Typography.Text>
  );
}

/** Why there is no file to show: the server's state of the download (pending, failed, too large, none). */
function Unavailable({ m }: { m: Message }) {
  const { t } = useTranslation('archive');
  const status = m.media?.status ?? 'none';
  const limit = formatBytes(ARCHIVE_MEDIA_LIMITS[m.type as ArchiveMediaType] ?? ARCHIVE_MEDIA_LIMITS.file);
  const text = status === 'pending' ? t('media.pending')
    : status === 'failed' ? t('media.failed')
      : status === 'too_large' ? t('media.tooLarge', { limit })
        : status === 'none' ? t('media.none')
          : t('media.unknown', { status });
  return <Note status={status} icon={status === 'pending' ? <ClockCircleOutlined /> : <ExclamationCircleOutlined />}>{text}</Note>;
}

function DownloadLink({ m, what }: { m: Message; what: string }) {
  const { t } = useTranslation('archive');
  // The server names the file (Content-Disposition: the original name, or e.g. voice-12.amr); `download` keeps a
  // click from opening it in place.
  return (
    <a href={mediaUrl(m.id)} download={fileName(m) ?? ''} aria-label={t('media.downloadNamed', { what })} data-testid="archive-media-download">
      <DownloadOutlined aria-hidden /> {t('media.download')}
    </a>
  );
}

function Thumbnail({ m, alt, max }: { m: Message; alt: string; max: number }) {
  const { t } = useTranslation('archive');
  const { token } = theme.useToken();
  const [ref, near] = useNearViewport<HTMLDivElement>();
  const [broken, setBroken] = useState(false);
  if (broken) return <Note status="error" icon={<ExclamationCircleOutlined />}>{t('media.loadError')}</Note>;
  return (
    <div ref={ref} data-testid="archive-image" style={{ lineHeight: 0 }}>
      {near
        ? (
          <Image
            src={mediaUrl(m.id)} alt={alt} loading="lazy" decoding="async" onError={() => setBroken(true)}
            style={{ width: 'auto', height: 'auto', maxWidth: max, maxHeight: max, objectFit: 'contain', borderRadius: token.borderRadiusSM, border: `1px solid ${token.colorBorderSecondary}` }}
          />
        )
        : <div aria-hidden style={{ width: 96, height: 72, background: token.colorFillTertiary, borderRadius: token.borderRadiusSM }} />}
    </div>
  );
}

function Player({ m, kind, what }: { m: Message; kind: 'audio' | 'video'; what: string }) {
  const { t } = useTranslation('archive');
  const [ref, near] = useNearViewport<HTMLDivElement>();
  const [failed, setFailed] = useState(false);
  const type = m.media?.contentType;
  if (failed || !canPlay(kind, type)) {
    const format = formatName(type);
    return <Note status="unplayable" icon={kind === 'audio' ? <AudioOutlined /> : <VideoCameraOutlined />}>{t(kind === 'audio' ? 'media.cannotPlay' : 'media.cannotPlayVideo', { format })}</Note>;
  }
  return (
    <div ref={ref}>
      {near && (kind === 'audio'
        ? <audio controls preload="none" src={mediaUrl(m.id)} aria-label={what} data-testid="archive-audio" onError={() => setFailed(true)} style={{ height: 36, maxWidth: 320 }} />
        : <video controls preload="metadata" src={mediaUrl(m.id)} aria-label={what} data-testid="archive-video" onError={() => setFailed(true)} style={{ display: 'block', maxWidth: 320, maxHeight: 240, background: '#000' }} />)}
    </div>
  );
}

/** The file of a message of a media type (isMediaMessage): its description, then the file or its state. */
export function MessageMedia({ m }: { m: Message }) {
  const { t } = useTranslation('archive');
  const what = describeMedia(m, t);
  const stored = m.media?.status === 'stored';
  const type = m.media?.contentType ?? null;
  let content: ReactNode = null;
  if (!stored) content = <Unavailable m={m} />;
  else if (m.type === 'image' || m.type === 'emotion') {
    content = type && ARCHIVE_INLINE_IMAGE_TYPES.includes(type)
      ? <Thumbnail m={m} alt={t('media.imageAlt', { sender: m.senderName || m.sender, what })} max={m.type === 'emotion' ? 120 : 240} />
      : <Note status="unplayable" icon={<PictureOutlined />}>{t('media.noPreview', { format: formatName(type) })}</Note>;
  } else if (m.type === 'voice') content = <Player m={m} kind="audio" what={what} />;
  else if (m.type === 'video') content = <Player m={m} kind="video" what={what} />;
  return (
    <Flex vertical gap={6} align="flex-start" data-testid="archive-media" data-message-id={m.id} data-type={m.type} data-status={m.media?.status ?? 'none'}>
      <Flex gap={8} wrap align="center">
        <Typography.Text data-testid="archive-media-caption"><span aria-hidden><TypeIcon m={m} /></span> {what}</Typography.Text>
        {m.media?.qr && <Tooltip title={m.media.qr}><Tag color="red">{t('media.qr')}</Tag></Tooltip>}
        {stored && <DownloadLink m={m} what={what} />}
      </Flex>
      {content}
    </Flex>
  );
}
