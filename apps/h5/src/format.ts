// Times in the corp's time zone, `YYYY-MM-DD HH:mm`, as the console shows them.
let zone = 'Asia/Shanghai';
let fmt: Intl.DateTimeFormat | null = null;

export function setTimeZone(tz: string): void {
  zone = tz || 'Asia/Shanghai';
  fmt = null;
}

function parts(t: string | number | Date): Record<string, string> {
  fmt ??= new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p: Record<string, string> = {};
  for (const x of fmt.formatToParts(new Date(t))) p[x.type] = x.value;
  return p;
}

export function dateTime(t: string | null | undefined): string {
  if (!t) return '';
  const p = parts(t);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The calendar day of `t` in the corp's zone, `YYYY-MM-DD`. */
export function day(t: string | number | Date): string {
  const p = parts(t);
  return `${p.year}-${p.month}-${p.day}`;
}
