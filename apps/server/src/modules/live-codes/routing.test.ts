import { describe, expect, it } from 'vitest';
import { eligible, isOpen, localTime, pick, validateSchedule, type PoolMember } from './routing';
import type { WorkSchedule } from '@pond/contracts/live-codes';

const m = (userid: string, position: number, extra: Partial<PoolMember> = {}): PoolMember =>
  ({ userid, position, weight: 1, dailyCap: null, totalCap: null, available: true, ...extra });

describe('schedule', () => {
  const s: WorkSchedule = {
    timezone: 'Asia/Shanghai',
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' })),
    exceptions: [{ date: '2026-12-25', closed: true }, { date: '2026-12-26', slots: [{ start: '10:00', end: '12:00' }] }],
  };
  it('opens in weekly slots in the code time zone', () => {
    expect(isOpen(s, new Date('2026-11-24T02:00:00Z'))).toBe(true); // Tue 10:00 Shanghai
    expect(isOpen(s, new Date('2026-11-24T10:30:00Z'))).toBe(false); // Tue 18:30
    expect(isOpen(s, new Date('2026-11-22T03:00:00Z'))).toBe(false); // Sunday
    expect(localTime(new Date('2026-11-24T16:30:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-11-25', weekday: 3, minute: 30 });
  });
  it('applies exception dates over the weekly slots', () => {
    expect(isOpen(s, new Date('2026-12-25T03:00:00Z'))).toBe(false); // a Friday, closed
    expect(isOpen(s, new Date('2026-12-26T02:30:00Z'))).toBe(true); // a Saturday, 10:30 special slot
    expect(isOpen(s, new Date('2026-12-26T05:00:00Z'))).toBe(false);
  });
  it('is always open without a schedule', () => expect(isOpen(null, new Date())).toBe(true));
  it('names the field of each schedule error', () => {
    const errs = validateSchedule({ timezone: 'Mars/Base', weekly: [{ day: 7, start: '9:00', end: '08:00' }, { day: 1, start: '20:00', end: '08:00' }], exceptions: [{ date: '2026-13-40' }] });
    const fields = errs.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['schedule.timezone', 'schedule.weekly.0.day', 'schedule.weekly.0.start', 'schedule.weekly.1.end', 'schedule.exceptions.0.date', 'schedule.exceptions.0']));
  });
});

describe('pick', () => {
  const pool = [m('a', 0), m('b', 1), m('c', 2)];
  it('rotates round-robin by today\'s assignments', () => {
    const today: Record<string, number> = {};
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = pick(pool, 'round_robin', { today, total: {} })!;
      order.push(p.userid);
      today[p.userid] = (today[p.userid] ?? 0) + 1;
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
  it('follows weights', () => {
    const w = [m('a', 0, { weight: 3 }), m('b', 1, { weight: 1 })];
    const today: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const p = pick(w, 'weighted', { today, total: {} })!;
      today[p.userid] = (today[p.userid] ?? 0) + 1;
    }
    expect(today).toEqual({ a: 30, b: 10 });
  });
  it('random respects weights and stays in the pool', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const w = [m('a', 0, { weight: 9 }), m('b', 1, { weight: 1 })];
    const n = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 1000; i++) n[pick(w, 'random', { today: {}, total: {} }, rnd)!.userid]++;
    expect(n.a).toBeGreaterThan(800);
    expect(n.b).toBeGreaterThan(50);
  });
  it('skips members at their daily or total cap and unavailable ones', () => {
    const p = [m('a', 0, { dailyCap: 2 }), m('b', 1, { totalCap: 5 }), m('c', 2, { available: false })];
    expect(eligible(p, { today: { a: 2 }, total: { b: 5 } })).toEqual([]);
    expect(eligible(p, { today: { a: 1 }, total: { b: 5 } }).map((x) => x.userid)).toEqual(['a']);
    expect(pick([], 'round_robin', { today: {}, total: {} })).toBeNull();
  });
});
