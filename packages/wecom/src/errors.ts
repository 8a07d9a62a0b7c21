// Errors raised by the WeCom client: one class for every failed call, whether WeCom answered with a
// non-zero errcode or the request never got a JSON answer, plus one for arguments rejected before sending.

/** `api`: WeCom answered with errcode ≠ 0. `http`: non-2xx status or a body that is not JSON. `network`: no response (DNS, reset, timeout). */
export type WecomErrorKind = 'api' | 'http' | 'network' | 'throttled';

export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
export const BUSY_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45033]);

export class WecomError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  readonly api: string;
  readonly kind: WecomErrorKind;
  /** HTTP status, when a response arrived. */
  readonly status?: number;

  constructor(opts: {
    api: string;
    errcode: number;
    errmsg: string;
    kind?: WecomErrorKind;
    status?: number;
    cause?: unknown;
  }) {
    super(`WeCom ${opts.api} failed: ${opts.errcode} ${opts.errmsg}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'WecomError';
    this.api = opts.api;
    this.errcode = opts.errcode;
    this.errmsg = opts.errmsg;
    this.kind = opts.kind ?? 'api';
    this.status = opts.status;
  }

  /** The access token was rejected (40001/40014/42001); for `gettoken` itself 40001 means a wrong secret. */
  get isTokenError(): boolean {
    return this.kind === 'api' && TOKEN_ERRCODES.has(this.errcode);
  }

  /** WeCom asked us to slow down or try later (-1 system busy, 45009 rate limit, 45033 concurrency). */
  get isBusy(): boolean {
    return this.kind === 'api' && BUSY_ERRCODES.has(this.errcode);
  }
}

/** A request argument broke a documented WeCom limit; thrown before anything is sent. */
export class WecomArgumentError extends Error {
  constructor(
    readonly method: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${method}: ${field} ${rule}`);
    this.name = 'WecomArgumentError';
  }
}
