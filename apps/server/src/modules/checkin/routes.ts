// Check-in's routes: the console's create / edit / detail (with its numbers) / participants, and the customer
// page's API under /c/api/<corpId>/checkin/<id>/… — who the customer is comes from the WeChat session only.
import { CheckinBody, CheckinCampaign, CheckinMe, CheckinParticipantList, CheckinParticipantsQuery, CheckinResult, CreateCheckinBody, MakeupBody, UpdateCheckinBody } from '@pond/contracts/checkin';
import { CustomerCampaignParams } from '@pond/contracts/campaigns-h5';
import { IdParams } from '@pond/contracts/common';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import type { CustomerSessions } from '../campaigns';
import type { CheckinService } from './service';

const TAGS = ['check-in'];
const CUSTOMER_TAGS = ['check-in (customer)'];
/** Ids the body refers to: each must be a live resource of the caller's corp (else 400 naming the field). */
const REFS = { joinCodeId: 'liveCode', 'eligibility.tagIds[]': 'tag', 'eligibility.segmentIds[]': 'segment', 'eligibility.chatIds[]': 'group', 'eligibility.storeIds[]': 'store' } as const;
const WHY = 'the check-in page\'s API: the customer is who the signed WeChat session cookie says, nothing in the request';

export function checkinRoutes(app: App, deps: { checkin: CheckinService; sessions: CustomerSessions }) {
  const { checkin, sessions } = deps;

  app.post('/api/checkins', {
    config: { ...access(WRITE_ROLES, { refs: REFS }), audit: { action: 'checkin.create' } },
    schema: { tags: TAGS, summary: 'Create a check-in campaign (daily check-in or an N-day challenge; draft)', body: CreateCheckinBody, response: { 200: CheckinCampaign } },
  }, async (req) => {
    const c = await checkin.create(req.principal!.corpId, req.body, req.principal!.name ?? null);
    return checkin.detail(req.principal!.corpId, c.id);
  });

  app.get('/api/checkins/:id', {
    config: access(ALL_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'A check-in campaign with its numbers (participants, states, check-ins per day, milestones, cash-back, orders)', params: IdParams, response: { 200: CheckinCampaign } },
  }, async (req) => checkin.detail(req.principal!.corpId, req.params.id));

  app.patch('/api/checkins/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' }, refs: REFS }), audit: { action: 'checkin.update' } },
    schema: { tags: TAGS, summary: 'Edit a check-in campaign (the challenge\'s terms and entry are fixed once customers enrolled)', params: IdParams, body: UpdateCheckinBody, response: { 200: CheckinCampaign } },
  }, async (req) => {
    await checkin.update(req.principal!.corpId, req.params.id, req.body);
    return checkin.detail(req.principal!.corpId, req.params.id);
  });

  app.get('/api/checkins/:id/participants', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'Who enrolled, with streaks, days, state and cash-back', params: IdParams, querystring: CheckinParticipantsQuery, response: { 200: CheckinParticipantList } },
  }, async (req) => checkin.participants(req.principal!.corpId, req.params.id, req.query));

  // ---- the customer's page ----

  app.get('/c/api/:corpId/checkin/:id', {
    config: publicRoute(WHY),
    schema: { tags: CUSTOMER_TAGS, summary: 'My check-in: calendar, streak, make-up days, milestones, cash-back', params: CustomerCampaignParams, response: { 200: CheckinMe } },
  }, async (req) => checkin.me(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/checkin/:id/checkin', {
    config: publicRoute(WHY),
    schema: { tags: CUSTOMER_TAGS, summary: 'Check in for today (once per corp day; a retry or double tap changes nothing)', params: CustomerCampaignParams, body: CheckinBody, response: { 200: CheckinResult } },
  }, async (req) => checkin.checkin(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/checkin/:id/makeup', {
    config: publicRoute(WHY),
    schema: { tags: CUSTOMER_TAGS, summary: 'Make up a missed day with a make-up card (补签)', params: CustomerCampaignParams, body: MakeupBody, response: { 200: CheckinResult } },
  }, async (req) => checkin.makeup(await sessions.forApi(req, req.params.corpId), req.params.id, req.body.day));
}
