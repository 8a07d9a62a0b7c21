// Referral routes: the console's programme (create / edit / detail with numbers), referrers, commission, payouts and
// their CSV; the staff member's own link (task page, console); and the customer page's API under
// /c/api/<corpId>/referral/<id>/… — who the customer is comes from the WeChat session only.
import { z } from 'zod';
import { IdParams } from '@pond/contracts/common';
import { CustomerCampaignParams } from '@pond/contracts/campaigns-h5';
import {
  CommissionList, CommissionListQuery, CreatePayoutsBody, CreatePayoutsResult, CreateReferralBody, MyReferralLink, MyReferralLinks, PayoutList, PayoutListQuery,
  ReferralMe, ReferralProgramme, ReferrerList, ReferrerListQuery, TouchBody, TouchResult, UpdateReferralBody,
} from '@pond/contracts/referrals';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import type { CustomerSessions } from '../campaigns';
import type { ReferralService } from './service';

const TAGS = ['referrals'];
const CUSTOMER_TAGS = ['referrals (customer)'];
const REFS = {
  'config.couponPoolId': 'couponPool', joinCodeId: 'liveCode', 'eligibility.tagIds[]': 'tag', 'eligibility.segmentIds[]': 'segment', 'eligibility.chatIds[]': 'group',
  'eligibility.storeIds[]': 'store',
} as const;
const WHY = 'the referral page\'s API: the customer is who the signed WeChat session cookie says, nothing in the request';

export function referralRoutes(app: App, deps: { referrals: ReferralService; sessions: CustomerSessions }) {
  const { referrals, sessions } = deps;

  app.post('/api/referrals', {
    config: { ...access(WRITE_ROLES, { refs: REFS }), audit: { action: 'referral.create' } },
    schema: { tags: TAGS, summary: 'Create a referral programme (分销; draft): attribution window, rate tiers, refund window, payout method', body: CreateReferralBody, response: { 200: ReferralProgramme } },
  }, async (req) => {
    const c = await referrals.create(req.principal!.corpId, req.body, req.principal!.name ?? null);
    return referrals.detail(req.principal!.corpId, c.id);
  });

  // Before /:id: the caller's own links.
  app.get('/api/referrals/my-links', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags: TAGS, summary: 'Running referral programmes open to staff, with the signed-in staff member\'s code and link (empty code: not taken yet)', response: { 200: MyReferralLinks } },
  }, async (req) => referrals.myLinks(req.principal!.corpId, req.principal!.staffUserid));

  app.get('/api/referrals/:id', {
    config: access(ALL_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'A referral programme with its numbers: referrers, referees, referred orders and GMV, commission by state', params: IdParams, response: { 200: ReferralProgramme } },
  }, async (req) => referrals.detail(req.principal!.corpId, req.params.id));

  app.patch('/api/referrals/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' }, refs: REFS }), audit: { action: 'referral.update' } },
    schema: { tags: TAGS, summary: 'Edit a referral programme (new terms apply to orders from now on)', params: IdParams, body: UpdateReferralBody, response: { 200: ReferralProgramme } },
  }, async (req) => {
    await referrals.update(req.principal!.corpId, req.params.id, req.body);
    return referrals.detail(req.principal!.corpId, req.params.id);
  });

  app.get('/api/referrals/:id/referrers', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'Referrers with their referees, orders, GMV and earnings', params: IdParams, querystring: ReferrerListQuery, response: { 200: ReferrerList } },
  }, async (req) => referrals.referrers(req.principal!.corpId, req.params.id, req.query));

  app.get('/api/referrals/:id/commissions', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'Commission per order and referrer (filter by state, referrer)', params: IdParams, querystring: CommissionListQuery, response: { 200: CommissionList } },
  }, async (req) => referrals.commissions(req.principal!.corpId, req.params.id, req.query));

  app.get('/api/referrals/:id/payouts', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'Payouts of payable commission, with the ledger\'s state', params: IdParams, querystring: PayoutListQuery, response: { 200: PayoutList } },
  }, async (req) => referrals.payouts(req.principal!.corpId, req.params.id, req.query));

  app.post('/api/referrals/:id/payouts', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' } }), audit: { action: 'referral.payout' } },
    schema: {
      tags: TAGS, summary: 'Pay out payable commission (every referrer at or above the minimum, or those named): once per commission', params: IdParams,
      body: CreatePayoutsBody, response: { 200: CreatePayoutsResult },
    },
  }, async (req) => referrals.createPayouts(req.principal!.corpId, req.params.id, req.body.referrerIds, req.principal!.name ?? null));

  app.get('/api/referrals/:id/payouts.csv', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: {
      tags: TAGS, summary: 'Payouts as CSV (for the finance team; staff payouts are paid with wages)', params: IdParams, produces: ['text/csv'],
      response: { 200: { description: 'A CSV download (UTF-8 with BOM, times in the corp\'s zone)', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const csv = await referrals.payoutsCsv(req.principal!.corpId, req.params.id);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="referral-${req.params.id}-payouts.csv"`).send(csv);
  });

  app.post('/api/referrals/:id/my-link', {
    config: { ...access(ALL_ROLES, { params: { id: 'campaign' } }), audit: { action: 'referral.my_link' } },
    schema: { tags: TAGS, summary: 'The signed-in staff member\'s referral code and link in a programme (made once)', params: IdParams, response: { 200: MyReferralLink } },
  }, async (req) => referrals.staffLink(req.principal!.corpId, req.params.id, req.principal!.staffUserid));

  // ---- the customer's page ----

  app.get('/c/api/:corpId/referral/:id', {
    config: publicRoute(WHY),
    schema: { tags: CUSTOMER_TAGS, summary: 'My referral: code, link, QR, friends, earnings, leaderboard', params: CustomerCampaignParams, response: { 200: ReferralMe } },
  }, async (req) => referrals.me(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/referral/:id/join', {
    config: publicRoute(WHY),
    schema: { tags: CUSTOMER_TAGS, summary: 'Become a referrer (once): my code, link and personal coupon code', params: CustomerCampaignParams, body: z.object({}).strict(), response: { 200: ReferralMe } },
  }, async (req) => referrals.join(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/referral/:id/touch', {
    config: publicRoute(WHY),
    schema: { tags: CUSTOMER_TAGS, summary: 'A visitor opened a referrer\'s link: first touch within the attribution window wins', params: CustomerCampaignParams, body: TouchBody, response: { 200: TouchResult } },
  }, async (req) => referrals.touch(await sessions.forApi(req, req.params.corpId), req.params.id, req.body.code));
}
