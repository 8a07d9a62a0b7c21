// Corps (tenants) and their WeCom connection: a cache of credentials for the callback hot path,
// invalidated across processes with LISTEN/NOTIFY, and one WecomClient per corp that records API
// failures for the setup checklist.
import type pg from 'pg';
import { WecomClient, WecomError } from '@pond/wecom';
import { SharedQuotaLimiter } from './shared-quota';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { PgTokenStore } from './token-store';

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
  /** IANA zone (platform/time.ts). */
  timezone: string;
}

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

function rowToCorp(r: any): CorpRow {
  return {
    id: r.id, name: r.name, agentId: r.agent_id, secret: r.secret, callbackToken: r.callback_token,
    callbackAesKey: r.callback_aes_key, apiBase: r.api_base, isDemo: r.is_demo,
    oauthAppId: r.oauth_app_id, oauthSecret: r.oauth_secret, oauthOpenBase: r.oauth_open_base, oauthApiBase: r.oauth_api_base,
    wecomWebBase: r.wecom_web_base, timezone: r.timezone,
  };
}

export class CorpService {
  private cache = new Map<string, CorpRow | null>();
  private clients = new Map<string, WecomClient>();
  private tokenStore: PgTokenStore;
  private listener?: pg.PoolClient;

  constructor(private pool: pg.Pool, private log: Logger, private opts: { fetch?: typeof fetch } = {}) {
    this.tokenStore = new PgTokenStore(pool);
  }

  async listen(): Promise<void> {
    this.listener = await this.pool.connect();
    this.listener.on('notification', (n) => {
      if (n.channel !== CHANNEL) return;
      this.cache.delete(n.payload ?? '');
      this.clients.delete(n.payload ?? '');
      this.tokenStore.forget(n.payload ?? '');
    });
    await this.listener.query(`LISTEN ${CHANNEL}`);
  }

  async close(): Promise<void> {
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
  }

  async get(corpId: string): Promise<CorpRow | null> {
    if (this.cache.has(corpId)) return this.cache.get(corpId)!;
    const { rows } = await this.pool.query('SELECT * FROM corps WHERE id = $1', [corpId]);
    const c = rows[0] ? rowToCorp(rows[0]) : null;
    this.cache.set(corpId, c);
    return c;
  }

  async require(corpId: string): Promise<CorpRow> {
    const c = await this.get(corpId);
    if (!c) throw AppError.notFound(`corp ${corpId}`);
    return c;
  }

  async list(): Promise<CorpRow[]> {
    const { rows } = await this.pool.query('SELECT * FROM corps ORDER BY created_at');
    return rows.map(rowToCorp);
  }

  async upsert(input: CorpInput): Promise<CorpRow> {
    const { rows } = await this.pool.query(
      `INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, is_demo)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, agent_id = EXCLUDED.agent_id, secret = EXCLUDED.secret,
         callback_token = EXCLUDED.callback_token, callback_aes_key = EXCLUDED.callback_aes_key,
         api_base = EXCLUDED.api_base, is_demo = EXCLUDED.is_demo, updated_at = now()
       RETURNING *`,
      [input.id, input.name, input.agentId, input.secret, input.callbackToken, input.callbackAesKey,
       input.apiBase ?? 'https://qyapi.weixin.qq.com', input.isDemo ?? false]);
    await this.changed(input.id);
    return rowToCorp(rows[0]);
  }

  async update(corpId: string, patch: Partial<Omit<CorpInput, 'id'>>): Promise<CorpRow> {
    const cur = await this.require(corpId);
    const next = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as CorpRow;
    const secretChanged = next.secret !== cur.secret || next.apiBase !== cur.apiBase;
    await this.pool.query(
      `UPDATE corps SET name=$2, agent_id=$3, secret=$4, callback_token=$5, callback_aes_key=$6, api_base=$7, updated_at=now(),
         oauth_app_id=$9, oauth_secret=$10, oauth_open_base=$11, oauth_api_base=$12, wecom_web_base=$13, timezone=$14,
         token_ok_at = CASE WHEN $8 THEN NULL ELSE token_ok_at END,
         callback_verified_at = CASE WHEN callback_token <> $5 OR callback_aes_key <> $6 THEN NULL ELSE callback_verified_at END
       WHERE id=$1`,
      [corpId, next.name, next.agentId, next.secret, next.callbackToken, next.callbackAesKey, next.apiBase, secretChanged,
       next.oauthAppId, next.oauthSecret, next.oauthOpenBase, next.oauthApiBase, next.wecomWebBase, next.timezone]);
    if (secretChanged) await this.pool.query('DELETE FROM wecom_tokens WHERE corp_id = $1', [corpId]);
    await this.changed(corpId);
    return this.require(corpId);
  }

  private async changed(corpId: string): Promise<void> {
    this.cache.delete(corpId);
    this.clients.delete(corpId);
    this.tokenStore.forget(corpId);
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, corpId]);
  }

  /** The WeCom client for a corp; every process shares the token through Postgres. */
  async client(corpId: string): Promise<WecomClient> {
    const existing = this.clients.get(corpId);
    if (existing) return existing;
    const corp = await this.require(corpId);
    const client = new WecomClient({
      corpId: corp.id,
      secret: corp.secret,
      agentId: corp.agentId,
      apiBase: corp.apiBase,
      tokenStore: this.tokenStore,
      limiter: new SharedQuotaLimiter(this.pool, corp.id),
      fetch: this.opts.fetch,
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
