// Environment parsed once, at boot. No other module reads process.env.
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
  PORT: optionalString.pipe(z.string().regex(/^\d{1,5}$/, 'must be a port number (1–65535)').transform(Number).refine((n) => n >= 1 && n <= 65535, 'must be a port number (1–65535)').optional()),
  HOST: optionalString,
  PUBLIC_URL: optionalString.pipe(z.string().url('must be an absolute URL such as https://pond.example.com').optional()),
  WECOM_CORP_ID: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be the corpid from 我的企业 → 企业信息').optional()),
  WECOM_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'must be the numeric AgentId of the self-built app').optional()),
  WECOM_SECRET: optionalString.pipe(z.string().min(8, "must be the self-built app's Secret").optional()),
  WECOM_CALLBACK_TOKEN: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits (the Token set on the callback page)').optional()),
  WECOM_CALLBACK_AES_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey').optional()),
  WECOM_API_BASE: optionalString.pipe(z.string().url('must be an absolute URL').optional()),
  WECOM_TIMEOUT_MS: optionalString.pipe(z.string().regex(/^\d{3,6}$/, 'must be milliseconds from 100 to 999999 (default 10000)').transform(Number).optional()),
  WECOM_JOB_TIMEOUT_MS: optionalString.pipe(z.string().regex(/^\d{3,7}$/, 'must be milliseconds from 100 to 9999999 (default 60000)').transform(Number).optional()),
  POND_API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  POND_DATA_DIR: optionalString,
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

export interface Config {
  databaseUrl?: string;
  port: number;
  host: string;
  publicUrl: string;
  /** Where WeCom/the simulator reaches this Pond: PUBLIC_URL if set, else loopback on PORT. */
  callbackBaseUrl: string;
  dataDir: string;
  /** Real WeCom credentials; absent means demo mode (simulator mounted at /sim). */
  wecom?: WecomConfig;
  demo: boolean;
  apiToken?: string;
  logLevel: string;
  /** How long one WeCom call may take in all, retries included: for an API request (WECOM_TIMEOUT_MS, default 10 s)
   * and in background work (WECOM_JOB_TIMEOUT_MS, default 60 s: room for WeCom's busy back-off). */
  wecomTimeoutMs: number;
  wecomJobTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
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
    port,
    host: e.HOST ?? '0.0.0.0',
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    callbackBaseUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    dataDir: e.POND_DATA_DIR ?? 'data',
    wecom,
    demo: !wecom,
    apiToken: e.POND_API_TOKEN,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    wecomTimeoutMs: e.WECOM_TIMEOUT_MS ?? 10_000,
    wecomJobTimeoutMs: e.WECOM_JOB_TIMEOUT_MS ?? 60_000,
  };
}
