// Simulated corps (one self-built app each), their access tokens and the per-call gate every
// API call passes: token → trusted IP (60020) → API permission (48002) → rate limit (45009).
import { isValidEncodingAesKey } from '@pond/wecom';
import type { SimContext } from './context';
import type { Sql } from './db';
import { num, numOrNull } from './db';
import type { SimCorpRow, SimRateCounterRow, SimTokenRow } from './rows';
import { ControlError, E, SimError } from './errors';
import { newIds, randomId } from './ids';
import { CORP_TABLES } from './schema';
import { DEFAULT_TIMEZONE, isTimeZone } from './time';

export const TOKEN_TTL_SEC = 7200;

/**
 * WeCom's own cap on the mass messages one customer (or group) receives from the corp, as the admin sets
 * it in 群发助手 → 群发规则 (WECOM.md §10): as many per calendar month as the month has days (default),
 * 7 per calendar week (Monday to Sunday), or 1 per day — all in Beijing time.
 */
export const MASS_MSG_CAP_MODES = ['month_days', 'week7', 'day1'] as const;
export type MassMsgCapMode = (typeof MASS_MSG_CAP_MODES)[number];
const isCapMode = (v: string): v is MassMsgCapMode => (MASS_MSG_CAP_MODES as readonly string[]).includes(v);

export interface CorpInput {
  corpId: string;
  name?: string;
  secret?: string;
  agentId?: number;
  token?: string;
  encodingAesKey?: string;
  callbackUrl?: string | null;
  orderWebhookUrl?: string | null;
  /** Calls per minute per API path (e.g. "externalcontact/get"); "*" sets the limit of every other API. */
  rateLimits?: Record<string, number>;
  /** When set, calls from other IPs get 60020 (gettoken is always allowed). */
  trustedIps?: string[] | null;
  /** API paths (or "prefix/*") that answer 48002, e.g. to mimic the wrong app's secret. */
  forbiddenApis?: string[];
  /** WeCom's cap on mass messages per customer (or group): month_days (default), week7 or day1. */
  massMsgCapMode?: MassMsgCapMode;
  /** In month_days mode, a count other than the days in the month (e.g. 1 for a test); null = days in the month. */
  massMsgMonthlyCap?: number | null;
  /** Delay before a customer transfer takes effect; WeCom's is 24 h. */
  transferDelayMs?: number;
  /** Customers one staff member can hold (transfer fails with customer_limit_exceed beyond). */
  staffCustomerLimit?: number;
  /** The chat toolbar page (聊天工具栏) set in the admin console; /wecom/chat shows it beside the chat. */
  sidebarUrl?: string | null;
  /** The corp's IANA time zone: the phone and the WeCom client show the corp's messages and orders in it. */
  timezone?: string;
}

export interface SimCorp {
  corpId: string;
  name: string;
  secret: string;
  agentId: number;
  token: string;
  encodingAesKey: string;
  callbackUrl: string | null;
  orderWebhookUrl: string | null;
  rateLimits: Record<string, number>;
  trustedIps: string[] | null;
  forbiddenApis: string[];
  massMsgCapMode: MassMsgCapMode;
  massMsgMonthlyCap: number | null;
  transferDelayMs: number;
  staffCustomerLimit: number;
  sidebarUrl: string | null;
  timezone: string;
  callbackVerifiedAt: number | null;
  seededAt: number | null;
  createdAt: number;
}

export function mapCorp(r: SimCorpRow): SimCorp {
  return {
    corpId: r.corp_id,
    name: r.name,
    secret: r.secret,
    agentId: r.agent_id,
    token: r.token,
    encodingAesKey: r.encoding_aes_key,
    callbackUrl: r.callback_url,
    orderWebhookUrl: r.order_webhook_url,
    rateLimits: r.rate_limits ?? {},
    trustedIps: r.trusted_ips,
    forbiddenApis: r.forbidden_apis ?? [],
    massMsgCapMode: isCapMode(r.mass_msg_cap_mode) ? r.mass_msg_cap_mode : 'month_days',
    massMsgMonthlyCap: r.mass_msg_monthly_cap,
    transferDelayMs: num(r.transfer_delay_ms),
    staffCustomerLimit: r.staff_customer_limit,
    sidebarUrl: r.sidebar_url ?? null,
    timezone: r.timezone ?? DEFAULT_TIMEZONE,
    callbackVerifiedAt: numOrNull(r.callback_verified_at),
    seededAt: numOrNull(r.seeded_at),
    createdAt: num(r.created_at),
  };
}

const COLUMNS: Record<Exclude<keyof CorpInput, 'corpId'>, string> = {
  name: 'name',
  secret: 'secret',
  agentId: 'agent_id',
  token: 'token',
  encodingAesKey: 'encoding_aes_key',
  callbackUrl: 'callback_url',
  orderWebhookUrl: 'order_webhook_url',
  rateLimits: 'rate_limits',
  trustedIps: 'trusted_ips',
  forbiddenApis: 'forbidden_apis',
  massMsgCapMode: 'mass_msg_cap_mode',
  massMsgMonthlyCap: 'mass_msg_monthly_cap',
  transferDelayMs: 'transfer_delay_ms',
  staffCustomerLimit: 'staff_customer_limit',
  sidebarUrl: 'sidebar_url',
  timezone: 'timezone',
};

function checkCorpInput(input: CorpInput): void {
  if (!input.corpId || !/^[A-Za-z0-9_-]{1,64}$/.test(input.corpId)) throw new ControlError('corpId: 1–64 letters, digits, _ or -');
  if (input.encodingAesKey !== undefined && !isValidEncodingAesKey(input.encodingAesKey)) {
    throw new ControlError('encodingAesKey: must be 43 letters or digits');
  }
  if (input.callbackUrl) {
    try {
      new URL(input.callbackUrl);
    } catch {
      throw new ControlError('callbackUrl: must be an absolute http(s) URL');
    }
  }
  if (input.sidebarUrl) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(input.sidebarUrl).protocol);
    } catch {}
    if (!ok) throw new ControlError('sidebarUrl: must be an absolute http(s) URL');
  }
  if (input.timezone !== undefined && !isTimeZone(input.timezone)) throw new ControlError('timezone: must be an IANA time zone, e.g. Asia/Shanghai');
  if (input.massMsgCapMode !== undefined && !isCapMode(input.massMsgCapMode)) throw new ControlError(`massMsgCapMode: one of ${MASS_MSG_CAP_MODES.join(', ')}`);
  if (input.massMsgMonthlyCap != null && (!Number.isInteger(input.massMsgMonthlyCap) || input.massMsgMonthlyCap < 0)) {
    throw new ControlError('massMsgMonthlyCap: a whole number of messages per month, or null for the days in the month');
  }
  if (input.rateLimits) {
    for (const [api, n] of Object.entries(input.rateLimits)) {
      if (!Number.isInteger(n) || n < 0) throw new ControlError(`rateLimits.${api}: must be a whole number of calls per minute`);
    }
  }
}

/** Creates the corp or updates only the fields given; missing credentials are generated. */
export async function upsertCorp(ctx: SimContext, input: CorpInput): Promise<SimCorp> {
  checkCorpInput(input);
  const existing = await ctx.db.one<Pick<SimCorpRow, 'corp_id'>>(`SELECT corp_id FROM {s}.corps WHERE corp_id = $1`, [input.corpId]);
  const value = (k: keyof typeof COLUMNS) => {
    const v = input[k];
    if (k === 'rateLimits') return JSON.stringify(v ?? {});
    return v;
  };
  if (!existing) {
    const defaults: Partial<CorpInput> = {
      name: input.corpId,
      secret: randomId(43),
      agentId: 1000002,
      token: randomId(16),
      encodingAesKey: randomId(43),
    };
    const merged = { ...defaults, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as CorpInput;
    const keys = Object.keys(COLUMNS).filter((k) => merged[k as keyof CorpInput] !== undefined) as (keyof typeof COLUMNS)[];
    const cols = ['corp_id', 'created_at', ...keys.map((k) => COLUMNS[k])];
    const vals = [input.corpId, ctx.clock.now(), ...keys.map((k) => (k === 'rateLimits' ? JSON.stringify(merged[k]) : merged[k]))];
    await ctx.db.q(
      `INSERT INTO {s}.corps (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (corp_id) DO NOTHING`,
      vals,
    );
  }
  const keys = existing ? (Object.keys(COLUMNS).filter((k) => input[k as keyof CorpInput] !== undefined) as (keyof typeof COLUMNS)[]) : [];
  if (keys.length > 0) {
    await ctx.db.q(
      `UPDATE {s}.corps SET ${keys.map((k, i) => `${COLUMNS[k]} = $${i + 2}`).join(', ')} WHERE corp_id = $1`,
      [input.corpId, ...keys.map(value)],
    );
  }
  ctx.callbacks.forgetCorp(input.corpId);
  return (await getCorp(ctx, input.corpId))!;
}

export async function getCorp(ctx: SimContext, corpId: string): Promise<SimCorp | null> {
  const r = await ctx.db.one<SimCorpRow>(`SELECT * FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  return r ? mapCorp(r) : null;
}

export async function listCorps(ctx: SimContext): Promise<SimCorp[]> {
  return (await ctx.db.q<SimCorpRow>(`SELECT * FROM {s}.corps ORDER BY created_at, corp_id`)).map(mapCorp);
}

export async function requireCorp(ctx: SimContext, corpId: string): Promise<SimCorp> {
  const corp = await getCorp(ctx, corpId);
  if (!corp) throw new ControlError(`unknown corp ${corpId}`, 404);
  return corp;
}

/** Picks the corp when the caller gave none: the only corp there is, else an error. */
export async function resolveCorpId(ctx: SimContext, corpId?: string): Promise<string> {
  if (corpId) {
    await requireCorp(ctx, corpId);
    return corpId;
  }
  const rows = await ctx.db.q<Pick<SimCorpRow, 'corp_id'>>(`SELECT corp_id FROM {s}.corps ORDER BY created_at LIMIT 2`);
  if (rows.length === 1) return rows[0].corp_id;
  throw new ControlError(rows.length === 0 ? 'no corp yet: call upsertCorp or seedDemo first' : 'several corps exist: pass corpId');
}

/** Deletes everything the simulator holds for the corp except the corp's own settings. */
export async function resetCorpData(ctx: SimContext, corpId: string): Promise<void> {
  await ctx.db.tx(async (tx) => {
    for (const t of CORP_TABLES) await tx.q(`DELETE FROM {s}.${t} WHERE corp_id = $1`, [corpId]);
    await tx.q(`UPDATE {s}.corps SET seeded_at = NULL, callback_verified_at = NULL WHERE corp_id = $1`, [corpId]);
  });
}

// ---- tokens --------------------------------------------------------------------------------

export async function issueToken(ctx: SimContext, corpid: string | undefined, secret: string | undefined) {
  if (!corpid) throw E.corpidMissing();
  if (!secret) throw E.secretMissing();
  const corp = await ctx.db.one<Pick<SimCorpRow, 'secret' | 'msgaudit_secret'>>(`SELECT secret, msgaudit_secret FROM {s}.corps WHERE corp_id = $1`, [corpid]);
  if (!corp) throw E.invalidCorpid();
  // The chat archive has a secret of its own (WECOM.md §16): its tokens reach msgaudit/* only.
  const kind = corp.secret === secret ? 'app' : corp.msgaudit_secret && corp.msgaudit_secret === secret ? 'msgaudit' : null;
  if (!kind) throw E.invalidCredential();
  const now = ctx.clock.now();
  const token = newIds.accessToken();
  await ctx.db.q(
    `WITH gc AS (DELETE FROM {s}.tokens WHERE corp_id = $2 AND expires_at < $4::bigint - 86400000)
     INSERT INTO {s}.tokens (access_token, corp_id, expires_at, created_at, secret_kind) VALUES ($1, $2, $3, $4, $5)`,
    [token, corpid, now + TOKEN_TTL_SEC * 1000, now, kind],
  );
  return { access_token: token, expires_in: TOKEN_TTL_SEC };
}

/** Makes the corp's current tokens fail: 42001 (expired), 40014 (invalid) or 40001. Returns how many. */
export async function invalidateTokens(ctx: SimContext, corpId: string, errcode: 40001 | 40014 | 42001 = 42001): Promise<number> {
  const rows =
    errcode === 42001
      ? await ctx.db.q(`UPDATE {s}.tokens SET expires_at = $2 WHERE corp_id = $1 AND expires_at > $2 RETURNING 1`, [corpId, ctx.clock.now()])
      : await ctx.db.q(`UPDATE {s}.tokens SET revoked_errcode = $2 WHERE corp_id = $1 AND revoked_errcode IS NULL RETURNING 1`, [corpId, errcode]);
  return rows.length;
}

export interface CorpAuth {
  corpId: string;
  agentId: number;
  corpName: string;
}

function apiMatches(patterns: string[], api: string): boolean {
  return patterns.some((p) => p === api || p === '*' || (p.endsWith('/*') && api.startsWith(p.slice(0, -1))));
}

/** One indexed query (token joined with its corp) plus one upsert when a rate limit applies. */
export async function authorize(ctx: SimContext, accessToken: string | undefined, api: string, ip: string): Promise<CorpAuth> {
  if (!accessToken) throw E.tokenMissing();
  const row = await ctx.db.one<
    Pick<SimTokenRow, 'expires_at' | 'revoked_errcode' | 'secret_kind'> &
      Pick<SimCorpRow, 'corp_id' | 'agent_id' | 'name' | 'rate_limits' | 'trusted_ips' | 'forbidden_apis'>
  >(
    `SELECT t.expires_at, t.revoked_errcode, t.secret_kind, c.corp_id, c.agent_id, c.name, c.rate_limits, c.trusted_ips, c.forbidden_apis
       FROM {s}.tokens t JOIN {s}.corps c ON c.corp_id = t.corp_id
      WHERE t.access_token = $1`,
    [accessToken],
  );
  if (!row) throw E.invalidToken();
  if (row.revoked_errcode) throw row.revoked_errcode === 40001 ? E.invalidCredential() : new SimError(row.revoked_errcode, 'invalid access_token');
  const now = ctx.clock.now();
  if (num(row.expires_at) <= now) throw E.tokenExpired();
  if (row.trusted_ips && !row.trusted_ips.includes(normalizeIp(ip))) throw E.ipNotAllowed(ip);
  if (row.forbidden_apis?.length && apiMatches(row.forbidden_apis, api)) throw E.apiForbidden();
  // msgaudit/* answers only to the archive secret's tokens, and those reach nothing else.
  if ((row.secret_kind === 'msgaudit') !== api.startsWith('msgaudit/')) throw E.apiForbidden();
  const limits: Record<string, number> = row.rate_limits ?? {};
  const limit = limits[api] ?? limits['*'];
  if (limit !== undefined) await countCall(ctx, row.corp_id, api, limit, now);
  return { corpId: row.corp_id, agentId: row.agent_id, corpName: row.name };
}

async function countCall(ctx: SimContext, corpId: string, api: string, limit: number, now: number): Promise<void> {
  const windowStart = Math.floor(now / 60_000) * 60_000;
  const r = await ctx.db.one<Pick<SimRateCounterRow, 'count'>>(
    `INSERT INTO {s}.rate_counters (corp_id, api, window_start, count) VALUES ($1, $2, $3, 1)
     ON CONFLICT (corp_id, api, window_start) DO UPDATE SET count = {s}.rate_counters.count + 1
     RETURNING count`,
    [corpId, api, windowStart],
  );
  if (r && r.count === 1) {
    await ctx.db.q(`DELETE FROM {s}.rate_counters WHERE corp_id = $1 AND api = $2 AND window_start < $3`, [corpId, api, windowStart]);
  }
  if (r && r.count > limit) throw E.rateLimited();
}

export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export type { Sql };
