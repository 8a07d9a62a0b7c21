// Deny by default: every route declares who may call it (`config: access(…)` or `publicRoute(…)`), and a
// route without a declaration fails at start. The platform then, for every request and before anything
// else reads it:
//   onRequest     — authenticates (session cookie, sidebar cookie or bearer token), checks the role, and
//                   checks Origin on cookie-authenticated writes (CSRF);
//   preValidation — checks that every resource named by a path param exists in the caller's corp and is
//                   visible to a store manager or staff member (platform/resources.ts), else 404;
//   preHandler    — checks ids the body or query refers to (`refs`) the same way, else 400 naming the field.
// Handlers read `req.principal` and `req.scope`; list routes narrow their rows with `req.scope`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './app-type';
import type pg from 'pg';
import { AppError } from './errors';
import { authenticate, scopeOf, type AuthService, type Principal, type Scope } from './auth';
import { findVisible, normaliseKey, RESOURCES, type ResourceName } from './resources';
import type { Role } from './db/schema';

export const ALL_ROLES: readonly Role[] = ['admin', 'operator', 'store_manager', 'staff'];
export const WRITE_ROLES: readonly Role[] = ['admin', 'operator'];
export const ADMIN_ONLY: readonly Role[] = ['admin'];
const SCOPED_ROLES: readonly Role[] = ['store_manager', 'staff'];

/**
 * How a route open to store managers or staff keeps them to their part of the corp:
 * - `params`: it acts only on the resources its path params name (checked by the platform);
 * - `filtered`: it lists or aggregates, narrowing its rows with `req.scope` (resources.ts conditions);
 * - `corp`: corp-wide reference data, the same for every role (tags, departments, scripts, settings);
 * - `self`: it is about the caller (their session, their corps).
 */
export type ScopeRule = 'params' | 'filtered' | 'corp' | 'self';

export interface RouteAccess {
  /** Roles allowed (admin is always allowed), or 'public' for routes that authenticate by other means or serve public pages. */
  roles: readonly Role[] | 'public';
  /** For public routes: why (reviewed in the route × role matrix). */
  why?: string;
  /** Path params naming resources: each must exist in the caller's corp and be visible to them (else 404). */
  params?: Record<string, ResourceName>;
  /**
   * Body or query fields holding ids of other resources (dot paths, `[]` for every array item, e.g.
   * `pool[].userid`): each must name a live resource of the caller's corp that they may see (else 400).
   */
  refs?: Record<string, ResourceName>;
  scope?: ScopeRule;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every route with its declaration, in registration order (the route × role matrix reads it). */
    routeAccess: { method: string; url: string; access: RouteAccess | null }[];
  }
  interface FastifyRequest {
    principal?: Principal;
    /** The caller's corp and store/staff limits; set for every non-public route before validation. */
    scope: Scope;
  }
}

/** `config` for a private route. */
export function access(roles: readonly Role[], opts: Omit<RouteAccess, 'roles' | 'why'> = {}): { access: RouteAccess } {
  return { access: { roles, ...opts, scope: opts.scope ?? (opts.params ? 'params' : undefined) } };
}

/** `config` for a public route, with the reason it needs no session. */
export function publicRoute(why: string): { access: RouteAccess } {
  return { access: { roles: 'public', why } };
}

/** Routes that are not Pond's API or pages: the simulator (demo stand-in for WeCom), API docs, static console files. */
function exempt(url: string): boolean {
  return url === '/sim' || url.startsWith('/sim/') || url === '/docs' || url.startsWith('/docs/') || url === '/*' || url === '/';
}

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

/** Reads the values at a dot path (`a.b`, `list[].id`; a list at the end gives its items) with the field path of each, for messages. */
export function valuesAt(root: unknown, path: string): { field: string; value: unknown }[] {
  let cur: { field: string; value: unknown }[] = [{ field: '', value: root }];
  for (const seg of path.split('.')) {
    const many = seg.endsWith('[]');
    const key = many ? seg.slice(0, -2) : seg;
    const next: { field: string; value: unknown }[] = [];
    for (const c of cur) {
      if (c.value == null || typeof c.value !== 'object') continue;
      const v = (c.value as Record<string, unknown>)[key];
      if (v == null) continue;
      const field = c.field ? `${c.field}.${key}` : key;
      if (many) {
        if (Array.isArray(v)) v.forEach((item, i) => next.push({ field: `${field}.${i}`, value: item }));
      } else next.push({ field, value: v });
    }
    cur = next;
  }
  // A list at the end of the path is a list of ids: each item is checked.
  return cur.flatMap((c) => (Array.isArray(c.value) ? (c.value as unknown[]).map((value, i) => ({ field: `${c.field}.${i}`, value })) : [c]));
}

export interface AccessDeps {
  auth: AuthService;
  pool: pg.Pool;
  /** Origins allowed to send cookie-authenticated writes, besides the request's own host. */
  publicOrigin: () => string;
}

/**
 * A write carrying a session cookie must come from Pond's own pages (Origin, else Referer): CSRF. With
 * `ifSent`, a request that names no origin passes (sign-in from a script or curl: no cookie rides along), but one from
 * another site's page — a browser always names it on a POST — does not (login CSRF).
 */
export function checkSameOrigin(req: FastifyRequest, publicOrigin: string, opts: { ifSent?: boolean } = {}): void {
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  const referer = typeof req.headers.referer === 'string' ? req.headers.referer : undefined;
  const from = origin && origin !== 'null' ? origin : referer;
  if (opts.ifSent && !from && origin !== 'null') return;
  let host: string | null = null;
  try { host = from ? new URL(from).host : null; } catch { host = null; }
  let publicHost: string | null = null;
  try { publicHost = new URL(publicOrigin).host; } catch { publicHost = null; }
  if (!host || (host !== req.headers.host && host !== publicHost)) {
    throw AppError.forbidden('cross-site request refused: a write with a session cookie must come from Pond\'s own pages (Origin) / 拒绝跨站请求');
  }
}

/** Installs the guards on every route registered after this call; throws for a route that declares no access. */
export function installAccess(app: App, deps: AccessDeps): void {
  // Set before the handler runs on every private route; null until then (Fastify's advice for object decorations).
  app.decorateRequest('scope', null as unknown as Scope);
  const table: FastifyInstance['routeAccess'] = [];
  app.decorate('routeAccess', table);
  const query = (sql: string, values: unknown[]) => deps.pool.query<{ k: string }>(sql, values);

  const checkOrigin = (req: FastifyRequest) => checkSameOrigin(req, deps.publicOrigin());

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const a = route.config?.access;
    for (const method of methods) table.push({ method, url: route.url, access: exempt(route.url) ? null : a ?? null });
    if (exempt(route.url)) return;
    const name = `${methods.join(',')} ${route.url}`;
    if (!a) throw new Error(`${name} declares no access: add config: access(roles, …) or publicRoute(why) — routes are private by default`);
    if (a.roles === 'public') {
      if (!a.why) throw new Error(`${name} is public without a reason (publicRoute(why))`);
      if (a.params || a.refs) throw new Error(`${name}: a public route has no caller to check params or refs against`);
      return;
    }
    const roles = a.roles;
    if (roles.some((r) => SCOPED_ROLES.includes(r)) && !a.scope) {
      throw new Error(`${name} is open to ${roles.filter((r) => SCOPED_ROLES.includes(r)).join(' and ')}: declare how it is scoped (scope: params | filtered | corp | self)`);
    }
    for (const [param, kind] of Object.entries(a.params ?? {})) {
      if (!route.url.includes(`:${param}`)) throw new Error(`${name}: params names :${param}, which the path does not have`);
      if (!RESOURCES[kind]) throw new Error(`${name}: unknown resource kind ${kind}`);
    }

    const authorize = async (req: FastifyRequest, _reply: FastifyReply) => {
      const p = await authenticate(deps.auth, req);
      if (!p) throw new AppError('unauthorized', 'sign in or send a bearer token / 请先登录');
      req.principal = p;
      if (p.role !== 'admin' && !roles.includes(p.role)) {
        throw AppError.forbidden(`requires role ${[...new Set(['admin', ...roles])].join(' or ')}; you are ${p.role}`);
      }
      // A session cookie rides along on any request the browser makes: writes must come from our own pages.
      if (isWrite(req.method) && p.kind !== 'token') checkOrigin(req);
      req.scope = scopeOf(p);
    };

    const guardParams = async (req: FastifyRequest) => {
      const params = (req.params ?? {}) as Record<string, unknown>;
      for (const [param, kindName] of Object.entries(a.params ?? {})) {
        const kind = RESOURCES[kindName];
        const raw = params[param];
        const key = normaliseKey(kind, raw);
        const found = key === null ? new Set<string>() : await findVisible(query, kindName, req.scope, [key]);
        if (key === null || !found.has(String(key))) throw AppError.notFound(`${kind.label} ${String(raw).slice(0, 80)}`);
      }
    };

    const guardRefs = async (req: FastifyRequest) => {
      for (const [path, kindName] of Object.entries(a.refs ?? {})) {
        const kind = RESOURCES[kindName];
        const found = [...valuesAt(req.body, path), ...valuesAt(req.query, path)];
        if (found.length === 0) continue;
        const keys: (string | number)[] = [];
        for (const f of found) {
          const key = normaliseKey(kind, f.value);
          if (key === null) throw AppError.validation(f.field, `no ${kind.label} ${String(f.value).slice(0, 80)} in this corp`);
          keys.push(key);
        }
        const visible = await findVisible(query, kindName, req.scope, [...new Set(keys)], { live: true });
        found.forEach((f, i) => {
          if (!visible.has(String(keys[i]))) throw AppError.validation(f.field, `no ${kind.label} ${String(f.value).slice(0, 80)} in this corp`);
        });
      }
    };

    route.onRequest = [authorize, ...toArray(route.onRequest)];
    if (a.params && Object.keys(a.params).length) route.preValidation = [guardParams, ...toArray(route.preValidation)];
    if (a.refs && Object.keys(a.refs).length) route.preHandler = [guardRefs, ...toArray(route.preHandler)];
  });
}

function toArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
