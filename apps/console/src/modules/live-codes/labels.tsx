import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CodeMode } from './hooks';

export function ModeTag({ mode }: { mode: CodeMode }) {
  const { t } = useTranslation('liveCodes');
  return <Tag color={mode === 'native' ? 'purple' : mode === 'link' ? 'cyan' : 'blue'}>{t(`modes.${mode}`)}</Tag>;
}
