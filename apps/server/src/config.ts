// Environment parsed once, at boot. No other module reads process.env.
import { isIP } from 'node:net';
import { z } from 'zod';

const optionalString = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const EnvSchema = z.object({
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  ),
  DATABASE_POOL_SIZE: optionalString.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)
    .refine((n) => n >= 2 && n <= 200, 'must be between 2 and 200').optional()),
  PORT: optionalString.pipe(z.string().regex(/^\d{1,5}$/, 'must be a port number (1–65535)').transform(Number).refine((n) => n >= 1 && n <= 65535, 'must be a port number (1–65535)').optional()),
  HOST: optionalString,
  PUBLIC_URL: optionalString.pipe(z.string().url('must be an absolute URL such as https://pond.example.com').optional()),
  WECOM_CORP_ID: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be the corpid from 我的企业 → 企业信息').optional()),
  WECOM_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'must be the numeric AgentId of the self-built app').optional()),
  WECOM_SECRET: optionalString.pipe(z.string().min(8, "must be the self-built app's Secret").optional()),
  WECOM_CALLBACK_TOKEN: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits (the Token set on the callback page)').optional()),
  WECOM_CALLBACK_AES_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey').optional()),
  WECOM_API_BASE: optionalString.pipe(z.string().url('must be an absolute URL').optional()),
  WECOM_ALLOWED_ORIGINS: optionalString,
  WECOM_TIMEOUT_MS: optionalString.pipe(z.string().regex(/^\d{3,6}$/, 'must be milliseconds from 100 to 999999 (default 10000)').transform(Number).optional()),
  WECOM_JOB_TIMEOUT_MS: optionalString.pipe(z.string().regex(/^\d{3,7}$/, 'must be milliseconds from 100 to 9999999 (default 60000)').transform(Number).optional()),
  POND_API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  POND_DATA_DIR: optionalString,
  TRUST_PROXY: optionalString,
  POND_SECRET_KEY: optionalString,
  POND_SECRET_KEY_PREVIOUS: optionalString,
  LOG_LEVEL: optionalString.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  NODE_ENV: optionalString,
});

export interface WecomConfig {
  corpId: string;
  agentId: string;
  secret: string;
  callbackToken: string;
  callbackAesKey: string;
  apiBase: string;
}

/** Fastify's trustProxy forms: all or nothing, the first N hops, or the proxies' addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

export interface Config {
  databaseUrl?: string;
  /** Postgres connections this process's main pool may open (default 20). */
  databasePoolSize: number;
  port: number;
  /** Demo: loopback only (the simulator's pages are open to whoever reaches them); with WeCom: every interface. */
  host: string;
  /** Whose X-Forwarded-For is believed (audit IPs, scan IPs). */
  trustProxy: TrustProxy;
  publicUrl: string;
  /** Where WeCom/the simulator reaches this Pond: PUBLIC_URL if set, else loopback on PORT. */
  callbackBaseUrl: string;
  dataDir: string;
  /** Real WeCom credentials; absent means demo mode (simulator mounted at /sim). */
  wecom?: WecomConfig;
  demo: boolean;
  apiToken?: string;
  logLevel: string;
  /** Encrypts corps' secrets at rest (POND_SECRET_KEY); absent in demo mode means `<dataDir>/secret.key`. */
  secretKey?: Buffer;
  /** Keys that still decrypt, for rotation (POND_SECRET_KEY_PREVIOUS). */
  previousSecretKeys: Buffer[];
  /** How long one WeCom call may take in all, retries included: for an API request (WECOM_TIMEOUT_MS, default 10 s)
   * and in background work (WECOM_JOB_TIMEOUT_MS, default 60 s: room for WeCom's busy back-off). */
  wecomTimeoutMs: number;
  wecomJobTimeoutMs: number;
  /**
   * Addresses besides WeCom's own that a corp's API, web and OAuth bases may point at (WECOM_ALLOWED_ORIGINS: a
   * private deployment's proxy); WECOM_API_BASE is one of them. Normalised `origin[/path]`, no trailing slash.
   */
  wecomAllowedOrigins: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY: true/false, a hop count, or a comma-separated list of addresses, CIDRs or loopback/linklocal/uniquelocal. */
export function parseTrustProxy(raw: string): TrustProxy | string {
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (PROXY_NAMES.has(item)) continue;
    const [addr, bits, extra] = item.split('/');
    const family = isIP(addr ?? '');
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max))) {
      return `"${item}" is not an address or CIDR (use true, false, a hop count, or addresses such as 10.0.0.1,172.16.0.0/12,loopback)`;
    }
  }
  return items.length ? items : 'must not be empty';
}

export const SECRET_KEY_HINT = 'generate one with: openssl rand -base64 32';

/** A 32-byte key from base64 (standard or url-safe) or hex; the error names where the value came from. */
export function parseSecretKey(source: string, raw: string): Buffer {
  const s = raw.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) key = Buffer.from(s, 'base64');
  if (!key || key.length !== 32) {
    throw new ConfigError([`${source}: must be 32 random bytes in base64 (44 characters) or hex (64 characters); ${SECRET_KEY_HINT}`]);
  }
  return key;
}

/** WECOM_ALLOWED_ORIGINS: comma-separated http(s) URLs (an origin, or an origin and a path prefix), nothing else. */
export function parseAllowedOrigins(raw: string): string[] | string {
  const out: string[] = [];
  for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    let u: URL;
    try { u = new URL(item); } catch { return `"${item}" is not an absolute URL (use e.g. https://wecom-proxy.example.com)`; }
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.search || u.hash) {
      return `"${item}" must be an http(s) origin or origin/path, without credentials, query or fragment`;
    }
    out.push(`${u.origin}${u.pathname.replace(/\/+$/, '')}`);
  }
  return out;
}

const WECOM_VARS = ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_CALLBACK_TOKEN', 'WECOM_CALLBACK_AES_KEY'] as const;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`));
  }
  const e = parsed.data;
  const set = WECOM_VARS.filter((k) => e[k] !== undefined);
  if (set.length > 0 && set.length < WECOM_VARS.length) {
    const missing = WECOM_VARS.filter((k) => e[k] === undefined);
    throw new ConfigError(missing.map((k) => `${k}: is required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set (all WeCom variables go together; leave all unset for demo mode)`));
  }
  const trustProxy = e.TRUST_PROXY === undefined ? undefined : parseTrustProxy(e.TRUST_PROXY);
  if (typeof trustProxy === 'string') throw new ConfigError([`TRUST_PROXY: ${trustProxy}`]);
  const allowedOrigins = e.WECOM_ALLOWED_ORIGINS === undefined ? [] : parseAllowedOrigins(e.WECOM_ALLOWED_ORIGINS);
  if (typeof allowedOrigins === 'string') throw new ConfigError([`WECOM_ALLOWED_ORIGINS: ${allowedOrigins}`]);
  const keyProblems: string[] = [];
  const key = (source: string, raw: string) => {
    try { return parseSecretKey(source, raw); } catch (err) { keyProblems.push(...(err as ConfigError).problems); return null; }
  };
  const secretKey = e.POND_SECRET_KEY ? key('POND_SECRET_KEY', e.POND_SECRET_KEY) : undefined;
  const previousSecretKeys = (e.POND_SECRET_KEY_PREVIOUS ?? '').split(',').map((s) => s.trim()).filter(Boolean)
    .map((s, i) => key(`POND_SECRET_KEY_PREVIOUS (key ${i + 1})`, s)).filter((k): k is Buffer => !!k);
  if (keyProblems.length) throw new ConfigError(keyProblems);
  const port = e.PORT ?? 3000;
  const wecom = set.length
    ? {
        corpId: e.WECOM_CORP_ID!, agentId: e.WECOM_AGENT_ID!, secret: e.WECOM_SECRET!,
        callbackToken: e.WECOM_CALLBACK_TOKEN!, callbackAesKey: e.WECOM_CALLBACK_AES_KEY!,
        apiBase: (e.WECOM_API_BASE ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, ''),
      }
    : undefined;
  return {
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE ?? 20,
    port,
    host: e.HOST ?? (wecom ? '0.0.0.0' : '127.0.0.1'),
    // A demo is reached directly or through a tunnel on the same machine: only loopback may speak for clients.
    trustProxy: trustProxy ?? (wecom ? false : ['loopback']),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    callbackBaseUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    dataDir: e.POND_DATA_DIR ?? 'data',
    wecom,
    demo: !wecom,
    apiToken: e.POND_API_TOKEN,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    secretKey: secretKey ?? undefined,
    previousSecretKeys,
    wecomTimeoutMs: e.WECOM_TIMEOUT_MS ?? 10_000,
    wecomJobTimeoutMs: e.WECOM_JOB_TIMEOUT_MS ?? 60_000,
    wecomAllowedOrigins: allowedOrigins,
  };
}
