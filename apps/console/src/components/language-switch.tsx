import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage, toLanguage, type Language } from '../i18n';

const OPTIONS: { label: string; value: Language }[] = [
  { label: '中文', value: 'zh-CN' },
  { label: 'English', value: 'en-US' },
];

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const value = toLanguage(i18n.language) ?? currentLanguage();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('app.language')}
      options={OPTIONS}
      value={value}
      onChange={(next) => setLanguage(next)}
      data-testid="language-switch"
    />
  );
}
