// One error class for the whole server. Services throw AppError; the HTTP layer maps the code to a status.
// WeCom failures (an errcode, no answer in time, no connection) all become one kind of AppError here.
import { WecomArgumentError, WecomError } from '@pond/wecom';

export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  wecom_error: 502,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** What a 502 from WeCom says besides its message: WeCom's errcode (−1 without an answer), the API, and what to do. */
export interface WecomFailure { errcode: number; api: string; hint: string }

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; details?: unknown; cause?: unknown; wecom?: WecomFailure } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  /** Fastify's name for it: error handlers of plugins that know nothing of AppError (the simulator's) keep the status. */
  get statusCode(): number {
    return this.status;
  }
  static validation(field: string, message: string): AppError {
    return new AppError('validation_failed', `${field}: ${message}`, { field });
  }
  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }
  static forbidden(message = 'your role may not do this'): AppError {
    return new AppError('forbidden', message);
  }
}

/** The setup checklist's advice (Settings → setup checklist), shared by its items and by every WeCom error Pond answers. */
export const WECOM_FIXES = {
  corpId: '企业ID (corpid) 不正确：在「我的企业 → 企业信息」复制。 / Wrong corp id: copy it from My Company → Company Info.',
  secret: 'Secret 不正确：在「应用管理 → 自建应用」中查看 Secret 并重新填写。 / Invalid secret: copy the self-built app\'s Secret again.',
  token: '填写自建应用的 AgentId 与 Secret，然后点「重新检测」。 / Enter the self-built app AgentId and Secret, then Re-check.',
  network: '无法连接企业微信接口：检查网络或代理。 / Cannot reach the WeCom API: check network/proxy.',
  trustedIp: '在「应用管理 → 自建应用 → 企业可信IP」加入服务器出口IP；需先配置可信域名或回调URL。 / Add this server\'s egress IP under the app\'s Trusted IPs (configure a trusted domain or callback URL first).',
  appPermission: '在「客户与上下游 → 客户联系 → API → 可调用接口的应用」中加入此自建应用，并使用该应用的 Secret（不要用「客户联系」系统应用 Secret）。 / Add this self-built app under Customer Contact → API → apps allowed to call, and use that app\'s Secret, not the legacy Customer Contact secret.',
  rate: '企业微信接口调用太频繁，请稍后再试。 / WeCom\'s rate limit for this API is reached: try again in a minute.',
  other: '请在「设置 → 接入检查」点「重新检测」查看原因。 / Open Settings → setup checklist and press Re-check to see why.',
} as const;

/** The hint for a WeCom failure: by errcode where the checklist knows it, else by how the call failed. */
export function wecomHint(err: WecomError): string {
  if (err.kind === 'network') return WECOM_FIXES.network;
  switch (err.errcode) {
    case 60020: return WECOM_FIXES.trustedIp;
    case 48002: case 48009: return WECOM_FIXES.appPermission;
    case 40001: return WECOM_FIXES.secret;
    case 40013: return WECOM_FIXES.corpId;
    case 40014: case 42001: return WECOM_FIXES.token;
    case 45009: case 45033: return WECOM_FIXES.rate;
    default: return err.kind === 'http' ? WECOM_FIXES.network : WECOM_FIXES.other;
  }
}

/** Any WeCom failure as the 502 the API answers: WeCom's errcode and API, and the checklist's hint. */
export function fromWecomError(err: WecomError, message?: string): AppError {
  const why = err.kind === 'network' ? `WeCom could not be reached (${err.errmsg})` : `WeCom ${err.api} failed: ${err.errcode} ${err.errmsg}`;
  return new AppError('wecom_error', message ? `${message}: ${why}` : why, { cause: err, wecom: { errcode: err.errcode, api: err.api, hint: wecomHint(err) } });
}

/**
 * Errors thrown below the services as the AppError they mean: a WeCom failure is a 502 with its errcode, and an
 * argument the WeCom client refused before sending (WeCom's own limits) is the caller's bad input.
 */
export function asAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof WecomError) return fromWecomError(err);
  if (err instanceof WecomArgumentError) return AppError.validation(err.field, err.rule);
  if (databaseBusy(err)) return new AppError('unavailable', 'the database is busy: try again in a moment', { cause: err });
  return null;
}

/** Postgres codes of a server that cannot take the request now (too many connections, starting or shutting down). */
const BUSY_CODES = new Set(['53300', '57P03', '53400']);

/**
 * The database could not take the request (no connection to be had), as opposed to a fault in the request: the client
 * may retry, so it is a 503, not a 500.
 */
export function databaseBusy(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && BUSY_CODES.has(code)) return true;
  // node-postgres' pool: no client freed up within connectionTimeoutMillis.
  return /^timeout exceeded when trying to connect$/i.test(err.message);
}
