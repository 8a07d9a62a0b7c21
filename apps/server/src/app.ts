// The one composition root: wires config, Postgres, the queue, the WeCom clients, the simulator (demo
// mode and tests) and every module. main.ts and every test build Pond through buildApp.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import fastifyStatic from '@fastify/static';
import type { Simulator } from '@pond/wecom-sim';
import { sidebarRoutes } from './modules/sidebar';
import type { Config } from './config';
import { createLogger, type Logger } from './platform/log';
import { createPool, migrateDb } from './platform/db';
import { Queue } from './platform/queue';
import { AuthService } from './platform/auth';
import { publicRoute } from './platform/access';
import { createHttp, type App } from './platform/http';
import { CorpService, encryptCorpSecrets, orgRoutes, wecomOriginsFor } from './modules/org';
import { loadSecretBox, type SecretBox } from './platform/secrets';
import { InboxProcessor, type InboxOptions } from './platform/inbox';
import { callbackRoutes } from './modules/callbacks';
import { contactEventHandlers, type ContactEventHooks, CustomerEdits, customerRoutes, CustomerService } from './modules/customers';
import { groupEventHandlers, groupRoutes } from './modules/groups';
import { AutoTagRules, autoTagRuleRoutes, bulkTagRoutes, BulkTagService, tagEventHandlers, tagRoutes, TagService } from './modules/tags';
import { handoverRoutes, HandoverService } from './modules/handover';
import { scriptRoutes, ScriptService } from './modules/scripts';
import { EventWindowService, segmentRoutes } from './modules/segments';
import { groupSegmentRoutes } from './modules/group-segments';
import { importRoutes, ImportService } from './modules/imports';
import { SyncService } from './modules/sync';
import { settingsRoutes } from './modules/settings';
import { adminRoutes, auditRoutes } from './modules/admin';
import { overviewRoutes, OverviewService } from './modules/overview';
// Measure: funnel, cohorts, commerce (issue 15)
import { analyticsRoutes, AnalyticsService } from './modules/analytics';
import { acquireHooks, GroupCodeRotation, landingRoutes, liveCodeRoutes, LiveCodeService } from './modules/live-codes';
import { groupWelcomeRoutes, welcomeRoutes, WelcomeService } from './modules/welcome';
import { mediaRoutes, MediaService } from './modules/media';
import { commerceRoutes, matchWaitingOrders, OrderHooks, OrderService } from './modules/commerce';
import { governanceRoutes, GovernanceService } from './modules/governance';
import { taskRoutes, TaskService } from './modules/tasks';
import { staffStatsRoutes, StaffStatsService } from './modules/staff-stats';
import { broadcastRoutes, BroadcastService } from './modules/broadcasts';
import { momentRoutes, MomentService } from './modules/moments';
import { campaignRoutes, CampaignService, CustomerSessions } from './modules/campaigns';
import { CouponPools, couponRedemption, RewardService, RewardSettingsService, rewardRoutes, webhookAdapter, wechatPayAdapter } from './modules/rewards';
import { OfferConsole, offerRoutes, OfferService } from './modules/offers';
import { redpacketRoutes, RedpacketService } from './modules/redpackets';
import { existingProviders, planRoutes, PlanService, ResultRegistry } from './modules/plans';
import { LotteryService, lotteryOrderListener, lotteryRoutes } from './modules/lottery';
import { checkinRoutes, CheckinService } from './modules/checkin';
import { referralRoutes, ReferralService } from './modules/referrals';
import { H5Bundle } from './modules/sidebar';
import { FaqService, faqListener, faqRoutes } from './modules/faq';
import { ModerationService, moderationListener, moderationRoutes } from './modules/moderation';
import { playbookRoutes, Playbooks } from './modules/playbooks';
import { posterRoutes, PosterService } from './modules/posters';
import { designerPosterRenderer, inviteRoutes, InviteService } from './modules/invites';
import { fissionRoutes, FissionService } from './modules/fission';
import { ArchiveIngest, archiveRoutes, ArchiveService, ArchiveSettingsService, type ArchiveListener } from './modules/archive';

const CONSOLE_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../console/dist');

export interface BuildOptions {
  config: Config;
  databaseUrl: string;
  /** Serve HTTP (API, callbacks, console); run background work (inbox, jobs). Both for `pond start`. */
  roles: { api: boolean; worker: boolean };
  log?: Logger;
  /** Mount the WeCom simulator at /sim (demo mode and tests). */
  simulator?: boolean;
  simulatorOptions?: Record<string, unknown>;
  hooks?: ContactEventHooks;
  poolSize?: number;
  /** The keys for secrets at rest; default from the config (POND_SECRET_KEY, or the demo's key file). */
  secrets?: SecretBox;
  inboxOptions?: InboxOptions;
}

export interface PondApp {
  config: Config;
  log: Logger;
  http: App;
  pool: pg.Pool;
  queue: Queue;
  auth: AuthService;
  corps: CorpService;
  sync: SyncService;
  inbox: InboxProcessor;
  codes: LiveCodeService;
  welcome: WelcomeService;
  media: MediaService;
  bulk: BulkTagService;
  handover: HandoverService;
  eventWindows: EventWindowService;
  governance: GovernanceService;
  tasks: TaskService;
  broadcasts: BroadcastService;
  moments: MomentService;
  playbooks: Playbooks;
  rewards: RewardService;
  rewardSettings: RewardSettingsService;
  orderHooks: OrderHooks;
  campaigns: CampaignService;
  sessions: CustomerSessions;
  checkin: CheckinService;
  analytics: AnalyticsService;
  offers: OfferService;
  redpackets: RedpacketService;
  lottery: LotteryService;
  referrals: ReferralService;
  staffStats: StaffStatsService;
  /** Poster templates, personal posters (cached), the checker, staff cards. */
  posters: PosterService;
  invites: InviteService;
  /** The chat archive (会话内容存档): `archive.register(listener)` adds a module acting on new messages (FAQ, moderation). */
  archive: { ingest: ArchiveIngest; settings: ArchiveSettingsService; register(listener: ArchiveListener): void };
  /** Group operations (issue 16): FAQ answers and moderation, archive listeners (faqListener / moderationListener). */
  faq: FaqService;
  moderation: ModerationService;
  results: ResultRegistry;
  plans: PlanService;
  /** The three fission models as paths (issue 14): wizard, funnel, the service path's landing page and form. */
  fission: FissionService;
  sim?: Simulator;
  /** Starts listening/working according to roles. Returns the bound address when serving HTTP. */
  start(): Promise<string | null>;
  close(): Promise<void>;
}

export async function buildApp(opts: BuildOptions): Promise<PondApp> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const secrets = opts.secrets ?? loadSecretBox(config);
  const pool = createPool(opts.databaseUrl, opts.poolSize ?? config.databasePoolSize);
  await migrateDb(pool);
  await encryptCorpSecrets(pool, secrets);

  const queue = new Queue(opts.databaseUrl, log);
  const auth = new AuthService(pool);
  const corps = new CorpService(pool, log, secrets, { timeoutMs: config.wecomTimeoutMs, jobTimeoutMs: config.wecomJobTimeoutMs, origins: wecomOriginsFor(config) });
  await corps.listen();
  const sync = new SyncService(pool, corps, queue, log);

  const codes = new LiveCodeService(pool, corps, log);
  await codes.cache.listen();
  const rotation = new GroupCodeRotation(pool, corps, codes, log);
  const welcome = new WelcomeService(pool, corps, log);
  const media = new MediaService(pool, corps, log);
  const bulk = new BulkTagService(pool, corps, queue, log);
  const rules = new AutoTagRules(pool, corps, bulk, log);
  const handover = new HandoverService(pool, corps, queue, log);
  const eventWindows = new EventWindowService(pool, log);
  const governance = new GovernanceService(pool);
  const tasks = new TaskService(pool, corps, governance, log, () => config.publicUrl);
  const broadcasts = new BroadcastService(pool, corps, governance, tasks, queue, log);
  queue.register([sync.job, sync.nightlyJob, media.refreshJob, bulk.job, handover.runJob, handover.pollJob, eventWindows.rollJob, tasks.tickJob,
    broadcasts.runJob, broadcasts.tickJob]);
  // Moments (客户朋友圈): issued once (moments.issue), then a minutely clock reads results, reminds and finishes.
  const moments = new MomentService(pool, corps, queue, media, governance, tasks, rules, log, () => config.publicUrl);
  queue.register([moments.issueJob, moments.tickJob]);
  // Playbooks (SOP): triggers, the due-step scheduler and mass-send read-back (modules/playbooks/engine.ts).
  const playbooks = new Playbooks({ pool, governance, tasks, log, corps });
  queue.register([playbooks.tickJob, playbooks.periodicJob]);
  // Activate (issue 13): the reward ledger issues what calls out (shop webhook, WeChat Pay) by a job, exactly once.
  const rewards = new RewardService(pool, log);
  const rewardSettings = new RewardSettingsService(pool, secrets);
  rewards.register('webhook', webhookAdapter({ pool, settings: rewardSettings }))
    .register('wechatpay', wechatPayAdapter({ pool, settings: rewardSettings, simOpenid: async (appid, unionid) => (sim ? sim.control.payOpenid(appid, unionid) : null) }));
  queue.register([rewards.issueJob]);
  const campaigns = new CampaignService(pool, () => config.publicUrl);
  // What campaigns do when an order reaches its customer or is refunded (modules register listeners).
  const orderHooks = new OrderHooks(pool);
  orderHooks.register(couponRedemption());
  // Offers (coupons, group-buy, bargain): a minutely job expires group-buys and bargains past their time.
  const offers = new OfferService({ pool, campaigns, rewards, publicUrl: () => config.publicUrl, log });
  const redpackets = new RedpacketService({ pool, campaigns, rewards, log });
  queue.register([offers.expireJob]);
  const lottery = new LotteryService({ pool, campaigns, rewards });
  orderHooks.register(lotteryOrderListener(lottery));
  // Check-in (签到 / 打卡挑战): a paid challenge enrols from its fee order; a refund ends it without cash-back.
  const checkin = new CheckinService({ pool, campaigns, rewards, log });
  orderHooks.register({ paid: (db, order) => checkin.onOrderPaid(db, order), refunded: (db, order) => checkin.onOrderRefunded(db, order) });
  queue.register([checkin.settleJob]);
  // Referral commission (分销): commission per attributed order; refunds reduce or cancel it; payable after the refund window.
  const referrals = new ReferralService({ pool, campaigns, rewards, publicUrl: () => config.publicUrl, log });
  orderHooks.register({ paid: (db, order) => referrals.onOrderPaid(db, order), refunded: (db, order) => referrals.onOrderRefunded(db, order) });
  queue.register([referrals.matureJob]);
  // Measure (issue 15): staff daily stats and group health, computed per corp day after the corp's nightly time; weekly digest.
  const staffStats = new StaffStatsService({ pool, corps, tasks, queue, log, publicUrl: () => config.publicUrl });
  queue.register([staffStats.tickJob]);
  // Spread (issue 14): invite tasks and group fission; a minutely job makes held credits final and notifies staff of tiers.
  const invites = new InviteService({ pool, campaigns, rewards, codes, governance, tasks, log, publicUrl: () => config.publicUrl });
  queue.register([invites.tickJob]);
  // The three fission models as paths over the invite and check-in campaigns, with the service path's landing page and form.
  const fission = new FissionService({ pool, campaigns, invites, checkin, publicUrl: () => config.publicUrl });
  // Chat archive (issue 16): pulled from the Finance SDK sidecar (the simulator in demo) exactly once per message; modules
  // that act on messages register listeners here (archive.register), called inside each batch's transaction.
  const archiveSettings = new ArchiveSettingsService(pool, secrets);
  const archiveIngest = new ArchiveIngest(pool, archiveSettings, corps, queue, log);
  queue.register([archiveIngest.pullJob, archiveIngest.tickJob, archiveIngest.purgeJob, archiveIngest.media.job]);
  const archive = { ingest: archiveIngest, settings: archiveSettings, register: (l: ArchiveListener) => { archiveIngest.register(l); } };
  // Group operations (issue 16): keyword answers (FAQ) and moderation act on archived messages as archive listeners;
  // their follow-ups (suggested replies, alerts, keyword-rule hits) are inbox events; group codes refuse blocked customers.
  const faq = new FaqService(pool, tasks, governance, log);
  const moderation = new ModerationService(pool, corps, tasks, playbooks.service, log);
  codes.setGroupGate((corpId, unionid) => moderation.isBlocked(corpId, unionid));
  queue.register([faq.tickJob, moderation.pruneJob]);
  // Both act on each new archived message once, inside the batch that stores it.
  archive.register(faqListener(faq));
  archive.register(moderationListener(moderation));
  const acquire = acquireHooks({ pool, corps, codes, welcome, log });
  // Link mode codes' events (quota, links WeCom stopped or deleted) tell the corp's admins through the app-message outbox.
  codes.links.setOutbox(tasks, () => config.publicUrl);
  // WeCom sends no "recharged" event: a clock re-reads the quota of corps whose quota is low or used up.
  queue.register([codes.links.quotaJob]);
  const hooks: ContactEventHooks = opts.hooks ?? {
    ...acquire,
    afterAdded: async (ctx, info) => {
      const after = await acquire.afterAdded?.(ctx, info);
      // Through an acquisition link the add's State named its visit (ADR 0037): an invite friend is credited now, with no read.
      // Best effort per add: a failure here must not fail (and replay) the whole batch of adds. The ordinary enrich
      // credits the friend later through the attribution's visit, and the credit's unique key keeps it one.
      if (after?.channelVisit && !info.half && !after.reAdd && typeof after.codeId === 'number' && typeof after.visitId === 'number') {
        await invites.credits.onAddThroughVisit(ctx.corpId, String(ctx.ev.ExternalUserID), String(ctx.ev.UserID), after.codeId, after.visitId, ctx.at)
          .catch((err: unknown) => log.warn({ err, corpId: ctx.corpId, inboxId: ctx.inboxId, codeVisitId: after.visitId }, 'invite credit in the add step failed: the enrich credits it'));
      }
      return after;
    },
    // An invite campaign's friend is credited by the unionid the read brings: read them at once (ADR 0036) — unless the
    // add named its visit (an acquisition link's channel) and was credited above.
    readEarly: (corpId, adds) => invites.credits.readsEarly(corpId, adds.map((a) => (a.after?.channelVisit ? null : a.after?.codeId as number | null | undefined))),
    onEnriched: async (ctx, info) => {
      await acquire.onEnriched?.(ctx, info);
      await rules.onEnrichedAdd(ctx.corpId, String(ctx.ev.ExternalUserID), String(ctx.ev.UserID), info.sourceInboxId, ctx.at);
      // The add's unionid is known now: a friend who came through a participant's link is credited to them.
      await invites.credits.onAddEnriched(ctx.corpId, String(ctx.ev.ExternalUserID), String(ctx.ev.UserID), info.sourceInboxId);
    },
    onDeleted: async (ctx, by) => {
      await acquire.onDeleted?.(ctx, by);
      await invites.credits.onDeleted(ctx.corpId, String(ctx.ev.ExternalUserID), String(ctx.ev.UserID), ctx.at);
    },
  };
  // Every inbox event's handler, by name (platform/inbox/events.ts); ARCHITECTURE.md "Events" says what each writes and triggers.
  const inbox = new InboxProcessor(pool, log, opts.inboxOptions)
    .register(contactEventHandlers({ pool, corps, hooks, log, afterDetailsStored: async (corpId, ids) => {
      await matchWaitingOrders(pool, corpId, ids);
      // A visitor who opened a referral link before adding is attributed now that their unionid is known.
      await referrals.resolveCustomers(corpId, ids);
    } }))
    .register(groupEventHandlers({
      pool, corps,
      onGroupChanged: (corpId, chatId, created) => rotation.onGroupChanged(corpId, chatId, created),
      onCustomerJoined: async (corpId, ext, chatId, at) => {
        await rules.onJoinedGroup(corpId, ext, chatId, at);
        await invites.credits.onGroupJoined(corpId, ext, chatId, at);
      },
      onCustomerLeft: (corpId, ext, chatId, at) => invites.credits.onGroupLeft(corpId, ext, chatId, at),
    }))
    .register(tagEventHandlers({ pool, corps }))
    // An order was matched to a customer (commerce queues it in the statement that matched it): order auto-tag rules.
    .register({
      'pond_order/matched': async (ctx) => {
        await rules.onOrder(ctx.corpId, ctx.ev.ExternalUserID, ctx.at);
        // Campaigns: paid entries, check-in fees, redeemed coupons (idempotent listeners; the event is retried until done).
        if (ctx.ev.OrderId) await orderHooks.onMatched(ctx.corpId, ctx.ev.OrderId);
      },
      'pond_order/refunded': (ctx) => orderHooks.onRefunded(ctx.corpId, ctx.ev.OrderId, ctx.ev.RefundId),
    })
    // Chat archive: msgaudit_notify wakes the corp's pull; msg_audit_approved refreshes the customer's consent.
    .register(archiveIngest.handlers())
    .register(faq.handlers())
    .register(moderation.handlers())
    // 获客助手: quota running low or out, links WeCom made unusable or deleted (ADR 0037).
    .register(codes.links.handlers());

  const http = await createHttp({ log, auth, pool, publicUrl: config.publicUrl, trustProxy: config.trustProxy });
  let sim: Simulator | undefined;
  // The simulator stands in for WeCom, another system: its own connections, so neither starves the other.
  // Its durability is not Pond's: no WAL flush wait on the simulator's commits (Pond's own stay synchronous).
  const simPool = opts.simulator ? createPool(opts.databaseUrl, 10, { asyncCommit: true }) : undefined;
  if (opts.simulator) {
    const { createSimulator } = await import('@pond/wecom-sim');
    sim = await createSimulator({ pool: simPool!, logger: log, ...(opts.simulatorOptions ?? {}) });
    await http.register(sim.plugin, { prefix: '/sim' });
  }

  const customers = new CustomerService(pool);
  const tags = new TagService(pool, corps);
  await callbackRoutes(http, { pool, corps, onInserted: opts.roles.worker ? () => inbox.poke() : undefined });
  await adminRoutes(http, { pool, auth, corps, sync, secureCookies: config.publicUrl.startsWith('https://'), publicUrl: () => config.publicUrl });
  await auditRoutes(http, { pool });
  await orgRoutes(http, { pool });
  customerRoutes(http, { customers, edits: new CustomerEdits(pool, corps) });
  groupRoutes(http, { pool });
  tagRoutes(http, { tags });
  bulkTagRoutes(http, { bulk });
  autoTagRuleRoutes(http, { rules });
  handoverRoutes(http, { handover });
  await scriptRoutes(http, { scripts: new ScriptService(pool) });
  segmentRoutes(http, { pool });
  groupSegmentRoutes(http, { pool });
  await importRoutes(http, { imports: new ImportService(pool, corps) });
  overviewRoutes(http, { overview: new OverviewService(pool) });
  // Measure: funnel, cohorts, commerce (ADR 0023); the rollups are kept by analytics.rollupJob.
  const analytics = new AnalyticsService(pool, log, queue);
  queue.register([analytics.rollupJob]);
  analyticsRoutes(http, { analytics });
  // Measure: campaign results (one provider per kind; a later kind registers its own) and activity plans (ADR 0030).
  const results = new ResultRegistry(pool, existingProviders(analytics));
  const plans = new PlanService(pool, { results, analytics });
  planRoutes(http, { results, plans });
  await settingsRoutes(http, {
    pool, corps, sync, publicUrl: () => config.publicUrl,
    // The demo's phone and WeCom client show the corp's times in its zone, as Pond does.
    onTimezoneChanged: sim ? async (corpId, timezone) => { if (await sim.control.getCorp(corpId)) await sim.control.upsertCorp({ corpId, timezone }); } : undefined,
  });
  liveCodeRoutes(http, { codes, publicUrl: () => config.publicUrl });
  // Posters: templates, the checker, staff cards, and the live code's poster URLs (drawn from a template).
  const posters = new PosterService({ pool, codes, media, corps, publicUrl: () => config.publicUrl, log });
  // Invite posters are drawn by the poster designer: the campaign's template, or the built-in 9:16 design.
  invites.renderer = designerPosterRenderer(posters);
  posterRoutes(http, { posters, codes });
  governanceRoutes(http, { governance });
  taskRoutes(http, { tasks });
  broadcastRoutes(http, { broadcasts });
  momentRoutes(http, { moments });
  playbookRoutes(http, { playbooks: playbooks.service });
  faqRoutes(http, { faq });
  moderationRoutes(http, { moderation });
  await welcomeRoutes(http, { welcome });
  await groupWelcomeRoutes(http, { pool, corps });
  await mediaRoutes(http, { media });
  commerceRoutes(http, {
    orders: new OrderService(pool, corps), publicUrl: () => config.publicUrl,
    // The demo's shop is the simulator: point it at the new URL, or paying on the phone would stop showing up.
    onWebhookTokenChanged: sim ? async (corpId, token) => {
      const simCorp = await sim.control.getCorp(corpId);
      const prefix = `/webhooks/orders/${encodeURIComponent(corpId)}/`;
      const url = simCorp?.orderWebhookUrl;
      if (url?.includes(prefix)) await sim.control.upsertCorp({ corpId, orderWebhookUrl: url.slice(0, url.indexOf(prefix) + prefix.length) + token });
    } : undefined,
  });
  const bundle = new H5Bundle();
  await sidebarRoutes(http, { pool, auth, corps, customers, publicUrl: () => config.publicUrl, secureCookies: config.publicUrl.startsWith('https://'), log, bundle });
  const sessions = new CustomerSessions({ pool, corps, sim, publicUrl: () => config.publicUrl, secureCookies: config.publicUrl.startsWith('https://'), log });
  campaignRoutes(http, { pool, campaigns, sessions, bundle, publicUrl: () => config.publicUrl });
  await rewardRoutes(http, { pool, rewards, settings: rewardSettings, pools: new CouponPools(pool), sessions, publicUrl: () => config.publicUrl });
  offerRoutes(http, { offers, console: new OfferConsole(pool, campaigns), sessions });
  redpacketRoutes(http, { redpackets, sessions });
  lotteryRoutes(http, { lottery, sessions });
  checkinRoutes(http, { checkin, sessions });
  referralRoutes(http, { referrals, sessions });
  staffStatsRoutes(http, { stats: staffStats });
  archiveRoutes(http, { archive: new ArchiveService(pool), settings: archiveSettings, ingest: archiveIngest });
  landingRoutes(http, { codes, corps, sim, secureCookies: config.publicUrl.startsWith('https://'), publicUrl: () => config.publicUrl, log });
  inviteRoutes(http, { invites, sessions, corps, sim, secureCookies: config.publicUrl.startsWith('https://'), publicUrl: () => config.publicUrl, log });
  fissionRoutes(http, { fission, sessions, bundle });
  http.get('/healthz', { config: publicRoute('load balancers and process managers probe it; says only ok'), schema: { hide: true } }, async () => {
    await pool.query('SELECT 1');
    return { ok: true };
  });

  if (existsSync(CONSOLE_DIST)) {
    // wildcard: files are looked up per request, so a console rebuilt while Pond runs is served as built.
    await http.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/', wildcard: true });
    http.setNotFoundHandler((req, reply) => {
      const url = req.url;
      const path = url.split('?')[0];
      // Client-side routes get the SPA; a missing asset (a file name with an extension) stays a 404.
      if (req.method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/sim/') && !url.startsWith('/wecom/') && !/\.[a-z0-9]+$/i.test(path)) {
        return reply.type('text/html').sendFile('index.html');
      }
      return reply.status(404).send({ error: { code: 'not_found', message: `${req.method} ${url.split('?')[0]} not found` } });
    });
  } else {
    http.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'not_found', message: `${req.method} ${req.url.split('?')[0]} not found` } }));
  }

  // API processes enqueue jobs; only workers consume them.
  await queue.start();

  let closed = false;
  return {
    config, log, http, pool, queue, auth, corps, sync, inbox, sim, codes, welcome, media, bulk, handover, eventWindows, governance, tasks, broadcasts,
    moments, playbooks, rewards, rewardSettings, orderHooks, campaigns, sessions, offers, redpackets, lottery, checkin, referrals, analytics, staffStats,
    posters, invites, archive, faq, moderation, results, plans, fission,
    async start() {
      if (opts.roles.worker) {
        await queue.work(1);
        // Every module's clock (each says when it runs: defineClock), and the segment windows rolled once at start.
        await queue.scheduleClocks();
        await queue.send(eventWindows.rollJob, {}, { singletonKey: 'start' });
        await inbox.start();
      }
      if (opts.roles.api) return http.listen({ port: config.port, host: config.host });
      return null;
    },
    async close() {
      if (closed) return;
      closed = true;
      await inbox.stop();
      await http.close();
      await codes.flushCounters();
      await sim?.close();
      await queue.stop();
      await archiveIngest.close();
      await corps.close();
      await codes.cache.close();
      await pool.end();
      await simPool?.end();
    },
  };
}
