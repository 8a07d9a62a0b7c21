// createSimulator: the composition root of the WeCom simulator. It creates its tables, wires the
// services to one context and returns a Fastify plugin (mounted by the server, usually at
// /sim), the control object, and close(). State lives in Postgres, so a restarted server or a
// second process sees the same simulated corp.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { registerAuthOrgRoutes } from './api/auth-org-routes';
import { registerBroadcastRoutes } from './api/broadcast-routes';
import { registerCustomerRoutes } from './api/customer-routes';
import { registerGroupRoutes } from './api/group-routes';
import { createApiRouter, errorJson } from './api/route';
import { CallbackSender } from './callbacks';
import { ApiCallLog } from './call-log';
import { Clock, silentLogger, type SimContext, type SimLogger } from './context';
import { createControl, type SimControl } from './control';
import { registerControlRoutes } from './control-routes';
import { registerPay } from './pay';
import { ArchiveNotifier, checkSingleAgree, decryptItems, mediaData, pullChatData } from './msgaudit';
import { Db } from './db';
import { E, SimError, statusCodeOf } from './errors';
import { registerPages } from './pages/pages-plugin';
import type { SimSettingRow } from './rows';
import { ensureSchema } from './schema';
import { processDueTransfers } from './transfers';

export interface SimulatorOptions {
  pool: pg.Pool;
  /** Postgres schema for the simulator's tables (default 'wecom_sim'). */
  schema?: string;
  logger?: SimLogger;
  fetch?: typeof fetch;
  /** How long a callback may take before WeCom gives up on it (default 5000 ms). */
  callbackTimeoutMs?: number;
  /** Waits before each retry; WeCom retries up to 3 times (default [1000, 3000, 10000]). */
  callbackRetryDelaysMs?: number[];
  /** Callbacks in flight at once (default 16); events about one customer or group stay in order. */
  callbackConcurrency?: number;
  /** Clock in epoch ms (default Date.now); control.advanceTime moves on top of it. */
  now?: () => number;
  /** Absolute URL of the mounted simulator, e.g. https://demo.example.com/sim; default: from each request. */
  publicUrl?: string;
  /** When set, the HTTP control API needs `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  /** How often due customer transfers are applied (default 30 s); 0 turns the timer off. */
  transferPollMs?: number;
}

export interface Simulator {
  plugin: FastifyPluginAsync;
  control: SimControl;
  schema: string;
  close(): Promise<void>;
}

const MAX_RETRIES = 3;

export async function createSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const schema = opts.schema ?? 'wecom_sim';
  const log = opts.logger ?? silentLogger;
  const retryDelays = opts.callbackRetryDelaysMs ?? [1000, 3000, 10_000];
  if (retryDelays.length > MAX_RETRIES) throw new Error(`callbackRetryDelaysMs: WeCom retries at most ${MAX_RETRIES} times`);
  const db = new Db(opts.pool, schema);
  await ensureSchema(db);
  const clock = new Clock(opts.now ?? Date.now);
  const saved = await db.one<Pick<SimSettingRow, 'value'>>(`SELECT value FROM {s}.settings WHERE key = 'clock_offset_ms'`);
  clock.offsetMs = Number(saved?.value ?? 0);
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const callbacks = new CallbackSender(db, clock, log, fetchImpl, {
    timeoutMs: opts.callbackTimeoutMs ?? 5000,
    retryDelaysMs: retryDelays,
    concurrency: opts.callbackConcurrency ?? 16,
  });
  const ctx: SimContext = { db, clock, callbacks, log, fetch: fetchImpl, publicUrl: opts.publicUrl?.replace(/\/+$/, ''), calls: new ApiCallLog() };
  const notifier = new ArchiveNotifier(ctx);
  ctx.onArchived = (corpId) => notifier.notify(corpId);
  const control = createControl(ctx);

  const pollMs = opts.transferPollMs ?? 30_000;
  const timer =
    pollMs > 0
      ? setInterval(() => {
          processDueTransfers(ctx).catch((err: unknown) => log.error({ err }, 'wecom-sim: processing due transfers failed'));
        }, pollMs)
      : null;
  timer?.unref();

  const plugin: FastifyPluginAsync = async (app: FastifyInstance) => {
    const rootPrefix = app.prefix;
    const base = (req: FastifyRequest) => ctx.publicUrl ?? `${req.protocol}://${req.host}${rootPrefix}`;

    await app.register(
      async (api) => {
        for (const type of ['multipart/form-data', '*']) {
          if (!api.hasContentTypeParser(type)) api.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
        }
        // Unparseable JSON and oversized bodies still answer like WeCom: HTTP 200 with an errcode.
        api.setErrorHandler((err: unknown, req, reply) => {
          const status = statusCodeOf(err);
          if (status === 413) return reply.code(200).send(errorJson(ctx, E.mediaTooLarge(), req));
          if (status && status < 500) return reply.code(200).send(errorJson(ctx, E.dataFormat(), req));
          return reply.code(200).send(errorJson(ctx, err, req));
        });
        api.setNotFoundHandler((req, reply) =>
          reply.code(404).send({ errcode: 404, errmsg: `the WeCom simulator does not implement ${req.method} ${req.url.split('?')[0]}` }),
        );
        const router = createApiRouter(api, ctx, rootPrefix);
        registerAuthOrgRoutes(router, ctx);
        registerCustomerRoutes(router, ctx);
        registerGroupRoutes(router, ctx);
        registerBroadcastRoutes(router, ctx);
        router.post('msgaudit/check_single_agree', async ({ auth, body }) => checkSingleAgree(ctx, auth.corpId, body));
      },
      { prefix: '/cgi-bin' },
    );
    await app.register(async (pay) => registerPay(pay, ctx), { prefix: '/pay' });
    // The Finance SDK's calls, over the local interface Pond's archive sidecar speaks (docs/adr/0028-chat-archive.md):
    // {errcode, errmsg, …} with HTTP 200, like the sidecar.
    await app.register(async (sdk) => {
      const answer = async (fn: () => Promise<object> | object) => {
        try {
          return { errcode: 0, errmsg: 'ok', ...(await fn()) };
        } catch (err) {
          if (err instanceof SimError) return { errcode: err.errcode, errmsg: err.errmsg };
          log.error({ err }, 'wecom-sim: msgaudit interface failed');
          return { errcode: 10003, errmsg: 'system fail' };
        }
      };
      const bodyOf = (b: unknown) => (b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {});
      sdk.post('/pull', async (req) => answer(() => pullChatData(ctx, bodyOf(req.body))));
      sdk.post('/decrypt', async (req) => answer(() => decryptItems(bodyOf(req.body))));
      sdk.post('/media', async (req) => answer(() => mediaData(ctx, bodyOf(req.body))));
    }, { prefix: '/msgaudit' });
    await app.register(async (c) => registerControlRoutes(c, ctx, control, opts.controlToken), { prefix: '/control' });
    await app.register(async (pages) => registerPages(pages, ctx, control, base));
  };

  return {
    plugin,
    control,
    schema,
    async close() {
      if (timer) clearInterval(timer);
      notifier.close();
      callbacks.close();
    },
  };
}
