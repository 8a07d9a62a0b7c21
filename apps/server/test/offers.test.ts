// Offers (issue 13): coupon claims within perCustomerLimit and the pool's stock under concurrency, group-buy joins
// never beyond the group's size, bargain helps never below the floor and once per identity, expiry, and the
// customer's identity taken from the WeChat session only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
let corpId: string;
let staffUserid: string;
let seq = 0;

interface Visitor { cookie: string; ext: string | null; wechatId: string }

async function customer(name = `客户${++seq}`): Promise<Visitor> {
  const u = await pond.app.sim!.control.createWechatUser({ nickname: name });
  const ext = `wmOffer${u.id}`;
  await pond.app.pool.query(`INSERT INTO customers (corp_id, external_userid, name, unionid) VALUES ($1, $2, $3, $4)`, [corpId, ext, name, u.unionid]);
  await pond.app.pool.query(`INSERT INTO follows (corp_id, external_userid, userid, status) VALUES ($1, $2, $3, 'active')`, [corpId, ext, staffUserid]);
  return { cookie: `sim_wechat_user=${u.id}`, ext, wechatId: u.id };
}

async function guest(name = `好友${++seq}`): Promise<Visitor> {
  const u = await pond.app.sim!.control.createWechatUser({ nickname: name });
  return { cookie: `sim_wechat_user=${u.id}`, ext: null, wechatId: u.id };
}

async function capi(who: Visitor | null, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (who) headers.cookie = who.cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers.origin = pond.baseUrl;
  const res = await fetch(`${pond.baseUrl}/c/api/${corpId}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const rid = () => `r${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

async function pool(codes: number, faceValueFen = 1000): Promise<number> {
  const { rows: [p] } = await pond.app.pool.query<{ id: number }>(
    `INSERT INTO coupon_pools (corp_id, name, face_value_fen, threshold_fen, valid_days) VALUES ($1, '满100减10', $2, 10000, 30) RETURNING id`, [corpId, faceValueFen]);
  await pond.app.pool.query(`INSERT INTO coupon_codes (corp_id, code, pool_id) SELECT $1, 'P' || $2::text || '-' || lpad(i::text, 5, '0'), $2::bigint FROM generate_series(1, $3) i`,
    [corpId, p.id, codes]);
  return p.id;
}

async function offer(kind: 'coupon' | 'groupbuy' | 'bargain', config: object, extra: object = {}): Promise<number> {
  const r = await pond.api('POST', `/api/offers/${kind}`, { name: `${kind} ${++seq}`, startsAt: new Date(Date.now() - 60_000).toISOString(), config, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const s = await pond.api('POST', `/api/campaigns/${r.body.id}/status`, { status: 'active' });
  expect(s.status, JSON.stringify(s.body)).toBe(200);
  return r.body.id;
}

beforeAll(async () => {
  pond = await startTestPond();
  corpId = pond.corpId;
  staffUserid = (await pond.app.pool.query<{ userid: string }>('SELECT userid FROM staff WHERE corp_id = $1 ORDER BY userid LIMIT 1', [corpId])).rows[0].userid;
}, 120_000);

afterAll(async () => { await pond?.close(); });

describe('coupon campaigns', () => {
  it('30 concurrent claims by one customer with a limit of 2 give exactly 2 codes; a retried request answers the same code', async () => {
    const poolId = await pool(50);
    const id = await offer('coupon', { couponPoolId: poolId, perCustomerLimit: 2 });
    const me = await customer();
    const ids = Array.from({ length: 30 }, rid);
    const res = await Promise.all(ids.map((requestId) => capi(me, 'POST', `/offers/${id}/claim`, { requestId })));
    const ok = res.filter((r) => r.status === 200);
    expect(ok).toHaveLength(2);
    expect(new Set(ok.map((r) => r.body.coupon.code)).size).toBe(2);
    for (const r of res.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.body.error.details.reason).toBe('limit');
      expect(r.body.error.message).toContain('每人限领 2 张');
    }
    const first = ids[res.findIndex((r) => r.status === 200)];
    const again = await capi(me, 'POST', `/offers/${id}/claim`, { requestId: first });
    expect(again.status).toBe(200);
    expect(again.body.coupon.code).toBe(ok.find((r) => r.body.coupon.code === again.body.coupon.code)!.body.coupon.code);
    const { rows: [n] } = await pond.app.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM coupon_codes WHERE campaign_id = $1`, [id]);
    expect(n.n).toBe(2);
    const view = await capi(me, 'GET', `/offers/${id}`);
    expect(view.body.coupon.mine).toHaveLength(2);
    expect(view.body.coupon.left).toBe(48);
    expect(view.body.coupon.faceValueFen).toBe(1000);
  });

  it('a PATCH changes only what it names', async () => {
    const poolId = await pool(1);
    const id = await offer('coupon', { couponPoolId: poolId, perCustomerLimit: 1 }, { rules: '限领一张', budgetDailyFen: 5000 });
    const patched = await pond.api('PATCH', `/api/offers/${id}`, { name: '改名后的券' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const { rows: [c] } = await pond.app.pool.query('SELECT name, rules, budget_daily_fen, config FROM campaigns WHERE id = $1', [id]);
    expect(c).toMatchObject({ name: '改名后的券', rules: '限领一张', budget_daily_fen: 5000, config: { couponPoolId: poolId, perCustomerLimit: 1 } });
  });

  it('200 claims over a pool of 50 codes hand out exactly 50, each once', async () => {
    const poolId = await pool(50);
    const id = await offer('coupon', { couponPoolId: poolId, perCustomerLimit: 2 });
    const people = await Promise.all(Array.from({ length: 100 }, () => customer()));
    const res = await Promise.all(people.flatMap((p) => [capi(p, 'POST', `/offers/${id}/claim`, { requestId: rid() }), capi(p, 'POST', `/offers/${id}/claim`, { requestId: rid() })]));
    const ok = res.filter((r) => r.status === 200);
    expect(ok).toHaveLength(50);
    expect(new Set(ok.map((r) => r.body.coupon.code)).size).toBe(50);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.error.details.reason === 'no_stock')).toBe(true);
    expect(res.filter((r) => r.status !== 200 && r.status !== 409)).toEqual([]);
    const { rows: [n] } = await pond.app.pool.query<{ claimed: number; rewards: number }>(
      `SELECT (SELECT count(*)::int FROM coupon_codes WHERE pool_id = $1 AND state = 'claimed') AS claimed,
              (SELECT count(*)::int FROM rewards WHERE campaign_id = $2 AND state = 'issued') AS rewards`, [poolId, id]);
    expect(n).toEqual({ claimed: 50, rewards: 50 });
    const detail = await pond.api('GET', `/api/offers/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.numbers.claims).toBe(50);
    expect(detail.body.numbers.costFen).toBe(50 * 1000);
    expect(detail.body.pool.available).toBe(0);
    expect(detail.body.daily.at(-1).claims).toBe(50);
  }, 60_000);

  it('refuses with a clear reason: ended, not eligible (group-exclusive), a guest, no session, a body naming a customer', async () => {
    const poolId = await pool(5);
    const id = await offer('coupon', { couponPoolId: poolId }, { endsAt: new Date(Date.now() + 3600_000).toISOString() });
    const me = await customer();
    // A group of the corp the customer is not in (a group that does not exist is refused when saving: below).
    const { rows: [grp] } = await pond.app.pool.query<{ chat_id: string }>('SELECT chat_id FROM groups WHERE corp_id = $1 ORDER BY chat_id LIMIT 1', [corpId]);
    expect((await pond.api('POST', '/api/offers/coupon', { name: 'x', startsAt: new Date().toISOString(), config: { couponPoolId: poolId }, eligibility: { chatIds: ['wrNoSuchGroup'] } })).body.error?.field).toBe('eligibility.chatIds.0');
    const excl = await offer('coupon', { couponPoolId: poolId }, { eligibility: { chatIds: [grp.chat_id] } });
    const ineligible = await capi(me, 'POST', `/offers/${excl}/claim`, { requestId: rid() });
    expect(ineligible.status).toBe(403);
    expect(ineligible.body.error.message).toContain('指定群');
    const g = await guest();
    const asGuest = await capi(g, 'POST', `/offers/${id}/claim`, { requestId: rid() });
    expect(asGuest.status).toBe(403);
    expect(asGuest.body.error.message).toContain('添加企业微信');
    expect((await capi(null, 'POST', `/offers/${id}/claim`, { requestId: rid() })).status).toBe(401);
    const forged = await capi(g, 'POST', `/offers/${id}/claim`, { requestId: rid(), externalUserid: me.ext });
    expect(forged.status).toBe(400);
    expect((await pond.app.pool.query(`SELECT 1 FROM coupon_codes WHERE campaign_id = $1`, [id])).rowCount).toBe(0);
    const view = await capi(me, 'GET', `/offers/${id}`);
    expect(view.body.showCountdown).toBe(true);
    expect(new Date(view.body.endsAt).getTime()).toBeGreaterThan(Date.now());
    // The offer's time is up: refused after endsAt with the reason.
    await pond.app.pool.query(`UPDATE campaigns SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const ended = await capi(me, 'POST', `/offers/${id}/claim`, { requestId: rid() });
    expect(ended.status).toBe(409);
    expect(ended.body.error.message).toContain('活动已结束');
    const bad = await pond.api('POST', '/api/offers/coupon', { name: 'x', startsAt: new Date().toISOString(), config: { couponPoolId: 999999 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field ?? bad.body.error.message).toContain('couponPoolId');
    const badTag = await pond.api('POST', '/api/offers/coupon', { name: 'x', startsAt: new Date().toISOString(), config: { couponPoolId: poolId }, eligibility: { tagIds: ['et-nope'] } });
    expect([badTag.status, badTag.body.error?.field]).toEqual([400, 'eligibility.tagIds.0']);
  });
});

describe('group-buy', () => {
  it('20 concurrent joins to a group of 5 admit exactly 4; when full every member gets a code once', async () => {
    const poolId = await pool(20, 3000);
    const id = await offer('groupbuy', { productName: '咖啡豆', sku: 'BEAN-1', priceFen: 5900, originalPriceFen: 8900, groupSize: 5, hours: 24, couponPoolId: poolId });
    const opener = await customer('团长');
    const opened = await capi(opener, 'POST', `/offers/${id}/groupbuys`, { requestId: rid() });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const gid = opened.body.groupbuy.id;
    expect(opened.body.groupbuy.shareUrl).toContain(`?g=${gid}`);
    const reopen = await capi(opener, 'POST', `/offers/${id}/groupbuys`, { requestId: rid() });
    expect(reopen.body.groupbuy.id).toBe(gid);
    const friends = await Promise.all(Array.from({ length: 20 }, () => customer()));
    const res = await Promise.all(friends.map((f) => capi(f, 'POST', `/offers/${id}/groupbuys/${gid}/join`, { requestId: rid() })));
    expect(res.filter((r) => r.status === 200)).toHaveLength(4);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.error.details.reason === 'full')).toBe(true);
    expect(res.filter((r) => r.status !== 200 && r.status !== 409)).toEqual([]);
    const { rows: [g] } = await pond.app.pool.query<{ joined: number; state: string; members: number; codes: number }>(
      `SELECT joined, state, (SELECT count(*)::int FROM groupbuy_members WHERE groupbuy_id = g.id) AS members,
         (SELECT count(DISTINCT coupon_code)::int FROM groupbuy_members WHERE groupbuy_id = g.id) AS codes FROM groupbuys g WHERE id = $1`, [gid]);
    expect(g).toEqual({ joined: 5, state: 'full', members: 5, codes: 5 });
    const member = friends[res.findIndex((r) => r.status === 200)];
    const retry = await capi(member, 'POST', `/offers/${id}/groupbuys/${gid}/join`, { requestId: rid() });
    expect(retry.status).toBe(200);
    expect(retry.body.groupbuy.couponCode).toMatch(/^P/);
    expect((await pond.app.pool.query(`SELECT 1 FROM rewards WHERE source = 'groupbuy' AND source_ref LIKE $1`, [`gb:${gid}:%`])).rowCount).toBe(5);
    const { rows: ev } = await pond.app.pool.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM customer_events WHERE type LIKE 'groupbuy.%' AND data->>'groupbuyId' = $1 GROUP BY type ORDER BY type`, [String(gid)]);
    expect(ev).toEqual([{ type: 'groupbuy.completed', n: 5 }, { type: 'groupbuy.joined', n: 4 }, { type: 'groupbuy.opened', n: 1 }]);
    const list = await pond.api('GET', `/api/offers/${id}/groupbuys`);
    expect(list.body.items[0].members).toHaveLength(5);
    // A staff member who follows none of them sees no group-buy (members are customers: names and codes).
    const { rows: [other] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND userid <> $2 ORDER BY userid LIMIT 1`, [corpId, staffUserid]);
    const stranger = await pond.app.auth.createToken({ corpId, name: 'other staff', role: 'staff', staffUserid: other.userid });
    expect((await pond.api('GET', `/api/offers/${id}/groupbuys`, undefined, { token: stranger.token })).body).toEqual({ items: [], total: 0 });
    expect((await pond.api('GET', `/api/offers/${id}/bargains`, undefined, { token: stranger.token })).body).toEqual({ items: [], total: 0 });
    const own = await pond.app.auth.createToken({ corpId, name: 'own staff', role: 'staff', staffUserid });
    expect((await pond.api('GET', `/api/offers/${id}/groupbuys`, undefined, { token: own.token })).body.items[0].members).toHaveLength(5);
    const detail = await pond.api('GET', `/api/offers/${id}`);
    expect(detail.body.numbers).toMatchObject({ groupbuysFull: 1, groupbuyMembers: 5, participants: 5 });
  }, 60_000);

  it('an expired group refuses joins, says so, and its unissued rewards are voided', async () => {
    const id = await offer('groupbuy', { productName: '茶', sku: 'TEA', priceFen: 100, originalPriceFen: 200, groupSize: 3, hours: 1, productUrl: 'https://shop.example.com/tea' });
    const opener = await customer();
    const gid = (await capi(opener, 'POST', `/offers/${id}/groupbuys`, { requestId: rid() })).body.groupbuy.id;
    // A leftover unissued ledger row of the group (e.g. a manual reward not yet issued) is voided with it.
    const client = await pond.app.pool.connect();
    try {
      await client.query('BEGIN');
      await pond.app.rewards.grant(client, { corpId, externalUserid: opener.ext!, campaignId: id, source: 'groupbuy', sourceRef: `gb:${gid}:leftover`, kind: 'custom', adapter: 'manual', title: 'x' });
      await client.query('COMMIT');
    } finally { client.release(); }
    await pond.app.pool.query(`UPDATE groupbuys SET expires_at = now() - interval '1 second' WHERE id = $1`, [gid]);
    const friend = await customer();
    const late = await capi(friend, 'POST', `/offers/${id}/groupbuys/${gid}/join`, { requestId: rid() });
    expect(late.status).toBe(409);
    expect(late.body.error.details.reason).toBe('expired_group');
    expect(late.body.error.message).toContain('已过期');
    const n = await pond.app.offers.expire();
    expect(n.groupbuys).toBeGreaterThanOrEqual(1);
    const { rows: [r] } = await pond.app.pool.query<{ state: string; g: string }>(
      `SELECT r.state, g.state AS g FROM rewards r, groupbuys g WHERE r.source_ref = $1 AND g.id = $2`, [`gb:${gid}:leftover`, gid]);
    expect(r).toEqual({ state: 'void', g: 'expired' });
    const view = await capi(friend, 'GET', `/offers/${id}?g=${gid}`);
    expect(view.body.groupbuy.state).toBe('expired');
  });
});

describe('bargain', () => {
  it('40 concurrent helps stop exactly on the floor, one per identity; the owner buys once at the price reached', async () => {
    const id = await offer('bargain', { productName: '耳机', sku: 'EAR-1', startFen: 10000, floorFen: 5000, minCutFen: 800, maxCutFen: 1500, hours: 24, productUrl: 'https://shop.example.com/ear' });
    const owner = await customer('发起人');
    const started = await capi(owner, 'POST', `/offers/${id}/bargains`, { requestId: rid() });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const bid = started.body.bargain.id;
    expect((await capi(owner, 'POST', `/offers/${id}/bargains`, { requestId: rid() })).body.bargain.id).toBe(bid);
    const own = await capi(owner, 'POST', `/offers/${id}/bargains/${bid}/help`, { requestId: rid() });
    expect(own.body.error.details.reason).toBe('own_bargain');
    const helpers = await Promise.all(Array.from({ length: 40 }, () => guest()));
    const twice = helpers[0];
    const res = await Promise.all([...helpers, twice, twice].map((h) => capi(h, 'POST', `/offers/${id}/bargains/${bid}/help`, { requestId: rid() })));
    const ok = res.filter((r) => r.status === 200);
    expect(res.filter((r) => r.status !== 200 && r.status !== 409)).toEqual([]);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.error.details.reason === 'at_floor')).toBe(true);
    const { rows: [b] } = await pond.app.pool.query<{ price_fen: number; helps: number; state: string; cut: number; n: number }>(
      `SELECT price_fen, helps, state, (SELECT sum(cut_fen)::int FROM bargain_helps WHERE bargain_id = b.id) AS cut,
         (SELECT count(*)::int FROM bargain_helps WHERE bargain_id = b.id) AS n FROM bargains b WHERE id = $1`, [bid]);
    expect(b.price_fen).toBe(5000);
    expect(b.state).toBe('floor');
    expect(b.cut).toBe(5000);
    expect(b.n).toBe(b.helps);
    // The helper who sent three requests helped once, and each of their answers is that one cut.
    const mine = res.slice(40).concat(res[0]).filter((r) => r.status === 200).map((r) => r.body.cutFen);
    expect(new Set(mine).size).toBeLessThanOrEqual(1);
    expect(ok.length).toBe(b.helps + (mine.length ? mine.length - 1 : 0));
    const bought = await capi(owner, 'POST', `/offers/${id}/bargains/${bid}/buy`, { requestId: rid() });
    expect(bought.status).toBe(200);
    expect(bought.body.bargain.buyUrl).toContain('price_fen=5000');
    const again = await capi(owner, 'POST', `/offers/${id}/bargains/${bid}/buy`, { requestId: rid() });
    expect(again.body.bargain.buyUrl).toBe(bought.body.bargain.buyUrl);
    const { rows: rw } = await pond.app.pool.query<{ cost_fen: number }>(`SELECT cost_fen FROM rewards WHERE source = 'bargain' AND source_ref = $1`, [`bg:${bid}`]);
    expect(rw).toEqual([{ cost_fen: 5000 }]);
    const list = await pond.api('GET', `/api/offers/${id}/bargains`);
    expect(list.body.items[0].helpers).toHaveLength(b.helps);
  }, 60_000);

  it('new customers only: a customer may not help; a friend who is not one may; an expired bargain refuses', async () => {
    const id = await offer('bargain', { productName: '杯子', sku: 'CUP', startFen: 3000, floorFen: 1000, minCutFen: 100, maxCutFen: 500, hours: 2, newCustomersOnly: true, helpsToFloor: 3, productUrl: 'https://shop.example.com/cup' });
    const owner = await customer();
    const bid = (await capi(owner, 'POST', `/offers/${id}/bargains`, { requestId: rid() })).body.bargain.id;
    const existing = await customer();
    const refused = await capi(existing, 'POST', `/offers/${id}/bargains/${bid}/help`, { requestId: rid() });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reason).toBe('new_only');
    const cuts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await capi(await guest(), 'POST', `/offers/${id}/bargains/${bid}/help`, { requestId: rid() });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      cuts.push(r.body.cutFen);
    }
    expect(cuts.reduce((a, b) => a + b, 0)).toBe(2000);
    const other = await customer();
    const bid2 = (await capi(other, 'POST', `/offers/${id}/bargains`, { requestId: rid() })).body.bargain.id;
    await pond.app.pool.query(`UPDATE bargains SET expires_at = now() - interval '1 second' WHERE id = $1`, [bid2]);
    const late = await capi(await guest(), 'POST', `/offers/${id}/bargains/${bid2}/help`, { requestId: rid() });
    expect(late.body.error.details.reason).toBe('expired_bargain');
    await pond.app.offers.expire();
    expect((await pond.app.pool.query<{ state: string }>('SELECT state FROM bargains WHERE id = $1', [bid2])).rows[0].state).toBe('expired');
    const bad = await pond.api('POST', '/api/offers/bargain', { name: 'x', startsAt: new Date().toISOString(),
      config: { productName: 'p', sku: 's', startFen: 100, floorFen: 200, minCutFen: 1, maxCutFen: 2, hours: 1, productUrl: 'https://x.example.com' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('floorFen');
  });
});
