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
