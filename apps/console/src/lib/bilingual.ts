import type { Language } from '../i18n';

const CJK = /[\u3400-\u9fff]/;

/**
 * Some server texts come in both languages as "中文 / English" (the setup checklist does this).
 * When a text splits into exactly a Chinese half and a non-Chinese half, show the half for the
 * current language; anything else is shown unchanged.
 */
export function pickLanguage(text: string, language: Language): string {
  const parts = text.split(' / ');
  if (parts.length !== 2) return text;
  const [zh, en] = parts as [string, string];
  if (!CJK.test(zh) || CJK.test(en)) return text;
  return language === 'zh-CN' ? zh.trim() : en.trim();
}

/**
 * Looser than pickLanguage, for server messages written "中文… / English…" where either half may
 * quote user text (a code name) or end in a full-width bracket: splits at the first "/ " whose left
 * side has Chinese and whose right side starts with a Latin letter. Anything else is unchanged.
 */
export function pickBilingual(text: string, language: Language): string {
  const re = /\s*\/\s+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const zh = text.slice(0, m.index).trim();
    const en = text.slice(m.index + m[0].length).trim();
    if (CJK.test(zh) && /^[A-Za-z"“(]/.test(en)) return language === 'zh-CN' ? zh : en;
  }
  return text;
}
