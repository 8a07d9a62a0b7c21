// The measurable half of the seeds' common poster mistakes, checked before a poster is printed:
// length of the copy, contrast, banned advertising words (China's advertising law, art. 9), a QR
// that would print too dense, and an accent that emphasises nothing. Layout problems such as a
// covered QR cannot happen here, because renderPoster always gives the QR its own zone.
import { POSTER_RULES, type PosterIssue, type PosterRule } from '@pond/contracts/live-codes';
import { normalizeHex, POSTER_DEFAULTS, type PosterSpec } from './render';

// The rules and the issue's shape are the API's (GET /api/live-codes/:id/poster-check).
export { POSTER_RULES, type PosterIssue, type PosterRule };

export const POSTER_LIMITS = {
  titleChars: 16,
  textChars: 80,
  qrTextChars: 300,
  minContrast: 4.5,
  titleContrast: 7,
  accentContrast: 1.5,
} as const;

/**
 * Words the advertising law forbids as absolute claims. `except` lists ordinary words that contain
 * them ("最近" is "recently", "第一次" is "the first time") so the checker does not cry wolf.
 */
const BANNED_WORDS: { word: string; except?: string[] }[] = [
  { word: '最', except: ['最近', '最后', '最终', '最初'] },
  { word: '第一', except: ['第一次', '第一步', '第一天', '第一期'] },
  { word: '唯一' }, { word: '顶级' }, { word: '极致' }, { word: '100%' }, { word: '百分百' }, { word: '百分之百' },
  { word: '绝对' }, { word: '国家级' }, { word: '世界级' }, { word: '万能' }, { word: '永久' }, { word: '首个' },
  { word: '首选' }, { word: '史上' }, { word: '顶尖' }, { word: '极品' }, { word: '无敌' }, { word: '独一无二' }, { word: '绝无仅有' },
];

const FIELDS = [
  { key: 'title', zh: '标题', en: 'title' },
  { key: 'subtitle', zh: '副标题', en: 'subtitle' },
  { key: 'body', zh: '正文', en: 'body' },
  { key: 'hint', zh: '提示', en: 'hint' },
  { key: 'brand', zh: '品牌', en: 'brand' },
] as const;

/**
 * Length as a reader sees it: a Chinese character counts 1, a half-width letter, digit or sign ½,
 * because an English title of 20 letters takes the room of about 10 characters. Spaces are free.
 */
export function visibleLength(text: string | undefined): number {
  let n = 0;
  for (const ch of text ?? '') {
    if (/\s/.test(ch)) continue;
    n += ch.codePointAt(0)! < 0x2e80 ? 0.5 : 1;
  }
  return Math.ceil(n);
}

function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #RRGGBB colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function findBanned(text: string): string[] {
  return BANNED_WORDS.filter(({ word, except = [] }) => {
    let masked = text.toLowerCase();
    for (const ok of except) masked = masked.split(ok).join(' ');
    return masked.includes(word);
  }).map(({ word }) => word);
}

/** Problems with a poster, errors first; [] when it is good to print. */
export function checkPoster(spec: PosterSpec): PosterIssue[] {
  const issues: PosterIssue[] = [];
  const add = (rule: PosterRule, severity: PosterIssue['severity'], message: string) => issues.push({ rule, severity, message });

  const title = spec.title?.trim() ?? '';
  const titleLength = visibleLength(title);
  if (!title) {
    add('empty-title', 'error', '标题为空，海报需要一句说明扫码理由的标题 / Title is empty: say why to scan');
  } else if (titleLength > POSTER_LIMITS.titleChars) {
    add('title-too-long', 'warn', `标题过长（${titleLength}字，建议≤${POSTER_LIMITS.titleChars}）/ Title too long (${titleLength} chars, keep ≤ ${POSTER_LIMITS.titleChars})`);
  }

  const textLength = titleLength + visibleLength(spec.subtitle) + visibleLength(spec.body);
  if (textLength > POSTER_LIMITS.textChars) {
    add('too-much-text', 'warn', `文字过多（标题、副标题和正文共${textLength}字，建议≤${POSTER_LIMITS.textChars}）/ Too much text (title, subtitle and body: ${textLength} chars, keep ≤ ${POSTER_LIMITS.textChars})`);
  }

  const colors = { background: spec.background, accent: spec.accent, textColor: spec.textColor };
  for (const [name, value] of Object.entries(colors)) {
    if (value !== undefined && !normalizeHex(value)) {
      add('invalid-color', 'error', `颜色 ${name} 无效（“${value}”），请用 #RRGGBB / Colour ${name} is not a hex colour ("${value}"): use #RRGGBB`);
    }
  }
  // Contrast is judged on the colours that will actually be drawn, defaults included.
  const background = normalizeHex(spec.background) ?? POSTER_DEFAULTS.background;
  const accent = normalizeHex(spec.accent) ?? POSTER_DEFAULTS.accent;
  const textColor = normalizeHex(spec.textColor) ?? POSTER_DEFAULTS.textColor;
  const contrast = contrastRatio(textColor, background);
  const shown = contrast.toFixed(1);
  if (contrast < POSTER_LIMITS.minContrast) {
    add('low-contrast', 'error', `文字与背景对比度过低（${shown}:1，至少 ${POSTER_LIMITS.minContrast}:1）/ Text contrast too low (${shown}:1, need at least ${POSTER_LIMITS.minContrast}:1)`);
  } else if (contrast < POSTER_LIMITS.titleContrast) {
    add('low-contrast', 'warn', `标题与背景对比度偏低（${shown}:1，建议≥${POSTER_LIMITS.titleContrast}:1）/ Title contrast is low (${shown}:1, aim for ${POSTER_LIMITS.titleContrast}:1)`);
  }
  if (contrastRatio(accent, background) < POSTER_LIMITS.accentContrast) {
    add('accent-same-as-background', 'warn', `强调色与背景色相同或过于接近，起不到强调作用 / Accent matches the background, so nothing stands out`);
  }

  const found = new Map<string, { zh: string[]; en: string[] }>();
  for (const field of FIELDS) {
    const text = spec[field.key];
    if (!text) continue;
    for (const word of findBanned(text)) {
      const where = found.get(word) ?? { zh: [], en: [] };
      where.zh.push(field.zh);
      where.en.push(field.en);
      found.set(word, where);
    }
  }
  for (const [word, where] of found) {
    add('exaggerated-claim', 'error', `含广告法禁用的绝对化用语“${word}”（${where.zh.join('、')}）/ Absolute claim banned by the advertising law: "${word}" (${where.en.join(', ')})`);
  }

  const qrText = spec.qrText ?? '';
  if (!qrText.trim()) {
    add('qr-missing', 'error', '二维码内容为空 / The QR has no content');
  } else if (qrText.length > POSTER_LIMITS.qrTextChars) {
    add('qr-too-dense', 'warn', `二维码内容过长（${qrText.length}字符，建议≤${POSTER_LIMITS.qrTextChars}），码点太密不易识别 / QR content too long (${qrText.length} chars, keep ≤ ${POSTER_LIMITS.qrTextChars}): the code gets too dense to scan`);
  }

  return issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
