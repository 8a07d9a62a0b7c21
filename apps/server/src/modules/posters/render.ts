// Drawing a poster design: satori lays out plain `{ type, props }` trees (no JSX), resvg rasterises them.
// Pure functions of their input (the background picture comes in as bytes), so the service caches and the
// checker re-draws freely. Text is Noto Sans SC, read from disk once per process (the CJK fonts are ~10 MB each).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import satori from 'satori';
import { renderAsync } from '@resvg/resvg-js';
import { POSTER_CANVASES, POSTER_DPI, type PosterDesign, type PosterElement } from '@pond/contracts/posters';
import { qrModules, renderQrPng } from '../live-codes';

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
export function posterFonts(): SatoriFont[] {
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

export function imageMime(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  return undefined;
}

export const dataUrl = (bytes: Buffer): string | undefined => {
  const mime = imageMime(bytes);
  return mime ? `data:${mime};base64,${bytes.toString('base64')}` : undefined;
};

/** The avatar as a PNG/JPEG data: URL, or undefined when it cannot be fetched or is not a picture (the poster still renders). */
export async function loadAvatar(url: string | undefined): Promise<string | undefined> {
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
    return bytes.length <= AVATAR_MAX_BYTES ? dataUrl(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/** What a design is drawn with for one participant. */
export interface DrawInput {
  design: PosterDesign;
  qrText: string;
  /** Placeholder values: nickname, staff_name, store, corp. */
  texts: Record<string, string>;
  /** data: URLs, already loaded. */
  avatar?: string;
  background?: string;
}

export interface Drawn { png: Buffer; width: number; height: number; pixels: Buffer }

const LINE_HEIGHT = 1.3;

/** `{nickname}` etc. replaced; unknown or empty values become ''. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-z_]+)\}/g, (_, k: string) => values[k] ?? '');
}

/** The text an element shows for these values (nickname elements show the nickname). */
export function elementText(e: PosterElement, values: Record<string, string>): string | null {
  if (e.type === 'text') return fillPlaceholders(e.text, values);
  if (e.type === 'nickname') return values.nickname ?? '';
  return null;
}

/** Width of a text as drawn, estimated: a CJK character is one em, a Latin letter or digit about half. */
export function textWidth(text: string, fontSize: number): number {
  let w = 0;
  for (const ch of text) w += ch === ' ' ? 0.3 : ch.codePointAt(0)! < 0x2e80 ? 0.56 : 1;
  return w * fontSize;
}

/** The element's box on the canvas (a text's height by its estimated line count). */
export function elementBox(e: PosterElement, values: Record<string, string>): { x: number; y: number; w: number; h: number } {
  switch (e.type) {
    case 'text': case 'nickname': {
      const text = elementText(e, values) ?? '';
      const lines = Math.max(1, Math.min(e.maxLines, Math.ceil(textWidth(text, e.fontSize) / e.width)));
      return { x: e.x, y: e.y, w: e.width, h: Math.ceil(lines * e.fontSize * LINE_HEIGHT) };
    }
    case 'avatar': case 'qr': return { x: e.x, y: e.y, w: e.size, h: e.size };
    case 'shape': return { x: e.x, y: e.y, w: e.width, h: e.height };
  }
}

function elementNode(e: PosterElement, input: DrawInput, qrDataUrl: string): Node | null {
  const at: Style = { position: 'absolute', left: e.x, top: e.y };
  switch (e.type) {
    case 'text': case 'nickname': {
      const text = elementText(e, input.texts) ?? '';
      if (!text) return null;
      return el('div', {
        ...at, width: e.width, display: 'block', fontSize: e.fontSize, lineHeight: LINE_HEIGHT, color: e.color,
        fontWeight: e.weight === 'bold' ? 700 : 400, textAlign: e.align, lineClamp: e.maxLines, overflow: 'hidden',
      }, text);
    }
    case 'avatar':
      return input.avatar
        ? img(input.avatar, e.size, e.size, { ...at, objectFit: 'cover', borderRadius: e.round ? e.size / 2 : 0 })
        : el('div', { ...at, width: e.size, height: e.size, borderRadius: e.round ? e.size / 2 : 0, backgroundColor: '#D9D9D9' });
    case 'qr':
      return img(qrDataUrl, e.size, e.size, at);
    case 'shape':
      return el('div', { ...at, width: e.width, height: e.height, backgroundColor: e.color, borderRadius: e.radius });
  }
}

function pngWithDpi(png: Buffer): Buffer {
  // resvg writes no pHYs; print shops read it: insert one (300 dpi) right after IHDR (8-byte signature + 25-byte IHDR chunk).
  const phys = Buffer.alloc(21);
  phys.writeUInt32BE(9, 0);
  phys.write('pHYs', 4, 'latin1');
  const perMetre = Math.round(POSTER_DPI / 0.0254);
  phys.writeUInt32BE(perMetre, 8);
  phys.writeUInt32BE(perMetre, 12);
  phys[16] = 1;
  phys.writeUInt32BE(crc32(phys.subarray(4, 17)) >>> 0, 17);
  return Buffer.concat([png.subarray(0, 33), phys, png.subarray(33)]);
}

/**
 * The design drawn at its canvas's size: a PNG (with a 300 dpi pHYs) and the RGBA pixels the checker reads.
 * `only` keeps just the elements it accepts (the checker draws what lies under the text); `scale` < 1 draws smaller
 * (the checker samples colours from a quarter-size drawing).
 */
export async function drawDesign(input: DrawInput, only?: (e: PosterElement) => boolean, scale = 1): Promise<Drawn> {
  const { width } = POSTER_CANVASES[input.design.canvas];
  return drawing.run(async () => {
    const svg = await posterSvg(input, only);
    // Rasterised on libuv's thread pool (renderAsync): the event loop keeps answering requests (WeCom's callbacks among
    // them) while a poster is drawn; `new Resvg(svg).render()` held it for the whole drawing (`npm run bench -- posters`).
    const rendered = await renderAsync(svg, { fitTo: { mode: 'width', value: Math.round(width * scale) }, font: { loadSystemFonts: false } });
    let pixels: Buffer | undefined;
    return {
      png: pngWithDpi(Buffer.from(rendered.asPng())), width: rendered.width, height: rendered.height,
      // RGBA is 8 MB for a 9:16 poster: copied only for the checker, which reads it.
      get pixels() { return (pixels ??= Buffer.from(rendered.pixels)); },
    };
  });
}

/**
 * Drawings at once in this process: one per core (at most 4). Each holds its canvas's pixels (8 MB for 9:16, 35 MB
 * for A4) and keeps a core busy; more at once only share the cores and multiply the memory. The rest wait their turn.
 */
class Slots {
  private free: number;
  private waiting: (() => void)[] = [];
  constructor(n: number) { this.free = n; }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); else this.free++;
    }
  }
}
export const DRAW_CONCURRENCY = Math.max(1, Math.min(4, availableParallelism()));
const drawing = new Slots(DRAW_CONCURRENCY);

/** The design laid out by satori: an SVG with the text as paths and the pictures (QR, avatar, background) inline. */
export async function posterSvg(input: DrawInput, only?: (e: PosterElement) => boolean): Promise<string> {
  const { width, height } = POSTER_CANVASES[input.design.canvas];
  const qr = input.design.elements.find((e) => e.type === 'qr');
  const qrPng = qr ? await renderQrPng(input.qrText, { sizePx: qr.size, marginModules: qr.quietZone }) : undefined;
  const qrDataUrl = qrPng ? `data:image/png;base64,${qrPng.toString('base64')}` : '';
  const children: Child[] = [];
  if (input.background) children.push(img(input.background, width, height, { position: 'absolute', left: 0, top: 0, objectFit: 'cover' }));
  for (const e of input.design.elements) if (!only || only(e)) children.push(elementNode(e, input, qrDataUrl));
  const tree = el('div', {
    display: 'flex', position: 'relative', overflow: 'hidden', width, height, backgroundColor: input.design.background.color, fontFamily: 'Noto Sans SC',
  }, children);
  return satori(tree as unknown as SatoriElement, { width, height, fonts: posterFonts() });
}

/** The QR's module count for a text (the checker measures the printed module size with it). */
export const qrModuleCount = (text: string): number => qrModules(text);
