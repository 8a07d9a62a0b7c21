// Red-packet rules' pure parts: which occurrence of which slot is on at an instant (corp zone), the next one, and a
// packet's amount. No database.
import { randomInt } from 'node:crypto';
import type { RedpacketAmount, RedpacketSlot } from '@pond/contracts/redpackets';
import { addDays, dayIn, zonedTime } from '../../platform/time';

export interface Occurrence { key: string; index: number; startsAt: Date; endsAt: Date; count: number }

const weekdayOf = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

function occurrenceOn(day: string, index: number, s: RedpacketSlot, tz: string): Occurrence | null {
  if (s.weekdays.length && !s.weekdays.includes(weekdayOf(day))) return null;
  return { key: `${day}#${index}@${s.start}`, index, startsAt: zonedTime(day, s.start, tz), endsAt: zonedTime(day, s.end, tz), count: s.count };
}

/** The occurrence on at `now` (the first slot that holds it), or null. */
export function currentOccurrence(slots: RedpacketSlot[], now: Date, tz: string): Occurrence | null {
  const day = dayIn(now, tz);
  for (const [i, s] of slots.entries()) {
    const o = occurrenceOn(day, i, s, tz);
    if (o && o.startsAt <= now && now < o.endsAt) return o;
  }
  return null;
}

/** The next occurrence to start after `now` (within two weeks), or null; never past `until` when given. */
export function nextOccurrence(slots: RedpacketSlot[], now: Date, tz: string, until: Date | null = null): Occurrence | null {
  const today = dayIn(now, tz);
  for (let d = 0; d <= 14; d++) {
    const day = addDays(today, d);
    const found = slots.map((s, i) => occurrenceOn(day, i, s, tz)).filter((o): o is Occurrence => !!o && o.startsAt > now)
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
    if (found) return until && found.startsAt >= until ? null : found;
  }
  return null;
}

/** A packet's amount in fen: fixed, or uniform in [minFen, maxFen]. */
export function packetAmount(a: RedpacketAmount, rnd: (min: number, maxExclusive: number) => number = randomInt): number {
  return a.mode === 'fixed' ? a.amountFen : rnd(a.minFen, a.maxFen + 1);
}
