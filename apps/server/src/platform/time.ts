// Time is the corp's time zone (`corps.timezone`, Asia/Shanghai by default): times people read are
// "YYYY-MM-DD HH:mm" in it, and days are its calendar days. The console formats the same way (lib/format.ts).
import type pg from 'pg';
import type { Cols } from './db/rows';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';


/** Postgres reads the zone too (`AT TIME ZONE`): a name only Node knows would fail there, so both must know it. */
export async function postgresKnowsZone(db: Pick<pg.Pool, 'query'>, tz: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [tz]);
  return rows.length > 0;
}

export async function corpZone(db: Pick<pg.Pool, 'query'>, corpId: string): Promise<string> {
  const { rows } = await db.query<Cols<'corps', 'timezone'>>('SELECT timezone FROM corps WHERE id = $1', [corpId]);
  return rows[0]?.timezone ?? DEFAULT_TIMEZONE;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function parts(at: Date, tz: string): Record<string, string> {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(tz, f);
  }
  return Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
}

/** "2025-06-01 09:30" in `tz`. */
export function formatDateTime(at: Date, tz: string): string {
  const p = parts(at, tz);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The calendar day (YYYY-MM-DD) `at` falls on in `tz`. */
export function dayIn(at: Date, tz: string): string {
  const p = parts(at, tz);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Minutes `tz` is ahead of UTC at `at`. */
export function zoneOffsetMinutes(at: Date, tz: string): number {
  const p = parts(at, tz);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** The instant a wall-clock time (`day` YYYY-MM-DD, `hhmm` HH:mm) is in `tz` (a time skipped by a DST change moves forward). */
export function zonedTime(day: string, hhmm: string, tz: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, h, mi);
  let at = new Date(wall - zoneOffsetMinutes(new Date(wall), tz) * 60_000);
  // Once more with the offset at the first guess (the offset may differ across a DST change).
  at = new Date(wall - zoneOffsetMinutes(at, tz) * 60_000);
  return at;
}

/** Minutes since midnight of `at` in `tz`. */
export function minuteOfDay(at: Date, tz: string): number {
  const p = parts(at, tz);
  return Number(p.hour) * 60 + Number(p.minute);
}

/** `day` (YYYY-MM-DD) plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
