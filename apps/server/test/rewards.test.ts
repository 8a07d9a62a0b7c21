// The reward ledger under concurrency and its adapters: grants once per ref and within budgets with 20 grants at once,
// points never below zero, coupon codes never handed out twice, the shop's webhook (signed, retried on 5xx, failed on
// 4xx, applied once after a crash), WeChat Pay through the simulator (paid once even when the first call times out or
// fails after paying; a wrong signature refused), and the operator and customer routes around the ledger.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { withTransaction } from '../src/platform/db';
import { SecretBox } from '../src/platform/secrets';
import { AdapterError, GIFT_HOLD, RewardSettingsService, applyPoints, rotateRewardSecrets, signWebhook, webhookAdapter, wechatPayAdapter, wechatPayAuthorization, type GrantInput, type RewardRow } from '../src/modules/rewards';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let customers: { ext: string; unionid: string; wechatUserId: string }[];

const q = async <T = any>(sql: string, params: unknown[] = []) => (await pond.app.pool.query(sql, params)).rows as T[];
const grant = (input: Omit<GrantInput, 'corpId' | 'tz'>) => withTransaction(pond.app.pool, (db) => pond.app.rewards.grant(db, { corpId: pond.corpId, ...input }));
const campaign = async (budgetTotalFen: number | null, extra = '') => (await q<{ id: number }>(
  `INSERT INTO campaigns (corp_id, kind, name, starts_at, budget_total_fen) VALUES ($1, 'lottery', $2, now(), $3) RETURNING id`, [pond.corpId, `c ${extra}${Math.random()}`, budgetTotalFen]))[0].id;
const reward = async (id: number) => (await q<RewardRow>('SELECT * FROM rewards WHERE id = $1', [id]))[0];
/** Makes a reward due now (as its back-off or lease running out would). */
const due = (id: number) => q(`UPDATE rewards SET next_attempt_at = now() WHERE id = $1`, [id]);

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const rows = await q<{ external_userid: string; unionid: string }>(
    `SELECT external_userid, unionid FROM customers c WHERE corp_id = $1 AND unionid IS NOT NULL
     AND EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active')
     ORDER BY external_userid LIMIT 4`, [pond.corpId]);
  const users = await sim.listWechatUsers({ limit: 1000 });
  customers = rows.map((r) => ({ ext: r.external_userid, unionid: r.unionid, wechatUserId: users.find((u) => u.unionid === r.unionid)!.id }));
  expect(customers.length).toBe(4);
  expect(customers.every((c) => c.wechatUserId)).toBe(true);
}, 120_000);
afterAll(async () => { await pond?.close(); });

describe('ledger under concurrency', () => {
  it('20 parallel grants on a campaign with a total budget never overspend; the same ref grants once', async () => {
    const cid = await campaign(1000);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => grant({
      externalUserid: customers[i % 4].ext, campaignId: cid, source: 'lottery', sourceRef: `budget:${cid}:${i}`, kind: 'custom', adapter: 'manual', title: 'prize', costFen: 100,
    })));
    expect(results.filter((r) => 'reward' in r).length).toBe(10);
    expect(results.filter((r) => 'refused' in r && r.refused === 'budget_total').length).toBe(10);
    const [spend] = await q<{ cost_fen: number; rewards: number }>(`SELECT cost_fen, rewards FROM campaign_spend WHERE campaign_id = $1 AND day = '1970-01-01'`, [cid]);
    expect(spend).toEqual({ cost_fen: 1000, rewards: 10 });
    expect((await q(`SELECT 1 FROM rewards WHERE campaign_id = $1`, [cid])).length).toBe(10);

    const same = await Promise.all(Array.from({ length: 10 }, () => grant({
      externalUserid: customers[0].ext, source: 'manual', sourceRef: `same:${cid}`, kind: 'custom', adapter: 'manual', title: 'once',
    })));
    const ids = new Set(same.map((r) => ('reward' in r ? r.reward.id : 0)));
    expect(ids.size).toBe(1);
    expect(same.filter((r) => 'reward' in r && r.created).length).toBe(1);
  });

  it('points never go below zero under concurrent debits', async () => {
    const ext = customers[1].ext;
    await withTransaction(pond.app.pool, (db) => applyPoints(db, pond.corpId, ext, 100, 'seed', `seed:${Date.now()}`));
    const before = (await q<{ balance: number }>('SELECT balance FROM points_accounts WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, ext]))[0].balance;
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
      withTransaction(pond.app.pool, (db) => applyPoints(db, pond.corpId, ext, -30, 'spend', `spend:${Date.now()}:${i}`))));
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(ok).toBe(Math.floor(before / 30));
    const after = (await q<{ balance: number }>('SELECT balance FROM points_accounts WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, ext]))[0].balance;
    expect(after).toBe(before - 30 * ok);
    expect(after).toBeGreaterThanOrEqual(0);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected.every((r) => /not enough points/.test(String(r.reason?.message)))).toBe(true);
  });

  it('coupon codes are never handed out twice under concurrency; an empty pool refuses with no_stock', async () => {
    const pool = await pond.api('POST', '/api/coupon-pools', { name: '满100减10', faceValueFen: 1000, thresholdFen: 10000, validDays: 7 });
    expect(pool.status).toBe(200);
    const gen = await pond.api('POST', `/api/coupon-pools/${pool.body.id}/codes/generate`, { count: 10, prefix: 'CC' });
    expect(gen.body.added).toBe(10);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => grant({
      externalUserid: customers[i % 4].ext, source: 'coupon', sourceRef: `claim:${pool.body.id}:${i}`, kind: 'coupon', adapter: 'coupon', title: '券', couponPoolId: pool.body.id,
    })));
    const won = results.flatMap((r) => ('reward' in r ? [r.reward] : []));
    expect(won.length).toBe(10);
    expect(new Set(won.map((r) => r.coupon_code)).size).toBe(10);
    expect(won.every((r) => r.state === 'issued' && r.coupon_code?.startsWith('CC'))).toBe(true);
    expect(results.filter((r) => 'refused' in r && r.refused === 'no_stock').length).toBe(10);
    const view = await pond.api('GET', `/api/coupon-pools/${pool.body.id}`);
    expect(view.body.counts).toEqual({ available: 0, claimed: 10, redeemed: 0, void: 0 });
  });
});

describe('webhook adapter', () => {
  let server: Server;
  let url: string;
  let secret: string;
  const received: { key: string; body: string; signatureOk: boolean }[] = [];
  const applied = new Set<string>();
  let answers: number[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const key = String(req.headers['idempotency-key']);
        const signatureOk = req.headers['x-pond-signature'] === signWebhook(secret, String(req.headers['x-pond-timestamp']), body);
        received.push({ key, body, signatureOk });
        const status = answers.shift() ?? 200;
        if (status === 200 && signatureOk) applied.add(key);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? { reference: `SHOP-${key}` } : { error: 'no' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rewards`;
    const put = await pond.api('PUT', '/api/settings/rewards', { webhookUrl: url });
    expect(put.status).toBe(200);
    secret = put.body.webhookSecret;
    expect(secret).toMatch(/^whsec_/);
    const got = await pond.api('GET', '/api/settings/rewards');
    expect(got.body.webhookSecretSet).toBe(true);
    expect(JSON.stringify(got.body)).not.toContain(secret);
  });
  afterAll(async () => { await new Promise((r) => server.close(r)); });

  const gift = async (ref: string) => {
    const r = await grant({ externalUserid: customers[2].ext, source: 'lottery', sourceRef: ref, kind: 'gift', adapter: 'webhook', title: '保温杯', costFen: 5000, details: { address: { name: '张三', phone: '13800000000', address: '上海' } } });
    return 'reward' in r ? r.reward : expect.fail('refused');
  };

  it('signs the request, retries a 500 with the same key, and keeps the shop\'s reference', async () => {
    const r = await gift(`wh:${Date.now()}`);
    answers = [500];
    await pond.app.rewards.issueDue();
    let row = await reward(r.id);
    expect(row.state).toBe('pending');
    expect(row.last_error).toMatch(/HTTP 500/);
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    await due(r.id);
    await pond.app.rewards.issueDue();
    row = await reward(r.id);
    expect(row.state).toBe('issued');
    expect(row.external_ref).toBe(`SHOP-reward-${r.id}`);
    const mine = received.filter((x) => x.key === `reward-${r.id}`);
    expect(mine.length).toBe(2);
    expect(mine.every((x) => x.signatureOk)).toBe(true);
    const body = JSON.parse(mine[0].body);
    expect(body).toMatchObject({ event: 'reward.issue', reward: { id: r.id, kind: 'gift', title: '保温杯', externalUserid: customers[2].ext, unionid: customers[2].unionid } });
    expect(body.reward.details.address.name).toBe('张三');
  });

  it('a 400 fails the reward at once', async () => {
    const r = await gift(`wh400:${Date.now()}`);
    answers = [400];
    await pond.app.rewards.issueDue();
    const row = await reward(r.id);
    expect(row.state).toBe('failed');
    expect(row.attempts).toBe(1);
    const trail = await pond.api('GET', `/api/rewards/${r.id}`);
    expect(trail.body.events.map((e: any) => e.toState)).toEqual(['pending', 'failed']);
  });

  it('a crash after sending: the next worker sends the same key and the shop applies it once', async () => {
    const r = await gift(`whcrash:${Date.now()}`);
    // Process A claims the reward and sends, then dies before recording the answer.
    const claimed = (await q<RewardRow>(`UPDATE rewards SET state = 'issuing', attempts = attempts + 1, next_attempt_at = now() + interval '2 minutes' WHERE id = $1 RETURNING *`, [r.id]))[0];
    const adapter = webhookAdapter({ pool: pond.app.pool, settings: pond.app.rewardSettings });
    await adapter.issue(claimed);
    // Its lease runs out; another worker takes it.
    await due(r.id);
    await pond.app.rewards.issueDue();
    expect((await reward(r.id)).state).toBe('issued');
    const mine = received.filter((x) => x.key === `reward-${r.id}`);
    expect(mine.length).toBe(2);
    expect([...applied].filter((k) => k === `reward-${r.id}`).length).toBe(1);
  });
});

describe('WeChat Pay through the simulator', () => {
  const walletOf = (c: { wechatUserId: string }) => sim.payWallet(c.wechatUserId);
  const redpacket = async (ref: string, amountFen: number, who = customers[3]) => {
    const r = await grant({ externalUserid: who.ext, source: 'lottery', sourceRef: ref, kind: 'redpacket', adapter: 'wechatpay', title: '红包', amountFen });
    return 'reward' in r ? r.reward : expect.fail('refused');
  };
  const fastAdapter = () => pond.app.rewards.register('wechatpay', wechatPayAdapter({
    pool: pond.app.pool, settings: pond.app.rewardSettings, timeoutMs: 400, simOpenid: (appid, unionid) => sim.payOpenid(appid, unionid),
  }));

  it('the demo merchant is set up and a red packet is paid to the phone\'s 零钱', async () => {
    const s = await pond.api('GET', '/api/settings/rewards');
    expect(s.body.wechatPay).toMatchObject({ mchid: '1900000109', ready: true, privateKeySet: true, apiV3KeySet: true });
    expect(s.body.wechatPay.apiBase).toMatch(/\/sim\/pay$/);
    const before = (await walletOf(customers[3])).balanceFen;
    const r = await redpacket(`rp:${Date.now()}`, 88);
    expect(r.out_trade_no).toMatch(/^pond\d{8}\d{12}$/);
    await pond.app.rewards.issueDue();
    const row = await reward(r.id);
    expect(row.state, row.last_error ?? '').toBe('issued');
    expect(row.external_ref).toBeTruthy();
    const w = await walletOf(customers[3]);
    expect(w.balanceFen - before).toBe(88);
    expect(w.transfers.filter((t) => t.outBatchNo === r.out_trade_no).length).toBe(1);
  });

  it('paid once when the first call times out after paying, and when it fails after paying', async () => {
    fastAdapter();
    for (const mode of ['timeout_after_pay', 'error_after_pay'] as const) {
      const before = (await walletOf(customers[3])).balanceFen;
      const r = await redpacket(`rp-${mode}:${Date.now()}`, 120);
      await sim.setPayFault('1900000109', mode, 1, 1500);
      await pond.app.rewards.issueDue();
      let row = await reward(r.id);
      expect(row.state).toBe('pending');
      expect(row.last_error).toMatch(mode === 'timeout_after_pay' ? /no answer/ : /HTTP 500/);
      // The money left on the first call.
      await waitFor(async () => (await walletOf(customers[3])).balanceFen - before === 120, { message: 'first call paid' });
      await due(r.id);
      await pond.app.rewards.issueDue();
      row = await reward(r.id);
      expect(row.state, row.last_error ?? '').toBe('issued');
      const w = await walletOf(customers[3]);
      expect(w.balanceFen - before).toBe(120);
      expect(w.transfers.filter((t) => t.outBatchNo === r.out_trade_no).length).toBe(1);
    }
  });

  it('a 5xx before paying is retried; concurrent workers pay once', async () => {
    fastAdapter();
    const before = (await walletOf(customers[3])).balanceFen;
    const r = await redpacket(`rp-err:${Date.now()}`, 50);
    await sim.setPayFault('1900000109', 'error', 1);
    await pond.app.rewards.issueDue();
    expect((await walletOf(customers[3])).balanceFen).toBe(before);
    await due(r.id);
    await Promise.all([pond.app.rewards.issueDue(), pond.app.rewards.issueDue(), pond.app.rewards.issueDue()]);
    expect((await reward(r.id)).state).toBe('issued');
    expect((await walletOf(customers[3])).balanceFen - before).toBe(50);
  });

  it('a void after an attempt asks WeChat Pay first: paid after all → issued, never paid → void', async () => {
    fastAdapter();
    // The first call paid but its answer was lost; the operator voids it before the retry.
    const before = (await walletOf(customers[3])).balanceFen;
    const paid = await redpacket(`rp-void-paid:${Date.now()}`, 66);
    await sim.setPayFault('1900000109', 'timeout_after_pay', 1, 1500);
    await pond.app.rewards.issueDue();
    expect((await reward(paid.id)).state).toBe('pending');
    await waitFor(async () => (await walletOf(customers[3])).balanceFen - before === 66, { message: 'first call paid' });
    const v1 = await pond.api('POST', `/api/rewards/${paid.id}/void`, { reason: '活动取消' });
    expect(v1.status, JSON.stringify(v1.body)).toBe(200);
    expect(v1.body).toMatchObject({ state: 'pending', voidReason: '活动取消' });
    await pond.app.rewards.issueDue();
    const p = await reward(paid.id);
    expect(p.state).toBe('issued');
    expect(p.void_reason).toBeNull();
    expect(p.external_ref).toBeTruthy();
    expect((await walletOf(customers[3])).balanceFen - before).toBe(66);
    const trail = (await pond.app.pool.query('SELECT note FROM reward_events WHERE reward_id = $1 ORDER BY id', [paid.id])).rows.map((e) => e.note ?? '');
    expect(trail.some((n) => /void not carried out/.test(n))).toBe(true);

    // The first call failed before paying: the requested void is carried out, and nothing is ever paid.
    const never = await redpacket(`rp-void-never:${Date.now()}`, 77);
    await sim.setPayFault('1900000109', 'error', 1);
    await pond.app.rewards.issueDue();
    expect((await reward(never.id)).attempts).toBe(1);
    const v2 = await pond.api('POST', `/api/rewards/${never.id}/void`, { reason: '客户注销' });
    expect(v2.body.state).toBe('pending');
    await pond.app.rewards.issueDue();
    const n = await reward(never.id);
    expect(n.state).toBe('void');
    expect(n.void_reason).toBe('客户注销');
    await pond.app.rewards.issueDue();
    expect((await walletOf(customers[3])).balanceFen - before).toBe(66);

    // Never attempted: voided at once, as before.
    const fresh = await redpacket(`rp-void-fresh:${Date.now()}`, 10);
    const v3 = await pond.api('POST', `/api/rewards/${fresh.id}/void`, { reason: '重复' });
    expect(v3.body.state).toBe('void');
  });

  it('an answer whose signature does not verify with WeChat Pay\'s public key is not trusted; the retry with the right key pays once', async () => {
    const real = await pond.app.rewardSettings.config(pond.corpId);
    expect(real.wechatPay?.platformKeyId).toMatch(/^PUB_KEY_ID_/);
    expect(real.wechatPay?.platformPublicKey).toContain('BEGIN PUBLIC KEY');
    const before = (await walletOf(customers[3])).balanceFen;
    const r = await redpacket(`rp-forged:${Date.now()}`, 30);
    // Pond holds another public key than the one WeChat Pay signs with (as if an answer were forged in between).
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    pond.app.rewards.register('wechatpay', wechatPayAdapter({
      pool: pond.app.pool, timeoutMs: 2000, simOpenid: (appid, unionid) => sim.payOpenid(appid, unionid),
      settings: { config: async (corpId) => { const c = await pond.app.rewardSettings.config(corpId); return { ...c, wechatPay: { ...c.wechatPay!, platformPublicKey: other } }; } },
    }));
    await pond.app.rewards.issueDue();
    let row = await reward(r.id);
    expect(row.state).toBe('failed');
    expect(row.last_error).toMatch(/signature .*not trusted/);
    // The transfer itself went through on WeChat Pay's side; the operator fixes the key and retries: same batch, paid once.
    fastAdapter();
    expect((await pond.api('POST', `/api/rewards/${r.id}/retry`)).status).toBe(200);
    await pond.app.rewards.issueDue();
    row = await reward(r.id);
    expect(row.state, row.last_error ?? '').toBe('issued');
    const w = await walletOf(customers[3]);
    expect(w.balanceFen - before).toBe(30);
    expect(w.transfers.filter((t) => t.outBatchNo === r.out_trade_no).length).toBe(1);
  });

  it('the simulator refuses a wrong signature and a reused batch number with another body', async () => {
    const path = '/v3/transfer/batches';
    const cfg = (await pond.app.rewardSettings.config(pond.corpId)).wechatPay!;
    const openid = (await sim.payOpenid(cfg.appid, customers[0].unionid))!;
    const body = (amount: number) => JSON.stringify({
      appid: cfg.appid, out_batch_no: 'pondtest000000000001', batch_name: 't', batch_remark: 't', total_amount: amount, total_num: 1,
      transfer_detail_list: [{ out_detail_no: 'pondtest000000000001D1', transfer_amount: amount, transfer_remark: 't', openid }],
    });
    const send = (b: string, key: string) => fetch(`${cfg.apiBase}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: wechatPayAuthorization({ ...cfg, privateKey: key }, 'POST', path, b) }, body: b,
    }).then(async (res) => ({ status: res.status, body: await res.json() as any }));
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const before = (await walletOf(customers[0])).balanceFen;
    const forged = await send(body(10), otherKey);
    expect(forged).toMatchObject({ status: 401, body: { code: 'SIGN_ERROR' } });
    const first = await send(body(10), cfg.privateKey);
    expect(first.status).toBe(200);
    const again = await send(body(10), cfg.privateKey);
    expect(again.body.batch_id).toBe(first.body.batch_id);
    const changed = await send(body(11), cfg.privateKey);
    expect(changed).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect((await walletOf(customers[0])).balanceFen - before).toBe(10);
  });

  it('a daily payout cap per customer fails what would pass it', async () => {
    expect((await pond.api('PUT', '/api/settings/rewards', { dailyPayoutCapFen: 100 })).status).toBe(200);
    try {
      const who = customers[1];
      const a = await redpacket(`cap-a:${Date.now()}`, 60, who);
      const b = await redpacket(`cap-b:${Date.now()}`, 60, who);
      await pond.app.rewards.issueDue();
      const [ra, rb] = [await reward(a.id), await reward(b.id)];
      expect(ra.state).toBe('issued');
      expect(rb.state).toBe('failed');
      expect(rb.last_error).toMatch(/daily payout cap/);
    } finally {
      await pond.api('PUT', '/api/settings/rewards', { dailyPayoutCapFen: null });
    }
  });

  it('an adapter error says whether it is worth retrying', () => {
    expect(new AdapterError('x', false).retryable).toBe(false);
  });
});

describe('operator routes', () => {
  it('lists with filters, voids a pending one with a reason, marks a manual one issued, retries a failed one, exports CSV', async () => {
    const cid = await campaign(null, 'ops ');
    const mk = async (ref: string, adapter: 'manual' | 'webhook') => {
      const r = await grant({ externalUserid: customers[0].ext, campaignId: cid, source: 'lottery', sourceRef: ref, kind: 'gift', adapter, title: '礼品', costFen: 100,
        details: { address: { name: '李四', phone: '13900000000', address: '北京市朝阳区' } } });
      return 'reward' in r ? r.reward : expect.fail('refused');
    };
    const a = await mk(`ops-a:${cid}`, 'manual');
    const b = await mk(`ops-b:${cid}`, 'manual');
    const list = await pond.api('GET', `/api/rewards?campaignId=${cid}&state=pending`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items[0].campaignName).toMatch(/^c ops /);

    const voided = await pond.api('POST', `/api/rewards/${a.id}/void`, { reason: '客户取消' });
    expect(voided.body).toMatchObject({ state: 'void', voidReason: '客户取消' });
    expect(voided.body.events.at(-1)).toMatchObject({ fromState: 'pending', toState: 'void', note: '客户取消' });
    expect((await pond.api('POST', `/api/rewards/${a.id}/void`, { reason: 'again' })).status).toBe(409);
    expect((await pond.api('POST', `/api/rewards/${b.id}/void`, { reason: '' })).status).toBe(400);

    const issued = await pond.api('POST', `/api/rewards/${b.id}/issued`, { note: '顺丰 SF123' });
    expect(issued.body).toMatchObject({ state: 'issued', externalRef: '顺丰 SF123' });
    expect((await pond.api('POST', `/api/rewards/${b.id}/issued`, {})).status).toBe(409);

    await pond.api('PUT', '/api/settings/rewards', { webhookUrl: 'http://127.0.0.1:9/nowhere' });
    const c = await mk(`ops-c:${cid}`, 'webhook');
    await q(`UPDATE rewards SET state = 'failed', last_error = 'x' WHERE id = $1`, [c.id]);
    const retried = await pond.api('POST', `/api/rewards/${c.id}/retry`);
    expect(retried.body).toMatchObject({ state: 'pending', attempts: 0 });
    expect((await pond.api('POST', `/api/rewards/${c.id}/retry`)).status).toBe(409);

    const csv = await fetch(`${pond.baseUrl}/api/rewards/export?campaignId=${cid}`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('ship_address');
    expect(text).toContain('北京市朝阳区');
    expect(text).toContain('顺丰 SF123');

    const card = await pond.api('GET', `/api/customers/${customers[0].ext}/rewards`);
    expect(card.status).toBe(200);
    expect(card.body.items.some((r: any) => r.id === b.id)).toBe(true);
    expect(typeof card.body.points).toBe('number');

    const audit = await q<{ action: string }>(`SELECT action FROM audit_log WHERE corp_id = $1 AND action LIKE 'reward%'`, [pond.corpId]);
    expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['reward.void', 'reward.mark_issued', 'reward.retry', 'reward_settings.update']));
  });

  it('settings refuse bad input by field and never return secrets', async () => {
    const bad = await pond.api('PUT', '/api/settings/rewards', { wechatPay: { mchid: 'abc' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('mchid');
    const key = await pond.api('PUT', '/api/settings/rewards', { wechatPay: { privateKey: 'not a pem' } });
    expect(key.status).toBe(400);
    for (const wechatPay of [{ platformKeyId: 'serial123' }, { platformPublicKey: 'not a pem' }]) {
      const r = await pond.api('PUT', '/api/settings/rewards', { wechatPay });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain(Object.keys(wechatPay)[0]);
    }
    const regen = await pond.api('POST', '/api/settings/rewards/webhook-secret');
    expect(regen.body.secret).toMatch(/^whsec_/);
    const view = await pond.api('GET', '/api/settings/rewards');
    expect(JSON.stringify(view.body)).not.toContain(regen.body.secret);
    expect(JSON.stringify(view.body)).not.toContain('PRIVATE KEY');
    const stored = await q<{ webhook_secret: string; wxpay_private_key: string }>('SELECT webhook_secret, wxpay_private_key FROM reward_settings WHERE corp_id = $1', [pond.corpId]);
    expect(stored[0].webhook_secret).toMatch(/^enc:v1:/);
    expect(stored[0].wxpay_private_key).toMatch(/^enc:v1:/);
  });

  it('imports codes by CSV: duplicates counted, bad lines reported by number', async () => {
    const pool = (await pond.api('POST', '/api/coupon-pools', { name: '导入', faceValueFen: 500 })).body;
    const csv = 'code\nGOOD0001\nGOOD0002\nGOOD0001\nbad code!\n\nab\nGOOD0003,extra\n';
    const res = await fetch(`${pond.baseUrl}/api/coupon-pools/${pool.id}/codes/import`, {
      method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': 'text/csv' }, body: csv,
    });
    const report = await res.json() as any;
    expect(res.status).toBe(200);
    expect(report).toMatchObject({ added: 3, duplicates: 1, rejectedTotal: 2 });
    expect(report.rejected.map((r: any) => r.line)).toEqual([5, 7]);
    const again = await fetch(`${pond.baseUrl}/api/coupon-pools/${pool.id}/codes/import`, {
      method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': 'text/csv' }, body: 'GOOD0002\nGOOD0004\n',
    }).then((r) => r.json() as any);
    expect(again).toMatchObject({ added: 1, duplicates: 1 });
    const codes = await pond.api('GET', `/api/coupon-pools/${pool.id}/codes?state=available`);
    expect(codes.body.total).toBe(4);
    const empty = await fetch(`${pond.baseUrl}/api/coupon-pools/${pool.id}/codes/import`, {
      method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': 'text/csv' }, body: '',
    });
    expect(empty.status).toBe(400);
    expect((await pond.api('POST', `/api/coupon-pools/${pool.id}/codes/generate`, { count: 0 })).status).toBe(400);
    expect((await pond.api('DELETE', `/api/coupon-pools/${pool.id}`)).status).toBe(200);
  });

  it('an order carrying a claimed code redeems it once, with coupon.redeemed on the timeline', async () => {
    const pool = (await pond.api('POST', '/api/coupon-pools', { name: '兑换', faceValueFen: 500 })).body;
    await pond.api('POST', `/api/coupon-pools/${pool.id}/codes/generate`, { count: 1, prefix: 'RD' });
    const who = customers[2];
    const g = await grant({ externalUserid: who.ext, source: 'coupon', sourceRef: `redeem:${pool.id}`, kind: 'coupon', adapter: 'coupon', title: '券', couponPoolId: pool.id });
    const code = 'reward' in g ? g.reward.coupon_code! : expect.fail('refused');
    const webhookUrl = (await pond.api('GET', '/api/settings/orders')).body.webhookUrl;
    const orderId = `ord-coupon-${Date.now()}`;
    const res = await fetch(webhookUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'order.paid', order: { orderId, externalUserid: who.ext, amount: 88, paidAt: new Date().toISOString(), couponCodes: [code, 'NOTOURS1'] } }),
    });
    expect(res.status).toBe(200);
    await pond.app.inbox.drain();
    const [row] = await q<{ state: string; order_id: string }>('SELECT state, order_id FROM coupon_codes WHERE corp_id = $1 AND code = $2', [pond.corpId, code]);
    expect(row).toEqual({ state: 'redeemed', order_id: orderId });
    const events = await q<{ data: any }>(`SELECT data FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'coupon.redeemed'`, [pond.corpId, who.ext]);
    expect(events.length).toBe(1);
    expect(events[0].data).toMatchObject({ code, orderId, amountFen: 8800 });
    const tooMany = await fetch(webhookUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'order.paid', order: { orderId: `${orderId}-x`, amount: 1, paidAt: new Date().toISOString(), couponCodes: Array.from({ length: 21 }, (_, i) => `C${i}xxxx`) } }),
    });
    expect(tooMany.status).toBe(400);
  });
});

describe('my prizes (customer H5)', () => {
  it('lists the session customer\'s prizes and takes the address of their own waiting gift, once', async () => {
    const me = customers[1];
    const other = customers[2];
    const mk = async (c: typeof me, ref: string) => {
      const r = await grant({ externalUserid: c.ext, source: 'lottery', sourceRef: ref, kind: 'gift', adapter: 'manual', title: '帆布袋', holdUntil: GIFT_HOLD, details: { needsAddress: true } });
      return 'reward' in r ? r.reward : expect.fail('refused');
    };
    const mine = await mk(me, `h5:${Date.now()}`);
    const theirs = await mk(other, `h5o:${Date.now()}`);
    const call = (method: string, path: string, body?: unknown, user = me) => fetch(`${pond.baseUrl}${path}`, {
      method, headers: { cookie: `sim_wechat_user=${user.wechatUserId}`, origin: pond.baseUrl, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => ({ status: r.status, body: await r.json() as any }));

    const list = await call('GET', `/c/api/${pond.corpId}/rewards`);
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: any) => i.id === mine.id);
    expect(item).toMatchObject({ title: '帆布袋', needsAddress: true, address: null });
    expect(list.body.items.some((i: any) => i.id === theirs.id)).toBe(false);

    const addr = { name: '王五', phone: '13700000000', address: '杭州市西湖区' };
    expect((await call('POST', `/c/api/${pond.corpId}/rewards/${theirs.id}/address`, addr)).status).toBe(404);
    expect((await call('POST', `/c/api/${pond.corpId}/rewards/${mine.id}/address`, { ...addr, phone: 'x' })).status).toBe(400);
    expect((await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/rewards/${mine.id}/address`, { method: 'POST', headers: { 'content-type': 'application/json', origin: pond.baseUrl }, body: JSON.stringify(addr) })).status).toBe(401);
    // A write from another site's page is refused before anything else.
    expect((await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/rewards/${mine.id}/address`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example', cookie: `sim_wechat_user=${me.wechatUserId}` }, body: JSON.stringify(addr),
    })).status).toBe(403);
    const given = await call('POST', `/c/api/${pond.corpId}/rewards/${mine.id}/address`, addr);
    expect(given.status).toBe(200);
    expect(given.body.items.find((i: any) => i.id === mine.id)).toMatchObject({ needsAddress: false, address: addr });
    const row = await reward(mine.id);
    expect(row.next_attempt_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await call('POST', `/c/api/${pond.corpId}/rewards/${mine.id}/address`, addr)).status).toBe(409);
  });
});

describe('secrets at rest', () => {
  it('rotate-secrets moves payout secrets to the new key, and they still open', async () => {
    const current = pond.app.config.secretKey!;
    const newKey = randomBytes(32);
    const rotated = new SecretBox(newKey, [current]);
    expect(await rotateRewardSecrets(pond.app.pool, rotated)).toBeGreaterThanOrEqual(3);
    const [row] = await q<{ webhook_secret: string; wxpay_api_v3_key: string; wxpay_private_key: string }>(
      'SELECT webhook_secret, wxpay_api_v3_key, wxpay_private_key FROM reward_settings WHERE corp_id = $1', [pond.corpId]);
    for (const v of Object.values(row)) expect(SecretBox.keyIdOf(v)).toBe(rotated.currentKeyId);
    const cfg = await new RewardSettingsService(pond.app.pool, new SecretBox(randomBytes(32), [])).config(pond.corpId).catch((e: Error) => e);
    expect(cfg).toBeInstanceOf(Error);
    expect((await new RewardSettingsService(pond.app.pool, rotated).config(pond.corpId)).wechatPay?.privateKey).toMatch(/PRIVATE KEY/);
    // And back, for the running Pond.
    expect(await rotateRewardSecrets(pond.app.pool, new SecretBox(current, [newKey]))).toBeGreaterThanOrEqual(3);
    expect((await pond.api('GET', '/api/settings/rewards')).body.wechatPay.ready).toBe(true);
  });
});
