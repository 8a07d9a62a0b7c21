// The contact budget's settings and the pure rules around them: the defaults a corp starts with, quiet hours in
// the corp's time zone, and WeCom's own cap on mass sends as a number for a period.
import { createHash } from 'node:crypto';
import type { Content } from '@pond/contracts/content';
import type { ContactPolicyOutput, QuietAction, WecomCapMode } from '@pond/contracts/governance';
import { dayIn, minuteOfDay, zonedTime, addDays } from '../../platform/time';

export type Policy = Omit<ContactPolicyOutput, 'updatedAt'> & { updatedAt: Date | null };

/** What a corp has before anyone changes it: gentle enough for customers, enough for a weekly rhythm. */
export const DEFAULT_POLICY: Policy = {
  customerPerDay: 1,
  customerPerWeek: 3,
  customerPerMonth: 8,
  groupPerDay: 3,
  groupPerWeek: 15,
  minGapMinutes: 240,
  quietStart: '21:00',
  quietEnd: '09:00',
  quietAction: 'defer',
  dedupeDays: 7,
  dndTagIds: [],
  wecomCap: 'month_days',
  countMoments: false,
  overdueAfterMinutes: 120,
  digestTime: '09:00',
  updatedAt: null,
};

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` falls inside the quiet hours (start inclusive, end exclusive; over midnight when start > end). */
export function inQuietHours(at: Date, policy: Pick<Policy, 'quietStart' | 'quietEnd'>, tz: string): boolean {
  if (!policy.quietStart || !policy.quietEnd || policy.quietStart === policy.quietEnd) return false;
  const m = minuteOfDay(at, tz);
  const s = toMinutes(policy.quietStart);
  const e = toMinutes(policy.quietEnd);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** When a send due at `at` may go: `at` itself outside quiet hours; inside, the end of the quiet hours (defer) or null (skip). */
export function adjustForQuiet(at: Date, policy: Pick<Policy, 'quietStart' | 'quietEnd'>, tz: string, action: QuietAction): Date | null {
  if (!inQuietHours(at, policy, tz)) return at;
  if (action === 'skip') return null;
  const day = dayIn(at, tz);
  const end = policy.quietEnd!;
  // The quiet hours end today (after midnight, before the end) or tomorrow (evening, over midnight).
  const today = zonedTime(day, end, tz);
  return today > at ? today : zonedTime(addDays(day, 1), end, tz);
}

/** WeCom's cap on mass sends a customer (or group) receives in the period around `at`: its length unit and the number. */
export function wecomCapFor(mode: WecomCapMode, at: Date, tz: string): { unit: 'day' | 'week' | 'month'; max: number } {
  if (mode === 'day1') return { unit: 'day', max: 1 };
  if (mode === 'week7') return { unit: 'week', max: 7 };
  const [y, m] = dayIn(at, tz).split('-').map(Number);
  return { unit: 'month', max: new Date(Date.UTC(y, m, 0)).getUTCDate() };
}

/** The content's identity for de-duplication: its text (whitespace-normalised) and attachments. */
export function contentHash(content: Content): string {
  return createHash('sha256').update(JSON.stringify([content.text.replace(/\s+/g, ' ').trim(), content.attachments])).digest('hex').slice(0, 32);
}

/** A short preview of the content for the ledger and the timeline. */
export function contentPreview(content: Content): string {
  const text = content.text.trim();
  const extra = content.attachments.length ? ` [+${content.attachments.length}]` : '';
  return ([...text].slice(0, 200).join('') + extra).trim();
}
