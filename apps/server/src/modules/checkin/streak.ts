// The arithmetic of a check-in: streaks, missed days, which days may be made up, when a consecutive challenge is
// broken and when it is complete — all from the enrolment's checked days (corp calendar days, YYYY-MM-DD), so a
// make-up that fills a gap simply recomputes everything.
import type { CheckinConfig } from '@pond/contracts/checkin';
import { addDays } from '../../platform/time';

export interface DayStats {
  /** Days checked in. */
  days: number;
  /** The run of consecutive days ending at the last day checked. */
  streak: number;
  bestStreak: number;
  lastDay: string | null;
}

/** Stats of the checked days (sorted ascending, unique). */
export function dayStats(sorted: string[]): DayStats {
  let best = 0;
  let run = 0;
  let prev: string | null = null;
  for (const d of sorted) {
    run = prev !== null && addDays(prev, 1) === d ? run + 1 : 1;
    if (run > best) best = run;
    prev = d;
  }
  return { days: sorted.length, streak: run, bestStreak: best, lastDay: prev };
}

/** The streak as the customer sees it today: 0 once yesterday passed without a check-in. */
export function currentStreak(s: Pick<DayStats, 'streak' | 'lastDay'>, today: string): number {
  return s.lastDay !== null && s.lastDay >= addDays(today, -1) ? s.streak : 0;
}

/** Days in [from, to] (inclusive) not in `checked`. */
export function missedDays(checked: ReadonlySet<string>, from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (!checked.has(d)) out.push(d);
  return out;
}

export interface EnrolmentDays {
  startDay: string;
  makeupsUsed: number;
  /** Sorted ascending. */
  checked: string[];
}

export const cardsLeft = (cfg: CheckinConfig, e: Pick<EnrolmentDays, 'makeupsUsed'>) => Math.max(0, cfg.makeupCards - e.makeupsUsed);

/** The first day a make-up may fill today (the window reaches back `makeupWindowDays` days, not before the enrolment). */
export function makeupFloor(cfg: CheckinConfig, e: Pick<EnrolmentDays, 'startDay'>, today: string): string {
  const w = addDays(today, -cfg.makeupWindowDays);
  return w > e.startDay ? w : e.startDay;
}

/** Missed days the customer may make up now: inside the enrolment and the window, before today, with a card left. */
export function makeupDays(cfg: CheckinConfig, e: EnrolmentDays, today: string): string[] {
  if (cardsLeft(cfg, e) <= 0) return [];
  return missedDays(new Set(e.checked), makeupFloor(cfg, e, today), addDays(today, -1));
}

/**
 * A consecutive challenge is broken when a day missed since the first check-in can no longer be made up: it is
 * outside the make-up window, or there are more missed days than cards left. Today is never missed (yet).
 */
export function isBroken(cfg: CheckinConfig, e: EnrolmentDays, today: string): boolean {
  if (cfg.mode !== 'challenge' || cfg.streakRule !== 'consecutive' || !e.checked.length) return false;
  const missed = missedDays(new Set(e.checked), e.checked[0], addDays(today, -1));
  if (!missed.length) return false;
  const floor = addDays(today, -cfg.makeupWindowDays);
  return missed.some((d) => d < floor) || missed.length > cardsLeft(cfg, e);
}

/** Whether the challenge is done: N days (cumulative) or a streak of N (consecutive). A daily check-in never completes. */
export function isComplete(cfg: CheckinConfig, s: DayStats): boolean {
  if (cfg.mode !== 'challenge' || !cfg.challengeDays) return false;
  return (cfg.streakRule === 'cumulative' ? s.days : s.bestStreak) >= cfg.challengeDays;
}

/** Whether a milestone is reached: total days (cumulative) or the best streak (consecutive). */
export function milestoneReached(cfg: CheckinConfig, s: DayStats, days: number): boolean {
  return (cfg.streakRule === 'cumulative' ? s.days : s.bestStreak) >= days;
}
