// When playbook steps fall due, as pure functions of the corp's time zone: a customer step at its offset from the
// enrolment (the scheduler computes the same in SQL: repo.ts `STEP_DUE_SQL`), a group step's calendar occurrences.
import type { Content } from '@pond/contracts/content';
import type { StepSchedule } from '@pond/contracts/playbooks';
import { addDays, dayIn, zonedTime } from '../../platform/time';

export interface CustomerTiming { day: number; time: string | null; offsetMinutes: number }

/** A customer step's due time for an enrolment at `enrolledAt`: day N at HH:mm in the zone (never before the enrolment),
 * or the enrolment plus N days and M minutes. */
export function customerStepDue(t: CustomerTiming, enrolledAt: Date, tz: string): Date {
  if (!t.time) return new Date(enrolledAt.getTime() + t.day * 86_400_000 + t.offsetMinutes * 60_000);
  const at = zonedTime(addDays(dayIn(enrolledAt, tz), t.day), t.time, tz);
  return at < enrolledAt ? enrolledAt : at;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar day. */
export function isoWeekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** Whether a group step's calendar has an occurrence on `day` (YYYY-MM-DD, the corp's calendar). */
export function occursOn(s: StepSchedule, day: string): boolean {
  switch (s.repeat) {
    case 'daily': return true;
    case 'weekly': return s.weekdays.includes(isoWeekday(day));
    case 'monthly': return s.monthDays.includes(Number(day.slice(8, 10)));
    case 'dates': return s.dates.includes(day);
  }
}

/** The step's occurrences (calendar day and instant) whose instant lies in [from, to]. */
export function occurrencesBetween(s: StepSchedule, from: Date, to: Date, tz: string): { day: string; at: Date }[] {
  const out: { day: string; at: Date }[] = [];
  const last = dayIn(to, tz);
  for (let day = dayIn(from, tz), i = 0; day <= last && i < 400; day = addDays(day, 1), i++) {
    if (!occursOn(s, day)) continue;
    const at = zonedTime(day, s.time, tz);
    if (at >= from && at <= to) out.push({ day, at });
  }
  return out;
}

/** The next `n` occurrences from `from` (looking at most a year and a half ahead). */
export function nextOccurrences(s: StepSchedule, from: Date, n: number, tz: string): { day: string; at: Date }[] {
  const out: { day: string; at: Date }[] = [];
  for (let day = dayIn(from, tz), i = 0; out.length < n && i < 550; day = addDays(day, 1), i++) {
    if (!occursOn(s, day)) continue;
    const at = zonedTime(day, s.time, tz);
    if (at >= from) out.push({ day, at });
  }
  return out;
}

/** Content whose text names the customer: a mass send of it goes to one customer per call. */
export function perCustomer(content: Content): boolean {
  return content.text.includes('{nickname}');
}

/** The text with the sender's placeholders filled (and the customer's, when given). */
export function fillText(text: string, vars: { nickname?: string; staff: string; store: string }): string {
  return text.replace(/\{(nickname|staff|store)\}/g, (m, k: 'nickname' | 'staff' | 'store') => vars[k] ?? m);
}
