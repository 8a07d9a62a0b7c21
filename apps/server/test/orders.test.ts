// Orders from the shop through the simulator: a customer pays on their phone, the simulator's shop posts
// the order to Pond's webhook, and Pond stores it once, matches it to the customer (external_userid, else
// unionid, else later), keeps the summary and timeline, refunds it, and segments and auto-tags see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { SimControl } from '@pond/wecom-sim';
import { formatDateTime } from '../src/platform/time';
import { startTestPond, waitFor, type TestPond } from './helpers';
import { matchWaitingOrders } from '../src/modules/commerce/repo';
import { appendTimeline } from '../src/modules/customers/repo';
import { rollEventWindows } from '../src/modules/segments/windows';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
let buyerTag: string;
let webhookUrl: string;

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  staff = (await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId])).rows.map((r) => r.userid);
  const g = await pond.api('POST', '/api/tag-groups', { name: '消费', tags: [{ name: '已购客户' }] });
  buyerTag = g.body.tags[0].id;
  webhookUrl = (await pond.api('GET', '/api/settings/orders')).body.webhookUrl;
});
afterAll(async () => { await pond?.close(); });

const settle = async () => { await sim.waitForCallbacks(10_000); await pond.app.inbox.drain(); };
const customer = async (ext: string) => (await pond.app.pool.query(
  'SELECT order_count, order_total::text, first_order_at, last_order_at FROM customers WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, ext])).rows[0];
const orderRow = async (orderId: string) => (await pond.app.pool.query('SELECT * FROM orders WHERE corp_id = $1 AND order_id = $2', [pond.corpId, orderId])).rows[0];
const events = async (ext: string, type: string) => (await pond.app.pool.query(
  'SELECT * FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = $3', [pond.corpId, ext, type])).rows;
const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
};
const inSegment = async (rule: unknown, ext: string) => {
  const r = await pond.api('POST', '/api/segments', { name: `s${Math.random()}`, rule });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const m = await pond.api('GET', `/api/segments/${r.body.id}/members?pageSize=200`);
  return (m.body.items as any[]).some((x) => x.externalUserid === ext);
};
const paidBody = (orderId: string, extra: Record<string, unknown> = {}) => ({
  event: 'order.paid', order: { orderId, amount: 10, paidAt: new Date().toISOString(), items: [{ name: '测试', price: 10, quantity: 1 }], ...extra },
});

describe('orders', () => {
  let ext: string;
  let paidOrderId: string;
  let code: any;

  it('a customer who added staff through a code pays on the phone: the order is stored, matched, attributed, summed, on the timeline', async () => {
    const rule = await pond.api('POST', '/api/auto-tag-rules', { name: '消费满50', kind: 'order', params: { minCount: 1, minTotal: 50 }, tagIds: [buyerTag] });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    code = (await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '收银台', channel: '门店', pool: [{ userid: staff[0] }] })).body;
    const u = await sim.createWechatUser({ nickname: '买家' });
    const s = await sim.scan(u.id, code.url);
    if (s.kind !== 'contact') throw new Error('not a contact QR');
    ext = s.result.externalUserid;
    await settle();

    const order = await sim.payOrder(u.id, { items: [{ name: '拿铁', price: 30, quantity: 2 }] });
    expect(order.webhook, JSON.stringify(order.webhook)).toEqual({ status: 200, error: null });
    expect(order.externalUserid).toBe(ext);
    paidOrderId = order.orderId;
    // The webhook answers after its transaction committed: nothing to wait for.
    const row = await orderRow(order.orderId);
    expect(row).toMatchObject({ external_userid: ext, amount: '60.00', currency: 'CNY', userid: staff[0], code_id: code.id, channel: '门店', refunded_at: null });
    expect(row.items).toEqual([{ name: '拿铁', price: 30, quantity: 2 }]);
    expect(await customer(ext)).toMatchObject({ order_count: 1, order_total: '60.00' });
    const paid = await events(ext, 'order.paid');
    expect(paid).toHaveLength(1);
    expect(paid[0].data).toMatchObject({ orderId: order.orderId, amount: 60, items: [{ name: '拿铁', price: 30, quantity: 2 }] });
    expect(paid[0].userid).toBe(staff[0]);

    const card = await pond.api('GET', `/api/customers/${ext}/orders`);
    expect(card.status).toBe(200);
    expect(card.body.summary).toMatchObject({ orderCount: 1, orderTotal: 60, averageOrder: 60, recencyDays: 0, r: true, f: false, m: false, bucket: 'general_develop' });
    expect(card.body.thresholds).toEqual({ recencyDays: 30, orderCount: 2, orderTotal: 200 });
    expect(card.body.items[0]).toMatchObject({ orderId: order.orderId, amount: 60, staffName: expect.any(String), codeName: '收银台', channel: '门店' });
    const detail = await pond.api('GET', `/api/customers/${ext}`);
    expect(detail.body.timeline.map((e: any) => e.type)).toContain('order.paid');
    const list = await pond.api('GET', `/api/customers?q=${encodeURIComponent('买家')}`);
    expect(list.body.items.find((c: any) => c.externalUserid === ext)).toMatchObject({ orderCount: 1, orderTotal: 60 });
    const csv = await fetch(`${pond.baseUrl}/api/customers.csv?q=${encodeURIComponent('买家')}`, { headers: { authorization: `Bearer ${pond.token}` } }).then((r) => r.text());
    const [header, line] = csv.replace(/^\ufeff/, '').split('\r\n');
    expect(header).toMatch(/,订单数 order_count,消费金额 order_total,最近下单 last_order_at$/);
    // Times as the console shows them: the corp's zone, minutes.
    expect(line.split(',').slice(-3)).toEqual(['1', '60.00', formatDateTime(new Date(paid[0].occurred_at), 'Asia/Shanghai')]);
  });

  it('documents the webhook in the OpenAPI description', async () => {
    const doc = await fetch(`${pond.baseUrl}/docs/json`).then((r) => r.json()) as any;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/webhooks/orders/{corpId}/{token}', '/api/customers/{externalUserid}/orders', '/api/settings/rfm']));
  });

  it('segments and auto-tag rules pick the buyer up, and the tag reaches WeCom', async () => {
    expect(await inSegment({ op: 'and', conditions: [{ type: 'orders', metric: 'frequency', op: 'atLeast', value: 1 }] }, ext)).toBe(true);
    expect(await inSegment({ op: 'and', conditions: [{ type: 'orders', metric: 'recency', op: 'within', value: 7 }] }, ext)).toBe(true);
    expect(await inSegment({ op: 'and', conditions: [{ type: 'orders', metric: 'monetary', op: 'atLeast', value: 60.01 }] }, ext)).toBe(false);
    expect(await inSegment({ op: 'and', conditions: [{ type: 'rfm', buckets: ['general_develop'] }] }, ext)).toBe(true);
    expect(await inSegment({ op: 'and', conditions: [{ type: 'rfm', buckets: ['important_value', 'general_value'] }] }, ext)).toBe(false);
    // Paid orders are a behaviour type too: through the per-day counts, and through the windows once rolled.
    const orderedOnce = { op: 'and', conditions: [{ type: 'event', eventType: 'order.paid', op: 'atLeast', count: 1, days: 30 }] };
    expect(await inSegment(orderedOnce, ext)).toBe(true);
    await pond.app.eventWindows.rollAll();
    expect(await inSegment(orderedOnce, ext)).toBe(true);
    expect(await inSegment({ op: 'and', conditions: [{ type: 'event', eventType: 'order.paid', op: 'atLeast', count: 2, days: 30 }] }, ext)).toBe(false);
    await settle();
    const { rows: [f] } = await pond.app.pool.query('SELECT tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [pond.corpId, ext, staff[0]]);
    expect(f.tag_ids).toContain(buyerTag);
    expect((await sim.getFollow(pond.corpId, staff[0], ext))!.tagIds).toContain(buyerTag);
    // The backfill finds them too (and only customers whose orders qualify).
    const rules = (await pond.api('GET', '/api/auto-tag-rules')).body.items;
    const job = await pond.api('POST', `/api/auto-tag-rules/${rules[0].id}/backfill`);
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    expect(job.body.total).toBe(1);
  });

  it('a re-delivered order is stored and counted once', async () => {
    const body = { event: 'order.paid', order: { ...(await orderRow(paidOrderId)).payload } };
    for (let i = 0; i < 3; i++) {
      const r = await post(webhookUrl, body);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ ok: true, orderId: paidOrderId, duplicate: true, matched: true });
    }
    // Concurrent deliveries of a new order: one row, one count.
    const again = paidBody(`dup-${Date.now()}`, { externalUserid: ext });
    const results = await Promise.all(Array.from({ length: 5 }, () => post(webhookUrl, again)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => !r.body.duplicate)).toHaveLength(1);
    expect(await customer(ext)).toMatchObject({ order_count: 2, order_total: '70.00' });
    expect(await events(ext, 'order.paid')).toHaveLength(2);
  });

  it('a refund marks the order refunded and takes it out of the summary and segments', async () => {
    const r = await post(webhookUrl, { event: 'order.refunded', order: { orderId: paidOrderId } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ duplicate: false, matched: true });
    expect((await orderRow(paidOrderId)).refunded_at).not.toBeNull();
    const c = await customer(ext);
    expect(c).toMatchObject({ order_count: 1, order_total: '10.00' });
    const refunded = await events(ext, 'order.refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0].data).toMatchObject({ orderId: paidOrderId, amount: 60 });
    expect(await inSegment({ op: 'and', conditions: [{ type: 'orders', metric: 'monetary', op: 'atLeast', value: 60 }] }, ext)).toBe(false);
    // Again: nothing changes. A paid re-delivery after the refund does not bring it back.
    expect((await post(webhookUrl, { event: 'order.refunded', order: { orderId: paidOrderId } })).body.duplicate).toBe(true);
    expect((await post(webhookUrl, { event: 'order.paid', order: (await orderRow(paidOrderId)).payload })).body.duplicate).toBe(true);
    expect(await customer(ext)).toMatchObject({ order_count: 1, order_total: '10.00' });
    expect(await events(ext, 'order.refunded')).toHaveLength(1);
    // A refund before its order: refused, so the shop retries it; nothing stored.
    const early = await post(webhookUrl, { event: 'order.refunded', order: { orderId: 'never-paid' } });
    expect(early.status).toBe(404);
    expect(await orderRow('never-paid')).toBeUndefined();
  });

  it('an order from someone Pond does not know waits, and is matched by unionid when they add staff', async () => {
    const u = await sim.createWechatUser({ nickname: '先买后加' });
    const order = await sim.payOrder(u.id, { corpId: pond.corpId, amount: 88.8 });
    expect(order.externalUserid).toBeNull();
    expect(order.webhook).toEqual({ status: 200, error: null });
    const waiting = await orderRow(order.orderId);
    expect(waiting).toMatchObject({ external_userid: null, unionid: u.unionid, amount: '88.80' });
    // Part of it is refunded while it waits: the match writes that refund to the timeline too.
    const early = await post(webhookUrl, { event: 'order.refunded', order: { orderId: order.orderId, refundId: 'early', amount: 8.8 } });
    expect(early.body).toEqual({ ok: true, orderId: order.orderId, duplicate: false, matched: false });

    const add = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staff[1] });
    await settle();
    const matched = await waitFor(async () => (await orderRow(order.orderId)).external_userid ? orderRow(order.orderId) : null);
    expect(matched).toMatchObject({ external_userid: add.externalUserid, userid: staff[1] });
    expect(await customer(add.externalUserid)).toMatchObject({ order_count: 1, order_total: '80.00' });
    expect(await events(add.externalUserid, 'order.paid')).toHaveLength(1);
    expect((await events(add.externalUserid, 'order.refunded')).map((e) => e.data)).toEqual([expect.objectContaining({ orderId: order.orderId, amount: 8.8, orderAmount: 88.8, full: false, refundId: 'early' })]);
    // The order rule runs after the match as well (80.00 ≥ 50).
    await settle();
    const { rows: [f] } = await pond.app.pool.query('SELECT tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [pond.corpId, add.externalUserid, staff[1]]);
    expect(f.tag_ids).toContain(buyerTag);
    // Later orders from them match at once.
    const next = await sim.payOrder(u.id, { amount: 11.2 });
    expect((await orderRow(next.orderId)).external_userid).toBe(add.externalUserid);
    expect(await customer(add.externalUserid)).toMatchObject({ order_count: 2, order_total: '91.20' });
  });

  it('partial refunds count once per refund id, the total keeps the net amount, and the rest refunds the order in full', async () => {
    const orderId = `part-${Date.now()}`;
    const before = await customer(ext);
    const total = (x: number) => (Number(before.order_total) + x).toFixed(2);
    expect((await post(webhookUrl, paidBody(orderId, { externalUserid: ext, amount: 100, items: [] }))).status).toBe(200);
    expect(await customer(ext)).toMatchObject({ order_count: before.order_count + 1, order_total: total(100) });
    const part = { event: 'order.refunded', order: { orderId, refundId: 'R1', amount: 30.5 } };
    const r1 = await post(webhookUrl, part);
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    expect(r1.body.duplicate).toBe(false);
    expect(await customer(ext)).toMatchObject({ order_count: before.order_count + 1, order_total: total(69.5) });
    // Delivered again, even at once: counted once.
    const again = await Promise.all([post(webhookUrl, part), post(webhookUrl, part)]);
    expect(again.map((r) => r.body.duplicate)).toEqual([true, true]);
    expect(await customer(ext)).toMatchObject({ order_total: total(69.5) });
    // Segments and the plain SQL see the net amount.
    expect(await inSegment({ type: 'orders', metric: 'monetary', op: 'atLeast', value: Number(total(69.5)) }, ext)).toBe(true);
    expect(await inSegment({ type: 'orders', metric: 'monetary', op: 'atLeast', value: Number(total(69.51)) }, ext)).toBe(false);
    // More than is left, or an amount without a refund id: refused, naming the field; nothing changes.
    const over = await post(webhookUrl, { event: 'order.refunded', order: { orderId, refundId: 'R2', amount: 69.51 } });
    expect([over.status, over.body.error.field, over.body.error.message]).toEqual([400, 'order.amount', expect.stringContaining('69.50')]);
    const noId = await post(webhookUrl, { event: 'order.refunded', order: { orderId, amount: 1 } });
    expect([noId.status, noId.body.error.field]).toEqual([400, 'order.refundId']);
    expect(await customer(ext)).toMatchObject({ order_total: total(69.5) });
    // Without an amount: the rest. The order leaves the count and the total.
    const rest = await post(webhookUrl, { event: 'order.refunded', order: { orderId } });
    expect(rest.body.duplicate).toBe(false);
    expect(await customer(ext)).toMatchObject({ order_count: before.order_count, order_total: before.order_total });
    expect(await orderRow(orderId)).toMatchObject({ refunded_amount: '100.00', refunded_at: expect.any(Date) });
    const refunds = (await events(ext, 'order.refunded')).filter((e) => e.data.orderId === orderId).map((e) => ({ amount: e.data.amount, full: e.data.full }));
    expect(refunds.sort((a, b) => a.amount - b.amount)).toEqual([{ amount: 30.5, full: false }, { amount: 69.5, full: true }]);
    // Nothing is left to refund.
    expect((await post(webhookUrl, { event: 'order.refunded', order: { orderId, refundId: 'R3', amount: 1 } })).body.duplicate).toBe(true);
    const card = await pond.api('GET', `/api/customers/${ext}/orders`);
    expect(card.body.items.find((o: any) => o.orderId === orderId)).toMatchObject({ amount: 100, refundedAmount: 100, refundedAt: expect.any(String) });
  });

  it('the simulated shop refunds part of an order, then the rest, through the same webhook', async () => {
    const u = await sim.createWechatUser({ nickname: '退款客' });
    const add = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staff[0] });
    await settle();
    const order = await sim.payOrder(u.id, { amount: 50 });
    expect(order.webhook).toEqual({ status: 200, error: null });
    const part = await sim.refundOrder(u.id, order.orderId, { amount: 20 });
    expect(part).toMatchObject({ amount: 20, left: 30, webhook: { status: 200, error: null } });
    expect(await orderRow(order.orderId)).toMatchObject({ refunded_amount: '20.00', refunded_at: null });
    expect(await customer(add.externalUserid)).toMatchObject({ order_count: 1, order_total: '30.00' });
    const rest = await sim.refundOrder(u.id, order.orderId);
    expect(rest).toMatchObject({ amount: 30, left: 0, webhook: { status: 200, error: null } });
    expect(await customer(add.externalUserid)).toMatchObject({ order_count: 0, order_total: '0.00' });
    expect((await events(add.externalUserid, 'order.refunded')).map((e) => e.data.amount).sort()).toEqual([20, 30]);
    // Nothing is left: the shop refuses, naming the field.
    await expect(sim.refundOrder(u.id, order.orderId)).rejects.toThrow(/orderId/);
  });

  it('a shop refund id that happens to read "full" is just an id', async () => {
    const orderId = `fullid-${Date.now()}`;
    await post(webhookUrl, paidBody(orderId, { externalUserid: ext, amount: 20, items: [] }));
    const r = await post(webhookUrl, { event: 'order.refunded', order: { orderId, refundId: 'full', amount: 5 } });
    expect(r.body.duplicate).toBe(false);
    // The rest, without an id, is another refund.
    expect((await post(webhookUrl, { event: 'order.refunded', order: { orderId } })).body.duplicate).toBe(false);
    expect(await orderRow(orderId)).toMatchObject({ refunded_amount: '20.00', refunded_at: expect.any(Date) });
    const keys = (await events(ext, 'order.refunded')).filter((e) => e.data.orderId === orderId).map((e) => e.dedupe_key).sort();
    expect(keys).toEqual([`order:${orderId}:refund:full`, `order:${orderId}:refunded`]);
  });

  it('a refund committed while the order is being matched still reaches the timeline', async () => {
    const pool = pond.app.pool;
    const unionid = `u-race-${Date.now()}`;
    const orderId = `race-${Date.now()}`;
    expect((await post(webhookUrl, paidBody(orderId, { unionid, amount: 50 }))).body.matched).toBe(false);
    const ext = `wm-race-${Date.now()}`;
    await pool.query(`INSERT INTO customers (corp_id, external_userid, name, unionid) VALUES ($1, $2, '竞态', $3)`, [pond.corpId, ext, unionid]);
    // A refund holds the order (as the webhook does) and commits only once the match is waiting for it.
    const a = await pool.connect();
    try {
      await a.query('BEGIN');
      await a.query('SELECT 1 FROM orders WHERE corp_id = $1 AND order_id = $2 FOR UPDATE', [pond.corpId, orderId]);
      await a.query(`INSERT INTO order_refunds (corp_id, order_id, refund_id, amount, refunded_at, completes) VALUES ($1, $2, 'R1', 10, now(), false)`, [pond.corpId, orderId]);
      await a.query('UPDATE orders SET refunded_amount = refunded_amount + 10 WHERE corp_id = $1 AND order_id = $2', [pond.corpId, orderId]);
      const match = matchWaitingOrders(pool, pond.corpId, [ext]);
      for (let i = 0; ; i++) {
        if ((await pool.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`)).rows.length) break;
        if (i > 500) throw new Error('the match never waited for the refund');
        await new Promise((ok) => setTimeout(ok, 10));
      }
      await a.query('COMMIT');
      expect(await match).toBe(1);
    } finally {
      a.release();
    }
    expect(await customer(ext)).toMatchObject({ order_count: 1, order_total: '40.00' });
    expect((await events(ext, 'order.refunded')).map((e) => e.data)).toEqual([expect.objectContaining({ orderId, amount: 10, full: false, refundId: 'R1' })]);
  });

  it('matches waiting orders of many customers while the segment windows roll and a timeline write holds one of them, without a deadlock', async () => {
    const pool = pond.app.pool;
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const tag = `lk${Date.now()}`;
    // 40 customers, each with an order waiting for their unionid (stored in an order unrelated to their keys).
    const exts = Array.from({ length: 40 }, (_, i) => `wm-${tag}-${String(i).padStart(2, '0')}`);
    // Stored out of key order, as customers arrive over time.
    await pool.query(
      `INSERT INTO customers (corp_id, external_userid, name, unionid) SELECT $1, e, '锁序', 'u-' || e FROM unnest($2::text[]) e ORDER BY md5(e)`, [pond.corpId, exts]);
    await pool.query(
      `INSERT INTO orders (corp_id, order_id, unionid, amount, currency, items, paid_at, payload)
       SELECT $1, 'o-' || e, 'u-' || e, 20, 'CNY', '[]', now(), '{}' FROM unnest($2::text[]) e ORDER BY md5(e)`, [pond.corpId, exts]);
    const sorted = [...exts].sort();
    // A transaction that writes the timeline of several customers (in key order, as every such write does) holds the first.
    const e = await pool.connect();
    let roll: Promise<string> | undefined;
    try {
      await e.query('BEGIN');
      await appendTimeline(e, pond.corpId, [{ externalUserid: sorted[0], type: 'group.joined', occurredAt: new Date(), dedupeKey: `${tag}:first` }]);
      // The roll rebuilds the windows meanwhile: it waits for the corp's lock, which that transaction holds (shared).
      await pool.query('DELETE FROM customer_event_window_rolls WHERE corp_id = $1', [pond.corpId]);
      roll = rollEventWindows(pool, pond.corpId, day, { chunk: 10 });
      await waitFor(async () => (await pool.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'advisory'`)).rowCount, { message: 'the roll waits for the corp lock' });
      // The match reaches the held customer and waits for it… Which order a statement visits rows in is the planner's
      // choice: on a big corp it scans and hashes rather than walking the key index, as this session is made to.
      const m = new pg.Client({ connectionString: pond.databaseUrl });
      await m.connect();
      await m.query('SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_sort = off');
      const match = matchWaitingOrders(m, pond.corpId, exts).then((n) => n, (err: Error) => err).finally(() => m.end());
      await waitFor(async () => (await pool.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`)).rowCount, { message: 'the match waits for the held customer' });
      // …while the transaction goes on to the others. Had the match locked some of them before the held one, this would
      // deadlock (Postgres aborts one of the two); locked in key order, it holds none of them yet.
      await appendTimeline(e, pond.corpId, sorted.slice(1).map((x) => ({ externalUserid: x, type: 'group.joined', occurredAt: new Date(), dedupeKey: `${tag}:${x}` })));
      await e.query('COMMIT');
      expect(await match).toBe(40);
    } finally {
      e.release();
      await roll?.catch(() => undefined);
    }
    expect(await roll).toBe('built');
    const { rows } = await pool.query(
      `SELECT count(*) FILTER (WHERE order_count = 1 AND order_total = 20)::int AS summed FROM customers WHERE corp_id = $1 AND external_userid = ANY($2)`,
      [pond.corpId, exts]);
    expect(rows[0].summed).toBe(40);
    const { rows: [ev] } = await pool.query(
      `SELECT count(*) FILTER (WHERE type = 'order.paid')::int AS paid, count(*) FILTER (WHERE type = 'group.joined')::int AS joined
       FROM customer_events WHERE corp_id = $1 AND external_userid = ANY($2)`, [pond.corpId, exts]);
    expect(ev).toEqual({ paid: 40, joined: 40 });
  });

  it('refuses a wrong token and an unknown corp alike (401, no corp ids to probe) before reading the body, and bad input with 400 naming the field', async () => {
    const wrong = webhookUrl.replace(/[^/]+$/, 'x'.repeat(32));
    expect((await post(wrong, paidBody('t1'))).status).toBe(401);
    expect((await post(wrong, { nonsense: true })).status).toBe(401);
    expect((await post(webhookUrl.replace(`/${pond.corpId}/`, '/wwnosuchcorp/'), paidBody('t1'))).status).toBe(401);
    const cases: [unknown, string][] = [
      [{ event: 'order.paid', order: { amount: 1, paidAt: new Date().toISOString() } }, 'order.orderId'],
      [paidBody('b1', { amount: 0 }), 'order.amount'],
      [paidBody('b2', { amount: -5 }), 'order.amount'],
      [paidBody('b3', { amount: 1.005 }), 'order.amount'],
      [paidBody('b4', { paidAt: 'yesterday' }), 'order.paidAt'],
      [paidBody('b5', { paidAt: new Date(Date.now() + 3 * 86400_000).toISOString() }), 'order.paidAt'],
      [paidBody('b6', { currency: 'USD' }), 'order.currency'],
      [paidBody('b7', { items: [{ name: '', price: 1, quantity: 1 }] }), 'order.items.0.name'],
      [paidBody('b8', { items: [{ name: 'x', price: 1, quantity: 0 }] }), 'order.items.0.quantity'],
      [{ event: 'order.shipped', order: { orderId: 'b9' } }, 'event'],
      [paidBody('b10', { corpId: 'wwother' }), 'order.corpId'],
    ];
    for (const [body, field] of cases) {
      const r = await post(webhookUrl, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
      expect(r.body.error.message).toContain(field);
    }
    const { rows: [n] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM orders WHERE corp_id = $1 AND order_id LIKE 'b%'`, [pond.corpId]);
    expect(n.n).toBe(0);
    const refundEarly = await post(webhookUrl, { event: 'order.refunded', order: { orderId: paidOrderId.replace(/./, 'z'), refundedAt: 'soon' } });
    expect(refundEarly.body.error.field).toBe('order.refundedAt');
  });

  it('checks roles and scope: staff and operators cannot change the token; staff cannot change thresholds or see the URL', async () => {
    const staffTok = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'staff', role: 'staff', staffUserid: staff[0] })).token;
    const otherStaff = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'staff2', role: 'staff', staffUserid: staff[2] })).token;
    const operator = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'op', role: 'operator' })).token;
    expect((await pond.api('PUT', '/api/settings/rfm', { recencyDays: 60 }, { token: staffTok })).status).toBe(403);
    expect((await pond.api('POST', '/api/settings/orders/webhook-token', undefined, { token: staffTok })).status).toBe(403);
    expect((await pond.api('POST', '/api/settings/orders/webhook-token', undefined, { token: operator })).status).toBe(403);
    const seen = await pond.api('GET', '/api/settings/orders', undefined, { token: staffTok });
    expect(seen.body).toEqual({ webhookUrl: null, rfm: { recencyDays: 30, orderCount: 2, orderTotal: 200 } });
    // The customer's orders: their staff sees them, another staff member does not.
    expect((await pond.api('GET', `/api/customers/${ext}/orders`, undefined, { token: staffTok })).status).toBe(200);
    expect((await pond.api('GET', `/api/customers/${ext}/orders`, undefined, { token: otherStaff })).status).toBe(404);

    const bad = await pond.api('PUT', '/api/settings/rfm', { recencyDays: 0 }, { token: operator });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('recencyDays');
    expect((await pond.api('PUT', '/api/settings/rfm', { orderTotal: 99.999 }, { token: operator })).body.error.field).toBe('orderTotal');
    const ok = await pond.api('PUT', '/api/settings/rfm', { recencyDays: 60, orderTotal: 50 }, { token: operator });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ webhookUrl: null, rfm: { recencyDays: 60, orderCount: 2, orderTotal: 50 } });
    // Thresholds apply at once: 10 yuan left after the refund is below 50; one more order of 40 reaches it (and 2 orders).
    expect((await pond.api('GET', `/api/customers/${ext}/orders`)).body.summary.bucket).toBe('general_develop');
    await post(webhookUrl, paidBody(`more-${Date.now()}`, { externalUserid: ext, amount: 40 }));
    expect((await pond.api('GET', `/api/customers/${ext}/orders`)).body.summary).toMatchObject({ orderCount: 2, orderTotal: 50, bucket: 'important_value' });
    expect(await inSegment({ op: 'and', conditions: [{ type: 'rfm', buckets: ['important_value'] }] }, ext)).toBe(true);

    // Segment rules name the field of a bad condition.
    const badRule = await pond.api('POST', '/api/segments/preview', { rule: { op: 'and', conditions: [{ type: 'orders', metric: 'recency', op: 'atLeast', value: 3 }] } });
    expect(badRule.status).toBe(400);
    expect(badRule.body.error.field).toBe('rule.conditions.0.op');
    const badBucket = await pond.api('POST', '/api/segments/preview', { rule: { op: 'and', conditions: [{ type: 'rfm', buckets: ['vip'] }] } });
    expect(badBucket.body.error.field).toBe('rule.conditions.0.buckets.0');
    const badRulesParams = await pond.api('POST', '/api/auto-tag-rules', { name: 'x', kind: 'order', params: { minCount: 0 }, tagIds: [buyerTag] });
    expect(badRulesParams.body.error.field).toBe('params.minCount');

    // An admin regenerates: the old URL stops working, the new one works, and the demo's shop follows.
    const regen = await pond.api('POST', '/api/settings/orders/webhook-token');
    expect(regen.status).toBe(200);
    expect(regen.body.webhookUrl).not.toBe(webhookUrl);
    expect((await post(webhookUrl, paidBody('after-regen'))).status).toBe(401);
    webhookUrl = regen.body.webhookUrl;
    expect((await post(webhookUrl, paidBody('after-regen'))).status).toBe(200);
    expect((await sim.getCorp(pond.corpId))!.orderWebhookUrl).toMatch(new RegExp(`${regen.body.webhookUrl.split('/').pop()}$`));
  });
});
