// Picks an IANA time zone: the common ones for Chinese brands first, then every zone the browser knows.
import { Select } from 'antd';
import type { CSSProperties } from 'react';

const COMMON = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/Los_Angeles', 'America/New_York', 'UTC'];
const ALL = (() => {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...COMMON, ...known.filter((z) => !COMMON.includes(z))];
})();

export function TimeZoneSelect(props: {
  value?: string; onChange?: (tz: string) => void; size?: 'small' | 'middle'; style?: CSSProperties; disabled?: boolean; 'aria-label'?: string; 'data-testid'?: string;
}) {
  const options = (props.value && !ALL.includes(props.value) ? [props.value, ...ALL] : ALL).map((z) => ({ value: z, label: z }));
  return <Select<string> showSearch {...props} options={options} />;
}
