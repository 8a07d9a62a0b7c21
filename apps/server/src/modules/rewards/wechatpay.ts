// The `wechatpay` adapter: red packets and cash-back paid to the customer's WeChat balance by WeChat Pay API v3
// 商家转账到零钱 — POST /v3/transfer/batches with one detail, and GET /v3/transfer/batches/out-batch-no/{no} to find
// a batch already made. The reward's `out_trade_no` (made when it was granted) is the batch's out_batch_no, so every
// retry, after a timeout or a crash after the money left, names the same batch: WeChat Pay answers it without paying
// twice (same number, same body: the first answer; a different body: an error). A retry looks the batch up first.
//
// Signing is implemented here with node:crypto rather than with `wechatpay-axios-plugin` (WECOM.md §19). The plugin
// would work against a configurable base URL (it wraps an axios instance whose baseURL can be the simulator), but it
// refuses every answer it cannot verify with a WeChat Pay platform certificate configured up front, brings axios and
// its own request pipeline, and Pond needs exactly two calls; the v3 request signature is a few lines of RSA-SHA256:
//   Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"
//   signature = base64(RSA-SHA256(merchant private key, "<METHOD>\n<path?query>\n<timestamp>\n<nonce>\n<body>\n"))
// Every answer's signature is verified (verifyAnswer) with WeChat Pay's public key (微信支付公钥 mode: the key and its
// PUB_KEY_ID_… set in Settings; the older platform-certificate mode is not supported), and its content is checked too
// (the batch number echoed, a batch id given).
//
// The payee: WeChat Pay pays an openid of the merchant's appid. Where it comes from, in order: the reward's
// `details.openid` (the granting code stores the H5 session's openid when the customer earned it on a page opened
// through the corp's 公众号 OAuth — see rewards/index.ts), a 公众号 follower import (leads.openid by unionid), or in
// demo the simulator's WeChat user of the customer's unionid (its openid for the appid).
import { createSign, createVerify, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { corpZone, dayIn } from '../../platform/time';
import { AdapterError, type OutboundAdapter } from './service';
import type { RewardRow } from './ledger';
import type { RewardSettingsService, WechatPayConfig } from './settings';

/** WeChat Pay needs the payee's real name (encrypted) from ¥2,000 on: Pond does not collect it. */
export const REAL_NAME_FROM_FEN = 200_000;

export interface WechatPayDeps {
  pool: Pick<pg.Pool, 'query'>;
  settings: Pick<RewardSettingsService, 'config'>;
  /** Demo: the simulator's openid of the WeChat user with this unionid, for the appid. */
  simOpenid?: (appid: string, unionid: string) => Promise<string | null>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function authorization(cfg: Pick<WechatPayConfig, 'mchid' | 'serialNo' | 'privateKey'>, method: string, pathWithQuery: string, body: string,
  at = Math.floor(Date.now() / 1000), nonce = randomBytes(16).toString('hex').toUpperCase()): string {
  const message = `${method}\n${pathWithQuery}\n${at}\n${nonce}\n${body}\n`;
  const signature = createSign('RSA-SHA256').update(message).sign(cfg.privateKey, 'base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${cfg.mchid}",nonce_str="${nonce}",timestamp="${at}",serial_no="${cfg.serialNo}",signature="${signature}"`;
}

interface BatchAnswer { out_batch_no?: string; batch_id?: string; batch_status?: string; code?: string; message?: string; transfer_batch?: { out_batch_no?: string; batch_id?: string; batch_status?: string } }

/** How far an answer's timestamp may be from our clock (WeChat Pay's own rule for requests is 5 minutes). */
const ANSWER_SKEW_S = 300;

/**
 * Checks WeChat Pay's signature on an answer (微信支付公钥 mode): Wechatpay-Serial names the configured public key id,
 * the timestamp is recent, and Wechatpay-Signature verifies over "<timestamp>\n<nonce>\n<body>\n". An answer that
 * fails is not trusted (a forged "paid" must not mark a reward issued): the attempt fails without retrying, and an
 * operator's retry looks the batch up again under the same number, so nothing is paid twice.
 */
export function verifyAnswer(cfg: Pick<WechatPayConfig, 'platformKeyId' | 'platformPublicKey'>, headers: Headers, body: string, what: string, nowS = Date.now() / 1000): void {
  const serial = headers.get('wechatpay-serial');
  const timestamp = headers.get('wechatpay-timestamp');
  const nonce = headers.get('wechatpay-nonce');
  const signature = headers.get('wechatpay-signature');
  const bad = (why: string): never => { throw new AdapterError(`WeChat Pay ${what}: the answer's signature ${why}; not trusted`, false); };
  if (!serial || !timestamp || !nonce || !signature) bad('headers are missing (Wechatpay-Serial, -Timestamp, -Nonce, -Signature)');
  if (serial !== cfg.platformKeyId) bad(`names key ${serial}, not the configured ${cfg.platformKeyId}`);
  if (!/^\d{1,12}$/.test(timestamp!) || Math.abs(nowS - Number(timestamp)) > ANSWER_SKEW_S) bad('timestamp is more than 5 minutes off');
  let ok = false;
  try {
    ok = createVerify('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).verify(cfg.platformPublicKey, signature!, 'base64');
  } catch { ok = false; }
  if (!ok) bad('does not verify with WeChat Pay\'s public key');
}

export function wechatPayAdapter(deps: WechatPayDeps): OutboundAdapter {
  const doFetch = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 15_000;

  const call = async (cfg: WechatPayConfig, method: 'GET' | 'POST', path: string, payload?: unknown): Promise<{ status: number; body: BatchAnswer }> => {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    let res: Response;
    try {
      res = await doFetch(`${cfg.apiBase.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/json', 'user-agent': 'Pond (rewards)', authorization: authorization(cfg, method, path, body),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          'wechatpay-serial': cfg.serialNo,
        },
        body: payload === undefined ? undefined : body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (err) {
      throw new AdapterError(`WeChat Pay ${method} ${path}: ${err instanceof Error && err.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : (err as Error).message}`, true);
    }
    const text = await res.text().catch(() => '');
    verifyAnswer(cfg, res.headers, text, `${method} ${path}`);
    let parsed: BatchAnswer = {};
    try { parsed = text ? JSON.parse(text) as BatchAnswer : {}; } catch { parsed = { message: text.slice(0, 200) }; }
    return { status: res.status, body: parsed };
  };

  const fail = (what: string, a: { status: number; body: BatchAnswer }): never => {
    const code = a.body.code ?? '';
    // 5xx, rate limits and WeChat Pay's own "try again" codes are retried; NOT_ENOUGH (the merchant's balance) too:
    // it pays once topped up. Anything else (a wrong signature, a bad parameter) fails until an operator retries.
    const retryable = a.status >= 500 || a.status === 429 || ['SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'NOT_ENOUGH', 'FREQUENCY_LIMIT_EXCEED'].includes(code);
    throw new AdapterError(`WeChat Pay ${what}: HTTP ${a.status} ${code} ${a.body.message ?? ''}`.trim(), retryable);
  };

  const payeeOpenid = async (r: RewardRow, cfg: WechatPayConfig): Promise<string> => {
    const d = r.details as { openid?: unknown; appid?: unknown };
    if (typeof d.openid === 'string' && d.openid && (d.appid === undefined || d.appid === cfg.appid)) return d.openid;
    const { rows: [c] } = await deps.pool.query<{ unionid: string | null; openid: string | null }>(
      `SELECT c.unionid, l.openid FROM customers c LEFT JOIN leads l ON l.corp_id = c.corp_id AND l.unionid = c.unionid
       WHERE c.corp_id = $1 AND c.external_userid = $2`, [r.corp_id, r.external_userid]);
    if (c?.openid) return c.openid;
    if (c?.unionid && deps.simOpenid) {
      const o = await deps.simOpenid(cfg.appid, c.unionid);
      if (o) return o;
    }
    throw new AdapterError(`no openid of the customer for appid ${cfg.appid}: they must open a campaign page in WeChat (or be imported as a 公众号 follower)`, false);
  };

  /** What this customer was paid today (corp day), besides this reward: issued, or being issued by an earlier reward. */
  const paidToday = async (r: RewardRow): Promise<number> => {
    const tz = await corpZone(deps.pool, r.corp_id);
    const { rows: [s] } = await deps.pool.query<{ fen: string | null }>(
      `SELECT sum(amount_fen) AS fen FROM rewards
       WHERE corp_id = $1 AND external_userid = $2 AND adapter = 'wechatpay' AND id <> $3
         AND ((state = 'issued' AND issued_at >= $4::date::timestamp AT TIME ZONE $5) OR (state = 'issuing' AND id < $3))`,
      [r.corp_id, r.external_userid, r.id, dayIn(new Date(), tz), tz]);
    return Number(s?.fen ?? 0);
  };

  /** The batch an earlier attempt made under this number: its id, or null if WeChat Pay has none (or closed it unpaid). */
  const findBatch = async (cfg: WechatPayConfig, outBatchNo: string): Promise<{ externalRef: string } | null> => {
    const found = await call(cfg, 'GET', `/v3/transfer/batches/out-batch-no/${encodeURIComponent(outBatchNo)}?need_query_detail=false`);
    if (found.status === 404) return null;
    if (found.status !== 200) fail('batch lookup', found);
    const b = found.body.transfer_batch ?? found.body;
    if (b.out_batch_no !== outBatchNo || !b.batch_id) throw new AdapterError(`WeChat Pay answered another batch (${b.out_batch_no ?? '?'}) for ${outBatchNo}`, false);
    if (b.batch_status === 'CLOSED') throw new AdapterError(`WeChat Pay closed batch ${outBatchNo}`, false);
    return { externalRef: b.batch_id };
  };

  return {
    async lookup(r: RewardRow) {
      const cfg = (await deps.settings.config(r.corp_id)).wechatPay;
      if (!cfg) throw new AdapterError('WeChat Pay is not set up (Settings → 奖励发放 Reward payouts): cannot check an earlier attempt', true);
      if (!r.out_trade_no) return null;
      try {
        return await findBatch(cfg, r.out_trade_no);
      } catch (err) {
        // A closed batch paid nothing: the void may go ahead.
        if (err instanceof AdapterError && /closed batch/.test(err.message)) return null;
        throw err;
      }
    },

    async issue(r: RewardRow) {
      const all = await deps.settings.config(r.corp_id);
      const cfg = all.wechatPay;
      if (!cfg) throw new AdapterError('WeChat Pay is not set up (Settings → 奖励发放 Reward payouts)', true);
      if (!r.out_trade_no) throw new AdapterError(`reward ${r.id} has no merchant batch number`, false);
      const outBatchNo = r.out_trade_no;
      // A batch made by an earlier attempt (its answer lost, Pond crashed after it, an operator's retry): found, never
      // made twice. Looked up on every attempt: the payee's openid may have been found since, which would change the body.
      const earlier = await findBatch(cfg, outBatchNo);
      if (earlier) return earlier;
      if (r.amount_fen <= 0) throw new AdapterError('a WeChat Pay reward needs an amount', false);
      if (r.amount_fen >= REAL_NAME_FROM_FEN) throw new AdapterError('transfers of ¥2,000 or more need the payee\'s real name, which Pond does not collect', false);
      if (all.dailyPayoutCapFen !== null) {
        const today = await paidToday(r);
        if (today + r.amount_fen > all.dailyPayoutCapFen) {
          throw new AdapterError(`over the daily payout cap for this customer (¥${(all.dailyPayoutCapFen / 100).toFixed(2)}; paid today ¥${(today / 100).toFixed(2)})`, false);
        }
      }
      const openid = await payeeOpenid(r, cfg);
      const remark = r.title.slice(0, 32) || '奖励';
      const made = await call(cfg, 'POST', '/v3/transfer/batches', {
        appid: cfg.appid, out_batch_no: outBatchNo, batch_name: remark, batch_remark: remark,
        total_amount: r.amount_fen, total_num: 1,
        transfer_detail_list: [{ out_detail_no: `${outBatchNo}D1`, transfer_amount: r.amount_fen, transfer_remark: remark, openid }],
      });
      if (made.status !== 200) fail('transfer', made);
      if (made.body.out_batch_no !== outBatchNo || !made.body.batch_id) {
        throw new AdapterError(`WeChat Pay's answer names another batch (${made.body.out_batch_no ?? '?'}) for ${outBatchNo}`, true);
      }
      return { externalRef: made.body.batch_id };
    },
  };
}
