// CSV for exports: UTF-8 with a BOM (Excel opens Chinese correctly), RFC 4180 quoting, and cells that
// start like a formula are prefixed so a spreadsheet never runs them.
export function toCsv(columns: { key: string; header: string }[], rows: Record<string, unknown>[]): string {
  const cell = (v: unknown) => {
    let s = v == null ? '' : Array.isArray(v) ? v.join('|') : v instanceof Date ? v.toISOString() : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\ufeff${[columns.map((c) => cell(c.header)).join(','), ...rows.map((r) => columns.map((c) => cell(r[c.key])).join(','))].join('\r\n')}\r\n`;
}
