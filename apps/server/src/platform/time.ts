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
