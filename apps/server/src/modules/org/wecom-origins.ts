// Where a corp's WeCom settings may point. A corp admin sets `apiBase` (Pond's server calls it),
// `wecomWebBase` (the sidebar page loads its JS-SDK and sends members to its sign-in) and the 公众号 OAuth bases:
// each only to WeCom's/WeChat's own addresses, the simulator's in demo mode, or an address the server's operator
// allowed (WECOM_ALLOWED_ORIGINS, WECOM_API_BASE). Checked when they are set and again where they are used, so a
// value stored before the check existed is not used either.

import type { Config } from '../../config';

export type WecomBaseKind = 'api' | 'web' | 'oauthOpen' | 'oauthApi';

/** The corp settings field of each kind, for messages. */
export const BASE_FIELDS = { apiBase: 'api', wecomWebBase: 'web', oauthOpenBase: 'oauthOpen', oauthApiBase: 'oauthApi' } as const satisfies Record<string, WecomBaseKind>;

/** WeCom's and WeChat's own addresses, per kind. */
export const WECOM_OWN_BASES: Record<WecomBaseKind, readonly string[]> = {
  api: ['https://qyapi.weixin.qq.com'],
  web: ['https://open.weixin.qq.com', 'https://open.work.weixin.qq.com'],
  oauthOpen: ['https://open.weixin.qq.com'],
  oauthApi: ['https://api.weixin.qq.com'],
};

/** `origin/path` without a trailing slash, or null for what is not a plain http(s) base (credentials, query, fragment). */
export function normaliseBase(raw: string): string | null {
  let u: URL;
  try { u = new URL(raw); } catch { return null; }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.search || u.hash || raw.includes('#') || raw.includes('?')) return null;
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

const under = (value: string, base: string) => value === base || value.startsWith(`${base}/`);

export interface WecomOriginsOptions {
  /** Operator-allowed bases (WECOM_ALLOWED_ORIGINS, WECOM_API_BASE), for every kind. */
  extra?: readonly string[];
  /** The simulator's bases (demo mode): read at each check, as the public URL may be known only after the start. */
  simulator?: () => readonly string[];
}

export class WecomOrigins {
  private registered = new Set<string>();

  constructor(private opts: WecomOriginsOptions = {}) {}

  /** A simulator base this process set up itself (the demo corp on the address the server listens on). */
  allowSimulator(base: string): void {
    const b = normaliseBase(base);
    if (b && this.opts.simulator) this.registered.add(b);
  }

  bases(kind: WecomBaseKind): string[] {
    const sim = this.opts.simulator ? [...this.opts.simulator(), ...this.registered] : [];
    return [...WECOM_OWN_BASES[kind], ...(this.opts.extra ?? []), ...sim].map((b) => normaliseBase(b)).filter((b): b is string => !!b);
  }

  /** A base as configured (no query or fragment): allowed for this kind? */
  allowsBase(kind: WecomBaseKind, raw: string): boolean {
    const v = normaliseBase(raw);
    return !!v && this.bases(kind).some((b) => under(v, b));
  }

  /** A URL Pond is about to call or send a browser to (its query does not matter): under an allowed base? */
  allowsUrl(kind: WecomBaseKind, raw: string): boolean {
    let u: URL;
    try { u = new URL(raw); } catch { return false; }
    if (u.username || u.password) return false;
    const v = `${u.origin}${u.pathname}`;
    return this.bases(kind).some((b) => under(v, b));
  }

  /** Why `raw` may not be the corp's `field` (null: it may). */
  problem(field: keyof typeof BASE_FIELDS, raw: string): string | null {
    if (this.allowsBase(BASE_FIELDS[field], raw)) return null;
    if (!normaliseBase(raw)) return 'must be an http(s) address without credentials, query or fragment';
    const own = WECOM_OWN_BASES[BASE_FIELDS[field]].join(' or ');
    return `must be WeCom's own address (${own}), the simulator's in demo mode, or an address the server's operator allowed in WECOM_ALLOWED_ORIGINS`;
  }
}

/**
 * The process's policy: WeCom's own addresses, WECOM_ALLOWED_ORIGINS and WECOM_API_BASE, and in demo mode the
 * simulator under this Pond's public and callback URLs (`/sim`; bootstrap adds the one it set the demo corp up on).
 */
export function wecomOriginsFor(config: Pick<Config, 'demo' | 'publicUrl' | 'callbackBaseUrl' | 'wecom' | 'wecomAllowedOrigins'>): WecomOrigins {
  return new WecomOrigins({
    extra: [...config.wecomAllowedOrigins, ...(config.wecom ? [config.wecom.apiBase] : [])],
    simulator: config.demo ? () => [`${config.publicUrl}/sim`, `${config.callbackBaseUrl}/sim`] : undefined,
  });
}
