// Times as the corp's people read them: "YYYY-MM-DD HH:mm" in the corp's IANA time zone (Pond's rule too).
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export { isTimeZone } from '@pond/contracts/common';

const formats = new Map<string, Intl.DateTimeFormat>();

/** "2025-06-01 09:30" in `tz`. */
export function formatDateTime(ms: number, tz: string = DEFAULT_TIMEZONE): string {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
