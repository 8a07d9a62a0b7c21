// Segments against ground truth: random rules over the demo corp, evaluated in SQL by Pond and here in
// plain code from the raw tables; the members must be the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import type { RuleNode } from '../src/modules/segments/rule';
import { where } from '../src/modules/segments/routes';
import { Params } from '../src/platform/sql';

let pond: TestPond;
interface Truth { ext: string; tags: Set<string>; gender: number; staff: Set<string>; stores: Set<number>; added: Date | null; events: { type: string; at: Date }[] }
let truth: Truth[];
let tagIds: string[];
let staffIds: string[];
let storeIds: number[];

beforeAll(async () => {
  pond = await startTestPond();
  const q = (sql: string) => pond.app.pool.query(sql, [pond.corpId]).then((r) => r.rows);
  const customers = await q(`SELECT external_userid, gender, first_added_at FROM customers WHERE corp_id = $1 AND active_follow_count > 0`);
  const follows = await q(`SELECT f.external_userid, f.userid, f.tag_ids, s.store_id FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid WHERE f.corp_id = $1 AND f.status = 'active'`);
  const events = await q(`SELECT external_userid, type, occurred_at FROM customer_events WHERE corp_id = $1`);
  truth = customers.map((c) => {
    const fs = follows.filter((f) => f.external_userid === c.external_userid);
    return {
      ext: c.external_userid, gender: c.gender, added: c.first_added_at,
      tags: new Set(fs.flatMap((f) => f.tag_ids)), staff: new Set(fs.map((f) => f.userid)), stores: new Set(fs.map((f) => Number(f.store_id)).filter((x) => x)),
      events: events.filter((e) => e.external_userid === c.external_userid).map((e) => ({ type: e.type, at: e.occurred_at })),
    };
  });
  tagIds = [...new Set(follows.flatMap((f) => f.tag_ids as string[]))];
  staffIds = [...new Set(follows.map((f) => f.userid as string))];
  storeIds = [...new Set(follows.map((f) => Number(f.store_id)).filter((x) => x))];
});
afterAll(async () => { await pond?.close(); });

function evaluate(n: RuleNode, t: Truth): boolean {
  if ('conditions' in n) return n.op === 'and' ? n.conditions.every((c) => evaluate(c, t)) : n.conditions.some((c) => evaluate(c, t));
  switch (n.type) {
    case 'tags': return n.mode === 'any' ? n.tagIds.some((x) => t.tags.has(x)) : n.mode === 'all' ? n.tagIds.every((x) => t.tags.has(x)) : !n.tagIds.some((x) => t.tags.has(x));
    case 'gender': return n.values.includes(t.gender);
    case 'staff': return n.userids.some((u) => t.staff.has(u));
    case 'store': return n.storeIds.some((s) => t.stores.has(s));
    case 'event': {
      const shDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      const since = shDay(new Date(Date.now() - n.days * 86400_000));
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
    default: return { type: 'event', eventType: 'customer.added', op: rnd() < 0.5 ? 'atLeast' : 'atMost', count: Math.floor(rnd() * 3), days: 10 + Math.floor(rnd() * 60) };
  }
}
function randomRule(depth = 0): RuleNode {
  if (depth > 1 || rnd() < 0.3) return randomCondition();
  return { op: rnd() < 0.5 ? 'and' : 'or', conditions: Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => randomRule(depth + 1)) };
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
      const p = new Params();
      const w = where({ corpId: pond.corpId, storeIds: null, staffUserid: null }, rule, p, 'plain');
      const { rows: [plain] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM customers c WHERE ${w}`, p.values);
      expect(plain.n, JSON.stringify(rule)).toBe(expected);
      for (const m of res.body.sample) expect(evaluate(rule, truth.find((t) => t.ext === m.externalUserid)!)).toBe(true);
    }
    // The random rules are not trivial: many distinct sizes between nobody and everybody.
    expect(new Set(counts).size).toBeGreaterThan(8);
    expect(counts.some((c) => c > 0 && c < truth.length)).toBe(true);
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
