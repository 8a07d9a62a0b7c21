// Lottery (issue 13): prizes never oversold under concurrent draws, each entry drawn once (double taps, retries),
// per-day limits under parallel requests, points cost, budget caps, the paid 1-cent draw through the simulator's
// shop (pay → entry → draw → refund → unused entry revoked), edits and the console's numbers, and identity only from
// the session cookie.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPond, waitFor, type TestPond } from './helpers';
import { sealWechatIdentity } from '../src/modules/live-codes/identity';

let pond: TestPond;
const OAUTH_SECRET = 'lottery-test-oauth-secret-0123456789';
let staffUserid: string;

beforeAll(async () => {
  pond = await startTestPond();
  await pond.app.corps.update(pond.corpId, { oauthAppId: 'wxlotterytest', oauthSecret: OAUTH_SECRET });
  const { rows: [s] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
  staffUserid = s.userid;
}, 120_000);

afterAll(async () => { await pond?.close(); });

let seq = 0;
/** n customers with a unionid (as if they added staff), each with the signed WeChat cookie OAuth would have set. */
async function customers(n: number): Promise<{ ext: string; cookie: string }[]> {
  const batch = `lt${++seq}x${randomBytes(3).toString('hex')}`;
  const list = Array.from({ length: n }, (_, i) => ({ ext: `wm${batch}_${i}`, unionid: `u${batch}_${i}` }));
  await pond.app.pool.query(
    `INSERT INTO customers (corp_id, external_userid, name, unionid) SELECT $1, e, '抽奖客户' || u, u FROM unnest($2::text[], $3::text[]) AS t(e, u)`,
    [pond.corpId, list.map((c) => c.ext), list.map((c) => c.unionid)]);
  await pond.app.pool.query(
    `INSERT INTO follows (corp_id, external_userid, userid, status) SELECT $1, e, $3, 'active' FROM unnest($2::text[]) AS e`,
    [pond.corpId, list.map((c) => c.ext), staffUserid]);
  return list.map((c) => ({ ext: c.ext, cookie: `pond_wx=${sealWechatIdentity(`o${c.unionid}`, c.unionid, OAUTH_SECRET)}` }));
}

const rid = () => randomBytes(9).toString('hex');

async function draw(cookie: string | null, id: number, body: unknown = { requestId: rid() }) {
  const res = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/lottery/${id}/draw`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: pond.baseUrl, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() as any };
}

const points = (name: string, stock: number, weight: number, pts = 10) => ({ name, kind: 'points', weight, stock, points: pts });
const nothing = (weight: number) => ({ name: '谢谢参与', kind: 'nothing', weight });

async function lottery(extra: Record<string, unknown>, publish = true): Promise<any> {
  const res = await pond.api('POST', '/api/lotteries', { name: `抽奖 ${rid().slice(0, 6)}`, startsAt: new Date(Date.now() - 60_000).toISOString(), ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  if (publish) expect((await pond.api('POST', `/api/campaigns/${res.body.id}/status`, { status: 'active' })).status).toBe(200);
  return res.body;
}

describe('lottery', () => {
  it('rejects bad prize lists naming the field, and forged or missing identities', async () => {
    const bad = await pond.api('POST', '/api/lotteries', { name: 'x', startsAt: new Date().toISOString(), prizes: [{ name: '券', kind: 'coupon', weight: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/prizes/);
    const many = await pond.api('POST', '/api/lotteries', { name: 'x', startsAt: new Date().toISOString(), prizes: Array.from({ length: 13 }, () => nothing(1)) });
    expect(many.status).toBe(400);
    const zero = await pond.api('POST', '/api/lotteries', { name: 'x', startsAt: new Date().toISOString(), prizes: [nothing(0)] });
    expect(zero.status).toBe(400);
    const red = await pond.api('POST', '/api/lotteries', { name: 'x', startsAt: new Date().toISOString(), prizes: [{ name: '红包', kind: 'redpacket', weight: 1, stock: 1, amountFen: 50 }] });
    expect(red.status).toBe(400);
    expect(red.body.error.message).toMatch(/amountFen/);

    const l = await lottery({ prizes: [points('积分', 5, 1)] });
    const [c] = await customers(1);
    // No cookie: 401. A body naming someone else is refused (strict body), and nothing is drawn.
    expect((await draw(null, l.id)).status).toBe(401);
    const forged = await draw(null, l.id, { requestId: rid(), externalUserid: c.ext });
    expect(forged.status).toBe(400);
    expect((await draw(c.cookie, l.id, { requestId: rid(), externalUserid: c.ext })).status).toBe(400);
    // A tampered cookie is nobody.
    expect((await draw(`${c.cookie.slice(0, -3)}abc`, l.id)).status).toBe(401);
    // A valid WeChat identity that is not a customer: told to add first.
    const guest = await draw(`pond_wx=${sealWechatIdentity('ostranger', 'ustranger', OAUTH_SECRET)}`, l.id);
    expect(guest.status).toBe(403);
    expect(guest.body.error.message).toContain('添加企业微信');
    expect((await draw('x', l.id, { requestId: 'short' })).status).toBe(400);
    const { rows } = await pond.app.pool.query('SELECT count(*)::int AS n FROM lottery_entries WHERE campaign_id = $1', [l.id]);
    expect(rows[0].n).toBe(0);
    // A draft can't be drawn on; the reason is given.
    const draft = await lottery({ prizes: [nothing(1)] }, false);
    const closed = await draw(c.cookie, draft.id);
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toContain('尚未发布');
    // …and the tap makes nobody a participant (no entry, no timeline event): the campaign's numbers stay true.
    const { rows: [after] } = await pond.app.pool.query(
      `SELECT (SELECT count(*)::int FROM campaign_participants WHERE campaign_id = $1) AS participants,
              (SELECT count(*)::int FROM customer_events WHERE corp_id = $2 AND external_userid = $3 AND type = 'campaign.entered' AND data->>'campaignId' = $1::text) AS entered`,
      [draft.id, pond.corpId, c.ext]);
    expect(after).toEqual({ participants: 0, entered: 0 });
  });

  it('refuses a customer write sent from another site (CSRF): draw, check-in, claim — nothing happens', async () => {
    const l = await lottery({ prizes: [points('积分', 5, 1)] });
    const [c] = await customers(1);
    const post = (path: string, origin: string | null, body: unknown = { requestId: rid() }) => fetch(`${pond.baseUrl}/c/api/${pond.corpId}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: c.cookie, ...(origin ? { origin } : {}) }, body: JSON.stringify(body),
    });
    for (const path of [`/lottery/${l.id}/draw`, `/checkin/${l.id}/checkin`, `/checkin/${l.id}/makeup`, `/offers/${l.id}/claim`, `/offers/${l.id}/groupbuys`,
      `/offers/${l.id}/groupbuys/1/join`, `/offers/${l.id}/bargains`, `/offers/${l.id}/bargains/1/help`, `/offers/${l.id}/bargains/1/buy`]) {
      const body = path.endsWith('makeup') ? { requestId: rid(), day: '2026-01-01' } : { requestId: rid() };
      expect((await post(path, 'https://evil.example.com', body)).status, path).toBe(403);
      expect((await post(path, null, body)).status, path).toBe(403);
    }
    const { rows } = await pond.app.pool.query('SELECT count(*)::int AS n FROM lottery_entries WHERE campaign_id = $1', [l.id]);
    expect(rows[0].n).toBe(0);
    expect((await post(`/lottery/${l.id}/draw`, pond.baseUrl)).status).toBe(200);
  });

  it('shows a staff member only their own customers among the winners (names, codes, addresses)', async () => {
    const l = await lottery({ prizes: [points('积分', 5, 1)] });
    const cs = await customers(2);
    for (const c of cs) expect((await draw(c.cookie, l.id)).status).toBe(200);
    const { rows: [other] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND userid <> $2 ORDER BY userid LIMIT 1`, [pond.corpId, staffUserid]);
    const theirs = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'other staff', role: 'staff', staffUserid: other.userid });
    const mine = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'own staff', role: 'staff', staffUserid });
    const seen = await pond.api('GET', `/api/lotteries/${l.id}/winners`, undefined, { token: theirs.token });
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({ items: [], total: 0 });
    const own = await pond.api('GET', `/api/lotteries/${l.id}/winners`, undefined, { token: mine.token });
    expect(own.body.total).toBe(2);
    expect((await pond.api('GET', `/api/lotteries/${l.id}/winners`)).body.total).toBe(2);
  });

  it('never oversells: 300 customers drawing at once win exactly the stock', async () => {
    const l = await lottery({ config: { perDay: 1 }, prizes: [points('大奖', 7, 40, 100), points('小奖', 5, 40, 10), nothing(20)] });
    const cs = await customers(300);
    const res = await Promise.all(cs.map((c) => draw(c.cookie, l.id)));
    expect(res.filter((r) => r.status !== 200).map((r) => r.body)).toEqual([]);
    const won = res.filter((r) => r.body.won);
    expect(won.length).toBe(12);
    const { rows: prizes } = await pond.app.pool.query('SELECT name, stock, won FROM lottery_prizes WHERE campaign_id = $1 ORDER BY position', [l.id]);
    expect(prizes.slice(0, 2).map((p) => [p.won, p.stock])).toEqual([[7, 7], [5, 5]]);
    const { rows: [n] } = await pond.app.pool.query(
      `SELECT (SELECT count(*)::int FROM lottery_entries WHERE campaign_id = $1) AS entries,
         (SELECT count(*)::int FROM rewards WHERE campaign_id = $1) AS rewards,
         (SELECT count(DISTINCT external_userid)::int FROM lottery_entries WHERE campaign_id = $1) AS people`, [l.id]);
    expect(n).toEqual({ entries: 300, rewards: 12, people: 300 });
    // Points were credited once per win.
    const { rows: [p] } = await pond.app.pool.query(`SELECT coalesce(sum(delta), 0)::int AS s FROM points_entries WHERE corp_id = $1 AND external_userid = ANY($2::text[])`,
      [pond.corpId, cs.map((c) => c.ext)]);
    expect(p.s).toBe(7 * 100 + 5 * 10);
  }, 60_000);

  it('draws once for 20 parallel taps with the same request id', async () => {
    const l = await lottery({ config: { perDay: 5 }, prizes: [points('奖', 100, 1)] });
    const [c] = await customers(1);
    const requestId = rid();
    const res = await Promise.all(Array.from({ length: 20 }, () => draw(c.cookie, l.id, { requestId })));
    expect(res.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(res.map((r) => r.body.entryId)).size).toBe(1);
    expect(res.filter((r) => !r.body.repeated).length).toBe(1);
    const { rows } = await pond.app.pool.query('SELECT count(*)::int AS n FROM lottery_entries WHERE campaign_id = $1', [l.id]);
    expect(rows[0].n).toBe(1);
    const { rows: [r] } = await pond.app.pool.query('SELECT count(*)::int AS n FROM rewards WHERE campaign_id = $1', [l.id]);
    expect(r.n).toBe(1);
    // The same id after the fact: the same answer (and nothing more drawn), even once the campaign is paused.
    expect((await pond.api('POST', `/api/campaigns/${l.id}/status`, { status: 'paused' })).status).toBe(200);
    const again = await draw(c.cookie, l.id, { requestId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ entryId: res[0].body.entryId, repeated: true, won: true });
    expect((await draw(c.cookie, l.id)).status).toBe(409);
  });

  it('allows exactly perDay draws from parallel requests with different ids', async () => {
    const l = await lottery({ config: { perDay: 3, total: 10 }, prizes: [nothing(1)] });
    const [c] = await customers(1);
    const res = await Promise.all(Array.from({ length: 12 }, () => draw(c.cookie, l.id)));
    expect(res.filter((r) => r.status === 200).length).toBe(3);
    const refused = res.filter((r) => r.status === 409);
    expect(refused.length).toBe(9);
    expect(refused[0].body.error.message).toContain('今天的抽奖次数已用完');
    const { rows } = await pond.app.pool.query('SELECT count(*)::int AS n, min(day)::text AS day FROM lottery_entries WHERE campaign_id = $1', [l.id]);
    expect(rows[0].n).toBe(3);
    // The corp's day (Asia/Shanghai), not UTC's.
    const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(rows[0].day).toBe(shanghai);
    const view = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/lottery/${l.id}`, { headers: { cookie: c.cookie } }).then((r) => r.json() as any);
    expect(view.remaining).toEqual({ today: 0, total: 7, paidEntries: 0 });
  });

  it('charges points per draw, once, and refuses a draw the balance cannot pay', async () => {
    const l = await lottery({ entry: { kind: 'points', points: 10 }, config: { perDay: null }, prizes: [nothing(1)] });
    const [c] = await customers(1);
    await pond.app.pool.query(`INSERT INTO points_accounts (corp_id, external_userid, balance) VALUES ($1, $2, 25)`, [pond.corpId, c.ext]);
    const res = await Promise.all(Array.from({ length: 5 }, () => draw(c.cookie, l.id)));
    expect(res.filter((r) => r.status === 200).length).toBe(2);
    const poor = res.find((r) => r.status === 409)!;
    expect(poor.body.error.message).toContain('积分不足');
    const { rows: [b] } = await pond.app.pool.query('SELECT balance FROM points_accounts WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, c.ext]);
    expect(b.balance).toBe(5);
    const { rows } = await pond.app.pool.query(`SELECT ref FROM points_entries WHERE corp_id = $1 AND external_userid = $2 ORDER BY id`, [pond.corpId, c.ext]);
    expect(rows.map((r) => r.ref)).toEqual(res.filter((r) => r.status === 200).map((r) => `entry:${r.body.entryId}`).sort());
  });

  it('gives "thank you" when the budget is spent, and returns the stock', async () => {
    const l = await lottery({ budgetTotalFen: 300, prizes: [{ ...points('奖', 10, 1), costFen: 100 }] });
    const cs = await customers(8);
    const res = await Promise.all(cs.map((c) => draw(c.cookie, l.id)));
    expect(res.every((r) => r.status === 200)).toBe(true);
    expect(res.filter((r) => r.body.won).length).toBe(3);
    expect(res.filter((r) => !r.body.won).every((r) => r.body.prize === null && r.body.reward === null)).toBe(true);
    const { rows: [p] } = await pond.app.pool.query('SELECT won FROM lottery_prizes WHERE campaign_id = $1', [l.id]);
    expect(p.won).toBe(3);
    const d = await pond.api('GET', `/api/lotteries/${l.id}`);
    expect(d.body.numbers).toMatchObject({ participants: 8, draws: 8, winners: 3, costFen: 300, rewards: 3 });
    expect(d.body.perPrize[0]).toMatchObject({ won: 3, stockLeft: 7, costFen: 300 });
  });

  it('pays a red packet through WeChat Pay to the session\'s openid, and refuses customers the campaign is not for', async () => {
    const l = await lottery({ prizes: [{ name: '红包', kind: 'redpacket', weight: 1, stock: 2, amountFen: 188 }] });
    const [c] = await customers(1);
    const won = await draw(c.cookie, l.id);
    expect(won.status).toBe(200);
    expect(won.body.reward).toMatchObject({ kind: 'redpacket', amountFen: 188, state: 'pending' });
    const { rows: [r] } = await pond.app.pool.query('SELECT adapter, amount_fen, cost_fen, details, out_trade_no FROM rewards WHERE id = $1', [won.body.reward.rewardId]);
    expect(r).toMatchObject({ adapter: 'wechatpay', amount_fen: 188, cost_fen: 188, details: { openid: expect.stringMatching(/^ou/) } });
    expect(r.out_trade_no).toMatch(/^pond\d{8}/);

    const { rows: [tag] } = await pond.app.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1', [pond.corpId]);
    const only = await lottery({ eligibility: { tagIds: [tag.id] }, prizes: [nothing(1)] });
    const refused = await draw(c.cookie, only.id);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('特定客户');
    await pond.app.pool.query('UPDATE customers SET tag_ids = ARRAY[$3]::text[] WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, c.ext, tag.id]);
    expect((await draw(c.cookie, only.id)).status).toBe(200);
  });

  it('a gift waits for the winner\'s address, given once on the page, then is due to ship', async () => {
    const l = await lottery({ prizes: [{ name: '保温杯', kind: 'gift', weight: 1, stock: 1, costFen: 5900 }] });
    const [c] = await customers(1);
    const won = await draw(c.cookie, l.id);
    expect(won.status).toBe(200);
    expect(won.body.reward).toMatchObject({ kind: 'gift', state: 'pending', needsAddress: true });
    const rewardId = won.body.reward.rewardId as number;
    const address = (body: unknown) => fetch(`${pond.baseUrl}/c/api/${pond.corpId}/rewards/${rewardId}/address`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: pond.baseUrl, cookie: c.cookie }, body: JSON.stringify(body),
    });
    // Another customer's session cannot give it.
    const [other] = await customers(1);
    const theirs = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/rewards/${rewardId}/address`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: pond.baseUrl, cookie: other.cookie }, body: JSON.stringify({ name: '张三', phone: '13800000000', address: '上海市' }),
    });
    expect(theirs.status).toBe(404);
    expect((await address({ name: '张三', phone: '13800000000', address: '上海市徐汇区漕溪北路 1 号' })).status).toBe(200);
    expect((await address({ name: '张三', phone: '13800000000', address: '又一次' })).status).toBe(409);
    const view = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/lottery/${l.id}`, { headers: { cookie: c.cookie } }).then((r) => r.json() as Promise<any>);
    expect(view.myPrizes[0]).toMatchObject({ kind: 'gift', needsAddress: false });
    const { rows: [r] } = await pond.app.pool.query('SELECT details, next_attempt_at <= now() AS due FROM rewards WHERE id = $1', [rewardId]);
    expect(r.details.address).toEqual({ name: '张三', phone: '13800000000', address: '上海市徐汇区漕溪北路 1 号' });
    expect(r.due).toBe(true);
  });

  it('edits prizes while a draft; once published only stock, never below what was won', async () => {
    const l = await lottery({ prizes: [points('A', 2, 1), nothing(1)], rules: '每人每天一次', budgetTotalFen: 100_000, joinCodeId: null }, false);
    const edited = await pond.api('PATCH', `/api/lotteries/${l.id}`, { prizes: [points('A2', 1, 1), { name: '礼品', kind: 'gift', weight: 1, stock: 3, costFen: 5000 }, nothing(1)] });
    expect(edited.status).toBe(200);
    // What a PATCH does not name stays as it was (no defaults filled in).
    expect(edited.body).toMatchObject({ rules: '每人每天一次', budgetTotalFen: 100_000 });
    expect(edited.body.prizes.map((p: any) => p.name)).toEqual(['A2', '礼品', '谢谢参与']);
    expect((await pond.api('POST', `/api/campaigns/${l.id}/status`, { status: 'active' })).status).toBe(200);
    const cs = await customers(30);
    await Promise.all(cs.map((c) => draw(c.cookie, l.id)));
    const cur = (await pond.api('GET', `/api/lotteries/${l.id}`)).body;
    const prizes = cur.prizes.map(({ won: _w, position: _p, ...p }: any) => p);
    const renamed = await pond.api('PATCH', `/api/lotteries/${l.id}`, { prizes: prizes.map((p: any, i: number) => (i === 0 ? { ...p, name: 'B' } : p)) });
    expect(renamed.status).toBe(409);
    const gift = cur.prizes[1];
    expect(gift.won).toBeGreaterThan(0);
    const below = await pond.api('PATCH', `/api/lotteries/${l.id}`, { prizes: prizes.map((p: any, i: number) => (i === 1 ? { ...p, stock: gift.won - 1 } : p)) });
    expect(below.status).toBe(400);
    expect(below.body.error.message).toContain('prizes[1].stock');
    const raised = await pond.api('PATCH', `/api/lotteries/${l.id}`, { prizes: prizes.map((p: any, i: number) => (i === 1 ? { ...p, stock: 10 } : p)) });
    expect(raised.status).toBe(200);
    expect(raised.body.prizes[1].stock).toBe(10);
    // Gifts wait for their address (pending), and the winners list and its CSV (the fulfilment list) show them.
    const winners = await pond.api('GET', `/api/lotteries/${l.id}/winners?limit=100`);
    expect(winners.body.items.length).toBe(cur.prizes[0].won + gift.won);
    expect(winners.body.items.find((w: any) => w.prizeKind === 'gift')).toMatchObject({ rewardState: 'pending', address: null });
    const csv = await fetch(`${pond.baseUrl}/api/lotteries/${l.id}/winners.csv`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n').filter(Boolean).length).toBe(1 + winners.body.items.length);
    expect(text).toContain('礼品');
    // Draws land on the timeline.
    const { rows } = await pond.app.pool.query(`SELECT type, count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND data->>'campaignId' = $2 AND type LIKE 'lottery.%' GROUP BY type ORDER BY type`,
      [pond.corpId, String(l.id)]);
    expect(rows).toEqual([{ type: 'lottery.drew', n: 30 }, { type: 'lottery.won', n: winners.body.items.length }]);
  });

  it('paid draws: a 1-cent order on the simulator grants entries, a refund revokes the unused one', async () => {
    const sim = pond.app.sim!.control;
    const l = await lottery({ entry: { kind: 'paid', sku: 'LUCKY-1C', priceFen: 1, entriesPerOrder: 2, productUrl: 'https://shop.example.com/p/lucky' }, config: { perDay: null }, prizes: [points('积分', 100, 1)] });
    const user = await sim.createWechatUser({ nickname: '一分钱抽奖' });
    const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staffUserid });
    await waitFor(async () => (await pond.app.pool.query(`SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL`, [pond.corpId, externalUserid])).rowCount, { message: 'customer in Pond' });
    const cookie = `sim_wechat_user=${user.id}`;
    // Nothing bought yet: told to buy, with the product link.
    const first = await draw(cookie, l.id);
    expect(first.status).toBe(409);
    expect(first.body.error.message).toContain('https://shop.example.com/p/lucky');

    const order = await sim.payOrder(user.id, { corpId: pond.corpId, items: [{ name: '1分钱抽奖', price: 0.01, quantity: 1, sku: 'LUCKY-1C' }] });
    expect(order.webhook?.status).toBe(200);
    const entries = () => pond.app.pool.query('SELECT state, order_id FROM lottery_entries WHERE campaign_id = $1 ORDER BY order_seq', [l.id]).then((r) => r.rows);
    await waitFor(async () => (await entries()).length === 2, { message: 'two entries granted' });
    // The hook delivered again (the inbox retries): nothing new.
    await pond.app.orderHooks.onMatched(pond.corpId, order.orderId);
    expect((await entries()).length).toBe(2);

    const drawn = await draw(cookie, l.id);
    expect(drawn.status).toBe(200);
    expect(drawn.body).toMatchObject({ won: true, remaining: { paidEntries: 1 } });

    await sim.refundOrder(user.id, order.orderId);
    await waitFor(async () => (await entries()).some((e) => e.state === 'revoked'), { message: 'unused entry revoked' });
    expect((await entries()).map((e) => e.state).sort()).toEqual(['drawn', 'revoked']);
    const after = await draw(cookie, l.id);
    expect(after.status).toBe(409);
    const { rows: events } = await pond.app.pool.query(`SELECT type FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type LIKE 'lottery.%' ORDER BY id`, [pond.corpId, externalUserid]);
    expect(events.map((e) => e.type)).toEqual(['lottery.entry_granted', 'lottery.drew', 'lottery.won', 'lottery.entry_revoked']);
    const d = await pond.api('GET', `/api/lotteries/${l.id}`);
    expect(d.body.numbers).toMatchObject({ orders: 1, draws: 1, winners: 1, entriesRevoked: 1 });
  }, 60_000);
});
