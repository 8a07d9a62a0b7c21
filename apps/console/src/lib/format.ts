// The one place times are formatted: every instant is shown in the corp's time zone (from /api/me,
// Asia/Shanghai by default) as "YYYY-MM-DD HH:mm", every day as "YYYY-MM-DD" — whatever the browser's zone.
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

const NONE = '—';
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
let zone = DEFAULT_TIME_ZONE;

/** Set from the signed-in corp (app.tsx) before anything renders a time. */
export function setTimeZone(tz: string | null | undefined): void {
  zone = tz || DEFAULT_TIME_ZONE;
}

export function timeZone(): string {
  return zone;
}

/** A day the server sent as "YYYY-MM-DD" is a calendar day already: never shifted by a zone. */
const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function inZone(value: string): Dayjs | null {
  const d = DAY_ONLY.test(value) ? dayjs.tz(value, zone) : dayjs(value).tz(zone);
  return d.isValid() ? d : null;
}

/** "2025-06-01 09:30" in the corp's zone. */
export function formatDateTime(value: string | null | undefined): string {
  const d = value ? inZone(value) : null;
  return d ? d.format('YYYY-MM-DD HH:mm') : NONE;
}

/** The same with seconds, for logs (audit, welcome sends) where the order within a minute matters. */
export function formatDateTimeSeconds(value: string | null | undefined): string {
  const d = value ? inZone(value) : null;
  return d ? d.format('YYYY-MM-DD HH:mm:ss') : NONE;
}

/** The corp's calendar day of an instant (or a day as sent). */
export function formatDate(value: string | null | undefined): string {
  const d = value ? inZone(value) : null;
  return d ? d.format('YYYY-MM-DD') : NONE;
}

/** "MM-DD" for chart axes. */
export function formatShortDate(value: string): string {
  const d = inZone(value);
  return d ? d.format('MM-DD') : value;
}

/** The corp's today as a calendar date (for date pickers): "the last 7 days" count the corp's days. */
export function todayInZone(): Dayjs {
  return dayjs(dayjs().tz(zone).format('YYYY-MM-DD'));
}

/** A date-time picker's wall-clock value read in the corp's zone, as the instant the API takes. */
export function pickerToIso(picked: Dayjs): string {
  return dayjs.tz(picked.format('YYYY-MM-DD HH:mm'), zone).toISOString();
}

/** An instant as the wall-clock value a date-time picker shows: the corp's time, whatever the browser's zone. */
export function isoToPicker(value: string): Dayjs {
  return dayjs(dayjs(value).tz(zone).format('YYYY-MM-DD HH:mm'));
}

/** Now, as a picker shows it (the corp's wall clock): the default of a form's start time. */
export function pickerNow(): Dayjs {
  return isoToPicker(new Date().toISOString());
}

/** Elapsed time between two instants (or until now), e.g. "1m 05s", "2h 03m". */
export function formatDuration(start: string | null | undefined, end: string | null | undefined): string {
  if (!start) return NONE;
  const ms = (end ? dayjs(end) : dayjs()).diff(dayjs(start));
  if (!Number.isFinite(ms) || ms < 0) return NONE;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatNumber(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString() : NONE;
}

/** Yuan with two decimals, e.g. "¥1,234.50". */
export function formatYuan(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? `¥${value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
    : NONE;
}

/** A file's size, e.g. "812 B", "24.5 KB", "2.1 MB" (1024-based, as file managers show it). */
export function formatBytes(value: number | null | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return NONE;
  if (value < 1024) return `${value} B`;
  const units = ['KB', 'MB', 'GB'];
  let n = value / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}
