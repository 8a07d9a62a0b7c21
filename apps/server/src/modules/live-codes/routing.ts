// Who gets the next customer: working hours, caps and the strategy, as pure functions so the rules
// are tested without a database. The scan path feeds them today's counts read in one query.
import type { WorkSchedule } from '@pond/contracts/live-codes';

export interface PoolMember {
  userid: string;
  position: number;
  weight: number;
  dailyCap: number | null;
  totalCap: number | null;
  /** The member is active in WeCom and has this code's contact way. */
  available: boolean;
}

export type Strategy = 'round_robin' | 'weighted' | 'random';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Local date (YYYY-MM-DD), weekday (0 = Sunday) and minute of day in a time zone. */
export function localTime(at: Date, timezone: string): { date: string; weekday: number; minute: number } {
  const parts = formatter(timezone).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { date: `${get('year')}-${get('month')}-${get('day')}`, weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** True when `at` falls inside the schedule (no schedule = always open). */
export function isOpen(schedule: WorkSchedule | null | undefined, at: Date): boolean {
  if (!schedule) return true;
  const { date, weekday, minute } = localTime(at, schedule.timezone);
  const exception = schedule.exceptions.find((e) => e.date === date);
  const slots = exception ? (exception.closed ? [] : exception.slots ?? []) : schedule.weekly.filter((s) => s.day === weekday);
  return slots.some((s) => minute >= minutes(s.start) && minute < minutes(s.end));
}

/** Problems with a schedule, each naming the field and the rule; [] when valid. */
export function validateSchedule(s: WorkSchedule): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  try {
    new Intl.DateTimeFormat('en', { timeZone: s.timezone });
  } catch {
    out.push({ field: 'schedule.timezone', message: `unknown time zone ${s.timezone}` });
  }
  const slot = (field: string, x: { start: string; end: string }) => {
    if (!HHMM.test(x.start)) out.push({ field: `${field}.start`, message: 'must be HH:MM (00:00–23:59)' });
    if (!HHMM.test(x.end)) out.push({ field: `${field}.end`, message: 'must be HH:MM (00:00–24:00)' });
    else if (HHMM.test(x.start) && minutes(x.end) <= minutes(x.start)) out.push({ field: `${field}.end`, message: 'must be after start (a slot cannot cross midnight; split it in two)' });
  };
  s.weekly.forEach((w, i) => {
    if (!Number.isInteger(w.day) || w.day < 0 || w.day > 6) out.push({ field: `schedule.weekly.${i}.day`, message: 'must be 0 (Sunday) to 6 (Saturday)' });
    slot(`schedule.weekly.${i}`, w);
  });
  s.exceptions.forEach((e, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.date) || Number.isNaN(Date.parse(e.date))) out.push({ field: `schedule.exceptions.${i}.date`, message: 'must be a date YYYY-MM-DD' });
    if (!e.closed && !(e.slots?.length)) out.push({ field: `schedule.exceptions.${i}`, message: 'needs closed: true or at least one slot' });
    (e.slots ?? []).forEach((x, j) => slot(`schedule.exceptions.${i}.slots.${j}`, x));
  });
  return out;
}

export interface Counts { today: Record<string, number>; total: Record<string, number> }

/** Members who may take a new customer now: available and under both caps. */
export function eligible<T extends PoolMember>(pool: T[], counts: Counts): T[] {
  return pool.filter((m) => m.available
    && (m.dailyCap == null || (counts.today[m.userid] ?? 0) < m.dailyCap)
    && (m.totalCap == null || (counts.total[m.userid] ?? 0) < m.totalCap));
}

/**
 * Picks one member. Round-robin: the fewest assigned today, ties by position — the same rotation
 * as a cursor, but correct across processes without one. Weighted: smooth weighted (lowest
 * (assigned + 1) / weight). Random: weighted random.
 */
export function pick<T extends PoolMember>(candidates: T[], strategy: Strategy, counts: Counts, random: () => number = Math.random): T | null {
  if (candidates.length === 0) return null;
  const today = (m: PoolMember) => counts.today[m.userid] ?? 0;
  if (strategy === 'random') {
    const total = candidates.reduce((a, m) => a + Math.max(1, m.weight), 0);
    let r = random() * total;
    for (const m of candidates) {
      r -= Math.max(1, m.weight);
      if (r < 0) return m;
    }
    return candidates[candidates.length - 1];
  }
  const score = strategy === 'weighted' ? (m: T) => (today(m) + 1) / Math.max(1, m.weight) : today;
  return [...candidates].sort((a, b) => score(a) - score(b) || a.position - b.position)[0];
}
