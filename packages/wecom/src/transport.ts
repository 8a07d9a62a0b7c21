// How one WeCom call is made: access token from the shared TokenStore, per-API throttle, JSON or multipart
// request, errcode → WecomError, one refresh-and-retry on a dead token, exponential back-off when WeCom is
// busy, cursor pagination. The typed endpoints live in client.ts on top of this.
import { BUSY_ERRCODES, TOKEN_ERRCODES, WecomError } from './errors';
import { TokenBucketLimiter, type RateLimiter } from './rate-limiter';
import { tokenKey, type FetchedToken, type TokenKind, type TokenStore } from './token-store';
import type { GetTokenResponse, UploadFile } from './types';

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

export interface CallOptions {
  method?: 'GET' | 'POST';
  query?: Query;
  body?: unknown;
  /** Fail at once (WecomError kind 'throttled') instead of queueing when the client-side quota is spent, and don't back off. */
  noWait?: boolean;
}

/** What is left of one call's time: requests, back-off sleeps and the token fetch spend it; waiting for quota does not. */
export interface CallBudget { leftMs: number; totalMs: number }

/** pino-compatible subset. */
export interface WecomLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BusyRetryOptions {
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface WecomClientOptions {
  corpId: string;
  /** The self-built app's secret (the old 客户联系 secret is rejected for new corps since 2023-12). */
  secret: string;
  /** The self-built app's agentid; a numeric string is accepted. */
  agentId: number | string;
  /** May include a path prefix, e.g. http://127.0.0.1:3000/sim. */
  apiBase?: string;
  tokenStore: TokenStore;
  /** Defaults to a TokenBucketLimiter with WeCom's default quota. */
  limiter?: RateLimiter;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); used for back-off jitter. */
  random?: () => number;
  logger?: WecomLogger;
  /** Called once for every error a call finally throws (not for retried attempts). Must not throw. */
  onApiError?: (err: WecomError) => void;
  busyRetry?: BusyRetryOptions;
  /**
   * How long one call may take in all: its requests, back-off between retries and the token fetch it needs (waiting
   * for client-side quota aside). A call out of time fails with kind 'network'. Default 10 s; uploads get at least 60 s.
   * A function is asked at each call (e.g. shorter while a person waits than in background work).
   */
  timeoutMs?: number | (() => number);
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const UPLOAD_TIMEOUT_MS = 60_000;

export interface PaginateOptions {
  cursorField?: string;
  nextField?: string;
  /** Stop when this field of a page is truthy (e.g. `is_last`), even if a next cursor came back. */
  doneField?: string;
}

const silent: WecomLogger = { debug() {}, warn() {} };

export class WecomTransport {
  readonly corpId: string;
  readonly agentId: number;
  readonly apiBase: string;
  protected readonly tokenStore: TokenStore;
  private readonly secret: string;
  private readonly limiter: RateLimiter;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  protected readonly logger: WecomLogger;
  private readonly onApiError?: (err: WecomError) => void;
  private readonly retry: Required<BusyRetryOptions>;
  private readonly timeout: number | (() => number);
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(opts: WecomClientOptions) {
    if (!opts.corpId) throw new Error('WecomClient: corpId is required');
    if (!opts.secret) throw new Error('WecomClient: secret is required');
    this.corpId = opts.corpId;
    this.secret = opts.secret;
    this.agentId = Number(opts.agentId);
    if (!Number.isInteger(this.agentId)) throw new Error(`WecomClient: agentId must be an integer (got ${String(opts.agentId)})`);
    this.apiBase = (opts.apiBase ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, '');
    this.tokenStore = opts.tokenStore;
    this.limiter = opts.limiter ?? new TokenBucketLimiter();
    // Node's global fetch (undici) pools and keeps connections alive by default.
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger ?? silent;
    this.onApiError = opts.onApiError;
    this.retry = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30_000, ...opts.busyRetry };
    this.timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Any endpoint with the access token attached: `api` is the path after /cgi-bin/, e.g. 'externalcontact/get'. */
  call<T>(api: string, opts: CallOptions = {}): Promise<T> {
    return this.execute<T>(api, opts, true, this.budget(this.timeoutMs()));
  }

  /** Multipart upload for media/upload, media/uploadimg and media/upload_attachment (form field `media`). */
  upload<T>(api: string, query: Query, file: UploadFile): Promise<T> {
    const form = new FormData();
    form.append('media', new Blob([file.data], { type: file.contentType }), file.filename);
    return this.execute<T>(api, { method: 'POST', query, body: form }, true, this.budget(Math.max(this.timeoutMs(), UPLOAD_TIMEOUT_MS)));
  }

  /** Pages of a cursor-paginated POST endpoint, following `next_cursor` until it comes back empty. */
  async *paginate<P extends object>(api: string, body: object, opts: PaginateOptions = {}): AsyncGenerator<P, void, undefined> {
    const cursorField = opts.cursorField ?? 'cursor';
    const nextField = opts.nextField ?? 'next_cursor';
    let cursor = (body as Record<string, unknown>)[cursorField];
    for (;;) {
      const page = await this.call<P>(api, { method: 'POST', body: { ...body, [cursorField]: cursor || undefined } });
      yield page;
      const rec = page as Record<string, unknown>;
      const next = rec[nextField];
      if (typeof next !== 'string' || next === '' || (opts.doneField && rec[opts.doneField])) return;
      if (next === cursor) throw new Error(`WeCom ${api} returned the same ${nextField} twice; stopping instead of looping`);
      cursor = next;
    }
  }

  /** The items of every page, e.g. `paginateItems('externalcontact/groupchat/list', { limit: 1000 }, { itemsField: 'group_chat_list' })`. */
  async *paginateItems<I>(api: string, body: object, opts: PaginateOptions & { itemsField: string }): AsyncGenerator<I, void, undefined> {
    for await (const page of this.paginate<Record<string, unknown>>(api, body, opts)) {
      const items = page[opts.itemsField];
      if (Array.isArray(items)) yield* items as I[];
    }
  }

  /** The shared access token, fetched through the TokenStore when absent or expired. */
  accessToken(budget = this.budget(this.timeoutMs())): Promise<string> {
    return this.cachedToken('access_token', () => this.fetchAccessToken(budget));
  }

  /** `GET gettoken`, bypassing the cache. Prefer accessToken(). */
  getToken(budget = this.budget(this.timeoutMs())): Promise<GetTokenResponse> {
    return this.execute<GetTokenResponse>('gettoken', { query: { corpid: this.corpId, corpsecret: this.secret } }, false, budget);
  }

  private timeoutMs(): number {
    return typeof this.timeout === 'function' ? this.timeout() : this.timeout;
  }

  private budget(totalMs: number): CallBudget {
    return { leftMs: totalMs, totalMs };
  }

  protected async cachedToken(kind: TokenKind, fetch: () => Promise<FetchedToken>): Promise<string> {
    const hit = await this.tokenStore.read(tokenKey(this.corpId, kind));
    if (hit) return hit.value;
    return this.refreshToken(kind, null, fetch);
  }

  private refreshToken(kind: TokenKind, stale: string | null, fetch: () => Promise<FetchedToken>): Promise<string> {
    const key = tokenKey(this.corpId, kind);
    // Collapse this process's concurrent refreshes into one trip to the store's (possibly cross-process) lock.
    const flight = `${key}\u0000${stale ?? ''}`;
    const running = this.refreshing.get(flight);
    if (running) return running;
    const p = this.tokenStore.refresh(key, stale, fetch).finally(() => this.refreshing.delete(flight));
    this.refreshing.set(flight, p);
    return p;
  }

  private async fetchAccessToken(budget: CallBudget): Promise<FetchedToken> {
    const r = await this.getToken(budget);
    if (typeof r.access_token !== 'string' || !r.access_token) {
      throw this.report(new WecomError({ api: 'gettoken', errcode: -1, errmsg: 'response has no access_token', kind: 'http' }));
    }
    return { value: r.access_token, expiresIn: r.expires_in ?? 7200 };
  }

  private async execute<T>(api: string, opts: CallOptions, auth: boolean, budget: CallBudget): Promise<T> {
    const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
    // Token failures (bad secret, 60020 on gettoken) propagate as the gettoken error, already reported.
    let token = auth ? await this.accessToken(budget) : undefined;
    let refreshed = false;
    for (let attempt = 0; ; ) {
      if (opts.noWait && this.limiter.tryAcquire) {
        if (!(await this.limiter.tryAcquire(api))) throw new WecomError({ api, errcode: 45009, errmsg: 'client-side quota for this API is spent; not waiting', kind: 'throttled' });
      } else {
        await this.limiter.acquire(api);
      }
      let err: WecomError;
      const started = Date.now();
      try {
        return await this.send<T>(api, method, opts, token, budget);
      } catch (e) {
        if (!(e instanceof WecomError)) throw e;
        err = e;
      } finally {
        budget.leftMs -= Date.now() - started;
      }
      if (token !== undefined && !refreshed && err.kind === 'api' && TOKEN_ERRCODES.has(err.errcode) && budget.leftMs > 0) {
        refreshed = true;
        this.logger.debug({ api, errcode: err.errcode }, 'wecom token rejected, refreshing');
        token = await this.refreshToken('access_token', token, () => this.fetchAccessToken(budget));
        continue;
      }
      if (!opts.noWait && attempt < this.retry.maxRetries && this.isRetryable(err, method)) {
        const delayMs = this.backoff(attempt++);
        // A retry that could not start in time would only make the caller wait longer for the same failure.
        if (delayMs < budget.leftMs) {
          this.logger.warn({ api, errcode: err.errcode, kind: err.kind, attempt, delayMs }, 'wecom busy, backing off');
          await this.sleep(delayMs);
          budget.leftMs -= delayMs;
          continue;
        }
      }
      throw this.report(err);
    }
  }

  private isRetryable(err: WecomError, method: string): boolean {
    if (err.kind === 'api') return BUSY_ERRCODES.has(err.errcode);
    // A POST that failed in transit may still have been applied (a contact way created, a message queued),
    // so only idempotent reads are retried on transport errors.
    return method === 'GET';
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  private report(err: WecomError): WecomError {
    try {
      this.onApiError?.(err);
    } catch (hookErr) {
      this.logger.warn({ api: err.api, hookErr }, 'wecom onApiError hook threw');
    }
    return err;
  }

  private url(api: string, query: Query): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const s = qs.toString();
    return `${this.apiBase}/cgi-bin/${api}${s ? `?${s}` : ''}`;
  }

  private async send<T>(api: string, method: string, opts: CallOptions, token: string | undefined, budget: CallBudget): Promise<T> {
    const url = this.url(api, { access_token: token, ...opts.query });
    if (budget.leftMs <= 0) throw new WecomError({ api, errcode: -1, errmsg: `no answer within ${budget.totalMs} ms`, kind: 'network' });
    const init: RequestInit = { method, signal: AbortSignal.timeout(budget.leftMs) };
    if (opts.body instanceof FormData) init.body = opts.body;
    else if (opts.body !== undefined) {
      init.body = JSON.stringify(opts.body);
      init.headers = { 'content-type': 'application/json' };
    }
    let status: number | undefined;
    let text: string;
    let contentType: string;
    try {
      const res = await this.fetchImpl(url, init);
      status = res.status;
      contentType = res.headers.get('content-type')?.split(';')[0]?.trim() || 'no content-type';
      text = await res.text();
    } catch (cause) {
      // The URL carries the token or secret, so it never goes into the message.
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      const code = (cause as { cause?: { code?: unknown } })?.cause?.code;
      const why = timedOut ? `no answer within ${budget.totalMs} ms` : `${cause instanceof Error ? cause.message : String(cause)}${typeof code === 'string' ? ` (${code})` : ''}`;
      throw new WecomError({ api, errcode: -1, errmsg: timedOut ? why : `request failed: ${why}`, kind: 'network', status, cause });
    }
    // Whatever answered is not known to be WeCom (a proxy's error page, or any server the base points at): its body
    // never goes into the error, which reaches API callers — only the status and the content type.
    const notWecom = () => new WecomError({ api, errcode: -1, errmsg: `not a WeCom answer (HTTP ${status}, ${contentType.slice(0, 80)})`, kind: 'http', status });
    if (status < 200 || status >= 300) throw notWecom();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw notWecom();
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw notWecom();
    const { errcode, errmsg } = json as { errcode?: unknown; errmsg?: unknown };
    const code = typeof errcode === 'number' ? errcode : Number(errcode ?? 0);
    if (code !== 0) throw new WecomError({ api, errcode: code, errmsg: String(errmsg ?? '').slice(0, 300), status });
    return json as T;
  }
}
