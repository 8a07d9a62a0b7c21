// What a new user finds on first start in demo mode: a default welcome message that the README's tour
// delivers, and an order history that gives RFM buckets, repeat buyers and the orders card something to show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCustomerOrders } from '../../../packages/wecom-sim/src/demo/seed-orders';
import { bootstrap } from '../src/bootstrap';
import { RFM_BUCKET_NAMES } from '../src/modules/commerce/rfm';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond({ demoOrders: true }); });
afterAll(async () => { await pond?.close(); });

const DAY = 86_400_000;
const summary = async () => (await pond.app.pool.query(
  `SELECT count(*) FILTER (WHERE order_count > 0)::int AS buyers, count(*) FILTER (WHERE order_count >= 2)::int AS repeat,
          count(*)::int AS customers, count(*) FILTER (WHERE order_total >= 500)::int AS big,
          min(last_order_at) AS oldest_last, max(last_order_at) AS newest_last, min(first_order_at) AS first,
          sum(order_count)::int AS orders, sum(order_total)::text AS total
     FROM customers WHERE corp_id = $1`, [pond.corpId])).rows[0];

describe('demo orders', () => {
  it('gives most customers, not all, a realistic order history through the order webhook', async () => {
    const s = await summary();
    expect(s.customers).toBeGreaterThanOrEqual(150);
    // Not everyone buys; of those who do, a good share come back (the repurchase rate).
    expect(s.buyers / s.customers).toBeGreaterThan(0.4);
    expect(s.buyers / s.customers).toBeLessThan(0.85);
    expect(s.repeat / s.buyers).toBeGreaterThan(0.25);
    expect(s.repeat / s.buyers).toBeLessThan(0.8);
    expect(s.big).toBeGreaterThanOrEqual(3);
    // Recency spread over about six months.
    expect(Date.now() - new Date(s.newest_last).getTime()).toBeLessThan(7 * DAY);
    expect(Date.now() - new Date(s.oldest_last).getTime()).toBeGreaterThan(90 * DAY);
    expect(Date.now() - new Date(s.first).getTime()).toBeLessThan(181 * DAY);
    // They came through the webhook: every order is stored, matched and on the timeline.
    const o = (await pond.app.pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE external_userid IS NULL)::int AS unmatched,
              count(*) FILTER (WHERE refunded_at IS NOT NULL)::int AS full_refunds,
              (SELECT count(*)::int FROM order_refunds r WHERE r.corp_id = $1 AND NOT r.completes) AS partial_refunds,
              (SELECT count(*)::int FROM customer_events e WHERE e.corp_id = $1 AND e.type = 'order.paid') AS timeline
         FROM orders WHERE corp_id = $1`, [pond.corpId])).rows[0];
    expect(o.n).toBeGreaterThan(250);
    expect(o.unmatched).toBe(0);
    expect(o.timeline).toBe(o.n);
    expect(o.full_refunds).toBeGreaterThan(0);
    expect(o.partial_refunds).toBeGreaterThan(0);
  });

  it('fills several RFM buckets, and the orders card of a repeat buyer shows totals and a bucket', async () => {
    const sizes: Record<string, number> = {};
    for (const b of RFM_BUCKET_NAMES) {
      const res = await pond.api('POST', '/api/segments/preview', { rule: { type: 'rfm', buckets: [b] } });
      expect(res.status).toBe(200);
      sizes[b] = res.body.count;
    }
    expect(Object.values(sizes).filter((n) => n > 0).length, JSON.stringify(sizes)).toBeGreaterThanOrEqual(5);
    expect(sizes.important_value, JSON.stringify(sizes)).toBeGreaterThan(0);
    // The overview shows the same buckets, the buyers and the repurchase rate.
    const overview = (await pond.api('GET', '/api/overview')).body.orders;
    expect(overview.buckets).toEqual(sizes);
    const s = await summary();
    expect(overview).toMatchObject({ buyers: s.buyers, repeatBuyers: s.repeat, orders: s.orders, total: Number(s.total) });
    expect(overview.repurchaseRate).toBeCloseTo(s.repeat / s.buyers, 3);

    const { rows: [c] } = await pond.app.pool.query(
      `SELECT external_userid, order_count FROM customers WHERE corp_id = $1 AND order_count >= 3 ORDER BY external_userid LIMIT 1`, [pond.corpId]);
    const card = await pond.api('GET', `/api/customers/${c.external_userid}/orders`);
    expect(card.status).toBe(200);
    expect(card.body.summary.orderCount).toBe(c.order_count);
    expect(card.body.summary.orderTotal).toBeGreaterThan(0);
    expect(card.body.summary.bucket).not.toBeNull();
    expect(card.body.items.length).toBeGreaterThanOrEqual(c.order_count);
    expect(card.body.items[0].items.length).toBeGreaterThan(0);
  });

  it('is seeded once: a restart changes nothing, and the plan is the same for the same customer', async () => {
    const before = await summary();
    const simOrders = async () => Number((await pond.app.pool.query(`SELECT count(*) FROM wecom_sim.orders WHERE corp_id = $1`, [pond.corpId])).rows[0].count);
    const simBefore = await simOrders();
    await bootstrap(pond.app, pond.baseUrl, pond.baseUrl, { demoOrders: true });
    expect(await summary()).toEqual(before);
    expect(await simOrders()).toBe(simBefore);
    const who = { externalUserid: 'wmExample', wechatUserId: 'wxid_example' };
    expect(planCustomerOrders(pond.corpId, who, 1_750_000_000_000)).toEqual(planCustomerOrders(pond.corpId, who, 1_750_000_000_000));
  });
});

describe('demo welcome message', () => {
  it('greets a demo customer who adds a member through a fresh live code (the README tour)', async () => {
    const sim = pond.app.sim!.control;
    const staff = (await pond.app.pool.query(
      `SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user ORDER BY userid LIMIT 2`, [pond.corpId])).rows.map((r) => r.userid as string);
    const code = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '导览活码', channel: 'poster', pool: staff.map((userid) => ({ userid })) });
    expect(code.status, JSON.stringify(code.body)).toBe(200);
    // A customer of the demo who follows neither member yet.
    const { rows: [who] } = await pond.app.pool.query(
      `SELECT w.id, w.nickname FROM wecom_sim.wechat_users w JOIN wecom_sim.customers c ON c.wechat_user_id = w.id AND c.corp_id = $1
        WHERE NOT EXISTS (SELECT 1 FROM wecom_sim.follows f WHERE f.corp_id = $1 AND f.external_userid = c.external_userid AND f.userid = ANY($2))
        ORDER BY w.id LIMIT 1`, [pond.corpId, staff]);
    const scan = await sim.scan(who.id, code.body.url);
    expect(scan.kind).toBe('contact');
    const welcome = await waitFor(async () => {
      const got = (await sim.listInbox(who.id)).filter((m) => m.kind === 'welcome');
      return got.length > 0 && got;
    }, { message: 'welcome in the inbox' });
    const text = JSON.stringify(welcome.map((m) => m.payload));
    expect(text).toContain(`${who.nickname}您好！欢迎来到鱼塘咖啡`);
    expect(text).toContain('领取新人券');
    // Pond records the send once WeCom answered (the customer's phone may show it a moment before).
    const sent = await waitFor(async () => {
      const { rows } = await pond.app.pool.query(
        `SELECT s.status, t.scope FROM welcome_sends s JOIN welcome_templates t ON t.id = s.template_id
          WHERE s.corp_id = $1 AND s.code_id = $2 AND s.error IS DISTINCT FROM 'in progress'`, [pond.corpId, code.body.id]);
      return rows.length > 0 && rows;
    }, { message: 'the send recorded' });
    expect(sent).toEqual([{ status: 'sent', scope: 'default' }]);
  });
});
