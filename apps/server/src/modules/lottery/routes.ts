// Lottery routes: the console's create / edit / detail / winners (and their CSV, the fulfilment list), and the
// customer page's API — the lottery as the customer sees it and the draw. Publishing, pausing and ending go through
// the shared POST /api/campaigns/:id/status. The customer is whoever the WeChat session cookie says (never a body field).
import { z } from 'zod';
import { IdParams } from '@pond/contracts/common';
import { CustomerCampaignParams } from '@pond/contracts/campaigns-h5';
import {
  CustomerLotteryView, Lottery, LotteryCreateBody, LotteryDetail, LotteryDrawBody, LotteryDrawResult, LotteryUpdateBody, LotteryWinners, LotteryWinnersQuery,
} from '@pond/contracts/lottery';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import type { CustomerSessions } from '../campaigns';
import type { LotteryService } from './service';

const TAGS = ['lottery'];
const REFS = { 'prizes[].couponPoolId': 'couponPool', joinCodeId: 'liveCode', 'eligibility.tagIds[]': 'tag', 'eligibility.segmentIds[]': 'segment', 'eligibility.chatIds[]': 'group', 'eligibility.storeIds[]': 'store' } as const;

export function lotteryRoutes(app: App, deps: { lottery: LotteryService; sessions: CustomerSessions }) {
  const { lottery, sessions } = deps;

  app.post('/api/lotteries', {
    config: { ...access(WRITE_ROLES, { scope: 'corp', refs: REFS }), audit: { action: 'lottery.create' } },
    schema: { tags: TAGS, summary: 'Create a lottery (a draft until published): prizes with weights and stock, per-customer limits, the entry cost', body: LotteryCreateBody, response: { 200: Lottery } },
  }, async (req) => lottery.create(req.principal!.corpId, req.body, req.principal!.name));

  app.get('/api/lotteries/:id', {
    config: access(ALL_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'A lottery with its numbers: participants, draws, winners per prize, stock left, cost, orders and GMV, draws per day', params: IdParams, response: { 200: LotteryDetail } },
  }, async (req) => lottery.detail(req.principal!.corpId, req.params.id));

  app.patch('/api/lotteries/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' }, refs: REFS }), audit: { action: 'lottery.update' } },
    schema: {
      tags: TAGS, summary: 'Change a lottery: prizes while a draft; once published only a prize\'s stock (never below what was won)', params: IdParams, body: LotteryUpdateBody,
      response: { 200: Lottery },
    },
  }, async (req) => lottery.update(req.principal!.corpId, req.params.id, req.body));

  app.get('/api/lotteries/:id/winners', {
    config: access(ALL_ROLES, { params: { id: 'campaign' }, scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'Who won what, newest first, with the reward\'s state and a gift\'s address', params: IdParams, querystring: LotteryWinnersQuery, response: { 200: LotteryWinners } },
  }, async (req) => lottery.winners(req.scope, req.params.id, req.query));

  app.get('/api/lotteries/:id/winners.csv', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: {
      tags: TAGS, summary: 'The fulfilment list as CSV (every winner, prize, state, coupon code, a gift\'s address)', params: IdParams, produces: ['text/csv'],
      response: { 200: { description: 'A CSV download (UTF-8 with BOM, times in the corp\'s zone)', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const csv = await lottery.winnersCsv(req.principal!.corpId, req.params.id);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="lottery-${req.params.id}-winners.csv"`).send(csv);
  });

  // ---- the customer page ----

  app.get('/c/api/:corpId/lottery/:id', {
    config: publicRoute('the lottery page\'s API: the customer is who the signed WeChat session cookie says, nothing in the request'),
    schema: { tags: ['lottery (customer)'], summary: 'The prizes (no odds), draws left and my prizes', params: CustomerCampaignParams, response: { 200: CustomerLotteryView } },
  }, async (req) => lottery.customerView(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/lottery/:id/draw', {
    config: publicRoute('a customer draws on the lottery page: who they are comes only from the WeChat session cookie; the body holds only the request id'),
    schema: {
      tags: ['lottery (customer)'], summary: 'Draw once (the same requestId answers the first result again)', params: CustomerCampaignParams, body: LotteryDrawBody,
      response: { 200: LotteryDrawResult },
    },
  }, async (req) => {
    // The draw's one statement finds the customer by the session's unionid itself.
    const s = await sessions.identityForApi(req, req.params.corpId);
    return lottery.draw(s, req.params.id, req.body.requestId);
  });
}
