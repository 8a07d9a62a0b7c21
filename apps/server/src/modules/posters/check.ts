// The checker: the measurable ones of the common poster mistakes, judged on the poster as drawn — too much
// text, text too small to read, low contrast against what is actually under the text (sampled from a drawing
// without the text), a QR too small (on the canvas and in printed millimetres), covered, without its quiet zone
// or not decodable (the drawn PNG is decoded with jsQR), an unbalanced or cluttered layout, a file too big to
// share, and the advertising law's absolute claims (art. 9: 最, 第一, 国家级 …).
import jsQR from 'jsqr';
import { POSTER_CANVASES, POSTER_DPI, type PosterCheck, type PosterDesign, type PosterElement, type PosterIssue, type PosterRule } from '@pond/contracts/posters';
import { MEDIA_LIMITS } from '@pond/contracts/media';
import { drawDesign, elementBox, elementText, qrModuleCount, type DrawInput, type Drawn } from './render';

export const CHECK_LIMITS = {
  /** Visible characters of all text (a CJK character 1, a Latin one ½) per canvas. */
  textChars: { poster: 80, badge: 40, a4: 120 },
  /** The smallest readable font in canvas pixels: ~10 pt on a phone for the 9:16 poster, 6 pt printed at 300 dpi. */
  minFontPx: { poster: 28, badge: 25, a4: 25 },
  contrastError: 3,
  contrastWarn: 4.5,
  /** Large text (≥ this share of the canvas width) reads at 3:1. */
  largeTextShare: 0.045,
  /** The code's printed side (quiet zone excluded): below the error size phones at arm's length fail. */
  qrMmError: 15,
  qrMmWarn: 20,
  /** On the 9:16 poster (seen on a phone): the QR's side as a share of the canvas width. */
  qrShareError: 0.2,
  qrShareWarn: 0.3,
  qrMinPxPerModule: 3,
  quietZoneWarn: 4,
  quietZoneError: 2,
  /** Centre of visual weight farther than this share of the side from the middle. */
  balance: 0.15,
  elementsCluttered: 14,
  /** WeCom's image upload limit: a bigger poster cannot be sent as an image. */
  bytes: MEDIA_LIMITS.image,
} as const;

/**
 * Words the advertising law forbids as absolute claims, matched after folding full-width forms and case (NFKC),
 * with spaces removed. `except` lists ordinary words that contain them ("最近" is "recently", "第一次" "the first
 * time") so the checker does not cry wolf.
 */
const BANNED_WORDS: { word: string; except?: string[] }[] = [
  { word: '最', except: ['最近', '最后', '最终', '最初'] },
  { word: '第一', except: ['第一次', '第一步', '第一天', '第一期', '第一批'] },
  { word: '第1', except: ['第1次', '第1步', '第1天', '第1期', '第1批'] },
  { word: 'no.1' }, { word: 'no1' }, { word: 'top1' }, { word: 'number1' },
  { word: '唯一' }, { word: '顶级' }, { word: '极致' }, { word: '100%' }, { word: '百分百' }, { word: '百分之百' }, { word: '国家级' },
  { word: '世界级' }, { word: '全球级' }, { word: '绝对' }, { word: '万能' }, { word: '永久' }, { word: '首个' }, { word: '首选' }, { word: '首家' },
  { word: '史上' }, { word: '顶尖' }, { word: '极品' }, { word: '无敌' }, { word: '独一无二' }, { word: '绝无仅有' }, { word: '独家' },
  { word: '全网第' }, { word: '国家免检' }, { word: '特供' }, { word: '专供' },
];

const fold = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** The banned words a text contains (as listed above). */
export function findBanned(text: string): string[] {
  const folded = fold(text);
  return BANNED_WORDS.filter(({ word, except = [] }) => {
    let masked = folded;
    for (const ok of except) masked = masked.split(ok).join('　');
    return masked.includes(word);
  }).map(({ word }) => word);
}

/** Length as a reader sees it: a Chinese character counts 1, a half-width letter, digit or sign ½; spaces are free. */
export function visibleLength(text: string | undefined): number {
  let n = 0;
  for (const ch of text ?? '') {
    if (/\s/.test(ch)) continue;
    n += ch.codePointAt(0)! < 0x2e80 ? 0.5 : 1;
  }
  return Math.ceil(n);
}

const channel = (v: number) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const luminance = (r: number, g: number, b: number) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const ratio = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** WCAG 2 contrast ratio of two #RRGGBB colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string) => { const n = Number.parseInt(hex.slice(1), 16); return luminance((n >> 16) & 255, (n >> 8) & 255, n & 255); };
  return ratio(lum(a), lum(b));
}

type Box = { x: number; y: number; w: number; h: number };
const intersects = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * The contrast most of a text's background gives it: the text colour against pixels sampled on a grid over its
 * box in a drawing without any text, and the 20th percentile taken (a busy photo behind part of it counts).
 */
function sampledContrast(under: Drawn, full: Box, color: string, scale: number): number {
  const box = { x: Math.floor(full.x * scale), y: Math.floor(full.y * scale), w: Math.max(1, Math.round(full.w * scale)), h: Math.max(1, Math.round(full.h * scale)) };
  const n = Number.parseInt(color.slice(1), 16);
  const text = luminance((n >> 16) & 255, (n >> 8) & 255, n & 255);
  const ratios: number[] = [];
  const step = Math.max(1, Math.floor(Math.min(box.w, box.h) / 12));
  for (let y = box.y; y < Math.min(box.y + box.h, under.height); y += step) {
    for (let x = box.x; x < Math.min(box.x + box.w, under.width); x += step) {
      const i = (y * under.width + x) * 4;
      ratios.push(ratio(text, luminance(under.pixels[i], under.pixels[i + 1], under.pixels[i + 2])));
    }
  }
  if (!ratios.length) return 21;
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length * 0.2)];
}

/** Decodes the QR inside `box` (with a margin around it) of a drawing: the text it holds, or null. */
export function decodeRegion(drawn: Drawn, box: Box): string | null {
  const pad = Math.round(box.w * 0.15);
  const x0 = Math.max(0, box.x - pad), y0 = Math.max(0, box.y - pad);
  const x1 = Math.min(drawn.width, box.x + box.w + pad), y1 = Math.min(drawn.height, box.y + box.h + pad);
  const w = x1 - x0, h = y1 - y0;
  if (w <= 0 || h <= 0) return null;
  const crop = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) crop.set(drawn.pixels.subarray(((y0 + y) * drawn.width + x0) * 4, ((y0 + y) * drawn.width + x1) * 4), y * w * 4);
  return jsQR(crop, w, h, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

const mm = (px: number) => (px / POSTER_DPI) * 25.4;
const round1 = (v: number) => Math.round(v * 10) / 10;

/** The checker's report for a design drawn with these values (errors first). */
export async function checkDesign(input: DrawInput): Promise<PosterCheck> {
  const { design } = input;
  const canvas = POSTER_CANVASES[design.canvas];
  const issues: PosterIssue[] = [];
  const add = (rule: PosterRule, severity: PosterIssue['severity'], message: string, elementIds?: string[]) =>
    issues.push({ rule, severity, message, ...(elementIds?.length ? { elementIds } : {}) });
  type TextLike = Extract<PosterElement, { type: 'text' | 'nickname' }>;
  const isText = (e: PosterElement): e is TextLike => e.type === 'text' || e.type === 'nickname';
  // What lies under the text is sampled from a drawing at half the side (a quarter of the pixels): colours, not detail.
  const UNDER_SCALE = 0.5;
  const [full, under] = await Promise.all([drawDesign(input), drawDesign(input, (e) => !isText(e), UNDER_SCALE)]);
  const boxes = new Map(design.elements.map((e) => [e.id, elementBox(e, input.texts)]));
  const texts = design.elements.filter(isText);

  // Copy: how much, how small, how legible, and what it claims.
  const total = texts.reduce((n, e) => n + visibleLength(elementText(e, input.texts) ?? ''), 0);
  const maxChars = CHECK_LIMITS.textChars[design.canvas];
  if (total > maxChars) {
    add('too-much-text', total > 2 * maxChars ? 'error' : 'warn',
      `文字过多（共${total}字，建议≤${maxChars}）/ Too much text (${total} characters, keep ≤ ${maxChars})`, texts.map((e) => e.id));
  }
  const minFont = CHECK_LIMITS.minFontPx[design.canvas];
  const small = texts.filter((e) => e.fontSize < minFont);
  if (small.length) {
    add('text-too-small', 'warn', `文字过小（小于${minFont}像素，看不清）/ Text too small to read (under ${minFont} px)`, small.map((e) => e.id));
  }
  let minContrast: number | null = null;
  for (const e of texts) {
    const c = sampledContrast(under, boxes.get(e.id)!, e.color, UNDER_SCALE);
    minContrast = minContrast === null ? c : Math.min(minContrast, c);
    const large = e.fontSize >= canvas.width * CHECK_LIMITS.largeTextShare;
    const shown = c.toFixed(1);
    if (c < CHECK_LIMITS.contrastError) {
      add('low-contrast', 'error', `文字与下方背景对比度过低（${shown}:1，至少 ${CHECK_LIMITS.contrastError}:1）/ Text contrast with what is under it is too low (${shown}:1, need ${CHECK_LIMITS.contrastError}:1)`, [e.id]);
    } else if (!large && c < CHECK_LIMITS.contrastWarn) {
      add('low-contrast', 'warn', `小字对比度偏低（${shown}:1，建议≥${CHECK_LIMITS.contrastWarn}:1）/ Small text contrast is low (${shown}:1, aim for ${CHECK_LIMITS.contrastWarn}:1)`, [e.id]);
    }
  }
  const found = new Map<string, string[]>();
  for (const e of texts) for (const word of findBanned(elementText(e, input.texts) ?? '')) found.set(word, [...(found.get(word) ?? []), e.id]);
  for (const [word, ids] of found) {
    add('exaggerated-claim', 'error', `含广告法禁用的绝对化用语“${word}” / Absolute claim banned by the advertising law: "${word}"`, ids);
  }

  // The QR: size on the canvas and in print, what covers it, its quiet zone, and whether it scans.
  const qr = design.elements.find((e) => e.type === 'qr');
  let qrMm: number | null = null;
  let qrPxPerModule: number | null = null;
  if (!qr) {
    add('qr-missing', 'error', '海报没有二维码 / The poster has no QR');
  } else {
    const modules = qrModuleCount(input.qrText);
    qrPxPerModule = round1(qr.size / (modules + 2 * qr.quietZone));
    const codePx = qrPxPerModule * modules;
    qrMm = round1(mm(codePx));
    if (qrMm < CHECK_LIMITS.qrMmError || qrPxPerModule < CHECK_LIMITS.qrMinPxPerModule) {
      add('qr-too-small', 'error', `二维码过小（印刷后约${qrMm}毫米，每模块${qrPxPerModule}像素；至少${CHECK_LIMITS.qrMmError}毫米）/ QR too small (about ${qrMm} mm printed, ${qrPxPerModule} px per module; need ${CHECK_LIMITS.qrMmError} mm)`, [qr.id]);
    } else if (qrMm < CHECK_LIMITS.qrMmWarn) {
      add('qr-too-small', 'warn', `二维码偏小（印刷后约${qrMm}毫米，建议≥${CHECK_LIMITS.qrMmWarn}毫米）/ QR is small (about ${qrMm} mm printed, aim for ${CHECK_LIMITS.qrMmWarn} mm)`, [qr.id]);
    } else if (design.canvas === 'poster') {
      const share = qr.size / canvas.width;
      const pct = Math.round(share * 100);
      if (share < CHECK_LIMITS.qrShareError) {
        add('qr-too-small', 'error', `二维码只占画面宽度的${pct}%，手机上难以识别（至少${CHECK_LIMITS.qrShareError * 100}%）/ The QR is ${pct}% of the width: hard to scan on a phone (need ${CHECK_LIMITS.qrShareError * 100}%)`, [qr.id]);
      } else if (share < CHECK_LIMITS.qrShareWarn) {
        add('qr-too-small', 'warn', `二维码只占画面宽度的${pct}%（建议≥${CHECK_LIMITS.qrShareWarn * 100}%）/ The QR is ${pct}% of the width (aim for ${CHECK_LIMITS.qrShareWarn * 100}%)`, [qr.id]);
      }
    }
    const qrBox = boxes.get(qr.id)!;
    const zone = Math.floor(qrPxPerModule * qr.quietZone);
    const codeBox = { x: qrBox.x + zone, y: qrBox.y + zone, w: qrBox.w - 2 * zone, h: qrBox.h - 2 * zone };
    const above = design.elements.slice(design.elements.indexOf(qr) + 1);
    const covering = above.filter((e) => intersects(boxes.get(e.id)!, codeBox));
    const inZone = above.filter((e) => !covering.includes(e) && intersects(boxes.get(e.id)!, qrBox));
    if (covering.length) {
      add('qr-covered', 'error', `二维码被其他元素遮挡 / The QR is covered by another element`, [qr.id, ...covering.map((e) => e.id)]);
    }
    if (inZone.length) {
      add('qr-no-quiet-zone', 'error', `其他元素压住了二维码四周的留白 / Another element sits in the QR's quiet zone`, [qr.id, ...inZone.map((e) => e.id)]);
    } else if (qr.quietZone < CHECK_LIMITS.quietZoneError) {
      add('qr-no-quiet-zone', 'error', `二维码四周没有留白（${qr.quietZone}个模块，至少${CHECK_LIMITS.quietZoneError}个）/ No quiet zone around the QR (${qr.quietZone} modules, need ${CHECK_LIMITS.quietZoneError})`, [qr.id]);
    } else if (qr.quietZone < CHECK_LIMITS.quietZoneWarn) {
      add('qr-no-quiet-zone', 'warn', `二维码四周留白偏窄（${qr.quietZone}个模块，建议${CHECK_LIMITS.quietZoneWarn}个）/ Narrow quiet zone (${qr.quietZone} modules, scanners want ${CHECK_LIMITS.quietZoneWarn})`, [qr.id]);
    }
    const decoded = decodeRegion(full, qrBox);
    if (decoded !== input.qrText) {
      add('qr-not-decodable', 'error', decoded === null
        ? '渲染后的二维码无法识别 / The drawn QR does not scan'
        : '渲染后的二维码识别出的内容不对 / The drawn QR scans to something else', [qr.id]);
    }
  }

  // Layout: the centre of visual weight, and crowding.
  const all = [...boxes.values()];
  const area = all.reduce((n, b) => n + b.w * b.h, 0);
  if (area > 0) {
    const cx = all.reduce((n, b) => n + (b.x + b.w / 2) * b.w * b.h, 0) / area;
    const cy = all.reduce((n, b) => n + (b.y + b.h / 2) * b.w * b.h, 0) / area;
    const dx = Math.abs(cx / canvas.width - 0.5), dy = Math.abs(cy / canvas.height - 0.5);
    if (dx > CHECK_LIMITS.balance || dy > CHECK_LIMITS.balance * 2) {
      const side = dx > CHECK_LIMITS.balance ? (cx < canvas.width / 2 ? '左 left' : '右 right') : (cy < canvas.height / 2 ? '上 top' : '下 bottom');
      add('unbalanced-layout', 'warn', `版面失衡：内容集中在${side.split(' ')[0]}侧 / Unbalanced layout: the content leans to the ${side.split(' ')[1]}`);
    }
  }
  const overlapping = texts.filter((a) => texts.some((b) => a !== b && intersects(boxes.get(a.id)!, boxes.get(b.id)!)));
  if (overlapping.length || design.elements.length > CHECK_LIMITS.elementsCluttered) {
    add('cluttered', 'warn', overlapping.length
      ? '文字块互相重叠，画面杂乱 / Text blocks overlap: the poster looks cluttered'
      : `元素过多（${design.elements.length}个，建议≤${CHECK_LIMITS.elementsCluttered}）/ Too many elements (${design.elements.length}, keep ≤ ${CHECK_LIMITS.elementsCluttered})`, overlapping.map((e) => e.id));
  }
  if (full.png.length > CHECK_LIMITS.bytes) {
    const kb = Math.round(full.png.length / 1024);
    add('oversized-file', 'warn', `图片过大（${kb} KB，企业微信图片上限 ${CHECK_LIMITS.bytes / 1024} KB）/ File too big (${kb} KB; WeCom takes images up to ${CHECK_LIMITS.bytes / 1024} KB)`);
  }

  issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return { issues, measured: { bytes: full.png.length, qrMm, qrPxPerModule, minContrast: minContrast === null ? null : round1(minContrast) } };
}

export type { PosterDesign };
