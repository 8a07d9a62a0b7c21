import dayjs from 'dayjs';

const NONE = '—';

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return NONE;
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm') : NONE;
}

export function formatDateTimeSeconds(value: string | null | undefined): string {
  if (!value) return NONE;
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : NONE;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return NONE;
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD') : NONE;
}

/** "MM-DD" for chart axes. */
export function formatShortDate(value: string): string {
  const d = dayjs(value);
  return d.isValid() ? d.format('MM-DD') : value;
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
