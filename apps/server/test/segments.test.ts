// Segments against ground truth: random rules over the demo corp, evaluated in SQL by Pond and here in
// plain code from the raw tables; the members must be the same, also through event windows rolled across days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import { upsertCustomers } from '../src/modules/customers/repo';
import { SEGMENT_EVENT_TYPES as EVENT_TYPES, type SegmentRule as RuleNode } from '@pond/contracts/segments';
import { where } from '../src/modules/segments/repo';
import { Params } from '../src/platform/sql';
import { corpScope } from '../src/platform/auth';
import { readEventWindows, rollEventWindows, WINDOW_DAYS, windowSlot, type EventWindows } from '../src/modules/segments/windows';

let pond: TestPond;
interface Truth { ext: string; tags: Set<string>; gender: number; staff: Set<string>; stores: Set<number>; added: Date | null; events: { type: string; at: Date }[] }
let truth: Truth[];
let tagIds: string[];
let staffIds: string[];
let storeIds: number[];

async function loadTruth() {
  const q = (sql: string) => pond.app.pool.query(sql, [pond.corpId]).then((r) => r.rows);
  const customers = await q(`SELECT external_userid, gender, first_added_at FROM customers WHERE corp_id = $1 AND active_follow_count > 0`);
  const follows = await q(`SELECT f.external_userid, f.userid, f.tag_ids, s.store_id FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid WHERE f.corp_id = $1 AND f.status = 'active'`);
  const events = await q(`SELECT external_userid, type, occurred_at FROM customer_events WHERE corp_id = $1`);
  const byCustomer = new Map<string, any[]>();
  for (const e of events) byCustomer.set(e.external_userid, [...(byCustomer.get(e.external_userid) ?? []), e]);
  truth = customers.map((c) => {
    const fs = follows.filter((f) => f.external_userid === c.external_userid);
    return {
      ext: c.external_userid, gender: c.gender, added: c.first_added_at,
      tags: new Set(fs.flatMap((f) => f.tag_ids)), staff: new Set(fs.map((f) => f.userid)), stores: new Set(fs.map((f) => Number(f.store_id)).filter((x) => x)),
      events: (byCustomer.get(c.external_userid) ?? []).map((e) => ({ type: e.type, at: e.occurred_at })),
    };
  });
  tagIds = [...new Set(follows.flatMap((f) => f.tag_ids as string[]))];
  staffIds = [...new Set(follows.map((f) => f.userid as string))];
  storeIds = [...new Set(follows.map((f) => Number(f.store_id)).filter((x) => x))];
}

beforeAll(async () => {
  pond = await startTestPond();
  await pond.app.eventWindows.rollAll();
  await loadTruth();
});
afterAll(async () => { await pond?.close(); });

const shDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);

/** The rule for one customer, "the last D days" counted back from `today` (Asia/Shanghai). */
function evaluate(n: RuleNode, t: Truth, today = shDay(new Date())): boolean {
  if ('conditions' in n) return n.op === 'and' ? n.conditions.every((c) => evaluate(c, t, today)) : n.conditions.some((c) => evaluate(c, t, today));
  switch (n.type) {
    case 'tags': return n.mode === 'any' ? n.tagIds.some((x) => t.tags.has(x)) : n.mode === 'all' ? n.tagIds.every((x) => t.tags.has(x)) : !n.tagIds.some((x) => t.tags.has(x));
    case 'gender': return n.values.includes(t.gender);
    case 'staff': return n.userids.some((u) => t.staff.has(u));
    case 'store': return n.storeIds.some((s) => t.stores.has(s));
    case 'event': {
      const since = addDays(today, -n.days);
      const k = t.events.filter((e) => e.type === n.eventType && shDay(e.at) > since).length;
      return n.op === 'atLeast' ? k >= n.count : k <= n.count;
    }
    default: throw new Error(`not generated: ${n.type}`);
  }
}

let seed = 42;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const pickSome = <T,>(xs: T[], max: number) => xs.filter(() => rnd() < 0.3).slice(0, max).concat(xs.length ? [xs[Math.floor(rnd() * xs.length)]] : []);
function randomCondition(): RuleNode {
  switch (Math.floor(rnd() * 5)) {
    case 0: return { type: 'tags', mode: (['any', 'all', 'none'] as const)[Math.floor(rnd() * 3)], tagIds: [...new Set(pickSome(tagIds, 3))] };
    case 1: return { type: 'gender', values: [Math.floor(rnd() * 3)] };
    case 2: return { type: 'staff', userids: [...new Set(pickSome(staffIds, 3))] };
    case 3: return { type: 'store', storeIds: [...new Set(pickSome(storeIds, 2))] };
    default: return randomEventCondition();
  }
}
/** Mostly the windows kept per customer (7/30/90/180 days), sometimes another length (read from the per-day counts). */
function randomEventCondition(): RuleNode {
  const days = rnd() < 0.7 ? WINDOW_DAYS[Math.floor(rnd() * WINDOW_DAYS.length)] : 1 + Math.floor(rnd() * 200);
  return { type: 'event', eventType: rnd() < 0.6 ? 'customer.added' : 'group.joined', op: rnd() < 0.5 ? 'atLeast' : 'atMost', count: Math.floor(rnd() * 4), days };
}
function randomRule(depth = 0, condition = randomCondition): RuleNode {
  if (depth > 1 || rnd() < 0.3) return condition();
  return { op: rnd() < 0.5 ? 'and' : 'or', conditions: Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => randomRule(depth + 1, condition)) };
}

/** The slots of a window row, in order: [event type, window length]. */
const SLOTS = EVENT_TYPES.flatMap((type) => WINDOW_DAYS.map((k) => [type, k] as const));

/** Until backend `pid` waits for a lock (another transaction's). */
async function untilWaiting(pid: number) {
  for (let i = 0; i < 500; i++) {
    const { rows: [r] } = await pond.app.pool.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
    if (r?.wait_event_type === 'Lock') return;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error(`backend ${pid} never waited for a lock`);
}

const everyone = () => corpScope(pond.corpId);
async function countWhere(rule: RuleNode, mode: 'fast' | 'plain', windows?: EventWindows) {
  const p = new Params();
  const w = where(everyone(), rule, p, mode, windows);
  const { rows: [r] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM customers c WHERE ${w}`, p.values);
  return { n: r.n as number, sql: w };
}

describe('segments', () => {
  it('match the ground truth computed from the raw tables on 40 random rules', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 40; i++) {
      const rule = randomRule();
      const expected = truth.filter((t) => evaluate(rule, t)).length;
      const res = await pond.api('POST', '/api/segments/preview', { rule });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.count, JSON.stringify(rule)).toBe(expected);
      counts.push(expected);
      // The straightforward SQL (the benchmark's baseline) agrees too.
      expect((await countWhere(rule, 'plain')).n, JSON.stringify(rule)).toBe(expected);
      for (const m of res.body.sample) expect(evaluate(rule, truth.find((t) => t.ext === m.externalUserid)!)).toBe(true);
    }
    // The random rules are not trivial: many distinct sizes between nobody and everybody.
    expect(new Set(counts).size).toBeGreaterThan(8);
    expect(counts.some((c) => c > 0 && c < truth.length)).toBe(true);
    // Windows were rolled to today at start, so the usual lengths read them.
    const windows = await readEventWindows(pond.app.pool, pond.corpId);
    expect(windows.ready).toEqual(expect.arrayContaining(['customer.added', 'group.joined']));
    expect((await countWhere({ type: 'event', eventType: 'customer.added', op: 'atLeast', count: 1, days: 30 }, 'fast', windows)).sql).toContain('c.event_windows[');
  });

  it('lay out the windows as SQL does: pond_event_window_type agrees with EVENT_TYPES, an event adds to its four slots', async () => {
    const pool = pond.app.pool;
    const { rows } = await pool.query(`SELECT pond_event_window_type(t) AS i FROM unnest($1::text[]) WITH ORDINALITY u(t, o) ORDER BY o`, [[...EVENT_TYPES, 'tag.removed', 'customer.half_added']]);
    expect(rows.map((r) => r.i)).toEqual([...EVENT_TYPES.map((_, i) => i), null, null]);
    expect((await pool.query('SELECT pond_event_window_types() AS types')).rows[0].types).toEqual([...EVENT_TYPES]);
    // One event of each type today adds 1 to exactly the slots windowSlot (what the compiler reads) gives that type.
    const ext = truth[0].ext;
    const row = async (): Promise<(number | null)[]> => (await pool.query(`SELECT event_windows AS w FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext])).rows[0]?.w ?? [];
    for (const type of EVENT_TYPES) {
      const before = await row();
      await pool.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at) VALUES ($1, $2, $3, now())`, [pond.corpId, ext, type]);
      const after = await row();
      const slots = WINDOW_DAYS.map((k) => windowSlot(type, k));
      expect(SLOTS.map((_, i) => (after[i] ?? 0) - (before[i] ?? 0)), type).toEqual(SLOTS.map((_, i) => (slots.includes(i + 1) ? 1 : 0)));
    }
    await loadTruth();
  });

  it('keep the event windows true through new events and daily rolls, falling back when they are stale', async () => {
    const pool = pond.app.pool;
    const today = shDay(new Date());
    // Every slot of every customer (active or not) against their events, per type and window.
    const stored = async () => {
      const { rows } = await pool.query(`SELECT external_userid, event_windows AS w FROM customers WHERE corp_id = $1 AND event_windows IS NOT NULL`, [pond.corpId]);
      return Object.fromEntries(rows.map((r) => [r.external_userid, SLOTS.map((_, i) => r.w[i] ?? 0)]));
    };
    const expected = async (day: string) => {
      const { rows: events } = await pool.query(
        `SELECT e.external_userid, e.type, e.occurred_at FROM customer_events e JOIN customers c USING (corp_id, external_userid) WHERE e.corp_id = $1`, [pond.corpId]);
      const out: Record<string, number[]> = {};
      for (const e of events) {
        const slots = WINDOW_DAYS.map((k) => windowSlot(e.type, k));
        if (slots[0] === null) continue; // a type not kept in windows (tag.removed, …)
        const w = (out[e.external_userid] ??= SLOTS.map(() => 0));
        WINDOW_DAYS.forEach((k, i) => { if (shDay(e.occurred_at) > addDays(day, -k)) w[slots[i]! - 1] += 1; });
      }
      // NULL when every 180-day window is empty.
      return Object.fromEntries(Object.entries(out).filter(([, w]) => SLOTS.some(([, k], i) => k === 180 && w[i] > 0)));
    };
    // Events on both sides of every window's edge, for today and the next days; a few at the first second of a day.
    const addEvents = async (day: string) => {
      const offsets = [0, 1, 3, -1, -5, -6, -7, -8, -28, -29, -30, -31, -88, -89, -90, -91, -178, -179, -180, -181, -400];
      const rows = truth.flatMap((t) => offsets.filter(() => rnd() < 0.08).map((o) => ({ ext: t.ext, o, type: rnd() < 0.5 ? 'customer.added' : 'group.joined', at: rnd() < 0.2 ? '00:00:00' : '12:00:00' })));
      await pool.query(
        `INSERT INTO customer_events (corp_id, external_userid, type, occurred_at)
         SELECT $1, r.ext, r.type, (($2::date + r.o) + r.at::time) AT TIME ZONE 'Asia/Shanghai'
         FROM jsonb_to_recordset($3::jsonb) AS r(ext text, o int, type text, at text)`, [pond.corpId, day, JSON.stringify(rows)]);
    };
    const check = async (day: string) => {
      await loadTruth();
      expect(await stored(), day).toEqual(await expected(day));
      const windows = await readEventWindows(pool, pond.corpId, day);
      expect(windows.ready).toEqual(expect.arrayContaining(['customer.added', 'group.joined']));
      for (let i = 0; i < 8; i++) {
        const rule = randomRule(0, () => (rnd() < 0.7 ? randomEventCondition() : randomCondition()));
        const want = truth.filter((t) => evaluate(rule, t, day)).length;
        expect((await countWhere(rule, 'fast', windows)).n, `${day} ${JSON.stringify(rule)}`).toBe(want);
        expect((await countWhere(rule, 'plain', windows)).n, `${day} ${JSON.stringify(rule)}`).toBe(want);
      }
    };
    // Rolled one day at a time, two days, 29 days (subtracting), 44 days (rebuilt), then back to today (rebuilt);
    // in chunks of a few customers, so every pass has many.
    for (const day of [today, addDays(today, 1), addDays(today, 2), addDays(today, 31), addDays(today, 75), today]) {
      await pond.app.eventWindows.rollAll(day, { chunk: 3 });
      await check(day);
      await addEvents(day);
      await check(day);
      if (day !== today) {
        // Windows rolled to another day are not read for today: the per-day counts answer, still right.
        const rule: RuleNode = { type: 'event', eventType: 'group.joined', op: 'atMost', count: 1, days: 90 };
        const res = await pond.api('POST', '/api/segments/preview', { rule });
        expect(res.body.count).toBe(truth.filter((t) => evaluate(rule, t)).length);
        expect((await countWhere(rule, 'fast', await readEventWindows(pool, pond.corpId))).sql).not.toContain('event_windows');
      }
    }
  });

  it('read behaviour conditions off the customer row, customers without events in any window included', async () => {
    const pool = pond.app.pool;
    // Windows rolled past every event so far (no customer has windows), then events of the last 200 days for two
    // customers in three, more of them recent: some customers have no windows, the others every kind of count.
    const { rows: [{ day }] } = await pool.query(
      `SELECT (max((occurred_at AT TIME ZONE 'Asia/Shanghai')::date) + 181)::text AS day FROM customer_events WHERE corp_id = $1`, [pond.corpId]);
    await pond.app.eventWindows.rollAll(day);
    expect((await pool.query(`SELECT count(*)::int AS n FROM customers WHERE corp_id = $1 AND event_windows IS NOT NULL`, [pond.corpId])).rows[0].n).toBe(0);
    const events = truth.flatMap((t) => (rnd() < 0.34 ? [] : Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => ({
      ext: t.ext, type: rnd() < 0.5 ? 'customer.added' : 'group.joined', o: -Math.floor(rnd() ** 2 * 200),
    }))));
    await pool.query(
      `INSERT INTO customer_events (corp_id, external_userid, type, occurred_at)
       SELECT $1, r.ext, r.type, (($2::date + r.o) + time '12:00') AT TIME ZONE 'Asia/Shanghai' FROM jsonb_to_recordset($3::jsonb) AS r(ext text, o int, type text)`,
      [pond.corpId, day, JSON.stringify(events)]);
    await loadTruth();
    const windows = await readEventWindows(pool, pond.corpId, day);
    expect(windows.ready).toEqual([...EVENT_TYPES]);
    const ev = (eventType: string, op: 'atLeast' | 'atMost', count: number, days: number) => ({ type: 'event', eventType, op, count, days }) as RuleNode;
    const withWindows = new Set((await pool.query(`SELECT external_userid FROM customers WHERE corp_id = $1 AND event_windows IS NOT NULL`, [pond.corpId])).rows.map((r) => r.external_userid as string));
    const check = async (rule: RuleNode, readsCounts = false) => {
      const want = truth.filter((t) => evaluate(rule, t, day));
      const { n, sql } = await countWhere(rule, 'fast', windows);
      expect(n, JSON.stringify(rule)).toBe(want.length);
      expect((await countWhere(rule, 'plain', windows)).n, JSON.stringify(rule)).toBe(want.length);
      // No join for the kept windows: only a length that is not kept reads the per-day counts.
      expect(sql.includes('customer_event_counts'), sql).toBe(readsCounts);
      expect(sql, sql).not.toContain('EXISTS');
      // Neither nobody nor everybody.
      expect(want.length, JSON.stringify(rule)).toBeGreaterThan(0);
      expect(want.length, JSON.stringify(rule)).toBeLessThan(truth.length);
      return { want, sql };
    };
    await check({ op: 'and', conditions: [
      ev('customer.added', 'atLeast', 1, 180),
      { op: 'or', conditions: [ev('group.joined', 'atMost', 1, 30), { op: 'and', conditions: [ev('group.joined', 'atLeast', 2, 90), ev('customer.added', 'atMost', 3, 7)] }] },
    ] });
    // Only "at most": true when every count is 0, so customers without windows are members.
    const atMost = await check({ op: 'and', conditions: [ev('customer.added', 'atMost', 0, 7), ev('group.joined', 'atMost', 1, 30)] });
    expect(atMost.want.some((t) => !withWindows.has(t.ext))).toBe(true);
    expect(atMost.want.some((t) => withWindows.has(t.ext))).toBe(true);
    await check({ op: 'or', conditions: [{ type: 'tags', mode: 'any', tagIds: tagIds.slice(0, 1) }, ev('customer.added', 'atLeast', 2, 30), ev('group.joined', 'atMost', 0, 90)] });
    // Mixed at two levels, with a length that is not kept (per-day counts).
    await check({ op: 'or', conditions: [
      { op: 'and', conditions: [{ type: 'gender', values: [1] }, ev('group.joined', 'atLeast', 1, 90), ev('customer.added', 'atMost', 1, 7)] },
      ev('customer.added', 'atLeast', 2, 45),
      { op: 'or', conditions: [ev('group.joined', 'atMost', 0, 180), ev('customer.added', 'atLeast', 3, 30)] },
    ] }, true);
  });

  it('keep the windows true while a roll is in progress: events and new customers on both sides of its boundary', async () => {
    const pool = pond.app.pool;
    const base = shDay(new Date());
    await pond.app.eventWindows.rollAll(base);
    const customers = async () => (await pool.query(`SELECT external_userid FROM customers WHERE corp_id = $1 ORDER BY external_userid`, [pond.corpId])).rows.map((r) => r.external_userid as string);
    const event = (ext: string, type: string, day: string, o: number) => pool.query(
      `INSERT INTO customer_events (corp_id, external_userid, type, occurred_at) VALUES ($1, $2, $3, (($4::date + $5::int) + time '12:00') AT TIME ZONE 'Asia/Shanghai')`,
      [pond.corpId, ext, type, day, o]);
    // The truth for every stored customer, from the timeline, as of `day`.
    const expected = async (day: string) => {
      const { rows } = await pool.query(
        `SELECT c.external_userid, c.event_windows AS w, coalesce(array_agg(e.type || '@' || (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date) FILTER (WHERE e.id IS NOT NULL), '{}') AS events
         FROM customers c LEFT JOIN customer_events e USING (corp_id, external_userid) WHERE c.corp_id = $1 GROUP BY c.external_userid, c.event_windows`, [pond.corpId]);
      for (const r of rows) {
        const want = SLOTS.map(() => 0);
        for (const x of r.events as string[]) {
          const [type, d] = x.split('@') as [string, string];
          WINDOW_DAYS.forEach((k) => { const slot = windowSlot(type, k); if (slot !== null && d > addDays(day, -k)) want[slot - 1] += 1; });
        }
        const empty = SLOTS.every(([, k], i) => k !== 180 || want[i] === 0);
        expect(r.w === null ? null : SLOTS.map((_, i) => r.w[i] ?? 0), `${r.external_userid} on ${day}`).toEqual(empty ? null : want);
      }
      return rows.length;
    };
    let fresh = 0;
    for (const [day, kind] of [[addDays(base, 3), 'rolled'], [addDays(base, 60), 'built']] as const) {
      const before = await customers();
      const boundaries: (string | null)[] = [];
      const outcome = await rollEventWindows(pool, pond.corpId, day, {
        chunk: 4,
        afterChunk: async (boundary) => {
          boundaries.push(boundary);
          if (boundary === null) return;
          // Between chunks: events of customers already rolled and not yet (today, and days leaving a window), a new
          // customer on each side of the boundary whose earlier events were stored before them, and one event more.
          const done = before.filter((x) => x <= boundary);
          const ahead = before.filter((x) => x > boundary);
          for (const ext of [done[done.length - 1], ahead[0]].filter((x): x is string => !!x)) {
            for (const o of [0, -2, -8, -31, -178]) await event(ext, o % 2 ? 'group.joined' : 'customer.added', base, o);
          }
          // (Digits sort before the demo's ids, so "0new…" is behind the boundary and "<boundary>new…" ahead of it.)
          for (const ext of [`${boundary}new${fresh++}`, `0new${fresh++}`]) {
            await event(ext, 'group.joined', base, -1);
            await event(ext, 'customer.added', base, -40);
            await pool.query(`INSERT INTO customers (corp_id, external_userid, name) VALUES ($1, $2, 'new')`, [pond.corpId, ext]);
            await event(ext, 'group.joined', day, 0);
          }
        },
      });
      expect(outcome).toBe(kind);
      expect(boundaries.length).toBeGreaterThan(3);
      expect(boundaries[boundaries.length - 1]).toBeNull();
      expect(await expected(day)).toBeGreaterThan(before.length);
      // And segments read the windows again for that day.
      expect((await readEventWindows(pool, pond.corpId, day)).ready).toEqual([...EVENT_TYPES]);
    }
    await loadTruth();
  });

  it('count an event and the customer stored at the same time once, whichever commits first', async () => {
    const pool = pond.app.pool;
    const day = shDay(new Date());
    await pond.app.eventWindows.rollAll(day);
    const windowsOf = async (ext: string) => (await pool.query(`SELECT event_windows FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext])).rows[0]?.event_windows;
    const slot = windowSlot('group.joined', 7)!;
    for (const first of ['event', 'customer'] as const) {
      const ext = `race-${first}`;
      const a = await pool.connect();
      const b = await pool.connect();
      try {
        await a.query('BEGIN');
        await b.query('BEGIN');
        const { rows: [{ pid }] } = await b.query('SELECT pg_backend_pid() AS pid');
        const insertEvent = (c: typeof a) => c.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at) VALUES ($1, $2, 'group.joined', now())`, [pond.corpId, ext]);
        const insertCustomer = (c: typeof a) => c.query(`INSERT INTO customers (corp_id, external_userid, name) VALUES ($1, $2, 'race')`, [pond.corpId, ext]);
        // The first statement runs in a; the second, in b, waits for a's commit on the customer's lock.
        await (first === 'event' ? insertEvent(a) : insertCustomer(a));
        const second = first === 'event' ? insertCustomer(b) : insertEvent(b);
        await untilWaiting(pid);
        await a.query('COMMIT');
        await second;
        await b.query('COMMIT');
      } finally {
        a.release();
        b.release();
      }
      expect((await windowsOf(ext))?.[slot - 1], first).toBe(1);
    }
    await loadTruth();
  });
  it('let a transaction that holds a customer and then writes an event go first, instead of deadlocking with the roll', async () => {
    const pool = pond.app.pool;
    const day = shDay(new Date());
    const ext = truth[0].ext;
    // A build locks every customer of its chunk; this transaction holds one of them first.
    await pool.query('DELETE FROM customer_event_window_rolls WHERE corp_id = $1', [pond.corpId]);
    const a = await pool.connect();
    try {
      await a.query('BEGIN');
      await a.query(`UPDATE customers SET name = name WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext]);
      const roll = rollEventWindows(pool, pond.corpId, day);
      // Until the roll waits for that row (holding the corp's lock)…
      for (let i = 0; ; i++) {
        const { rows } = await pool.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`);
        if (rows.length) break;
        if (i > 500) throw new Error('the roll never waited for the row');
        await new Promise((ok) => setTimeout(ok, 10));
      }
      // …then an event of that customer: it waits for the corp's lock, which the roll gives up.
      await a.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at) VALUES ($1, $2, 'group.joined', now())`, [pond.corpId, ext]);
      await a.query('COMMIT');
      expect(await roll).toBe('built');
    } finally {
      a.release();
    }
    const { rows: [c] } = await pool.query(`SELECT event_windows FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext]);
    const joined = (await pool.query(
      `SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'group.joined' AND (occurred_at AT TIME ZONE 'Asia/Shanghai')::date > $3::date - 7`,
      [pond.corpId, ext, day])).rows[0].n;
    expect(c.event_windows[windowSlot('group.joined', 7)! - 1]).toBe(joined);
    await loadTruth();
  });

  it('store a new customer and an existing one in one statement while an event of the new one waits, without a deadlock', async () => {
    const pool = pond.app.pool;
    await pond.app.eventWindows.rollAll(shDay(new Date()));
    // X is new and sorts before Y, which is stored.
    const y = truth.map((t) => t.ext).sort()[truth.length - 1];
    const x = `${y.slice(0, -1)}`;
    expect(x < y).toBe(true);
    const e = await pool.connect();
    try {
      await e.query('BEGIN');
      // An event of X before X is stored: its transaction holds X's lock.
      await e.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at) VALUES ($1, $2, 'group.joined', now())`, [pond.corpId, x]);
      // The upsert of X and Y waits for that lock — before it locks Y.
      const upsert = upsertCustomers(pool, pond.corpId, [{ external_userid: y, name: 'Y' }, { external_userid: x, name: 'X' }]);
      for (let i = 0; ; i++) {
        if ((await pool.query(`SELECT 1 FROM pg_locks WHERE NOT granted`)).rows.length) break;
        if (i > 500) throw new Error('the upsert never waited');
        await new Promise((ok) => setTimeout(ok, 10));
      }
      // So the event transaction can still write Y's row, and both finish.
      await e.query(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at) VALUES ($1, $2, 'group.joined', now())`, [pond.corpId, y]);
      await e.query('COMMIT');
      await upsert;
    } finally {
      e.release();
    }
    const { rows } = await pool.query(`SELECT external_userid, name, event_windows FROM customers WHERE corp_id = $1 AND external_userid = ANY($2) ORDER BY external_userid`, [pond.corpId, [x, y]]);
    expect(rows.map((r) => r.name)).toEqual(['X', 'Y']);
    // X's event counted once (by the insert trigger, which ran after the event committed).
    expect(rows[0].event_windows[windowSlot('group.joined', 7)! - 1]).toBe(1);
    await loadTruth();
  });

  it('saves a segment, pages its members and exports them', async () => {
    const rule: RuleNode = { op: 'and', conditions: [{ type: 'tags', mode: 'any', tagIds: tagIds.slice(0, 2) }, { type: 'gender', values: [1, 2] }] };
    const s = await pond.api('POST', '/api/segments', { name: '女性VIP', rule });
    expect(s.status).toBe(200);
    const m = await pond.api('GET', `/api/segments/${s.body.id}/members?pageSize=5`);
    expect(m.body.total).toBe(truth.filter((t) => evaluate(rule, t)).length);
    const csv = await (await fetch(`${pond.baseUrl}/api/segments/${s.body.id}/export.csv`, { headers: { authorization: `Bearer ${pond.token}` } })).text();
    expect(csv.trim().split('\r\n')).toHaveLength(m.body.total + 1);
  });

  it('names the field of a bad rule', async () => {
    const res = await pond.api('POST', '/api/segments/preview', { rule: { op: 'and', conditions: [{ type: 'event', eventType: 'customer.added', op: 'atLeast', count: 1, days: 0 }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toMatch(/rule/);
  });
});
