// i18next set-up: zh-CN first, en-US second. Strings come in namespaces, one per module plus
// `common` (resources.ts), each fetched in the current language only when first needed; antd's and
// dayjs's locales come along with `common`, so one switch changes every string and date. The chosen
// language is kept in localStorage.
import type { Locale } from 'antd/es/locale';
import dayjs from 'dayjs';
import i18n, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, LANGUAGES, type Language } from './languages';
import { isNamespace, NAMESPACES, type Namespace } from './resources';

export { LANGUAGES, type Language } from './languages';
export type { Namespace } from './resources';

const STORAGE_KEY = 'pond.language';

/** What the shell shows on every page (menu, header, alerts bell, invitations), loaded before the first render. */
const SHELL_NAMESPACES: Namespace[] = ['common', 'alerts', 'auth'];

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

// antd's and dayjs's own texts (date pickers, pagination, "2 days ago"), per language. antd's
// English is its built-in default; Chinese is fetched like the console's own strings.
const antdLocales: Partial<Record<Language, Locale>> = {};
const LOCALE_LOADERS: Record<Language, () => Promise<void>> = {
  'zh-CN': async () => {
    const [antd] = await Promise.all([import('antd/locale/zh_CN'), import('dayjs/locale/zh-cn')]);
    antdLocales['zh-CN'] = antd.default;
  },
  'en-US': async () => {
    antdLocales['en-US'] = (await import('antd/locale/en_US')).default;
  },
};

/** antd's locale for the language, once loaded (with its `common` namespace). */
export function antdLocale(language: Language): Locale | undefined {
  return antdLocales[language];
}

function applyDayjsLocale(language: Language): void {
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
}

/** Reads a namespace's chunk for a language (and, with `common`, the language's antd/dayjs locale). */
const backend: BackendModule = {
  type: 'backend',
  init() {},
  read(language, namespace, callback) {
    if (!isLanguage(language) || !isNamespace(namespace)) {
      callback(new Error(`no strings for ${namespace} in ${language}`), false);
      return;
    }
    const locale = namespace === 'common' ? LOCALE_LOADERS[language]() : Promise.resolve();
    Promise.all([NAMESPACES[namespace][language](), locale]).then(
      ([module]) => callback(null, module.default),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

export function setLanguage(language: Language, persist = true): void {
  if (persist) {
    try {
      window.localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // not persisted; the switch still applies to this tab
    }
  }
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

/** Loads these namespaces in the current language (a route calls it alongside its page's code). */
export function loadNamespaces(namespaces: readonly Namespace[]): Promise<void> {
  return i18n.loadNamespaces([...namespaces]);
}

// i18next switches language once the new language's strings (and locales) are in, so everything
// re-renders at once in the new language.
i18n.on('languageChanged', (language) => {
  if (!isLanguage(language)) return;
  applyDayjsLocale(language);
  document.documentElement.lang = language;
});

const initial = readStoredLanguage() ?? 'zh-CN';
document.documentElement.lang = initial;

void i18n
  .use(backend)
  .use(initReactI18next)
  .init({
    lng: initial,
    supportedLngs: [...LANGUAGES],
    load: 'currentOnly',
    // Every key exists in both languages (the typecheck says so), so nothing falls back, and the
    // other language is never fetched.
    fallbackLng: false,
    ns: SHELL_NAMESPACES,
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // React escapes already
    returnNull: false,
  });

export default i18n;
