// Referral commission (分销, issue 14): a customer's link → a friend's touch (before they are a customer) → the friend
// adds → a paid order on the simulator's shop → commission pending → the refund window passes → payable → a payout
// through the reward ledger paid once by WeChat Pay (the simulator) into the referrer's 零钱. Partial refunds reduce,
// full refunds cancel, a refund after payout is recorded not clawed back; a referrer's personal coupon code attributes
// an order; the first touch holds for the attribution window and a later one binds after it; self-referral is refused;
// retried and concurrent order events and payouts happen once; bad input names the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { commissionFen, rateFor } from '../src/modules/referrals';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let codeUrl: string;
let staffUserid: string;

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  staffUserid = (await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId])).rows[0].userid;
  codeUrl = (await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '分销', channel: 'referral', pool: [{ userid: staffUserid }] })).body.url;
});
afterAll(async () => {
  if (pond) pond.app.referrals.now = () => new Date();
  await pond?.close();
});

const settle = async () => { await sim.waitForCallbacks(10_000); await pond.app.inbox.drain(); };
const q = (text: string, values: unknown[] = []) => pond.app.pool.query(text, values);
const DAY = 86_400_000;

interface Person { wechatId: string; cookie: string; ext?: string }
async function wechatUser(nickname: string): Promise<Person> {
  const u = await sim.createWechatUser({ nickname });
  return { wechatId: u.id, cookie: `sim_wechat_user=${u.id}` };
}
/** The WeChat user adds staff through the live code: a customer with a unionid. */
async function add(p: Person): Promise<Person> {
  const s = await sim.scan(p.wechatId, codeUrl);
  if (s.kind !== 'contact') throw new Error('not a contact QR');
  await settle();
  await waitFor(async () => (await q('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL', [pond.corpId, s.result.externalUserid])).rowCount);
  p.ext = s.result.externalUserid;
  return p;
}
const customer = async (nickname: string) => add(await wechatUser(nickname));

async function capi(cookie: string | null, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers.origin = pond.baseUrl;
  const res = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}
const join = (p: Person, id: number) => capi(p.cookie, 'POST', `/referral/${id}/join`, {});
const touch = (p: Person, id: number, code: string) => capi(p.cookie, 'POST', `/referral/${id}/touch`, { code });
const me = (p: Person, id: number) => capi(p.cookie, 'GET', `/referral/${id}`);

async function programme(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await pond.api('POST', '/api/referrals', {
    name: `分销 ${Math.random().toString(36).slice(2, 7)}`, startsAt: new Date(Date.now() - 60 * DAY).toISOString(),
    config: { attributionDays: 30, refundWindowDays: 7, rateTiers: [{ fromOrder: 1, rateBp: 1000 }, { fromOrder: 2, rateBp: 500 }], minPayoutFen: 100, ...config }, ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect((await pond.api('POST', `/api/campaigns/${res.body.id}/status`, { status: 'active' })).status).toBe(200);
  return res.body.id;
}
const commissions = async (id: number) => (await q(
  'SELECT id, referrer_id, referee_external_userid, order_id, via, order_seq, rate_bp, order_fen, amount_fen, clawback_fen, state, payout_id FROM referral_commissions WHERE campaign_id = $1 ORDER BY id', [id])).rows;
const events = async (ext: string, type: string) => (await q('SELECT data FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = $3 ORDER BY id', [pond.corpId, ext, type])).rows.map((r) => r.data);
const webhookOrder = async (order: Record<string, unknown>, event = 'order.paid') => {
  const url = (await pond.api('GET', '/api/settings/orders')).body.webhookUrl;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event, order }) });
  expect(res.status).toBe(200);
  await pond.app.inbox.drain();
};

describe('rates', () => {
  it('tiers by the referee\'s order number; rounded down; capped per order', () => {
    const tiers = [{ fromOrder: 1, rateBp: 1000 }, { fromOrder: 3, rateBp: 300 }];
    expect([1, 2, 3, 9].map((n) => rateFor(tiers, n))).toEqual([1000, 1000, 300, 300]);
    expect(commissionFen(9999, 1000, null)).toBe(999);
    expect(commissionFen(100_000, 1000, 5000)).toBe(5000);
  });
});

describe('referral commission', () => {
  it('link → touch as a guest → add → paid order → pending → refund window → payable → one payout paid by WeChat Pay', async () => {
    const id = await programme();
    const alice = await customer('分销达人');
    const j = await join(alice, id);
    expect(j.status, JSON.stringify(j.body)).toBe(200);
    expect(j.body).toMatchObject({ isCustomer: true, code: expect.stringMatching(/^[A-Z2-9]{8}$/), link: expect.stringContaining(`/c/${pond.corpId}/${id}?ref=`), qrSvg: expect.stringMatching(/^data:image\/svg\+xml;base64,/) });
    const code = j.body.code as string;
    // Joining again: the same code.
    expect((await join(alice, id)).body.code).toBe(code);

    // A friend opens the link before being a customer: bound, nothing on any timeline yet.
    const bob = await wechatUser('朋友');
    const t = await touch(bob, id, code);
    expect(t.body).toMatchObject({ outcome: 'bound', referrerName: '分销达人' });
    expect((await me(bob, id)).body).toMatchObject({ isCustomer: false, code: null });
    expect((await q('SELECT external_userid FROM referral_referees WHERE campaign_id = $1', [id])).rows).toEqual([{ external_userid: null }]);
    // Bob adds: attributed to Alice.
    await add(bob);
    await waitFor(async () => (await q('SELECT 1 FROM referral_referees WHERE campaign_id = $1 AND external_userid = $2', [id, bob.ext])).rowCount);
    expect(await events(bob.ext!, 'referral.touched')).toEqual([expect.objectContaining({ campaignId: id, via: 'link' })]);
    expect(await events(bob.ext!, 'referral.attributed')).toHaveLength(1);

    // Bob pays ¥200: 10% (first order) pending, on Alice's timeline.
    const order = await sim.payOrder(bob.wechatId, { items: [{ name: '咖啡豆', price: 200, quantity: 1 }] });
    await settle();
    await waitFor(async () => (await commissions(id)).length === 1);
    // The order event again, twice at once: still one commission.
    await Promise.all([pond.app.orderHooks.onMatched(pond.corpId, order.orderId), pond.app.orderHooks.onMatched(pond.corpId, order.orderId)]);
    const [c1] = await commissions(id);
    expect(c1).toMatchObject({ referee_external_userid: bob.ext, order_id: order.orderId, via: 'link', order_seq: 1, rate_bp: 1000, order_fen: 20000, amount_fen: 2000, state: 'pending' });
    expect(await events(alice.ext!, 'referral.commission_earned')).toEqual([expect.objectContaining({ orderId: order.orderId, amountFen: 2000 })]);
    // A second order: the second tier (5%).
    const order2 = await sim.payOrder(bob.wechatId, { items: [{ name: '杯子', price: 60, quantity: 1 }] });
    await settle();
    await waitFor(async () => (await commissions(id)).length === 2);
    expect((await commissions(id))[1]).toMatchObject({ order_id: order2.orderId, order_seq: 2, rate_bp: 500, amount_fen: 300 });

    // The page: earnings pending, the friend, the leaderboard.
    const page = (await me(alice, id)).body;
    expect(page.earnings).toEqual({ pendingFen: 2300, payableFen: 0, paidFen: 0, cancelledFen: 0 });
    expect(page.friends).toEqual([expect.objectContaining({ joined: true, orders: 2 })]);
    expect(page.leaderboard[0]).toMatchObject({ rank: 1, earnedFen: 2300, me: true });
    expect(page.myRank).toBe(1);

    // Nothing is payable inside the refund window; a payout now pays nothing.
    expect(await pond.app.referrals.matureDue()).toBe(0);
    expect((await pond.api('POST', `/api/referrals/${id}/payouts`, {})).body.created).toEqual([]);
    // Eight days later: payable.
    pond.app.referrals.now = () => new Date(Date.now() + 8 * DAY);
    try {
      expect(await pond.app.referrals.matureDue()).toBe(2);
    } finally { pond.app.referrals.now = () => new Date(); }
    expect((await commissions(id)).map((c) => c.state)).toEqual(['payable', 'payable']);

    // Five payouts at once: one payout of ¥23, one ledger row.
    const before = (await sim.payWallet(alice.wechatId)).balanceFen;
    const runs = await Promise.all(Array.from({ length: 5 }, () => pond.api('POST', `/api/referrals/${id}/payouts`, {})));
    expect(runs.map((r) => r.status)).toEqual(Array(5).fill(200));
    const made = runs.flatMap((r) => r.body.created);
    expect(made).toEqual([expect.objectContaining({ amountFen: 2300, commissions: 2, method: 'wechatpay', kind: 'customer', rewardId: expect.any(Number) })]);
    const rewards = (await q(`SELECT id, source, source_ref, kind, adapter, amount_fen FROM rewards WHERE corp_id = $1 AND source = 'referral' AND external_userid = $2`, [pond.corpId, alice.ext])).rows;
    expect(rewards).toEqual([expect.objectContaining({ source_ref: `payout:${made[0].id}`, kind: 'cash', adapter: 'wechatpay', amount_fen: 2300 })]);
    await Promise.all([pond.app.rewards.issueDue(), pond.app.rewards.issueDue()]);
    await waitFor(async () => (await q('SELECT state FROM rewards WHERE id = $1', [rewards[0].id])).rows[0].state === 'issued');
    expect((await sim.payWallet(alice.wechatId)).balanceFen - before).toBe(2300);
    expect((await commissions(id)).map((c) => [c.state, c.payout_id])).toEqual([['paid', made[0].id], ['paid', made[0].id]]);
    expect((await me(alice, id)).body.earnings).toMatchObject({ paidFen: 2300, payableFen: 0 });

    // A refund after payout: recorded (clawback), not taken back.
    await sim.refundOrder(bob.wechatId, order2.orderId);
    await settle();
    await waitFor(async () => (await commissions(id))[1].clawback_fen === 300);
    expect((await commissions(id))[1]).toMatchObject({ state: 'paid', amount_fen: 300 });

    // The console: numbers, referrers, commission filter, payouts and their CSV.
    const detail = (await pond.api('GET', `/api/referrals/${id}`)).body;
    expect(detail.numbers).toMatchObject({ referrers: 1, referees: 1, referredOrders: 2, commissionFen: 2300, earnings: { paidFen: 2300 } });
    const refs = (await pond.api('GET', `/api/referrals/${id}/referrers`)).body;
    expect(refs.items).toEqual([expect.objectContaining({ kind: 'customer', externalUserid: alice.ext, code, referees: 1, orders: 2 })]);
    expect((await pond.api('GET', `/api/referrals/${id}/commissions?state=paid`)).body.total).toBe(2);
    expect((await pond.api('GET', `/api/referrals/${id}/commissions?state=pending`)).body.total).toBe(0);
    const payouts = (await pond.api('GET', `/api/referrals/${id}/payouts`)).body;
    expect(payouts.items).toEqual([expect.objectContaining({ id: made[0].id, state: 'issued' })]);
    const csv = await fetch(`${pond.baseUrl}/api/referrals/${id}/payouts.csv`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('23.00');
  });

  it('a partial refund reduces pending commission; a full refund cancels it; retried refund events change nothing more', async () => {
    const id = await programme({ rateTiers: [{ fromOrder: 1, rateBp: 1000 }] });
    const alice = await customer('推荐人A');
    const code = (await join(alice, id)).body.code;
    const bob = await customer('被推荐B');
    expect((await touch(bob, id, code)).body.outcome).toBe('bound');
    const o = await sim.payOrder(bob.wechatId, { items: [{ name: 'A', price: 100, quantity: 1 }, { name: 'B', price: 50, quantity: 1 }] });
    await settle();
    await waitFor(async () => (await commissions(id)).length === 1);
    expect((await commissions(id))[0]).toMatchObject({ amount_fen: 1500, state: 'pending' });
    await sim.refundOrder(bob.wechatId, o.orderId, { amount: 50 });
    await settle();
    await waitFor(async () => (await commissions(id))[0].amount_fen === 1000);
    const refundId = (await q('SELECT refund_id FROM order_refunds WHERE corp_id = $1 AND order_id = $2', [pond.corpId, o.orderId])).rows[0].refund_id;
    await Promise.all([pond.app.orderHooks.onRefunded(pond.corpId, o.orderId, refundId), pond.app.orderHooks.onRefunded(pond.corpId, o.orderId, refundId)]);
    expect((await commissions(id))[0]).toMatchObject({ amount_fen: 1000, order_fen: 10000, state: 'pending' });
    await sim.refundOrder(bob.wechatId, o.orderId);
    await settle();
    await waitFor(async () => (await commissions(id))[0].state === 'cancelled');
    expect((await me(alice, id)).body.earnings).toMatchObject({ pendingFen: 0, cancelledFen: 1000 });
    // Cancelled commission never becomes payable.
    pond.app.referrals.now = () => new Date(Date.now() + 30 * DAY);
    try { await pond.app.referrals.matureDue(); } finally { pond.app.referrals.now = () => new Date(); }
    expect((await commissions(id))[0].state).toBe('cancelled');
  });

  it("an order carrying a referrer's personal coupon code is attributed to them (not the buyer's own code)", async () => {
    const poolRes = (await pond.api('POST', '/api/coupon-pools', { name: '分销券', faceValueFen: 1000 })).body;
    await pond.api('POST', `/api/coupon-pools/${poolRes.id}/codes/generate`, { count: 5, prefix: 'RF' });
    const id = await programme({ couponPoolId: poolRes.id, rateTiers: [{ fromOrder: 1, rateBp: 800 }] });
    const alice = await customer('发券人');
    const mine = (await join(alice, id)).body;
    expect(mine.couponCode).toMatch(/^RF/);
    const carol = await customer('用券人');
    await webhookOrder({ orderId: `ref-coupon-${Date.now()}`, externalUserid: carol.ext, amount: 50, paidAt: new Date().toISOString(), couponCodes: [mine.couponCode] });
    await waitFor(async () => (await commissions(id)).length === 1);
    expect((await commissions(id))[0]).toMatchObject({ via: 'coupon', referee_external_userid: carol.ext, amount_fen: 400 });
    // The buyer is bound to the code's referrer from then on.
    expect((await q('SELECT via, external_userid FROM referral_referees WHERE campaign_id = $1', [id])).rows).toEqual([{ via: 'coupon', external_userid: carol.ext }]);
    // Alice using her own code: no commission.
    await webhookOrder({ orderId: `ref-own-${Date.now()}`, externalUserid: alice.ext, amount: 50, paidAt: new Date().toISOString(), couponCodes: [mine.couponCode] });
    expect(await commissions(id)).toHaveLength(1);
  });

  it('first touch wins inside the window; after it a new touch binds; self-referral is refused', async () => {
    const id = await programme({ attributionDays: 30 });
    const [a, b] = [await customer('先到'), await customer('后到')];
    const codeA = (await join(a, id)).body.code;
    const codeB = (await join(b, id)).body.code;
    // Self-referral: refused, no binding.
    expect((await touch(a, id, codeA)).body.outcome).toBe('self');
    expect((await q('SELECT 1 FROM referral_referees WHERE campaign_id = $1', [id])).rowCount).toBe(0);
    // Two referrers' links opened at once by the same visitor: one binding.
    const v = await wechatUser('访客');
    const both = await Promise.all([touch(v, id, codeA), touch(v, id, codeB)]);
    expect(both.map((r) => r.body.outcome).sort()).toEqual(['bound', 'kept']);
    const visitorKey = (await q('SELECT referee_key FROM referral_referees WHERE campaign_id = $1', [id])).rows[0].referee_key;
    // A touch 40 days ago has expired: the next link binds anew.
    const w = await wechatUser('老访客');
    pond.app.referrals.now = () => new Date(Date.now() - 40 * DAY);
    try { expect((await touch(w, id, codeA)).body.outcome).toBe('bound'); } finally { pond.app.referrals.now = () => new Date(); }
    expect((await touch(w, id, codeB)).body.outcome).toBe('bound');
    const { rows } = await q(`SELECT r.code FROM referral_referees e JOIN referral_referrers r ON r.id = e.referrer_id WHERE e.campaign_id = $1 AND e.referee_key <> $2`, [id, visitorKey]);
    // The old visitor's one binding moved to the second referrer (whichever one the first visitor kept).
    expect(rows.map((r) => r.code)).toEqual([codeB]);
    // An order after the window of an expired binding earns nothing.
    const x = await wechatUser('过期');
    pond.app.referrals.now = () => new Date(Date.now() - 40 * DAY);
    try { expect((await touch(x, id, codeA)).body.outcome).toBe('bound'); } finally { pond.app.referrals.now = () => new Date(); }
    await add(x);
    await sim.payOrder(x.wechatId, { items: [{ name: '晚了', price: 30, quantity: 1 }] });
    await settle();
    expect((await commissions(id)).filter((c) => c.referee_external_userid === x.ext)).toEqual([]);
  });

  it('staff get their own link from the task page (sidebar role) and earn commission paid with wages', async () => {
    const id = await programme();
    const token = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'staff', role: 'staff', staffUserid })).token;
    const link = await pond.api('POST', `/api/referrals/${id}/my-link`, undefined, { token });
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    expect(link.body).toMatchObject({ campaignId: id, code: expect.stringMatching(/^[A-Z2-9]{8}$/) });
    expect((await pond.api('GET', '/api/referrals/my-links', undefined, { token })).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ campaignId: id, code: link.body.code })]));
    // The admin token is no staff member.
    expect((await pond.api('POST', `/api/referrals/${id}/my-link`)).status).toBe(409);
    const f = await customer('员工的朋友');
    expect((await touch(f, id, link.body.code)).body.outcome).toBe('bound');
    await sim.payOrder(f.wechatId, { items: [{ name: '门店', price: 100, quantity: 1 }] });
    await settle();
    await waitFor(async () => (await commissions(id)).length === 1);
    pond.app.referrals.now = () => new Date(Date.now() + 8 * DAY);
    try { await pond.app.referrals.matureDue(); } finally { pond.app.referrals.now = () => new Date(); }
    const p = await pond.api('POST', `/api/referrals/${id}/payouts`, {});
    expect(p.body.created).toEqual([expect.objectContaining({ kind: 'staff', method: 'manual', rewardId: null, state: 'manual', amountFen: 1000 })]);
  });

  it('identity comes from the session; bad input names the field', async () => {
    const id = await programme();
    const a = await customer('身份');
    const code = (await join(a, id)).body.code;
    expect((await capi(null, 'GET', `/referral/${id}`)).status).toBe(401);
    expect((await capi(null, 'POST', `/referral/${id}/touch`, { code })).status).toBe(401);
    const guest = await wechatUser('路人');
    expect((await join(guest, id)).status).toBe(403);
    expect((await capi(guest.cookie, 'POST', `/referral/${id}/join`, { externalUserid: a.ext })).status).toBe(400);
    const bad = await touch(guest, id, 'x');
    expect([bad.status, bad.body.error.field]).toEqual([400, 'code']);
    const unknown = await touch(guest, id, 'ZZZZZZZZ');
    expect([unknown.status, unknown.body.error.field]).toEqual([400, 'code']);
    // Without Origin (CSRF): refused.
    const csrf = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/referral/${id}/touch`, { method: 'POST', headers: { cookie: guest.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(csrf.status).toBe(403);
    const base = { name: '坏', startsAt: new Date().toISOString() };
    const cases: [unknown, string][] = [
      [{ rateTiers: [] }, 'config.rateTiers'],
      [{ rateTiers: [{ fromOrder: 2, rateBp: 100 }] }, 'config.rateTiers.0.fromOrder'],
      [{ rateTiers: [{ fromOrder: 1, rateBp: 100 }, { fromOrder: 1, rateBp: 50 }] }, 'config.rateTiers.1.fromOrder'],
      [{ rateTiers: [{ fromOrder: 1, rateBp: 9000 }] }, 'config.rateTiers.0.rateBp'],
      [{ attributionDays: 0 }, 'config.attributionDays'],
      [{ refundWindowDays: 91 }, 'config.refundWindowDays'],
      [{ payoutMethod: 'cash' }, 'config.payoutMethod'],
      [{ couponPoolId: 999999 }, 'config.couponPoolId'],
      [{ customersCanRefer: false, staffCanRefer: false }, 'config.customersCanRefer'],
      [{ surprise: 1 }, 'config'],
    ];
    for (const [config, field] of cases) {
      const r = await pond.api('POST', '/api/referrals', { ...base, config });
      expect([r.status, r.body.error?.field], JSON.stringify(config)).toEqual([400, field]);
    }
    const paid = await pond.api('POST', '/api/referrals', { ...base, config: {}, entry: { kind: 'points', points: 1 } });
    expect([paid.status, paid.body.error?.field]).toEqual([400, 'entry']);
    // Another kind's campaign under the referral routes: 404.
    const lottery = (await q(`INSERT INTO campaigns (corp_id, kind, name, starts_at, status) VALUES ($1, 'lottery', 'l', now(), 'active') RETURNING id`, [pond.corpId])).rows[0].id;
    expect((await pond.api('GET', `/api/referrals/${lottery}`)).status).toBe(404);
    expect((await touch(a, lottery, code)).status).toBe(404);
  });
});
