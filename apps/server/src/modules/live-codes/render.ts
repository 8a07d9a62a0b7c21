// Print files for a live code: the QR as SVG (sized in mm) and PNG (300 dpi), and a 9:16 poster.
// Pure functions of their input — no database, no HTTP — so routes only stream the result.
// The poster is laid out by satori (plain `{ type, props }` trees, no JSX) and rasterised by resvg;
// text is Noto Sans SC, read from disk once per process because the CJK fonts are ~10 MB each.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import satori from 'satori';
import { Resvg } from '@resvg/resvg-js';

export type QrEcc = 'M' | 'Q' | 'H';

export interface QrSvgOptions {
  /** Printed width and height in millimetres, quiet zone included. */
  sizeMm?: number;
  /** Quiet zone in modules; scanners need 4. */
  marginModules?: number;
  ecc?: QrEcc;
}

export interface QrPngOptions {
  /** Width and height in pixels, quiet zone included; 1181 px is 10 cm at 300 dpi. */
  sizePx?: number;
  marginModules?: number;
  ecc?: QrEcc;
}

export interface PosterSpec {
  qrText: string;
  title: string;
  subtitle?: string;
  body?: string;
  staffName?: string;
  /** http(s) or data: URL; a picture that cannot be loaded is left out, the poster still renders. */
  staffAvatarUrl?: string;
  hint?: string;
  /** Colours as hex (#RGB or #RRGGBB). */
  background?: string;
  accent?: string;
  textColor?: string;
  brand?: string;
}

export const POSTER_WIDTH = 1080;
export const POSTER_HEIGHT = 1920;
export const POSTER_DEFAULTS = {
  hint: '长按识别二维码 / Long-press to scan',
  background: '#0E4D64',
  accent: '#F6C445',
  textColor: '#FFFFFF',
} as const;

const PRINT_DPI = 300;

function qrMatrix(text: string, ecc: QrEcc = 'M'): { size: number; dark: (row: number, col: number) => boolean } {
  if (!text) throw new Error('QR text is empty: pass the landing URL the code should open');
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ecc });
  return { size: modules.size, dark: (row, col) => modules.get(row, col) === 1 };
}

function checkMargin(margin: number): number {
  if (!Number.isInteger(margin) || margin < 0) throw new Error(`marginModules must be a whole number ≥ 0, got ${margin}`);
  return margin;
}

export function renderQrSvg(text: string, opts: QrSvgOptions = {}): string {
  const sizeMm = opts.sizeMm ?? 80;
  if (!(sizeMm > 0)) throw new Error(`sizeMm must be positive, got ${sizeMm}`);
  const margin = checkMargin(opts.marginModules ?? 4);
  const { size, dark } = qrMatrix(text, opts.ecc);
  const total = size + 2 * margin;
  // One path of horizontal runs keeps the file small and leaves no hairline seams between modules.
  let d = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; ) {
      if (!dark(row, col)) { col++; continue; }
      const start = col;
      while (col < size && dark(row, col)) col++;
      d += `M${start + margin} ${row + margin}h${col - start}v1h${start - col}z`;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${sizeMm}mm" height="${sizeMm}mm" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges">`
    + `<rect width="${total}" height="${total}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** 8-bit greyscale PNG of the matrix scaled to exactly `sizePx`, modules differing by at most 1 px. */
function encodeQrPng(size: number, dark: (row: number, col: number) => boolean, margin: number, sizePx: number): Buffer {
  const total = size + 2 * margin;
  const line = Buffer.alloc(sizePx);
  const raw = Buffer.alloc((sizePx + 1) * sizePx);
  const moduleOf = (px: number) => Math.floor((px * total) / sizePx) - margin;
  let lastRow = Number.NaN;
  for (let y = 0; y < sizePx; y++) {
    const row = moduleOf(y);
    if (row !== lastRow) {
      for (let x = 0; x < sizePx; x++) {
        const col = moduleOf(x);
        line[x] = row >= 0 && row < size && col >= 0 && col < size && dark(row, col) ? 0 : 255;
      }
      lastRow = row;
    }
    raw[y * (sizePx + 1)] = 0; // filter type: none
    line.copy(raw, y * (sizePx + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(sizePx, 0);
  ihdr.writeUInt32BE(sizePx, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter, no interlace
  const phys = Buffer.alloc(9);
  const perMetre = Math.round(PRINT_DPI / 0.0254);
  phys.writeUInt32BE(perMetre, 0);
  phys.writeUInt32BE(perMetre, 4);
  phys[8] = 1; // unit: metre
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('pHYs', phys),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Asynchronous like the poster: a bad size or text is a rejection, not a throw. */
export function renderQrPng(text: string, opts: QrPngOptions = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const sizePx = opts.sizePx ?? 1181;
    const margin = checkMargin(opts.marginModules ?? 4);
    const { size, dark } = qrMatrix(text, opts.ecc);
    if (!Number.isInteger(sizePx) || sizePx < size + 2 * margin) {
      throw new Error(`sizePx must be a whole number ≥ ${size + 2 * margin} (one pixel per module), got ${sizePx}`);
    }
    resolve(encodeQrPng(size, dark, margin, sizePx));
  });
}

// ---- poster ----

type SatoriElement = Parameters<typeof satori>[0];
type Style = Record<string, string | number>;
interface Node { type: string; props: { style?: Style; children?: Child | Child[]; src?: string; width?: number; height?: number } }
type Child = Node | string | null;

const el = (type: string, style: Style, children?: Child | Child[]): Node => ({ type, props: { style, children } });
const img = (src: string, width: number, height: number, style: Style = {}): Node =>
  ({ type: 'img', props: { src, width, height, style: { width, height, ...style } } });

type SatoriFont = { name: string; data: Buffer; weight: 400 | 700; style: 'normal' };
let fonts: SatoriFont[] | undefined;

/** Satori caches parsed fonts by the identity of this array, so it must be the same array every call. */
function posterFonts(): SatoriFont[] {
  if (!fonts) {
    const pkg = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json');
    const dir = dirname(pkg);
    fonts = [
      { name: 'Noto Sans SC', data: readFileSync(join(dir, '400Regular/NotoSansSC_400Regular.ttf')), weight: 400, style: 'normal' },
      { name: 'Noto Sans SC', data: readFileSync(join(dir, '700Bold/NotoSansSC_700Bold.ttf')), weight: 700, style: 'normal' },
    ];
  }
  return fonts;
}

const AVATAR_TIMEOUT_MS = 3000;
const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

function imageMime(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  return undefined;
}

/** The avatar as a PNG/JPEG data: URL, or undefined when it cannot be fetched or is not a picture. */
async function loadAvatar(url: string | undefined): Promise<string | undefined> {
  if (!url) return undefined;
  try {
    let bytes: Buffer;
    if (url.startsWith('data:')) {
      const m = /^data:[^;,]*;base64,(.*)$/s.exec(url);
      if (!m) return undefined;
      bytes = Buffer.from(m[1], 'base64');
    } else if (/^https?:\/\//i.test(url)) {
      const res = await fetch(url, { signal: AbortSignal.timeout(AVATAR_TIMEOUT_MS) });
      if (!res.ok || Number(res.headers.get('content-length') ?? 0) > AVATAR_MAX_BYTES) return undefined;
      bytes = Buffer.from(await res.arrayBuffer());
    } else {
      return undefined;
    }
    const mime = bytes.length <= AVATAR_MAX_BYTES ? imageMime(bytes) : undefined;
    return mime ? `data:${mime};base64,${bytes.toString('base64')}` : undefined;
  } catch {
    return undefined;
  }
}

/** #RGB or #RRGGBB → #RRGGBB; undefined for anything else. */
export function normalizeHex(color: string | undefined): string | undefined {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color?.trim() ?? '');
  if (!m) return undefined;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return `#${hex.toUpperCase()}`;
}

function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const PAD = 88;
const QR_TARGET_PX = 600;
const QR_MIN_PX = Math.ceil(POSTER_WIDTH * 0.4);
const QR_MARGIN = 4;
const PANEL_PAD = 36;

/**
 * Displayed QR size, quiet zone included: a whole number of pixels per module so the code stays crisp
 * (resvg would otherwise resample it), near 600 px, and the code itself at least 40% of the width.
 */
function posterQrSize(modules: number, margin: number): number {
  const total = modules + 2 * margin;
  return total * Math.max(Math.floor(QR_TARGET_PX / total), Math.ceil(QR_MIN_PX / modules));
}

function titleFontSize(title: string): number {
  const n = [...title].length;
  return n <= 8 ? 104 : n <= 12 ? 88 : n <= 16 ? 76 : 64;
}

function posterTree(spec: PosterSpec, qrDataUrl: string, qrPx: number, avatar: string | undefined): Node {
  const background = normalizeHex(spec.background) ?? POSTER_DEFAULTS.background;
  const accent = normalizeHex(spec.accent) ?? POSTER_DEFAULTS.accent;
  const text = normalizeHex(spec.textColor) ?? POSTER_DEFAULTS.textColor;
  const hint = spec.hint?.trim() || POSTER_DEFAULTS.hint;
  const clamp = (lines: number): Style => ({ display: 'block', lineClamp: lines, overflow: 'hidden' });
  const titleSize = titleFontSize(spec.title);

  // Decorative ripples sit in the top corner, away from the QR zone, and are painted first (underneath).
  const ripples = [560, 400, 240].map((d, i) => el('div', {
    position: 'absolute', top: -d / 2 + 60, right: -d / 2 + 60, width: d, height: d, borderRadius: d,
    border: `${6 - i}px solid ${withAlpha(accent, 0.2 + 0.15 * i)}`,
  }));

  const header = el('div', { display: 'flex', flexDirection: 'column', flexShrink: 1, overflow: 'hidden' }, [
    spec.brand?.trim() ? el('div', { fontSize: 34, fontWeight: 700, letterSpacing: 4, color: text, opacity: 0.8, marginBottom: 36, ...clamp(1) }, spec.brand.trim()) : null,
    el('div', { fontSize: titleSize, fontWeight: 700, lineHeight: 1.2, color: text, ...clamp(2) }, spec.title),
    el('div', { width: 120, height: 12, borderRadius: 6, backgroundColor: accent, marginTop: 36, marginBottom: 8 }),
    spec.subtitle?.trim() ? el('div', { fontSize: 46, lineHeight: 1.4, color: text, marginTop: 28, ...clamp(2) }, spec.subtitle.trim()) : null,
    spec.body?.trim() ? el('div', { fontSize: 34, lineHeight: 1.55, color: text, opacity: 0.9, marginTop: 24, ...clamp(3) }, spec.body.trim()) : null,
  ]);

  // The QR's own clear zone: a white panel that never shrinks; the PNG already carries a 4-module quiet zone.
  const qrZone = el('div', { display: 'flex', flexGrow: 1, flexShrink: 0, alignItems: 'center', justifyContent: 'center', paddingTop: 32, paddingBottom: 32 }, [
    el('div', {
      display: 'flex', padding: PANEL_PAD, borderRadius: 44, backgroundColor: '#FFFFFF', border: `10px solid ${accent}`,
    }, [img(qrDataUrl, qrPx, qrPx)]),
  ]);

  const staffName = spec.staffName?.trim();
  const staff = staffName || avatar
    ? el('div', { display: 'flex', alignItems: 'center', justifyContent: 'center', marginBottom: 32 }, [
      avatar ? img(avatar, 112, 112, { boxSizing: 'border-box', borderRadius: 56, border: `5px solid ${accent}`, objectFit: 'cover', marginRight: staffName ? 28 : 0 }) : null,
      staffName ? el('div', { fontSize: 44, fontWeight: 700, color: text, maxWidth: 760, ...clamp(1) }, staffName) : null,
    ])
    : null;

  const footer = el('div', { display: 'flex', flexDirection: 'column', alignItems: 'center', flexShrink: 0 }, [
    staff,
    el('div', {
      display: 'flex', boxSizing: 'border-box', fontSize: 34, lineHeight: 1.5, color: text, padding: '14px 40px', borderRadius: 48,
      border: `3px solid ${accent}`, maxWidth: POSTER_WIDTH - 2 * PAD,
    }, el('div', { textAlign: 'center', ...clamp(2) }, hint)),
  ]);

  return el('div', {
    display: 'flex', flexDirection: 'column', position: 'relative', overflow: 'hidden', boxSizing: 'border-box',
    width: POSTER_WIDTH, height: POSTER_HEIGHT, padding: `${PAD + 24}px ${PAD}px ${PAD}px`,
    backgroundColor: background, fontFamily: 'Noto Sans SC',
  }, [...ripples, header, qrZone, footer]);
}

async function rasterise(tree: Node): Promise<Buffer> {
  const svg = await satori(tree as unknown as SatoriElement, { width: POSTER_WIDTH, height: POSTER_HEIGHT, fonts: posterFonts() });
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: POSTER_WIDTH }, font: { loadSystemFonts: false } });
  return Buffer.from(resvg.render().asPng());
}

/** A 1080×1920 PNG poster: title and copy on top, the QR in a white clear zone, staff and hint below. */
export async function renderPoster(spec: PosterSpec): Promise<Buffer> {
  const { size } = qrMatrix(spec.qrText);
  const qrPx = posterQrSize(size, QR_MARGIN);
  const [qrPng, avatar] = await Promise.all([renderQrPng(spec.qrText, { sizePx: qrPx, marginModules: QR_MARGIN }), loadAvatar(spec.staffAvatarUrl)]);
  const qrDataUrl = `data:image/png;base64,${qrPng.toString('base64')}`;
  try {
    return await rasterise(posterTree(spec, qrDataUrl, qrPx, avatar));
  } catch (err) {
    // A picture that passed the magic-byte check can still be corrupt; the poster matters more than the face.
    if (!avatar) throw err;
    return rasterise(posterTree(spec, qrDataUrl, qrPx, undefined));
  }
}
