// Corps (tenants) and their WeCom connection: a cache of credentials for the callback hot path,
// invalidated across processes with LISTEN/NOTIFY, and one WecomClient per corp that records API
// failures for the setup checklist. Credentials are encrypted at rest (platform/secrets.ts): this is the
// only place that writes or decrypts them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { WecomClient, type WecomError } from '@pond/wecom';
import { SharedQuotaLimiter } from './shared-quota';
import { AppError } from '../../platform/errors';
import { withTransaction } from '../../platform/db';
import { SecretBox } from '../../platform/secrets';
import type { Logger } from '../../platform/log';
import type { Cols, Row } from '../../platform/db/rows';
import { PgTokenStore } from './token-store';
import { inRequest } from '../../platform/request-context';
import { ResilientListener } from './listener';
import { BASE_FIELDS, WecomOrigins, type WecomBaseKind } from './wecom-origins';

export interface CorpRow {
  id: string;
  name: string;
  agentId: string;
  secret: string;
  callbackToken: string;
  callbackAesKey: string;
  apiBase: string;
  isDemo: boolean;
  oauthAppId: string | null;
  oauthSecret: string | null;
  oauthOpenBase: string | null;
  oauthApiBase: string | null;
  wecomWebBase: string | null;
  /** The secret in the shop's order webhook URL. */
  orderWebhookToken: string;
  /** IANA zone (platform/time.ts). */
  timezone: string;
}

export interface CorpSummary { id: string; name: string; isDemo: boolean }

export interface CorpInput {
  id: string; name: string; agentId: string; secret: string; callbackToken: string; callbackAesKey: string;
  apiBase?: string; isDemo?: boolean;
  oauthAppId?: string | null; oauthSecret?: string | null; oauthOpenBase?: string | null; oauthApiBase?: string | null;
  wecomWebBase?: string | null;
  timezone?: string;
}

const CHANNEL = 'pond_corp_changed';
/** Errors worth showing on the setup checklist (WECOM.md §1, §17). */
const RECORDED_ERRCODES = new Set([40001, 40013, 40014, 40056, 41001, 42001, 48002, 48009, 60011, 60020, 301002]);

/** The encrypted columns of `corps`; each envelope is bound to `corps.<column>:<corpId>`. */
export const SECRET_COLUMNS = ['secret', 'callback_token', 'callback_aes_key', 'oauth_secret', 'order_webhook_token'] as const;
type SecretColumn = (typeof SECRET_COLUMNS)[number];
const context = (column: SecretColumn, corpId: string) => `corps.${column}:${corpId}`;

export const newWebhookToken = () => randomBytes(24).toString('base64url');

/**
 * Encrypts every plain-text credential in `corps` (at start, after the SQL migrations) or, with `rotate`,
 * re-encrypts every one not under the current key (`pond rotate-secrets`). One transaction under a lock:
 * processes starting together do it once, and a row is never half-converted. Returns the values rewritten.
 */
export async function encryptCorpSecrets(pool: pg.Pool, box: SecretBox, opts: { rotate?: boolean } = {}): Promise<number> {
  const changed = await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(8410223)');
    // Only rows with work to do are locked: at an ordinary start that is none.
    const done = opts.rotate ? `enc:v1:${box.currentKeyId.replace(/_/g, '\\_')}:%` : 'enc:v1:%';
    const { rows } = await client.query<Cols<'corps', 'id' | (typeof SECRET_COLUMNS)[number]>>(
      `SELECT id, ${SECRET_COLUMNS.join(', ')} FROM corps
       WHERE ${SECRET_COLUMNS.map((c) => `${c} NOT LIKE $1`).join(' OR ')} ORDER BY id FOR UPDATE`, [done]);
    let n = 0;
    const corpIds: string[] = [];
    for (const r of rows) {
      const sets: string[] = [];
      const values: unknown[] = [r.id];
      for (const col of SECRET_COLUMNS) {
        const v: string | null = r[col];
        if (v == null) continue;
        const plain = !SecretBox.isEnvelope(v);
        if (!plain && !(opts.rotate && SecretBox.keyIdOf(v) !== box.currentKeyId)) continue;
        const clear = plain ? v : box.decrypt(v, context(col, r.id));
        values.push(box.encrypt(clear, context(col, r.id)));
        sets.push(`${col} = $${values.length}`);
      }
      if (!sets.length) continue;
      await client.query(`UPDATE corps SET ${sets.join(', ')} WHERE id = $1`, values);
      n += sets.length;
      corpIds.push(r.id);
    }
    for (const id of corpIds) await client.query('SELECT pg_notify($1, $2)', [CHANNEL, id]);
    return n;
  });
  return changed;
}

/** Unknown corp ids remembered (a probe for many ids must not grow the cache without bound), and for how long. */
export const NEGATIVE_CACHE = { max: 1000, ttlMs: 60_000 };

/** Credentials no corp has: an unknown corp id is checked against these, so it fails like a wrong signature. */
const DECOY_AES_KEY = randomBytes(32).toString('base64').replace(/[^A-Za-z0-9]/g, 'A').slice(0, 43);
const DECOY_TOKEN = randomBytes(16).toString('hex');

export class CorpService {
  private cache = new Map<string, CorpRow>();
  /** Ids that are no corp, oldest first (a Map keeps insertion order): at most NEGATIVE_CACHE.max, each for ttlMs. */
  private unknown = new Map<string, number>();
  private clients = new Map<string, WecomClient>();
  private tokenStore: PgTokenStore;
  private listener?: ResilientListener;
  /** Where corps' WeCom settings may point (settings check them; the WeCom client and the sidebar check again at use). */
  readonly origins: WecomOrigins;

  constructor(private pool: pg.Pool, private log: Logger, private secrets: SecretBox, private opts: { fetch?: typeof fetch; timeoutMs?: number; jobTimeoutMs?: number; origins?: WecomOrigins } = {}) {
    this.tokenStore = new PgTokenStore(pool, secrets);
    this.origins = opts.origins ?? new WecomOrigins();
  }

  private rowToCorp(r: Row<'corps'>): CorpRow {
    const open = (col: SecretColumn) => (r[col] == null ? null : this.secrets.decrypt(r[col], context(col, r.id)));
    return {
      id: r.id, name: r.name, agentId: r.agent_id, secret: open('secret')!, callbackToken: open('callback_token')!,
      callbackAesKey: open('callback_aes_key')!, apiBase: r.api_base, isDemo: r.is_demo,
      oauthAppId: r.oauth_app_id, oauthSecret: open('oauth_secret'), oauthOpenBase: r.oauth_open_base, oauthApiBase: r.oauth_api_base,
      wecomWebBase: r.wecom_web_base, orderWebhookToken: open('order_webhook_token')!, timezone: r.timezone,
    };
  }

  private seal(col: SecretColumn, corpId: string, value: string | null | undefined): string | null {
    return value == null ? null : this.secrets.encrypt(value, context(col, corpId));
  }

  /**
   * Invalidation from other processes. When the LISTEN connection drops, NOTIFYs sent meanwhile are lost (a
   * regenerated webhook token would keep working here): it reconnects with back-off and everything cached is dropped.
   */
  async listen(): Promise<void> {
    this.listener = new ResilientListener(this.pool, CHANNEL, {
      onNotify: (corpId) => this.forget(corpId),
      onGap: () => this.forgetAll(),
    }, this.log);
    await this.listener.start();
  }

  /** Whether cross-process invalidation is in place (tests wait for a reconnect). */
  get listening(): boolean {
    return this.listener?.connected ?? false;
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
  }

  private forget(corpId: string): void {
    this.cache.delete(corpId);
    this.unknown.delete(corpId);
    this.clients.delete(corpId);
    this.tokenStore.forget(corpId);
  }

  private forgetAll(): void {
    this.cache.clear();
    this.unknown.clear();
    this.clients.clear();
    this.tokenStore.forgetAll();
  }

  /** How many unknown ids are remembered (bounded by NEGATIVE_CACHE.max). */
  get unknownCached(): number {
    return this.unknown.size;
  }

  async get(corpId: string): Promise<CorpRow | null> {
    const cached = this.cache.get(corpId);
    if (cached) return cached;
    const miss = this.unknown.get(corpId);
    if (miss !== undefined) {
      if (miss > Date.now()) return null;
      this.unknown.delete(corpId);
    }
    const { rows } = await this.pool.query<Row<'corps'>>('SELECT * FROM corps WHERE id = $1', [corpId]);
    if (rows[0]) {
      const c = this.rowToCorp(rows[0]);
      this.cache.set(corpId, c);
      return c;
    }
    if (this.unknown.size >= NEGATIVE_CACHE.max) this.unknown.delete(this.unknown.keys().next().value!);
    this.unknown.set(corpId, Date.now() + NEGATIVE_CACHE.ttlMs);
    return null;
  }

  /**
   * The corp, or for an id that is no corp a stand-in with credentials nobody has: a caller that must answer the
   * same for both (WeCom's callback URL) runs the same checks, which fail for the stand-in.
   */
  async getOrDecoy(corpId: string): Promise<{ corp: CorpRow; known: boolean }> {
    const corp = await this.get(corpId);
    if (corp) return { corp, known: true };
    return {
      known: false,
      corp: {
        id: corpId, name: corpId, agentId: '1000002', secret: DECOY_TOKEN, callbackToken: DECOY_TOKEN, callbackAesKey: DECOY_AES_KEY,
        apiBase: 'https://qyapi.weixin.qq.com', isDemo: false, oauthAppId: null, oauthSecret: null, oauthOpenBase: null, oauthApiBase: null,
        wecomWebBase: null, orderWebhookToken: DECOY_TOKEN, timezone: 'Asia/Shanghai',
      },
    };
  }

  /**
   * Refuses (400 naming the field) an API, web or OAuth base a corp admin may not set: only WeCom's own addresses,
   * the simulator's in demo mode, or what the operator allowed (WECOM_ALLOWED_ORIGINS).
   */
  checkBases(input: Partial<Record<keyof typeof BASE_FIELDS, string | null | undefined>>): void {
    for (const field of Object.keys(BASE_FIELDS) as (keyof typeof BASE_FIELDS)[]) {
      const v = input[field];
      if (v == null) continue;
      const problem = this.origins.problem(field, v);
      if (problem) throw AppError.validation(field, problem);
    }
  }

  /** The corp's base of this kind when it may be used, else null (a value stored before the check: the default is used instead). */
  allowedBase(corp: CorpRow, kind: Exclude<WecomBaseKind, 'api'>): string | null {
    const v = kind === 'web' ? corp.wecomWebBase : kind === 'oauthOpen' ? corp.oauthOpenBase : corp.oauthApiBase;
    if (!v) return null;
    if (this.origins.allowsBase(kind, v)) return v.replace(/\/+$/, '');
    this.log.warn({ corpId: corp.id, kind }, 'corp setting points outside the allowed WeCom addresses: ignored');
    return null;
  }

  async require(corpId: string): Promise<CorpRow> {
    const c = await this.get(corpId);
    if (!c) throw AppError.notFound(`corp ${corpId}`);
    return c;
  }

  /** Ids and names only: no credential is decrypted for a listing. */
  async list(): Promise<CorpSummary[]> {
    const { rows } = await this.pool.query<Cols<'corps', 'id' | 'name' | 'is_demo'>>('SELECT id, name, is_demo FROM corps ORDER BY created_at');
    return rows.map((r) => ({ id: r.id, name: r.name, isDemo: r.is_demo }));
  }

  async upsert(input: CorpInput): Promise<CorpRow> {
    const id = input.id;
    const { rows } = await this.pool.query<Row<'corps'>>(
      `INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, is_demo, order_webhook_token)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, agent_id = EXCLUDED.agent_id, secret = EXCLUDED.secret,
         callback_token = EXCLUDED.callback_token, callback_aes_key = EXCLUDED.callback_aes_key,
         api_base = EXCLUDED.api_base, is_demo = EXCLUDED.is_demo, updated_at = now()
       RETURNING *`,
      [id, input.name, input.agentId, this.seal('secret', id, input.secret), this.seal('callback_token', id, input.callbackToken),
       this.seal('callback_aes_key', id, input.callbackAesKey), input.apiBase ?? 'https://qyapi.weixin.qq.com', input.isDemo ?? false,
       this.seal('order_webhook_token', id, newWebhookToken())]);
    await this.changed(id);
    return this.rowToCorp(rows[0]);
  }

  async update(corpId: string, patch: Partial<Omit<CorpInput, 'id'>>): Promise<CorpRow> {
    const cur = await this.require(corpId);
    const next = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    const secretChanged = next.secret !== cur.secret || next.apiBase !== cur.apiBase;
    // Compared in clear here: every encryption has a fresh IV, so the stored envelopes always differ.
    const callbackChanged = next.callbackToken !== cur.callbackToken || next.callbackAesKey !== cur.callbackAesKey;
    await this.pool.query(
      `UPDATE corps SET name=$2, agent_id=$3, secret=$4, callback_token=$5, callback_aes_key=$6, api_base=$7, updated_at=now(),
         oauth_app_id=$9, oauth_secret=$10, oauth_open_base=$11, oauth_api_base=$12, wecom_web_base=$13, timezone=$15,
         token_ok_at = CASE WHEN $8 THEN NULL ELSE token_ok_at END,
         callback_verified_at = CASE WHEN $14 THEN NULL ELSE callback_verified_at END
       WHERE id=$1`,
      [corpId, next.name, next.agentId, this.seal('secret', corpId, next.secret), this.seal('callback_token', corpId, next.callbackToken),
       this.seal('callback_aes_key', corpId, next.callbackAesKey), next.apiBase, secretChanged,
       next.oauthAppId, this.seal('oauth_secret', corpId, next.oauthSecret), next.oauthOpenBase, next.oauthApiBase, next.wecomWebBase, callbackChanged, next.timezone]);
    if (secretChanged) await this.pool.query('DELETE FROM wecom_tokens WHERE corp_id = $1', [corpId]);
    await this.changed(corpId);
    return this.require(corpId);
  }

  /** A new order webhook secret: the old URL stops working at once. */
  async regenerateWebhookToken(corpId: string): Promise<string> {
    const token = newWebhookToken();
    const r = await this.pool.query('UPDATE corps SET order_webhook_token = $2, updated_at = now() WHERE id = $1',
      [corpId, this.seal('order_webhook_token', corpId, token)]);
    if (!r.rowCount) throw AppError.notFound('corp');
    await this.changed(corpId);
    return token;
  }

  /**
   * The shop's webhook: a wrong token and a corp Pond does not have get the same 401, after the same work
   * (a constant-time comparison against a random value), so the URL cannot be used to find corp ids.
   */
  async verifyWebhookToken(corpId: string, token: string): Promise<void> {
    const corp = await this.get(corpId);
    const want = corp?.orderWebhookToken ?? newWebhookToken();
    const digest = (s: string) => createHash('sha256').update(s).digest();
    if (!timingSafeEqual(digest(token), digest(want)) || !corp) {
      throw new AppError('unauthorized', 'wrong order webhook URL: copy it from Settings again');
    }
  }

  private async changed(corpId: string): Promise<void> {
    this.forget(corpId);
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, corpId]);
  }

  /** The WeCom client for a corp; every process shares the token through Postgres. */
  async client(corpId: string): Promise<WecomClient> {
    const existing = this.clients.get(corpId);
    if (existing) return existing;
    const corp = await this.require(corpId);
    const send = this.opts.fetch ?? fetch;
    const client = new WecomClient({
      corpId: corp.id,
      secret: corp.secret,
      agentId: corp.agentId,
      apiBase: corp.apiBase,
      tokenStore: this.tokenStore,
      limiter: new SharedQuotaLimiter(this.pool, corp.id),
      // Every call leaves only for an allowed address, whatever the corp row says (a row stored before the check).
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (this.origins.allowsUrl('api', url)) return send(input, init);
        return Promise.reject(new Error("the corp's API base is not an allowed WeCom address (Settings → API base, or the server's WECOM_ALLOWED_ORIGINS)"));
      },
      // Short while a request waits; long in background work, where WeCom's busy back-off (up to ~30 s) may run its course.
      timeoutMs: () => (inRequest() ? this.opts.timeoutMs ?? 10_000 : this.opts.jobTimeoutMs ?? 60_000),
      logger: this.log,
      onApiError: (err: WecomError) => void this.recordApiError(corp.id, err),
    });
    this.clients.set(corpId, client);
    return client;
  }

  async recordApiError(corpId: string, err: WecomError): Promise<void> {
    if (!RECORDED_ERRCODES.has(err.errcode) && err.errcode >= 0) return;
    await this.pool.query(
      `UPDATE corps SET last_error_code=$2, last_error_api=$3, last_error_message=$4, last_error_at=now() WHERE id=$1`,
      [corpId, err.errcode, err.api, err.errmsg]).catch(() => undefined);
  }

  /** Forgets the access token everywhere, so the next call fetches one (the settings check tests the secret). */
  async dropAccessToken(corpId: string): Promise<void> {
    await this.pool.query(`DELETE FROM wecom_tokens WHERE corp_id = $1 AND kind = 'access_token'`, [corpId]);
    this.tokenStore.forget(corpId);
  }

  async markTokenOk(corpId: string): Promise<void> {
    await this.pool.query('UPDATE corps SET token_ok_at = now() WHERE id = $1', [corpId]);
  }

  async markCallbackVerified(corpId: string): Promise<void> {
    await this.pool.query('UPDATE corps SET callback_verified_at = now() WHERE id = $1', [corpId]);
  }
}
