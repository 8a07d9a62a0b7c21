// Offers' routes: the console's (create, edit, the campaign with its numbers, group-buys and bargains with their
// members) and the customer pages' API under /c/api/:corpId/offers/… — public routes whose caller is who the WeChat
// session says (CustomerSessions.forApi), never a field of the body (bodies are strict: a field naming a customer is a 400).
import { IdParams } from '@pond/contracts/common';
import {
  BargainCampaignBody, BargainPage, ClaimResult, CouponCampaignBody, CustomerActionBody, CustomerBargainParams, CustomerGroupbuyParams, CustomerOffer,
  CustomerOfferParams, CustomerOfferQuery, GroupbuyCampaignBody, GroupbuyPage, HelpResult, OfferDetail, OfferListQuery, OfferPatch, type OfferKind,
} from '@pond/contracts/offers';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import type { CustomerSessions } from '../campaigns';
import type { OfferConsole } from './console';
import type { OfferService } from './service';

const TAGS = ['offers'];
const CTAGS = ['offers (customer)'];
const ELIGIBILITY_REFS = { 'eligibility.tagIds[]': 'tag', 'eligibility.segmentIds[]': 'segment', 'eligibility.chatIds[]': 'group', 'eligibility.storeIds[]': 'store' } as const;
const WHY = 'an offer page\'s API inside WeChat: the customer is who the signed WeChat session cookie says, nothing in the request';

export function offerRoutes(app: App, deps: { offers: OfferService; console: OfferConsole; sessions: CustomerSessions }) {
  const { offers, sessions } = deps;
  const con = deps.console;

  const bodies = { coupon: CouponCampaignBody, groupbuy: GroupbuyCampaignBody, bargain: BargainCampaignBody } as const;
  const labels: Record<OfferKind, string> = { coupon: 'a coupon campaign or limited-time offer (领券)', groupbuy: 'a group-buy (拼团)', bargain: 'a bargain (砍价)' };
  for (const kind of ['coupon', 'groupbuy', 'bargain'] as const) {
    app.post(`/api/offers/${kind}`, {
      config: { ...access(WRITE_ROLES, { refs: { joinCodeId: 'liveCode', 'config.couponPoolId': 'couponPool', ...ELIGIBILITY_REFS } }), audit: { action: `offer.create` } },
      schema: { tags: TAGS, summary: `Create ${labels[kind]} (a draft: publish it with POST /api/campaigns/:id/status)`, body: bodies[kind], response: { 200: OfferDetail } },
    }, async (req) => con.create(req.principal!.corpId, kind, req.body, req.principal!.name));
  }

  app.patch('/api/offers/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' }, refs: { joinCodeId: 'liveCode', 'config.couponPoolId': 'couponPool', ...ELIGIBILITY_REFS } }), audit: { action: 'offer.update' } },
    schema: { tags: TAGS, summary: 'Edit an offer: the fields given; `config` replaces the kind\'s config whole', params: IdParams, body: OfferPatch, response: { 200: OfferDetail } },
  }, async (req) => con.update(req.principal!.corpId, req.params.id, req.body));

  app.get('/api/offers/:id', {
    config: access(ALL_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'An offer with its pool, its numbers (participants, claims, redeemed, group-buys, bargains, cost, orders, GMV) and a daily series', params: IdParams, response: { 200: OfferDetail } },
  }, async (req) => con.detail(req.principal!.corpId, req.params.id));

  app.get('/api/offers/:id/groupbuys', {
    config: access(ALL_ROLES, { params: { id: 'campaign' }, scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'A group-buy campaign\'s groups, newest first, with their members', params: IdParams, querystring: OfferListQuery, response: { 200: GroupbuyPage } },
  }, async (req) => con.groupbuys(req.scope, req.params.id, req.query));

  app.get('/api/offers/:id/bargains', {
    config: access(ALL_ROLES, { params: { id: 'campaign' }, scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'A bargain campaign\'s bargains, newest first, with their helpers', params: IdParams, querystring: OfferListQuery, response: { 200: BargainPage } },
  }, async (req) => con.bargains(req.scope, req.params.id, req.query));

  // ---- the customer pages ----

  app.get('/c/api/:corpId/offers/:id', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'An offer as the visitor sees it: the coupon and their codes, the group-buy or bargain the link names (?g= / ?b=) or their own', params: CustomerOfferParams, querystring: CustomerOfferQuery, response: { 200: CustomerOffer } },
  }, async (req) => offers.view(await sessions.forApi(req, req.params.corpId), req.params.id, req.query));

  app.post('/c/api/:corpId/offers/:id/claim', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'Claim a coupon (at most perCustomerLimit each; the same requestId answers the same code)', params: CustomerOfferParams, body: CustomerActionBody, response: { 200: ClaimResult } },
  }, async (req) => offers.claim(await sessions.forApi(req, req.params.corpId), req.params.id, req.body.requestId));

  app.post('/c/api/:corpId/offers/:id/groupbuys', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'Open a group-buy (a retry answers the customer\'s open one)', params: CustomerOfferParams, body: CustomerActionBody, response: { 200: CustomerOffer } },
  }, async (req) => offers.openGroupbuy(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/offers/:id/groupbuys/:groupbuyId/join', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'Join a group-buy from its share link (once per WeChat identity; never beyond its size)', params: CustomerGroupbuyParams, body: CustomerActionBody, response: { 200: CustomerOffer } },
  }, async (req) => offers.joinGroupbuy(await sessions.forApi(req, req.params.corpId), req.params.id, req.params.groupbuyId));

  app.post('/c/api/:corpId/offers/:id/bargains', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'Start the customer\'s bargain (one per campaign: a retry answers it)', params: CustomerOfferParams, body: CustomerActionBody, response: { 200: CustomerOffer } },
  }, async (req) => offers.startBargain(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/offers/:id/bargains/:bargainId/help', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'Help cut a friend\'s price (once per WeChat identity; never below the floor; a retry answers the same cut)', params: CustomerBargainParams, body: CustomerActionBody, response: { 200: HelpResult } },
  }, async (req) => offers.help(await sessions.forApi(req, req.params.corpId), req.params.id, req.params.bargainId));

  app.post('/c/api/:corpId/offers/:id/bargains/:bargainId/buy', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'The owner buys at the price reached (once: a retry answers the same link)', params: CustomerBargainParams, body: CustomerActionBody, response: { 200: CustomerOffer } },
  }, async (req) => offers.buy(await sessions.forApi(req, req.params.corpId), req.params.id, req.params.bargainId));
}
