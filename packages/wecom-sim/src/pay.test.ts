// The simulator's WeChat Pay 商家转账到零钱: signed requests only, a batch once per out_batch_no (same body: the
// first answer; another body: an error), the payee's 零钱 credited once, scripted failures, and the phone's wallet.
import { createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatUser } from './customers';
import { openidFor } from './pages/wechat-oauth';
import { startHarness, type Harness } from './test-helpers';

const MCHID = '1900000109';
const APPID = 'wxpaytest000000001';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

let h: Harness;
let user: WechatUser;
let platform: { platformKeyId: string; platformPublicKey: string };

function sign(method: string, path: string, body: string, key = privateKey, mchid = MCHID): string {
  const ts = Math.floor(Date.now() / 1000);
  const nonce = randomBytes(8).toString('hex');
  const signature = createSign('RSA-SHA256').update(`${method}\n${path}\n${ts}\n${nonce}\n${body}\n`).sign(key, 'base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",timestamp="${ts}",serial_no="ABC123",signature="${signature}"`;
}

async function pay(path: string, payload?: unknown, key?: string): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const res = await fetch(`${h.simUrl}/pay${path}`, {
    method: payload === undefined ? 'GET' : 'POST',
    headers: { authorization: sign(payload === undefined ? 'GET' : 'POST', path, body, key), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    body: payload === undefined ? undefined : body,
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), headers: res.headers, text };
}

/** WeChat Pay's answer signature, as a merchant checks it with the public key the simulator gave. */
function answerVerifies(a: { headers: Headers; text: string }): boolean {
  const [serial, ts, nonce, sig] = ['serial', 'timestamp', 'nonce', 'signature'].map((k) => a.headers.get(`wechatpay-${k}`));
  return serial === platform.platformKeyId && !!sig && createVerify('RSA-SHA256').update(`${ts}\n${nonce}\n${a.text}\n`).verify(platform.platformPublicKey, sig, 'base64');
}

const batch = (no: string, amount: number, openid = openidFor(APPID, user.id)) => ({
  appid: APPID, out_batch_no: no, batch_name: '红包', batch_remark: '红包', total_amount: amount, total_num: 1,
  transfer_detail_list: [{ out_detail_no: `${no}D1`, transfer_amount: amount, transfer_remark: '抽奖红包', openid }],
});

const control = async (path: string, body: unknown) => {
  const res = await fetch(`${h.simUrl}/control${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() as any };
};

beforeAll(async () => {
  h = await startHarness();
  user = await h.sim.control.createWechatUser({ nickname: '收款人' });
  const registered = await control('/pay/merchants', { mchid: MCHID, publicKey });
  expect(registered.status).toBe(200);
  platform = registered.body;
  expect(platform.platformKeyId).toMatch(/^PUB_KEY_ID_/);
});
afterAll(async () => { await h?.close(); });

describe('WeChat Pay transfers', () => {
  it('pays once per out_batch_no and refuses another body under the same number', async () => {
    const first = await pay('/v3/transfer/batches', batch('pondsim0000000001', 88));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ out_batch_no: 'pondsim0000000001', batch_status: 'ACCEPTED' });
    // Every answer is signed by WeChat Pay's key; a tampered body no longer verifies.
    expect(answerVerifies(first)).toBe(true);
    expect(answerVerifies({ headers: first.headers, text: first.text.replace('ACCEPTED', 'FINISHED') })).toBe(false);
    const again = await pay('/v3/transfer/batches', batch('pondsim0000000001', 88));
    expect(again.body.batch_id).toBe(first.body.batch_id);
    const other = await pay('/v3/transfer/batches', batch('pondsim0000000001', 99));
    expect(other).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(answerVerifies(other)).toBe(true);
    const w = await h.sim.control.payWallet(user.id);
    expect(w.balanceFen).toBe(88);
    expect(w.transfers).toHaveLength(1);
    const found = await pay('/v3/transfer/batches/out-batch-no/pondsim0000000001?need_query_detail=false');
    expect(found.body.transfer_batch).toMatchObject({ out_batch_no: 'pondsim0000000001', batch_id: first.body.batch_id, total_amount: 88 });
    expect((await pay('/v3/transfer/batches/out-batch-no/pondsimnone00001')).status).toBe(404);
  });

  it('concurrent calls with one number pay once', async () => {
    const before = (await h.sim.control.payWallet(user.id)).balanceFen;
    const answers = await Promise.all(Array.from({ length: 8 }, () => pay('/v3/transfer/batches', batch('pondsim0000000002', 10))));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.batch_id)).size).toBe(1);
    expect((await h.sim.control.payWallet(user.id)).balanceFen - before).toBe(10);
  });

  it('refuses a wrong signature, an unknown merchant and an openid of another app', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await pay('/v3/transfer/batches', batch('pondsim0000000003', 10), other)).toMatchObject({ status: 401, body: { code: 'SIGN_ERROR' } });
    const res = await fetch(`${h.simUrl}/pay/v3/transfer/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const wrongApp = await pay('/v3/transfer/batches', batch('pondsim0000000004', 10, openidFor('wxother', user.id)));
    expect(wrongApp).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    const bad = await pay('/v3/transfer/batches', { ...batch('pondsim0000000005', 10), total_amount: 11 });
    expect(bad).toMatchObject({ status: 400, body: { code: 'PARAM_ERROR' } });
  });

  it('scripted failures: nothing paid on error; paid on error_after_pay and timeout_after_pay', async () => {
    const before = (await h.sim.control.payWallet(user.id)).balanceFen;
    expect((await control('/pay/faults', { mchid: MCHID, mode: 'error', count: 1 })).status).toBe(200);
    expect((await pay('/v3/transfer/batches', batch('pondsim0000000006', 5))).status).toBe(500);
    expect((await h.sim.control.payWallet(user.id)).balanceFen).toBe(before);
    await h.sim.control.setPayFault(MCHID, 'error_after_pay', 1);
    expect((await pay('/v3/transfer/batches', batch('pondsim0000000006', 5))).status).toBe(500);
    expect((await h.sim.control.payWallet(user.id)).balanceFen).toBe(before + 5);
    await h.sim.control.setPayFault(MCHID, 'timeout_after_pay', 1, 300);
    const t0 = Date.now();
    expect((await pay('/v3/transfer/batches', batch('pondsim0000000007', 7))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    // The retry of the same batch: the first answer, nothing paid again.
    expect((await pay('/v3/transfer/batches', batch('pondsim0000000006', 5))).status).toBe(200);
    expect((await h.sim.control.payWallet(user.id)).balanceFen).toBe(before + 12);
    expect((await control('/pay/faults', { mchid: MCHID, mode: 'explode', count: 1 })).status).toBe(400);
  });

  it('the phone shows the 零钱 received', async () => {
    const res = await fetch(`${h.simUrl}/phone`, { headers: { cookie: `sim_wechat_user=${user.id}` } });
    const html = await res.text();
    expect(html).toContain('微信支付 / 零钱');
    const w = await h.sim.control.payWallet(user.id);
    expect(html).toContain(`¥${(w.balanceFen / 100).toFixed(2)}`);
    expect(html).toContain('抽奖红包');
  });
});
