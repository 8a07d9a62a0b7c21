// Form rules the console's forms share, with its messages in the current language.
import type { FormRule } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** A required text of at most `max` characters (the contract's limit): `rules={textRules(t('name'), 60)}`. */
export function useTextRules(): (field: string, max: number) => FormRule[] {
  const { t } = useTranslation('common');
  return useCallback((field: string, max: number) => [
    { required: true, whitespace: true, message: t('required', { field }) },
    { max, message: t('maxChars', { n: max }) },
  ], [t]);
}
