// RFM in segments against ground truth: random orders (some refunded in part or in full, some never matched) on days at every
// window edge, random rules over the orders and RFM conditions, evaluated here in plain code and by both
// compilers on fixed days, under several thresholds; and the customers' summary columns against the same truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import type { SegmentRule as RuleNode } from '@pond/contracts/segments';
import { where } from '../src/modules/segments/repo';
import { Params } from '../src/platform/sql';
import { corpScope } from '../src/platform/auth';
import { OrderService } from '../src/modules/commerce/orders';
import { RFM_BUCKETS, RFM_BUCKET_NAMES, type RfmBucket, type RfmThresholds } from '../src/modules/commerce/rfm';

let pond: TestPond;
interface Order { cents: number; at: Date; day: string; refunded: boolean; refundedCents: number }
interface Truth { ext: string; gender: number; orders: Order[] }
let truth: Truth[];

const shDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
/** `time` on `day` in Asia/Shanghai. */
const shanghai = (day: string, time: string) => new Date(`${day}T${time}+08:00`);

let seed = 7;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];

const today0 = shDay(new Date());
const EDGES = [0, -1, -6, -7, -8, -29, -30, -31, -59, -60, -61, -89, -90, -91, -179, -180, -181, -364, -365, -366];

beforeAll(async () => {
  pond = await startTestPond();
  const orders = new OrderService(pond.app.pool, pond.app.corps);
  const { rows: customers } = await pond.app.pool.query(
    `SELECT external_userid, unionid, gender FROM customers WHERE corp_id = $1 AND active_follow_count > 0 ORDER BY external_userid`, [pond.corpId]);
  truth = customers.map((c) => ({ ext: c.external_userid, gender: c.gender, orders: [] }));
  let n = 0;
  for (const [i, c] of customers.entries()) {
    if (rnd() < 0.3) continue;
    const k = 1 + Math.floor(rnd() * 4);
    for (let j = 0; j < k; j++) {
      const day = addDays(today0, rnd() < 0.7 ? pick(EDGES) : -Math.floor(rnd() * 400));
      // Paid no later than now: today's orders at midnight.
      const at = shanghai(day, day === today0 ? '00:00:00' : pick(['00:00:00', '12:00:00', '23:59:59']));
      const cents = 1 + Math.floor(rnd() * 50_000);
      const orderId = `o${n++}`;
      // Matched by external_userid or by unionid, as shops send one or the other.
      const byUnionid = c.unionid && rnd() < 0.3;
      await orders.receive(pond.corpId, { event: 'order.paid', order: {
        orderId, amount: cents / 100, currency: 'CNY', items: [{ name: '商品', price: cents / 100, quantity: 1 }], paidAt: at.toISOString(),
        ...(byUnionid ? { unionid: c.unionid } : { externalUserid: c.external_userid }),
      } });
      // Some are refunded in part (once or twice), some of those then in full, some in full at once.
      let refundedCents = 0;
      if (cents > 2 && rnd() < 0.2) {
        for (let r = 0; r < 1 + Math.floor(rnd() * 2) && refundedCents < cents - 1; r++) {
          const part = 1 + Math.floor(rnd() * (cents - refundedCents - 1));
          await orders.receive(pond.corpId, { event: 'order.refunded', order: { orderId, refundId: `r${r}`, amount: part / 100, refundedAt: new Date(at.getTime() + 60_000).toISOString() } });
          refundedCents += part;
        }
      }
      const refunded = rnd() < 0.15;
      if (refunded) await orders.receive(pond.corpId, { event: 'order.refunded', order: { orderId, refundedAt: new Date(at.getTime() + 60_000).toISOString() } });
      truth[i].orders.push({ cents, at, day, refunded, refundedCents: refunded ? cents : refundedCents });
    }
  }
  // Orders nobody is known for: stored, counted nowhere.
  for (let j = 0; j < 10; j++) {
    await orders.receive(pond.corpId, { event: 'order.paid', order: { orderId: `stranger${j}`, amount: 99, currency: 'CNY', items: [], paidAt: new Date().toISOString(), unionid: `unknown-${j}` } });
  }
});
afterAll(async () => { await pond?.close(); });

const live = (t: Truth) => t.orders.filter((o) => !o.refunded);
const lastDay = (t: Truth) => live(t).map((o) => o.day).sort().at(-1);
/** What the customer spent: each order's amount less its refunds. */
const cents = (t: Truth) => live(t).reduce((s, o) => s + o.cents - o.refundedCents, 0);

function evaluate(n: RuleNode, t: Truth, today: string, th: RfmThresholds): boolean {
  if ('conditions' in n) return n.op === 'and' ? n.conditions.every((c) => evaluate(c, t, today, th)) : n.conditions.some((c) => evaluate(c, t, today, th));
  switch (n.type) {
    case 'gender': return n.values.includes(t.gender);
    case 'orders': {
      const cmp = (a: number, b: number) => (n.op === 'atLeast' ? a >= b : a <= b);
      if (n.metric === 'frequency') return cmp(live(t).length, n.value);
      if (n.metric === 'monetary') return cmp(cents(t), Math.round(n.value * 100));
      const last = lastDay(t);
      if (!last) return false;
      return n.op === 'within' ? last > addDays(today, -n.value) : last <= addDays(today, -n.value);
    }
    case 'rfm': {
      const last = lastDay(t);
      if (!last) return false;
      const flags = [last > addDays(today, -th.recencyDays), live(t).length >= th.orderCount, cents(t) >= Math.round(th.orderTotal * 100)];
      return n.buckets.some((b) => RFM_BUCKETS[b as RfmBucket].every((f, i) => f === flags[i]));
    }
    default: throw new Error(`not generated: ${n.type}`);
  }
}

function randomCondition(): RuleNode {
  const r = rnd();
  if (r < 0.1) return { type: 'gender', values: [Math.floor(rnd() * 3)] };
  if (r < 0.45) return { type: 'rfm', buckets: RFM_BUCKET_NAMES.filter(() => rnd() < 0.35).concat(pick(RFM_BUCKET_NAMES)) };
  const metric = pick(['recency', 'frequency', 'monetary'] as const);
  if (metric === 'recency') return { type: 'orders', metric, op: pick(['within', 'notWithin'] as const), value: rnd() < 0.7 ? pick([1, 7, 8, 30, 31, 60, 90, 180, 365]) : 1 + Math.floor(rnd() * 400) };
  if (metric === 'frequency') return { type: 'orders', metric, op: pick(['atLeast', 'atMost'] as const), value: Math.floor(rnd() * 5) };
  // Totals customers really have (and a fen either side) as well as round amounts.
  const some = truth[Math.floor(rnd() * truth.length)];
  const value = rnd() < 0.5 ? Math.max(0, cents(some) + pick([-1, 0, 1])) / 100 : pick([0, 50, 100, 200, 500.5, 1000]);
  return { type: 'orders', metric, op: pick(['atLeast', 'atMost'] as const), value };
}
function randomRule(depth = 0): RuleNode {
  if (depth > 1 || rnd() < 0.35) return randomCondition();
  return { op: rnd() < 0.5 ? 'and' : 'or', conditions: Array.from({ length: 2 + Math.floor(rnd() * 2) }, () => randomRule(depth + 1)) };
}

const everyone = () => corpScope(pond.corpId);
async function count(rule: RuleNode, mode: 'fast' | 'plain', today: string) {
  const p = new Params();
  const w = where(everyone(), rule, p, mode, { today, ready: [] });
  const { rows: [r] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM customers c WHERE ${w}`, p.values);
  return r.n as number;
}

describe('orders and RFM in segments', () => {
  it('keeps each customer\'s summary equal to their paid, unrefunded orders', async () => {
    const { rows } = await pond.app.pool.query(
      `SELECT external_userid, order_count, round(order_total * 100)::int AS cents, first_order_at, last_order_at FROM customers WHERE corp_id = $1`, [pond.corpId]);
    const byExt = new Map(rows.map((r) => [r.external_userid, r]));
    expect(truth.filter((t) => live(t).length > 0).length).toBeGreaterThan(50);
    for (const t of truth) {
      const l = live(t);
      const times = l.map((o) => o.at.getTime());
      expect(byExt.get(t.ext), t.ext).toMatchObject({
        order_count: l.length, cents: cents(t),
        first_order_at: l.length ? new Date(Math.min(...times)) : null, last_order_at: l.length ? new Date(Math.max(...times)) : null,
      });
    }
    const { rows: [waiting] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM orders WHERE corp_id = $1 AND external_userid IS NULL`, [pond.corpId]);
    expect(waiting.n).toBe(10);
  });

  it('match the ground truth with both compilers on fixed days under several thresholds', async () => {
    const sizes = new Set<number>();
    const thresholds: RfmThresholds[] = [
      { recencyDays: 30, orderCount: 2, orderTotal: 200 },
      { recencyDays: 7, orderCount: 1, orderTotal: 50.5 },
      { recencyDays: 90, orderCount: 3, orderTotal: 400 },
    ];
    for (const th of thresholds) {
      const r = await pond.api('PUT', '/api/settings/rfm', th);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      for (const today of [today0, addDays(today0, 1), addDays(today0, 30), addDays(today0, 61), addDays(today0, -2)]) {
        for (let i = 0; i < 12; i++) {
          const rule = randomRule();
          const want = truth.filter((t) => evaluate(rule, t, today, th)).length;
          expect(await count(rule, 'fast', today), `fast ${today} ${JSON.stringify(th)} ${JSON.stringify(rule)}`).toBe(want);
          expect(await count(rule, 'plain', today), `plain ${today} ${JSON.stringify(th)} ${JSON.stringify(rule)}`).toBe(want);
          sizes.add(want);
        }
        // Every bucket on its own, and the eight together are everyone with orders.
        for (const b of RFM_BUCKET_NAMES) {
          const rule: RuleNode = { type: 'rfm', buckets: [b] };
          expect(await count(rule, 'fast', today), `${b} ${today}`).toBe(truth.filter((t) => evaluate(rule, t, today, th)).length);
        }
        expect(await count({ type: 'rfm', buckets: [...RFM_BUCKET_NAMES] }, 'plain', today)).toBe(truth.filter((t) => live(t).length > 0).length);
      }
    }
    // Not trivial: many sizes between nobody and everybody.
    expect(sizes.size).toBeGreaterThan(15);
  });

  it('previews through the API for today, and the customer card shows the same bucket', async () => {
    const th = (await pond.api('GET', '/api/settings/orders')).body.rfm as RfmThresholds;
    for (let i = 0; i < 8; i++) {
      const rule: RuleNode = { op: 'and', conditions: [randomCondition()] };
      const res = await pond.api('POST', '/api/segments/preview', { rule });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.count, JSON.stringify(rule)).toBe(truth.filter((t) => evaluate(rule, t, today0, th)).length);
    }
    for (const t of truth.filter((x) => x.orders.length > 0).slice(0, 10)) {
      const card = (await pond.api('GET', `/api/customers/${t.ext}/orders`)).body;
      const bucket = RFM_BUCKET_NAMES.find((b) => evaluate({ type: 'rfm', buckets: [b] }, t, today0, th)) ?? null;
      expect(card.summary.bucket, t.ext).toBe(bucket);
      expect(card.items).toHaveLength(t.orders.length);
    }
  });
});
