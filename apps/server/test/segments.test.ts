// Segments against ground truth: random rules over the demo corp, evaluated in SQL by Pond and here in
// plain code from the raw tables; the members must be the same, also through event windows rolled across days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import type { RuleNode } from '../src/modules/segments/rule';
import { where } from '../src/modules/segments/routes';
import { Params } from '../src/platform/sql';
import { readEventWindows, WINDOW_DAYS, type EventWindows } from '../src/modules/segments/windows';

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
const pickSome = <T,>(xs: T[], max: number) => xs.filter(() => rnd() < 0.3).slice(0, max).concat(xs.length ? [xs[Math.floor(rnd() * xs.length)]!] : []);
function randomCondition(): RuleNode {
  switch (Math.floor(rnd() * 5)) {
    case 0: return { type: 'tags', mode: (['any', 'all', 'none'] as const)[Math.floor(rnd() * 3)]!, tagIds: [...new Set(pickSome(tagIds, 3))] };
    case 1: return { type: 'gender', values: [Math.floor(rnd() * 3)] };
    case 2: return { type: 'staff', userids: [...new Set(pickSome(staffIds, 3))] };
    case 3: return { type: 'store', storeIds: [...new Set(pickSome(storeIds, 2))] };
    default: return randomEventCondition();
  }
}
/** Mostly the windows kept per customer (7/30/90/180 days), sometimes another length (read from the per-day counts). */
function randomEventCondition(): RuleNode {
  const days = rnd() < 0.7 ? WINDOW_DAYS[Math.floor(rnd() * WINDOW_DAYS.length)]! : 1 + Math.floor(rnd() * 200);
  return { type: 'event', eventType: rnd() < 0.6 ? 'customer.added' : 'group.joined', op: rnd() < 0.5 ? 'atLeast' : 'atMost', count: Math.floor(rnd() * 4), days };
}
function randomRule(depth = 0, condition = randomCondition): RuleNode {
  if (depth > 1 || rnd() < 0.3) return condition();
  return { op: rnd() < 0.5 ? 'and' : 'or', conditions: Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => randomRule(depth + 1, condition)) };
}

const everyone = () => ({ corpId: pond.corpId, storeIds: null, staffUserid: null });
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
    expect((await countWhere({ type: 'event', eventType: 'customer.added', op: 'atLeast', count: 1, days: 30 }, 'fast', windows)).sql).toContain('customer_event_windows');
  });

  it('keep the event windows true through new events and daily rolls, falling back when they are stale', async () => {
    const pool = pond.app.pool;
    const today = shDay(new Date());
    const stored = async () => {
      const { rows } = await pool.query(`SELECT type, external_userid, d7, d30, d90, d180 FROM customer_event_windows WHERE corp_id = $1 AND type = ANY($2)`, [pond.corpId, ['customer.added', 'group.joined']]);
      return Object.fromEntries(rows.filter((r) => r.d180 > 0).map((r) => [`${r.type} ${r.external_userid}`, [r.d7, r.d30, r.d90, r.d180]]));
    };
    const expected = (day: string) => {
      const out: Record<string, number[]> = {};
      for (const t of truth) {
        for (const type of ['customer.added', 'group.joined']) {
          const w = WINDOW_DAYS.map((k) => t.events.filter((e) => e.type === type && shDay(e.at) > addDays(day, -k)).length);
          if (w[3]! > 0) out[`${type} ${t.ext}`] = w;
        }
      }
      return out;
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
      expect(await stored(), day).toEqual(expected(day));
      const windows = await readEventWindows(pool, pond.corpId, day);
      expect(windows.ready).toEqual(expect.arrayContaining(['customer.added', 'group.joined']));
      for (let i = 0; i < 8; i++) {
        const rule = randomRule(0, () => (rnd() < 0.7 ? randomEventCondition() : randomCondition()));
        const want = truth.filter((t) => evaluate(rule, t, day)).length;
        expect((await countWhere(rule, 'fast', windows)).n, `${day} ${JSON.stringify(rule)}`).toBe(want);
        expect((await countWhere(rule, 'plain', windows)).n, `${day} ${JSON.stringify(rule)}`).toBe(want);
      }
    };
    // Rolled one day at a time, two days, 29 days (subtracting), 44 days (rebuilt), then back to today (rebuilt).
    for (const day of [today, addDays(today, 1), addDays(today, 2), addDays(today, 31), addDays(today, 75), today]) {
      await pond.app.eventWindows.rollAll(day);
      await check(day);
      await addEvents(day);
      await check(day);
      if (day !== today) {
        // Windows rolled to another day are not read for today: the per-day counts answer, still right.
        const rule: RuleNode = { type: 'event', eventType: 'group.joined', op: 'atMost', count: 1, days: 90 };
        const res = await pond.api('POST', '/api/segments/preview', { rule });
        expect(res.body.count).toBe(truth.filter((t) => evaluate(rule, t)).length);
        expect((await countWhere(rule, 'fast', await readEventWindows(pool, pond.corpId))).sql).not.toContain('customer_event_windows');
      }
    }
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
