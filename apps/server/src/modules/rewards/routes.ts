// The reward ledger's routes: the console's ledger (list, trail, retry, mark issued, void, CSV export), a customer's
// rewards card, payout settings (admins), coupon pools and their codes, and the customer H5 "my prizes" API
// (identity from the WeChat session only).
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { IdParams, Ok } from '@pond/contracts/common';
import {
  CodeImportReport, CouponCodeList, CouponCodeQuery, CouponPool, CouponPoolBody, CouponPoolList, CouponPoolParams, CouponPoolPatch, CustomerRewards,
  GenerateCodesBody, GiftAddressBody, MarkIssuedBody, MyPrizeParams, MyPrizes, MyPrizesParams, RewardDetail, RewardFilters, RewardList,
  RewardListQuery, RewardSettingsBody, RewardSettingsSaved, RewardSettings, VoidBody, WebhookSecret,
} from '@pond/contracts/rewards';
import { CustomerParams } from '@pond/contracts/customers';
import type { App } from '../../platform/http';
import { access, ADMIN_ONLY, ALL_ROLES, checkSameOrigin, publicRoute, WRITE_ROLES } from '../../platform/access';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { RewardRow } from './ledger';
import type { CouponPools } from './pools';
import { RewardLedgerRepo } from './repo';
import type { RewardService } from './service';
import type { RewardSettingsService } from './settings';

const TAGS = ['rewards'];

/** The customer, or a 403 telling a guest to add first (as CustomerSessions.requireCustomer). */
function requireCustomer<T>(c: T | null): T {
  if (!c) throw new AppError('forbidden', '请先添加企业微信成为客户 (add us on WeCom first)');
  return c;
}
const POOL_TAGS = ['coupon pools'];

export interface RewardRouteDeps {
  pool: pg.Pool;
  rewards: RewardService;
  settings: RewardSettingsService;
  pools: CouponPools;
  /** The customer H5 session (campaigns' CustomerSessions; not imported: campaigns depends on this module). */
  sessions: { forApi(req: FastifyRequest, corpId: string): Promise<{ corp: { id: string }; customer: { externalUserid: string } | null }> };
  publicUrl: () => string;
}

export async function rewardRoutes(app: App, deps: RewardRouteDeps): Promise<void> {
  const { pool, rewards, settings, pools, sessions } = deps;
  const ledger = new RewardLedgerRepo(pool);
  const actor = (req: FastifyRequest) => req.principal!.name;
  const one = async (corpId: string, id: number) => (await ledger.detail(corpId, id));

  // ---- the ledger ----

  app.get('/api/rewards', {
    config: access(ALL_ROLES, { scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'The reward ledger: every reward Pond gave, newest first (store managers and staff: their customers\')', querystring: RewardListQuery, response: { 200: RewardList } },
  }, (req) => ledger.list(req.scope, req.query));

  app.get('/api/rewards/export', {
    config: access(['operator', 'store_manager'], { scope: 'filtered' }),
    schema: {
      tags: TAGS, summary: 'The ledger as CSV (same filters): the manual fulfilment list, gifts with their shipping addresses', produces: ['text/csv'],
      querystring: RewardFilters,
      response: { 200: { description: 'A CSV download (UTF-8 with BOM, times in the corp\'s zone; filename "rewards.csv")', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const csv = await ledger.csv(req.scope, req.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="rewards.csv"').send(csv);
  });

  app.get('/api/rewards/:id', {
    config: access(ALL_ROLES, { params: { id: 'reward' } }),
    schema: { tags: TAGS, summary: 'One reward with its trail (every state change, by whom)', params: IdParams, response: { 200: RewardDetail } },
  }, (req) => one(req.principal!.corpId, req.params.id));

  app.post('/api/rewards/:id/retry', {
    config: { ...access(WRITE_ROLES, { params: { id: 'reward' } }), audit: { action: 'reward.retry' } },
    schema: { tags: TAGS, summary: 'Retries a failed reward now (same idempotency key: a payment that went through is not paid twice)', params: IdParams, response: { 200: RewardDetail } },
  }, async (req) => {
    await rewards.retry(req.principal!.corpId, req.params.id, actor(req));
    return one(req.principal!.corpId, req.params.id);
  });

  app.post('/api/rewards/:id/issued', {
    config: { ...access(WRITE_ROLES, { params: { id: 'reward' } }), audit: { action: 'reward.mark_issued' } },
    schema: { tags: TAGS, summary: 'Marks a manual reward (e.g. a gift shipped by hand) issued, with a note', params: IdParams, body: MarkIssuedBody, response: { 200: RewardDetail } },
  }, async (req) => {
    await rewards.markManualIssued(req.principal!.corpId, req.params.id, actor(req), req.body.note?.trim() || null);
    return one(req.principal!.corpId, req.params.id);
  });

  app.post('/api/rewards/:id/void', {
    config: { ...access(WRITE_ROLES, { params: { id: 'reward' } }), audit: { action: 'reward.void' } },
    schema: { tags: TAGS, summary: 'Voids a reward not issued yet (pending or failed), with a reason; its budget is given back. A payment or webhook already attempted is checked with the other side first (the answer is then still pending with the reason set): paid after all, it becomes issued instead', params: IdParams, body: VoidBody, response: { 200: RewardDetail } },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    await withTransaction(pool, async (db) => {
      const { rows: [r] } = await db.query<RewardRow>('SELECT * FROM rewards WHERE corp_id = $1 AND id = $2 FOR UPDATE', [corpId, req.params.id]);
      if (!r) throw AppError.notFound(`reward ${req.params.id}`);
      if (r.state !== 'pending' && r.state !== 'failed') throw new AppError('conflict', `reward ${r.id} is ${r.state}: only a pending or failed reward can be voided`);
      await rewards.void(db, r, req.body.reason.trim(), actor(req));
    });
    return one(corpId, req.params.id);
  });

  app.get('/api/customers/:externalUserid/rewards', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: { tags: TAGS, summary: "A customer's rewards (newest 50) and points balance", params: CustomerParams, response: { 200: CustomerRewards } },
  }, (req) => ledger.customer(req.principal!.corpId, req.params.externalUserid));

  // ---- payout settings ----

  app.get('/api/settings/rewards', {
    config: access(ADMIN_ONLY),
    schema: { tags: TAGS, summary: 'Reward payouts: the shop\'s reward webhook and the WeChat Pay merchant (secrets: only whether set)', response: { 200: RewardSettings } },
  }, (req) => settings.view(req.principal!.corpId));

  app.put('/api/settings/rewards', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'reward_settings.update' } },
    schema: {
      tags: TAGS, summary: 'Changes reward payouts (a field left out keeps its value; null clears it). The first webhook URL generates its signing secret, returned once',
      body: RewardSettingsBody, response: { 200: RewardSettingsSaved },
    },
  }, (req) => settings.update(req.principal!.corpId, req.body, actor(req)));

  app.post('/api/settings/rewards/webhook-secret', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'reward_settings.regenerate_secret' } },
    schema: { tags: TAGS, summary: 'A new signing secret for the reward webhook (shown once; the old one stops at once)', response: { 200: WebhookSecret } },
  }, (req) => settings.regenerateWebhookSecret(req.principal!.corpId, actor(req)));

  // ---- coupon pools ----

  app.get('/api/coupon-pools', {
    config: access(WRITE_ROLES),
    schema: { tags: POOL_TAGS, summary: 'Coupon pools with their codes\' counts (available, claimed, redeemed)', response: { 200: CouponPoolList } },
  }, async (req) => ({ items: await pools.list(req.principal!.corpId) }));

  app.post('/api/coupon-pools', {
    config: { ...access(WRITE_ROLES), audit: { action: 'coupon_pool.create' } },
    schema: { tags: POOL_TAGS, summary: 'A new coupon pool (add codes by import or generation)', body: CouponPoolBody, response: { 200: CouponPool } },
  }, (req) => pools.create(req.principal!.corpId, req.body, actor(req)));

  app.get('/api/coupon-pools/:id', {
    config: access(WRITE_ROLES, { params: { id: 'couponPool' } }),
    schema: { tags: POOL_TAGS, summary: 'One coupon pool', params: CouponPoolParams, response: { 200: CouponPool } },
  }, (req) => pools.get(req.principal!.corpId, req.params.id));

  app.patch('/api/coupon-pools/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'couponPool' } }), audit: { action: 'coupon_pool.update' } },
    schema: { tags: POOL_TAGS, summary: 'Changes a pool (codes already claimed keep their expiry)', params: CouponPoolParams, body: CouponPoolPatch, response: { 200: CouponPool } },
  }, (req) => pools.update(req.principal!.corpId, req.params.id, req.body));

  app.delete('/api/coupon-pools/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'couponPool' } }), audit: { action: 'coupon_pool.delete' } },
    schema: { tags: POOL_TAGS, summary: 'Deletes a pool none of whose codes was handed out (409 otherwise)', params: CouponPoolParams, response: { 200: Ok } },
  }, async (req) => {
    await pools.remove(req.principal!.corpId, req.params.id);
    return { ok: true as const };
  });

  await app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 }, (_req, body, parsed) => parsed(null, body));
    scope.post('/api/coupon-pools/:id/codes/import', {
      config: { ...access(WRITE_ROLES, { params: { id: 'couponPool' } }), audit: { action: 'coupon_pool.import' } },
      schema: {
        tags: POOL_TAGS, summary: 'Adds codes from a CSV (first column, one per line; header "code" skipped): duplicates counted, bad lines reported by number',
        consumes: ['text/csv', 'text/plain'], params: CouponPoolParams, response: { 200: CodeImportReport },
      },
    }, (req) => pools.importCsv(req.principal!.corpId, req.params.id, typeof req.body === 'string' ? req.body : ''));
    done();
  });

  app.post('/api/coupon-pools/:id/codes/generate', {
    config: { ...access(WRITE_ROLES, { params: { id: 'couponPool' } }), audit: { action: 'coupon_pool.generate' } },
    schema: {
      tags: POOL_TAGS, summary: 'Generates N new codes: the prefix + 10 random characters', params: CouponPoolParams, body: GenerateCodesBody,
      response: { 200: z.object({ added: z.number(), sample: z.array(z.string()) }) },
    },
  }, (req) => pools.generate(req.principal!.corpId, req.params.id, req.body.count, req.body.prefix));

  app.get('/api/coupon-pools/:id/codes', {
    config: access(WRITE_ROLES, { params: { id: 'couponPool' } }),
    schema: { tags: POOL_TAGS, summary: 'A pool\'s codes with their state (who claimed, which order redeemed)', params: CouponPoolParams, querystring: CouponCodeQuery, response: { 200: CouponCodeList } },
  }, (req) => pools.codes(req.principal!.corpId, req.params.id, req.query));

  // ---- the customer's H5: my prizes ----

  app.get('/c/api/:corpId/rewards', {
    config: publicRoute('the customer\'s own prizes on the H5 page: who they are comes from the signed WeChat session cookie, nothing in the request'),
    schema: { tags: ['rewards (customer)'], summary: 'My prizes: the session\'s customer\'s rewards (coupon codes, gifts waiting for an address)', params: MyPrizesParams, response: { 200: MyPrizes } },
  }, async (req) => {
    const s = await sessions.forApi(req, req.params.corpId);
    const me = requireCustomer(s.customer);
    return { items: await ledger.myPrizes(s.corp.id, me.externalUserid) };
  });

  app.post('/c/api/:corpId/rewards/:id/address', {
    config: publicRoute('the customer gives the shipping address of their own gift: identity from the signed WeChat session cookie only'),
    schema: { tags: ['rewards (customer)'], summary: 'The shipping address of my gift (only a gift of mine still waiting for it); the gift is then sent', params: MyPrizeParams, body: GiftAddressBody, response: { 200: MyPrizes } },
  }, async (req) => {
    checkSameOrigin(req, deps.publicUrl());
    const s = await sessions.forApi(req, req.params.corpId);
    const me = requireCustomer(s.customer);
    const address = { name: req.body.name.trim(), phone: req.body.phone.trim(), address: req.body.address.trim() };
    await withTransaction(pool, (db) => ledger.giveAddress(db, s.corp.id, me.externalUserid, req.params.id, address));
    return { items: await ledger.myPrizes(s.corp.id, me.externalUserid) };
  });
}

