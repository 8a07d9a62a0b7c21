// Campaign results (活动效果: admins, operators, store managers — their stores' numbers) and activity plans with their
// review (活动策划 / 复盘: admins and operators write them; store managers read their stores' plans), with CSV exports of both.
import { z } from 'zod';
import { Ok } from '@pond/contracts/common';
import { Plan, PlanIdParams, PlanInput, PlanList, PlanListQuery, PlanPatch, PlanReview, Results, ResultsQuery } from '@pond/contracts/plans';
import type { App } from '../../platform/http';
import { access, WRITE_ROLES } from '../../platform/access';
import type { ResultRegistry } from './results';
import type { PlanService } from './service';

const TAGS = ['plans'];
const RESULT_ROLES = ['admin', 'operator', 'store_manager'] as const;
/** Linked ids must be the corp's (and live: an archived code or playbook cannot be planned with). */
const REFS = {
  storeId: 'store', 'links.campaignIds[]': 'campaign', 'links.liveCodeIds[]': 'liveCode', 'links.broadcastIds[]': 'broadcast', 'links.playbookIds[]': 'playbook',
} as const;
const CSV = (description: string) => ({ 200: { description, content: { 'text/csv': { schema: z.string() } } } });

export function planRoutes(app: App, deps: { results: ResultRegistry; plans: PlanService }) {
  const { results, plans } = deps;

  app.get('/api/results', {
    config: access(RESULT_ROLES, { scope: 'filtered', refs: { storeId: 'store' } }),
    schema: {
      tags: TAGS, summary: 'Every live code, broadcast, playbook and campaign over a period: reach, participants, conversions, orders, GMV, cost (the ledger) and ROI, sortable',
      querystring: ResultsQuery, response: { 200: Results },
    },
  }, async (req) => results.results(req.scope, req.query));

  app.get('/api/results.csv', {
    config: access(RESULT_ROLES, { scope: 'filtered', refs: { storeId: 'store' } }),
    schema: { tags: TAGS, summary: 'The results table as CSV', querystring: ResultsQuery, produces: ['text/csv'], response: CSV('A CSV download (UTF-8 with BOM)') },
  }, async (req, reply) => {
    const csv = await results.csv(req.scope, req.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="campaign-results.csv"').send(csv);
  });

  app.get('/api/plans', {
    config: access(RESULT_ROLES, { scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'Activity plans, latest first (a store manager: their stores\' plans)', querystring: PlanListQuery, response: { 200: PlanList } },
  }, async (req) => plans.list(req.scope, req.query));

  app.post('/api/plans', {
    config: { ...access(WRITE_ROLES, { refs: REFS }), audit: { action: 'plan.create' } },
    schema: { tags: TAGS, summary: 'Create a plan: goal, theme, reserve and budget, channels, days and milestones, expected output, linked campaigns', body: PlanInput, response: { 200: Plan } },
  }, async (req) => plans.create(req.principal!.corpId, req.body, req.principal!.name));

  app.get('/api/plans/:id', {
    config: access(RESULT_ROLES, { params: { id: 'plan' } }),
    schema: { tags: TAGS, summary: 'A plan', params: PlanIdParams, response: { 200: Plan } },
  }, async (req) => plans.get(req.principal!.corpId, req.params.id));

  app.patch('/api/plans/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'plan' }, refs: REFS }), audit: { action: 'plan.update' } },
    schema: { tags: TAGS, summary: 'Change a plan (the fields given), its status, milestones done, or the review notes', params: PlanIdParams, body: PlanPatch, response: { 200: Plan } },
  }, async (req) => plans.update(req.principal!.corpId, req.params.id, req.body));

  app.delete('/api/plans/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'plan' } }), audit: { action: 'plan.delete' } },
    schema: { tags: TAGS, summary: 'Delete a plan (the campaigns it links stay)', params: PlanIdParams, response: { 200: Ok } },
  }, async (req) => {
    await plans.remove(req.principal!.corpId, req.params.id);
    return { ok: true as const };
  });

  app.get('/api/plans/:id/review', {
    config: access(RESULT_ROLES, { params: { id: 'plan' } }),
    schema: {
      tags: TAGS, summary: 'The review (复盘): goal and expected output against actuals, per day and channel, cost against budget, what was sent, the linked items\' results',
      params: PlanIdParams, response: { 200: PlanReview },
    },
  }, async (req) => plans.review(req.scope, req.params.id));

  app.get('/api/plans/:id/review.csv', {
    config: access(RESULT_ROLES, { params: { id: 'plan' } }),
    schema: { tags: TAGS, summary: 'The review as CSV', params: PlanIdParams, produces: ['text/csv'], response: CSV('A CSV download (UTF-8 with BOM, times in the corp\'s zone)') },
  }, async (req, reply) => {
    const { csv, name } = await plans.reviewCsv(req.scope, req.params.id);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
  });
}
