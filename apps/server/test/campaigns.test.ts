// Activate's shared part (issue 13): who the customer is on a campaign page comes from the session only (the
// simulator phone's WeChat user, or the signed WeChat OAuth cookie), a visitor who is not a customer is shown the
// campaign's code and works after adding, campaign status rules, eligibility, the reward ledger's budgets under
// concurrency, and the order hooks campaigns hang on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string;
let codeUrl: string;
let codeId: number;

async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}

/** A WeChat user who scanned the staff code: a customer of the demo corp, known by unionid. */
async function newCustomer(nickname: string) {
  const u = await sim.createWechatUser({ nickname });
  const s = await sim.scan(u.id, codeUrl);
  expect(s.kind).toBe('contact');
  await settle();
  const ext = await waitFor(async () => (await pond.app.pool.query<{ external_userid: string }>(
    'SELECT external_userid FROM customers WHERE corp_id = $1 AND unionid = $2', [pond.corpId, u.unionid])).rows[0]?.external_userid, { message: `customer ${nickname}` });
  return { user: u, ext };
}

const customerApi = (campaignId: number, cookie?: string) =>
  fetch(`${pond.baseUrl}/c/api/${pond.corpId}/campaigns/${campaignId}`, { headers: cookie ? { cookie } : {} });

async function campaign(fields: Record<string, unknown> = {}): Promise<number> {
  const { rows: [r] } = await pond.app.pool.query<{ id: number }>(
    `INSERT INTO campaigns (corp_id, kind, name, status, starts_at, ends_at, eligibility, join_code_id, budget_total_fen, budget_daily_fen, rewards_per_customer)
     VALUES ($1, 'lottery', $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [pond.corpId, fields.name ?? 'c', fields.status ?? 'active', fields.startsAt ?? new Date(Date.now() - 60_000), fields.endsAt ?? null,
      JSON.stringify(fields.eligibility ?? {}), fields.joinCodeId ?? codeId, fields.budgetTotalFen ?? null, fields.budgetDailyFen ?? null, fields.rewardsPerCustomer ?? null]);
  return r.id;
}

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
  staff = rows[0].userid;
  const code = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '活动加好友', pool: [{ userid: staff }] });
  expect(code.status, JSON.stringify(code.body)).toBe(200);
  codeUrl = code.body.url;
  codeId = code.body.id;
});
afterAll(async () => { await pond?.close(); });

describe('who the customer is on a campaign page', () => {
  it('answers 401 without a WeChat session, and ignores identities named in the request', async () => {
    const id = await campaign();
    expect((await customerApi(id)).status).toBe(401);
    const forged = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/campaigns/${id}?externalUserid=wm-x&unionid=u-x`, { headers: { cookie: 'pond_wx=abc.def.ghi' } });
    expect(forged.status).toBe(401);
  });

  it('tells a WeChat user who is not a customer yet to add (the join code), and knows them once they have', async () => {
    const id = await campaign({ name: '新客抽奖' });
    const u = await sim.createWechatUser({ nickname: '路人甲' });
    const guest = await customerApi(id, `sim_wechat_user=${u.id}`);
    expect(guest.status).toBe(200);
    const g = await guest.json() as { me: Record<string, unknown>; joinUrl: string; open: boolean };
    expect(g.me).toMatchObject({ isCustomer: false, eligible: false });
    expect(g.joinUrl).toBe(codeUrl);
    expect(g.open).toBe(true);
    // They add through the join code: the same session is a customer now.
    expect((await sim.scan(u.id, g.joinUrl)).kind).toBe('contact');
    await settle();
    const back = await waitFor(async () => {
      const v = await (await customerApi(id, `sim_wechat_user=${u.id}`)).json() as { me: { isCustomer: boolean } };
      return v.me.isCustomer ? v : null;
    }, { message: 'customer after adding' });
    expect(back.me).toMatchObject({ isCustomer: true, eligible: true, name: '路人甲' });
  });

  it('serves the page shell with the kind, and a notice outside WeChat', async () => {
    const id = await campaign({ name: '页面' });
    const { user } = await newCustomer('页面客户');
    const page = await fetch(`${pond.baseUrl}/c/${pond.corpId}/${id}`, { headers: { cookie: `sim_wechat_user=${user.id}`, 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('"kind":"lottery"');
    expect(html).toMatch(/\/h5\/assets\/customer-[\w-]+\.js/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Inside WeChat without a session: WeChat OAuth first (the simulator's authorize page in demo).
    const inWechat = await fetch(`${pond.baseUrl}/c/${pond.corpId}/${id}`, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' }, redirect: 'manual' });
    expect(inWechat.status).toBe(302);
    expect(inWechat.headers.get('location')).toContain('/connect/oauth2/authorize?');
    const outside = await fetch(`${pond.baseUrl}/c/${pond.corpId}/${id}`, { headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/120' } });
    expect(await outside.text()).toContain('请在微信中打开');
    expect((await fetch(`${pond.baseUrl}/c/${pond.corpId}/999999999`)).status).toBe(404);
  });

  it('says why a campaign is closed, and who may not take part', async () => {
    const { user } = await newCustomer('资格客户');
    const cookie = `sim_wechat_user=${user.id}`;
    const later = await campaign({ startsAt: new Date(Date.now() + 86_400_000) });
    expect(await (await customerApi(later, cookie)).json()).toMatchObject({ open: false, closedReason: expect.stringContaining('尚未开始') });
    const paused = await campaign({ status: 'paused' });
    expect(await (await customerApi(paused, cookie)).json()).toMatchObject({ open: false, closedReason: expect.stringContaining('暂停') });
    const tagOnly = await campaign({ eligibility: { tagIds: ['no-such-tag'] } });
    expect(((await (await customerApi(tagOnly, cookie)).json()) as { me: unknown }).me).toMatchObject({ isCustomer: true, eligible: false, ineligibleReason: expect.stringContaining('特定客户') });
  });
});

describe('campaign status', () => {
  it('moves draft → active ⇄ paused → ended, and never back from ended', async () => {
    const id = await campaign({ status: 'draft' });
    const set = (status: string) => pond.api('POST', `/api/campaigns/${id}/status`, { status });
    expect((await set('paused')).status).toBe(409);
    expect((await set('active')).body.status).toBe('active');
    expect((await set('paused')).body.status).toBe('paused');
    expect((await set('active')).body.status).toBe('active');
    expect((await set('ended')).body.status).toBe('ended');
    expect((await set('active')).status).toBe(409);
    const bad = await set('closed');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    const list = await pond.api('GET', '/api/campaigns?kind=lottery&status=ended');
    expect(list.body.items.map((c: { id: number }) => c.id)).toContain(id);
    expect(list.body.items[0].numbers).toMatchObject({ participants: expect.any(Number), costFen: expect.any(Number) });
  });
});

describe('the reward ledger', () => {
  it('grants once per ref and never spends past a budget, under concurrency', async () => {
    const id = await campaign({ budgetTotalFen: 1000, budgetDailyFen: 800 });
    const { ext } = await newCustomer('预算客户');
    const grant = (ref: string) => pond.app.pool.connect().then(async (db) => {
      try {
        await db.query('BEGIN');
        const r = await pond.app.rewards.grant(db, {
          corpId: pond.corpId, externalUserid: ext, campaignId: id, source: 'lottery', sourceRef: ref, kind: 'custom', adapter: 'manual', title: '100 fen', costFen: 100,
        });
        await db.query('COMMIT');
        return r;
      } catch (e) { await db.query('ROLLBACK'); throw e; } finally { db.release(); }
    });
    // 20 distinct refs racing over a daily budget of 8 and a total of 10: exactly 8 granted today.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => grant(`r${i}`)));
    expect(results.filter((r) => 'reward' in r)).toHaveLength(8);
    expect(results.filter((r) => 'refused' in r && r.refused === 'budget_daily')).toHaveLength(12);
    // The same ref twice at once: one reward.
    const same = await Promise.all([grant('r0'), grant('r0'), grant('r0')]);
    const ids = new Set(same.map((r) => ('reward' in r ? r.reward.id : null)));
    expect(ids.size).toBe(1);
    const { rows: [s] } = await pond.app.pool.query(`SELECT cost_fen, rewards FROM campaign_spend WHERE campaign_id = $1 AND day = '1970-01-01'`, [id]);
    expect(s).toEqual({ cost_fen: 800, rewards: 8 });
  });

  it('keeps no counter without a budget, and a budget set later starts from what was granted', async () => {
    const id = await campaign({});
    const { ext } = await newCustomer('后设预算客户');
    const grant = async (ref: string) => {
      const db = await pond.app.pool.connect();
      try {
        await db.query('BEGIN');
        const r = await pond.app.rewards.grant(db, { corpId: pond.corpId, externalUserid: ext, campaignId: id, source: 'lottery', sourceRef: ref, kind: 'custom', adapter: 'manual', title: 'x', costFen: 100 });
        await db.query('COMMIT');
        return r;
      } finally { db.release(); }
    };
    for (const ref of ['a', 'b', 'c']) expect('reward' in (await grant(ref))).toBe(true);
    expect((await pond.app.pool.query('SELECT 1 FROM campaign_spend WHERE campaign_id = $1', [id])).rows).toHaveLength(0);
    const row = await pond.app.campaigns.get(pond.app.pool, pond.corpId, id);
    await pond.app.campaigns.update(pond.app.pool, row, { budgetTotalFen: 400 });
    expect('reward' in (await grant('d'))).toBe(true);
    expect(await grant('e')).toEqual({ refused: 'budget_total' });
    const list = await pond.api('GET', '/api/campaigns?kind=lottery&limit=200');
    expect(list.body.items.find((c: { id: number }) => c.id === id).numbers).toMatchObject({ rewards: 4, costFen: 400 });
  });

  it('credits points once per reward and never lets a balance go below zero', async () => {
    const { ext } = await newCustomer('积分客户');
    const db = await pond.app.pool.connect();
    try {
      await db.query('BEGIN');
      await pond.app.rewards.grant(db, { corpId: pond.corpId, externalUserid: ext, source: 'manual', sourceRef: 'p1', kind: 'points', adapter: 'points', title: '10 points', points: 10 });
      await pond.app.rewards.grant(db, { corpId: pond.corpId, externalUserid: ext, source: 'manual', sourceRef: 'p1', kind: 'points', adapter: 'points', title: '10 points', points: 10 });
      await db.query('COMMIT');
    } finally { db.release(); }
    const { rows: [a] } = await pond.app.pool.query('SELECT balance FROM points_accounts WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, ext]);
    expect(a.balance).toBe(10);
    const { rows: [r] } = await pond.app.pool.query(`SELECT state FROM rewards WHERE corp_id = $1 AND source_ref = 'p1'`, [pond.corpId]);
    expect(r.state).toBe('issued');
  });
});

describe('order hooks', () => {
  it('calls campaign listeners once per matched order and once per refund, with amounts in fen', async () => {
    const seen: string[] = [];
    pond.app.orderHooks.register({
      paid: async (_db, o) => { seen.push(`paid:${o.orderId}:${o.amountFen}`); },
      refunded: async (_db, o, r) => { seen.push(`refunded:${o.orderId}:${r.amountFen}:${r.full}`); },
    });
    const { user } = await newCustomer('下单客户');
    const order = await sim.payOrder(user.id, { items: [{ name: '1分钱抽奖', price: 0.01, quantity: 1, sku: 'DRAW-1' }] });
    expect(order.webhook?.status).toBe(200);
    await waitFor(async () => { await pond.app.inbox.drain(); return seen.includes(`paid:${order.orderId}:1`); }, { message: 'paid hook' });
    await sim.refundOrder(user.id, order.orderId);
    await waitFor(async () => { await pond.app.inbox.drain(); return seen.some((s) => s.startsWith(`refunded:${order.orderId}`)); }, { message: 'refund hook' });
    expect(seen.filter((s) => s.includes(order.orderId))).toEqual([`paid:${order.orderId}:1`, `refunded:${order.orderId}:1:true`]);
  });
});
