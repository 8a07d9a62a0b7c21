// i18next set-up: zh-CN first, en-US second. The chosen language is kept in localStorage and
// drives antd's and dayjs's locales too (see app.tsx), so one switch changes every string and date.
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { enUS } from './en-US';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'pond.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function readStoredLanguage(): Language | undefined {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(stored) ? stored : undefined;
  } catch {
    return undefined; // storage blocked (private mode): fall back to the default
  }
}

/** A choice made in this browser wins; otherwise the user's saved locale; otherwise zh-CN. */
export function hasStoredLanguage(): boolean {
  return readStoredLanguage() !== undefined;
}

function applyDayjsLocale(language: Language): void {
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
}

export function setLanguage(language: Language, persist = true): void {
  if (persist) {
    try {
      window.localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // not persisted; the switch still applies to this tab
    }
  }
  applyDayjsLocale(language);
  document.documentElement.lang = language;
  void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'zh-CN';
}

export function toLanguage(value: unknown): Language | undefined {
  if (isLanguage(value)) return value;
  if (typeof value === 'string' && value.toLowerCase().startsWith('en')) return 'en-US';
  if (typeof value === 'string' && value.toLowerCase().startsWith('zh')) return 'zh-CN';
  return undefined;
}

const initial = readStoredLanguage() ?? 'zh-CN';
applyDayjsLocale(initial);
document.documentElement.lang = initial;

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: zhCN },
    'en-US': { translation: enUS },
  },
  lng: initial,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});

export default i18n;
