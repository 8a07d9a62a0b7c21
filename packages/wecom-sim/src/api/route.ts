// The gate in front of every /cgi-bin call: access token, trusted IP, API permission and rate
// limit (corps.ts `authorize`), then the handler; every answer is HTTP 200 with errcode/errmsg,
// as WeCom does. Handlers return the business fields; errcode 0 + errmsg 'ok' are added here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import { authorize, normalizeIp, type CorpAuth } from '../corps';
import { decorateErrmsg, E, SimError } from '../errors';
import { isRecord, type Body } from '../validate';

export interface ApiCall {
  auth: CorpAuth;
  /** The JSON body of a POST ({} for GET and for routes that take the raw body). */
  body: Body;
  /** The body as Fastify parsed it: the raw Buffer for routes with their own bodyLimit (media uploads). */
  raw: unknown;
  query: Record<string, string | undefined>;
  /** Absolute URL of the simulator root (for qr_code and media URLs). */
  base: string;
  req: FastifyRequest;
}

/** A non-JSON answer (media/get returns the file itself). */
export class RawReply {
  constructor(
    readonly contentType: string,
    readonly body: Buffer,
    readonly headers: Record<string, string> = {},
  ) {}
}

export type ApiHandler = (call: ApiCall) => Promise<object | void>;

export interface ApiRouter {
  get(api: string, handler: ApiHandler): void;
  post(api: string, handler: ApiHandler, opts?: { bodyLimit?: number }): void;
  /** A route without an access token (gettoken). */
  open(method: 'GET' | 'POST', api: string, handler: (req: FastifyRequest) => Promise<object>): void;
}

export function baseUrl(ctx: SimContext, req: FastifyRequest, rootPrefix: string): string {
  return ctx.publicUrl ?? `${req.protocol}://${req.host}${rootPrefix}`;
}

export function errorJson(ctx: SimContext, err: unknown, req: FastifyRequest) {
  if (err instanceof SimError) return { errcode: err.errcode, errmsg: decorateErrmsg(err, normalizeIp(req.ip), ctx.clock.nowSec()) };
  ctx.log.error({ err, url: req.url }, 'wecom-sim: API handler failed');
  const sys = E.system();
  return { errcode: sys.errcode, errmsg: decorateErrmsg(sys, normalizeIp(req.ip), ctx.clock.nowSec()) };
}

/** A call's arguments for the call log: the query (no token) and the JSON body as sent. */
function argsOf(query: Record<string, string | undefined>, body: unknown): string {
  const raw = Buffer.isBuffer(body) ? body.toString('utf8', 0, 2000) : typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const q = Object.keys(query).length ? JSON.stringify(query) : '';
  return [q, raw].filter(Boolean).join(' ');
}

function readBody(raw: unknown): Body {
  if (raw === undefined || raw === null) return {};
  if (Buffer.isBuffer(raw)) raw = raw.toString('utf8');
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      throw E.dataFormat();
    }
  }
  if (!isRecord(raw) || Array.isArray(raw)) throw E.dataFormat();
  return raw;
}

export function createApiRouter(app: FastifyInstance, ctx: SimContext, rootPrefix: string): ApiRouter {
  const wrap = (api: string, handler: ApiHandler, parse: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    let logged: ((errcode: number) => void) | null = null;
    try {
      const query = req.query as Record<string, string | undefined>;
      const auth = await authorize(ctx, query.access_token, api, req.ip);
      const { access_token: _token, ...args } = query;
      const at = ctx.clock.now();
      logged = (errcode) => ctx.calls?.record({ at, corpId: auth.corpId, api, args: argsOf(args, parse ? req.body : undefined), errcode });
      const body = parse ? readBody(req.body) : {};
      const out = await handler({ auth, body, raw: req.body, query, base: baseUrl(ctx, req, rootPrefix), req });
      logged(0);
      if (out instanceof RawReply) return reply.type(out.contentType).headers(out.headers).send(out.body);
      return reply.send({ errcode: 0, errmsg: 'ok', ...(out ?? {}) });
    } catch (err) {
      const answer = errorJson(ctx, err, req);
      logged?.(answer.errcode);
      return reply.send(answer);
    }
  };
  return {
    get(api, handler) {
      app.get(`/${api}`, wrap(api, handler, false));
    },
    post(api, handler, opts) {
      const raw = opts?.bodyLimit !== undefined;
      app.post(`/${api}`, { bodyLimit: opts?.bodyLimit }, wrap(api, handler, !raw));
    },
    open(method, api, handler) {
      app.route({
        method,
        url: `/${api}`,
        handler: async (req, reply) => {
          try {
            return reply.send({ errcode: 0, errmsg: 'ok', ...(await handler(req)) });
          } catch (err) {
            return reply.send(errorJson(ctx, err, req));
          }
        },
      });
    },
  };
}
