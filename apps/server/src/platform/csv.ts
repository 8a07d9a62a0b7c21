// CSV for exports: UTF-8 with a BOM (Excel opens Chinese correctly), RFC 4180 quoting, cells that start
// like a formula prefixed so a spreadsheet never runs them, and times as people read them in the console:
// "YYYY-MM-DD HH:mm" in the corp's time zone.
import { formatDateTime } from './time';

export function toCsv(columns: { key: string; header: string }[], rows: Record<string, unknown>[], timezone: string): string {
  const cell = (v: unknown) => {
    let s = v == null ? '' : Array.isArray(v) ? v.join('|') : v instanceof Date ? formatDateTime(v, timezone) : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\ufeff${[columns.map((c) => cell(c.header)).join(','), ...rows.map((r) => columns.map((c) => cell(r[c.key])).join(','))].join('\r\n')}\r\n`;
}
