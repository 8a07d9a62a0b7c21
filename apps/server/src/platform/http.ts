// Fastify plumbing: zod validation with field-naming errors, AppError → status, OpenAPI, the
// authentication hook and the audit hook that records every successful write under /api (platform/audit.ts).
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyRequest } from 'fastify';
import type { App } from './app-type';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  serializerCompiler, validatorCompiler, jsonSchemaTransform, jsonSchemaTransformObject, hasZodFastifySchemaValidationErrors,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type pg from 'pg';
import { AppError, asAppError } from './errors';
import { findUnstorable } from './schemas';
import { continueAsRequest } from './request-context';
import type { AuthService } from './auth';
import { installAccess } from './access';
import { auditActionOf, targetTypeOf, type AuditedRoute } from './audit';
import type { Logger } from './log';
import { securityHeaders } from './security-headers';
import type { TrustProxy } from '../config';

export type { App };

const REDACT = /password|secret|token|aes/i;
/** Long strings (an uploaded CSV) are cut: the log says what was done, it is not a copy of the data. */
const DETAIL_MAX_CHARS = 500;
function redact(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.length > DETAIL_MAX_CHARS ? `${v.slice(0, DETAIL_MAX_CHARS)}… (${v.length} characters)` : v;
  if (depth > 4 || v == null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redact(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, REDACT.test(k) ? '***' : redact(x, depth + 1)]));
}

/**
 * Fastify's own hop count trusts nothing (it cannot check the peer); a count here means what it says:
 * the nearest N addresses are proxies, whoever connects.
 */
function trustProxyOption(tp: TrustProxy): boolean | string | ((addr: string, hop: number) => boolean) {
  if (typeof tp === 'number') return (_addr, hop) => hop < tp;
  if (Array.isArray(tp)) return tp.join(',');
  return tp;
}

export async function createHttp(opts: { log: Logger; auth: AuthService; pool: pg.Pool; publicUrl: string; trustProxy?: TrustProxy }): Promise<App> {
  // Per-request access logs stay off (callback bursts); warnings and errors still log. Typed as Fastify's base
  // logger so the instance is the App type every module registers on.
  const logger: FastifyBaseLogger = opts.log.child({ mod: 'http' }, { level: opts.log.level === 'silent' ? 'silent' : 'warn' });
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: trustProxyOption(opts.trustProxy ?? false),
    bodyLimit: 10 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(cookie);
  securityHeaders(app, { https: opts.publicUrl.startsWith('https://') });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issue = err.validation[0];
      const path = issue?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || (issue?.params as { issue?: { path?: (string | number)[] } } | undefined)?.issue?.path?.join('.') || '';
      const where = err.validationContext ?? 'body';
      const field = path || where;
      const msg = issue?.message ?? 'invalid';
      return reply.status(400).send({ error: { code: 'validation_failed', message: `${field}: ${msg}`, field, details: err.validation.map((v) => ({ path: v.instancePath, message: v.message })) } });
    }
    const app = asAppError(err);
    if (app) {
      if (app.status >= 500) req.log.error({ err: app, cause: app.extra.cause }, app.message);
      const message = app.status >= 500 && app.code !== 'wecom_error' && app.code !== 'unavailable' ? 'internal error' : app.message;
      return reply.status(app.status).send({ error: { code: app.code, message, field: app.extra.field, details: app.status < 500 ? app.extra.details : undefined, ...app.extra.wecom } });
    }
    const fe = err as FastifyError;
    if (fe.statusCode && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ error: { code: 'bad_request', message: fe.message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
  });

  // WeCom calls made for a request get the short time budget (CorpService).
  app.addHook('onRequest', (_req, _reply, done) => continueAsRequest(done));

  // Strings Postgres cannot store (NUL, lone surrogates) and absurdly deep JSON, in any route's path, query or
  // body: a 400 naming the field before a handler reads them (the body's after authentication, like the body itself).
  app.addHook('onRequest', async (req) => {
    for (const [where, value] of [['params', req.params], ['querystring', req.query]] as const) {
      const bad = findUnstorable(value);
      if (bad) throw AppError.validation(bad.path || where, bad.rule);
    }
  });
  app.addHook('preValidation', async (req) => {
    const bad = findUnstorable(req.body);
    if (bad) throw AppError.validation(bad.path || 'body', bad.rule);
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Pond API', description: 'Pond (鱼塘) SCRM for WeCom. Bearer token or console session.', version: '0.1.0' },
      servers: [{ url: opts.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // From here on every route must declare who may call it (platform/access.ts).
  installAccess(app, { auth: opts.auth, pool: opts.pool, publicOrigin: () => opts.publicUrl });

  // Writes are audited (not reads, not previews: see platform/audit.ts), each under its action's name.
  const audited = new Map<string, AuditedRoute>();
  app.decorate('auditedRoutes', () => [...audited.values()]);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const action = auditActionOf(method, route.url, route.config);
      if (action) audited.set(`${method} ${route.url}`, { method, url: route.url, action });
    }
  });
  const auditAction = (req: FastifyRequest): string | null => {
    const entry = audited.get(`${req.method} ${req.routeOptions.url ?? ''}`);
    const audit = req.routeOptions.config.audit;
    return entry && !(audit && audit.skip?.(req)) ? entry.action : null;
  };
  // A create has no id in its URL: the entry's target is the id it answered with.
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 && typeof payload === 'string' && Object.keys((req.params ?? {})).length === 0 && auditAction(req)) {
      try {
        const id = (JSON.parse(payload) as { id?: unknown })?.id;
        if (typeof id === 'string' || typeof id === 'number') (req as FastifyRequest & { auditTargetId?: string }).auditTargetId = String(id);
      } catch { /* not JSON */ }
    }
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 400) return;
    const action = auditAction(req);
    if (!action) return;
    const p = req.principal;
    const route = req.routeOptions.url!;
    const params = (req.params ?? {}) as Record<string, string>;
    const targetId = Object.values(params)[0] ?? (req as FastifyRequest & { auditTargetId?: string }).auditTargetId ?? null;
    const targetType = targetId === null ? null : targetTypeOf(route, action);
    await opts.pool.query(
      `INSERT INTO audit_log (corp_id, actor_type, actor_id, actor_name, action, route, target_type, target_id, detail, ip)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [p?.corpId ?? null, p?.kind ?? 'anonymous', p?.id ?? null, p?.name ?? null, action, `${req.method} ${route}`,
       targetType, targetId, JSON.stringify(redact(req.body ?? null)), req.ip],
    ).catch((err) => req.log.error({ err }, 'audit write failed'));
  });
  return app;
}
