// WeChat Pay API v3 商家转账到零钱 as a merchant sees it (mounted at <prefix>/pay, so the API base is
// http://host/sim/pay): POST /v3/transfer/batches and GET /v3/transfer/batches/out-batch-no/{out_batch_no}.
// Every request must carry the merchant's signature (Authorization: WECHATPAY2-SHA256-RSA2048 …), checked with the
// public key the control API registered for the mchid. A batch is made once per (mchid, out_batch_no): the same body
// again gets the first answer, a different body an error (as WeChat Pay does); each detail credits the WeChat user
// of its openid (openid per appid, as the simulator's OAuth gives it) — their 零钱 on the phone.
// Every answer carries WeChat Pay's signature (Wechatpay-Serial = the public key id, -Timestamp, -Nonce, -Signature
// over "<timestamp>\n<nonce>\n<body>\n"), made with the simulator's own key pair; registering a merchant returns its
// public key, which the merchant verifies answers with (微信支付公钥 mode).
// The control API can make the next N transfer calls fail: `error` (500, nothing paid), `error_after_pay` (paid,
// then 500) or `timeout_after_pay` (paid, answered only after delayMs): a client must retry without paying twice.
import { createHash, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from './context';
import { ControlError, statusCodeOf } from './errors';

export const PAY_FAULT_MODES = ['error', 'error_after_pay', 'timeout_after_pay'] as const;
export type PayFaultMode = (typeof PAY_FAULT_MODES)[number];

export interface PayTransfer {
  mchid: string;
  outBatchNo: string;
  outDetailNo: string;
  batchId: string;
  appid: string;
  amountFen: number;
  remark: string;
  createdAt: number;
}

export interface PayWallet {
  wechatUserId: string;
  balanceFen: number;
  transfers: PayTransfer[];
}

interface Detail { out_detail_no: string; transfer_amount: number; transfer_remark: string; openid: string; wechat_user_id: string }
interface BatchRow { mchid: string; out_batch_no: string; body_hash: string; batch_id: string; appid: string; total_amount: string | number; total_num: number; details: Detail[]; created_at: string | number }

/** The openid the simulator's OAuth gives `wechat_users.id` for `appid` (pages/wechat-oauth.ts openidFor), in SQL. */
const OPENID_SQL = (appid: string, idCol: string) => `'o' || left(translate(encode(sha256(convert_to(${appid} || '|' || ${idCol}, 'UTF8')), 'base64'), '+/=', '-_'), 27)`;

interface PlatformKey { keyId: string; privateKey: string; publicKey: string }

/** The simulator's WeChat Pay key pair: made once per simulator database, the same for every merchant. */
const platformKeys = new WeakMap<SimContext, Promise<PlatformKey>>();
function platformKey(ctx: SimContext): Promise<PlatformKey> {
  let key = platformKeys.get(ctx);
  if (!key) {
    key = loadPlatformKey(ctx);
    key.catch(() => platformKeys.delete(ctx));
    platformKeys.set(ctx, key);
  }
  return key;
}

async function loadPlatformKey(ctx: SimContext): Promise<PlatformKey> {
  const read = () => ctx.db.one<{ key_id: string; private_key: string; public_key: string }>(`SELECT key_id, private_key, public_key FROM {s}.pay_platform WHERE id = 1`);
  let row = await read();
  if (!row) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await ctx.db.q(`INSERT INTO {s}.pay_platform (id, key_id, private_key, public_key) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
      `PUB_KEY_ID_0119000001${randomBytes(12).toString('hex').toUpperCase()}`,
      pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ]);
    row = await read();
  }
  return { keyId: row!.key_id, privateKey: row!.private_key, publicKey: row!.public_key };
}

export async function registerPayMerchant(ctx: SimContext, mchid: string, publicKey: string): Promise<{ mchid: string; platformKeyId: string; platformPublicKey: string }> {
  if (!/^\d{8,12}$/.test(mchid)) throw new ControlError('mchid: 8-12 digits');
  if (!/-----BEGIN PUBLIC KEY-----/.test(publicKey)) throw new ControlError('publicKey: a PEM public key (-----BEGIN PUBLIC KEY-----)');
  await ctx.db.q(
    `INSERT INTO {s}.pay_merchants (mchid, public_key, created_at) VALUES ($1, $2, $3) ON CONFLICT (mchid) DO UPDATE SET public_key = EXCLUDED.public_key`,
    [mchid, publicKey, ctx.clock.now()]);
  const platform = await platformKey(ctx);
  return { mchid, platformKeyId: platform.keyId, platformPublicKey: platform.publicKey };
}

export async function setPayFault(ctx: SimContext, mchid: string, mode: PayFaultMode | 'none', count: number, delayMs = 2000): Promise<{ mchid: string; mode: string; remaining: number }> {
  if (mode !== 'none' && !PAY_FAULT_MODES.includes(mode)) throw new ControlError(`mode: one of none, ${PAY_FAULT_MODES.join(', ')}`);
  if (!Number.isInteger(count) || count < 0 || count > 1000) throw new ControlError('count: 0-1000');
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 120_000) throw new ControlError('delayMs: 0-120000');
  const remaining = mode === 'none' ? 0 : count;
  await ctx.db.q(
    `INSERT INTO {s}.pay_faults (mchid, mode, remaining, delay_ms) VALUES ($1, $2, $3, $4)
     ON CONFLICT (mchid) DO UPDATE SET mode = EXCLUDED.mode, remaining = EXCLUDED.remaining, delay_ms = EXCLUDED.delay_ms`,
    [mchid, mode, remaining, delayMs]);
  return { mchid, mode, remaining };
}

/** The openid of the WeChat user with this unionid for `appid` (what the OAuth would give), or null. */
export async function payOpenid(ctx: SimContext, appid: string, unionid: string): Promise<string | null> {
  const row = await ctx.db.one<{ openid: string }>(`SELECT ${OPENID_SQL('$1', 'id')} AS openid FROM {s}.wechat_users WHERE unionid = $2 ORDER BY created_at LIMIT 1`, [appid, unionid]);
  return row?.openid ?? null;
}

export async function payWallet(ctx: SimContext, wechatUserId: string): Promise<PayWallet> {
  const rows = await ctx.db.q<{ mchid: string; out_batch_no: string; batch_id: string; appid: string; d: Detail; created_at: string }>(
    `SELECT b.mchid, b.out_batch_no, b.batch_id, b.appid, d, b.created_at FROM {s}.pay_batches b, jsonb_array_elements(b.details) d
     WHERE d->>'wechat_user_id' = $1 ORDER BY b.created_at DESC`, [wechatUserId]);
  const transfers = rows.map((r) => ({
    mchid: r.mchid, outBatchNo: r.out_batch_no, outDetailNo: r.d.out_detail_no, batchId: r.batch_id, appid: r.appid,
    amountFen: Number(r.d.transfer_amount), remark: r.d.transfer_remark, createdAt: Number(r.created_at),
  }));
  return { wechatUserId, balanceFen: transfers.reduce((s, t) => s + t.amountFen, 0), transfers };
}

class PayError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

/** Checks the merchant's request signature; the mchid it names. */
async function verify(ctx: SimContext, req: FastifyRequest, body: string): Promise<string> {
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('WECHATPAY2-SHA256-RSA2048 ')) throw new PayError(401, 'SIGN_ERROR', 'Authorization 头缺失或格式错误 (missing WECHATPAY2-SHA256-RSA2048 Authorization)');
  const fields = Object.fromEntries([...auth.slice(auth.indexOf(' ') + 1).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const { mchid, nonce_str: nonce, timestamp, signature } = fields;
  if (!mchid || !/^\d{1,32}$/.test(mchid) || !nonce || !timestamp || !signature || !fields.serial_no) throw new PayError(401, 'SIGN_ERROR', 'Authorization 缺少字段 (mchid, nonce_str, timestamp, serial_no, signature)');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) throw new PayError(401, 'SIGN_ERROR', '请求时间戳已过期 (timestamp more than 5 minutes off)');
  const m = await ctx.db.one<{ public_key: string }>(`SELECT public_key FROM {s}.pay_merchants WHERE mchid = $1`, [mchid]);
  if (!m) throw new PayError(401, 'SIGN_ERROR', `商户号不存在 (unknown mchid ${mchid})`);
  const path = req.url.slice(req.url.indexOf('/v3/'));
  const ok = createVerify('RSA-SHA256').update(`${req.method}\n${path}\n${timestamp}\n${nonce}\n${body}\n`).verify(m.public_key, signature, 'base64');
  if (!ok) throw new PayError(401, 'SIGN_ERROR', '签名错误 (the signature does not verify with the merchant\'s public key)');
  return mchid;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

export function registerPay(app: FastifyInstance, ctx: SimContext): void {
  // The raw body is what the merchant signed.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof PayError) return reply.code(err.status).send({ code: err.code, message: err.message });
    // Fastify's own refusals (an unsupported content type, a malformed URL or body): WeChat Pay's PARAM_ERROR.
    const status = statusCodeOf(err);
    if (status && status < 500) return reply.code(status).send({ code: 'PARAM_ERROR', message: err instanceof Error ? err.message : String(err) });
    ctx.log.error({ err }, 'wecom-sim: pay failed');
    return reply.code(500).send({ code: 'SYSTEM_ERROR', message: '系统错误 (simulator error)' });
  });

  // Every answer (errors too) is signed with WeChat Pay's key, as the real API does.
  app.addHook('onSend', async (_req, reply, payload) => {
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const key = await platformKey(ctx);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex').toUpperCase();
    reply.header('Wechatpay-Serial', key.keyId).header('Wechatpay-Timestamp', timestamp).header('Wechatpay-Nonce', nonce)
      .header('Wechatpay-Signature', createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(key.privateKey, 'base64'));
    return payload;
  });

  app.post('/v3/transfer/batches', async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    const mchid = await verify(ctx, req, raw);
    let b: Record<string, unknown>;
    try { b = JSON.parse(raw) as Record<string, unknown>; } catch { throw new PayError(400, 'PARAM_ERROR', '请求体不是 JSON (body is not JSON)'); }
    const list = Array.isArray(b.transfer_detail_list) ? b.transfer_detail_list as Record<string, unknown>[] : [];
    const appid = typeof b.appid === 'string' ? b.appid : '';
    const outBatchNo = typeof b.out_batch_no === 'string' ? b.out_batch_no : '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new PayError(400, 'PARAM_ERROR', 'appid 格式错误 (appid is required)');
    if (!/^[A-Za-z0-9]{5,32}$/.test(outBatchNo)) throw new PayError(400, 'PARAM_ERROR', 'out_batch_no 格式错误 (5-32 letters or digits)');
    if (!list.length || list.length > 1000 || b.total_num !== list.length) throw new PayError(400, 'PARAM_ERROR', 'total_num 与明细数不一致 (total_num must equal the details)');
    const sum = list.reduce((s, d) => s + (Number.isInteger(d.transfer_amount) ? d.transfer_amount as number : NaN), 0);
    if (!Number.isInteger(b.total_amount) || sum !== b.total_amount) throw new PayError(400, 'PARAM_ERROR', 'total_amount 与明细金额之和不一致 (total_amount must be the sum of the details)');
    const details: Detail[] = [];
    for (const d of list) {
      if (typeof d.out_detail_no !== 'string' || !/^[A-Za-z0-9]{5,32}$/.test(d.out_detail_no)) throw new PayError(400, 'PARAM_ERROR', 'out_detail_no 格式错误');
      if (typeof d.openid !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(d.openid)) throw new PayError(400, 'PARAM_ERROR', 'openid 格式错误');
      if (!Number.isInteger(d.transfer_amount) || (d.transfer_amount as number) < 1) throw new PayError(400, 'PARAM_ERROR', 'transfer_amount 必须为正整数（分）');
      const u = await ctx.db.one<{ id: string }>(`SELECT id FROM {s}.wechat_users WHERE ${OPENID_SQL('$1', 'id')} = $2`, [appid, d.openid]);
      if (!u) throw new PayError(400, 'INVALID_REQUEST', `openid 与 appid 不匹配 (no WeChat user has openid ${d.openid} for ${appid})`);
      details.push({ out_detail_no: d.out_detail_no, transfer_amount: d.transfer_amount as number, transfer_remark: String(d.transfer_remark ?? ''), openid: d.openid, wechat_user_id: u.id });
    }
    const fault = await ctx.db.one<{ mode: PayFaultMode; delay_ms: number }>(
      `UPDATE {s}.pay_faults SET remaining = remaining - 1 WHERE mchid = $1 AND remaining > 0 RETURNING mode, delay_ms`, [mchid]);
    if (fault?.mode === 'error') throw new PayError(500, 'SYSTEM_ERROR', '系统繁忙，请稍后重试 (simulated failure, nothing paid)');
    const bodyHash = createHash('sha256').update(JSON.stringify({ appid, outBatchNo, total: b.total_amount, details: details.map((d) => [d.out_detail_no, d.transfer_amount, d.openid]) })).digest('hex');
    const now = ctx.clock.now();
    const inserted = await ctx.db.one<BatchRow>(
      `INSERT INTO {s}.pay_batches (mchid, out_batch_no, body_hash, batch_id, appid, total_amount, total_num, details, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (mchid, out_batch_no) DO NOTHING RETURNING *`,
      [mchid, outBatchNo, bodyHash, `1030000${now}${randomBytes(6).toString('hex')}`.slice(0, 32), appid, b.total_amount, details.length, JSON.stringify(details), now]);
    const batch = inserted ?? await ctx.db.one<BatchRow>(`SELECT * FROM {s}.pay_batches WHERE mchid = $1 AND out_batch_no = $2`, [mchid, outBatchNo]);
    if (!batch) throw new PayError(500, 'SYSTEM_ERROR', 'batch vanished');
    if (batch.body_hash !== bodyHash) throw new PayError(400, 'INVALID_REQUEST', '商户批次单号已存在，但请求参数与原请求不一致 (out_batch_no was used with other parameters)');
    if (fault?.mode === 'error_after_pay') throw new PayError(500, 'SYSTEM_ERROR', '系统繁忙 (simulated failure after paying)');
    if (fault?.mode === 'timeout_after_pay') await new Promise((r) => setTimeout(r, fault.delay_ms));
    return reply.send({ out_batch_no: batch.out_batch_no, batch_id: batch.batch_id, create_time: rfc3339(Number(batch.created_at)), batch_status: 'ACCEPTED' });
  });

  app.get('/v3/transfer/batches/out-batch-no/:no', async (req: FastifyRequest<{ Params: { no: string } }>, reply: FastifyReply) => {
    const mchid = await verify(ctx, req, '');
    if (!/^[A-Za-z0-9]{5,32}$/.test(req.params.no)) throw new PayError(400, 'PARAM_ERROR', 'out_batch_no 格式错误');
    const batch = await ctx.db.one<BatchRow>(`SELECT * FROM {s}.pay_batches WHERE mchid = $1 AND out_batch_no = $2`, [mchid, req.params.no]);
    if (!batch) throw new PayError(404, 'NOT_FOUND', '记录不存在 (no such batch)');
    const total = Number(batch.total_amount);
    return reply.send({
      limit: 20, offset: 0,
      transfer_batch: {
        mchid, out_batch_no: batch.out_batch_no, batch_id: batch.batch_id, appid: batch.appid, batch_status: 'FINISHED', batch_type: 'API',
        total_amount: total, total_num: batch.total_num, success_amount: total, success_num: batch.total_num, fail_amount: 0, fail_num: 0,
        create_time: rfc3339(Number(batch.created_at)), update_time: rfc3339(Number(batch.created_at)),
      },
    });
  });
}
