// Red-packet rules' routes: the console's (create, edit, the campaign with its numbers and occurrences) and the
// customer page's API under /c/api/:corpId/redpackets/… — public routes whose caller is who the WeChat session says.
import { IdParams } from '@pond/contracts/common';
import { CustomerCampaignParams } from '@pond/contracts/campaigns-h5';
import { CustomerRedpacket, RedpacketCampaignBody, RedpacketClaimBody, RedpacketClaimResult, RedpacketDetail, RedpacketPatch } from '@pond/contracts/redpackets';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import type { CustomerSessions } from '../campaigns';
import type { RedpacketService } from './service';

const TAGS = ['red packets'];
const CTAGS = ['red packets (customer)'];
const REFS = {
  joinCodeId: 'liveCode', 'eligibility.tagIds[]': 'tag', 'eligibility.segmentIds[]': 'segment', 'eligibility.chatIds[]': 'group', 'eligibility.storeIds[]': 'store',
} as const;
const WHY = 'a red-packet page\'s API inside WeChat: the customer is who the signed WeChat session cookie says, nothing in the request';

export function redpacketRoutes(app: App, deps: { redpackets: RedpacketService; sessions: CustomerSessions }) {
  const { redpackets, sessions } = deps;

  app.post('/api/redpackets', {
    config: { ...access(WRITE_ROLES, { refs: REFS }), audit: { action: 'redpacket.create' } },
    schema: {
      tags: TAGS, summary: 'Create a planned red-packet rule (定时红包: when — time slots in the corp zone; to whom — eligibility; how much — fixed or random; a draft: publish it with POST /api/campaigns/:id/status)',
      body: RedpacketCampaignBody, response: { 200: RedpacketDetail },
    },
  }, async (req) => redpackets.create(req.principal!.corpId, req.body, req.principal!.name));

  app.patch('/api/redpackets/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' }, refs: REFS }), audit: { action: 'redpacket.update' } },
    schema: { tags: TAGS, summary: 'Edit a red-packet rule: the fields given; `config` replaces the whole rule', params: IdParams, body: RedpacketPatch, response: { 200: RedpacketDetail } },
  }, async (req) => redpackets.update(req.principal!.corpId, req.params.id, req.body));

  app.get('/api/redpackets/:id', {
    config: access(ALL_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'A red-packet rule with its numbers (packets, paid, pending, failed, cost), its occurrences and the next one', params: IdParams, response: { 200: RedpacketDetail } },
  }, async (req) => redpackets.detail(req.principal!.corpId, req.params.id));

  app.get('/c/api/:corpId/redpackets/:id', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'The red packets as the visitor sees them: the round on now (how many left, whether they took one), the next round, their packets', params: CustomerCampaignParams, response: { 200: CustomerRedpacket } },
  }, async (req) => redpackets.view(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/redpackets/:id/claim', {
    config: publicRoute(WHY),
    schema: { tags: CTAGS, summary: 'Take a red packet of the round on now (one per customer and round; never more than the round holds; a retry answers the same packet)', params: CustomerCampaignParams, body: RedpacketClaimBody, response: { 200: RedpacketClaimResult } },
  }, async (req) => redpackets.claim(await sessions.forApi(req, req.params.corpId), req.params.id, req.body.requestId));
}
