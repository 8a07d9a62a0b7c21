// Fission path routes: the console's wizard (create), list with each path's funnel steps, detail with the funnel by
// day, edits of the service path's landing page and form, status (the path and its campaigns together), the
// sign-up submissions and their CSV; the customer's landing page /c/<corpId>/fission/<id> and its API (view, submit).
import type { FastifyRequest } from 'fastify';
import { CustomerCampaignParams } from '@pond/contracts/campaigns-h5';
import {
  CreateFissionPath, CustomerFissionView, FissionEligible, FissionEligibleQuery, FissionIdParams, FissionListQuery, FissionPath, FissionPathDetail, FissionPathList, FissionStatusBody,
  FissionSubmissions, FissionSubmissionsQuery, FissionSubmitBody, UpdateFissionPath,
} from '@pond/contracts/fission';
import { z } from 'zod';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import { customerNotice, customerPage, type CustomerSessions } from '../campaigns';
import { isAutomated } from '../live-codes';
import { CUSTOMER_ENTRY, type H5Bundle } from '../sidebar';
import type { FissionService } from './service';

const TAGS = ['fission'];
/** Ids the wizard's body names: the corp's (else 400 naming the field). */
const REFS = {
  'invite.codeId': 'liveCode', 'invite.tiers[].reward.couponPoolId': 'couponPool', 'checkin.milestones[].reward.couponPoolId': 'couponPool', groupCodeId: 'liveCode',
  'invite.campaignId': 'campaign', 'checkin.campaignId': 'campaign',
} as const;
/** Ids an edit names (a draft path's re-links). */
const EDIT_REFS = { 'invite.campaignId': 'campaign', 'checkin.campaignId': 'campaign', groupCodeId: 'liveCode' } as const;

type PageRequest = FastifyRequest<{ Params: { corpId: string; id: string }; Querystring: Record<string, string | undefined> }>;

export function fissionRoutes(app: App, deps: { fission: FissionService; sessions: CustomerSessions; bundle: H5Bundle }) {
  const { fission, sessions, bundle } = deps;

  app.get('/api/fission/paths', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags: TAGS, summary: 'Fission paths (spread / product / service), latest first, each with its funnel steps', querystring: FissionListQuery, response: { 200: FissionPathList } },
  }, async (req) => fission.list(req.principal!.corpId, req.query));

  app.get('/api/fission/eligible', {
    config: access(WRITE_ROLES),
    schema: {
      tags: TAGS, summary: 'The existing campaigns a model\'s step may link (its kind and config, not ended, in no other path): the wizard\'s 选择已有',
      querystring: FissionEligibleQuery, response: { 200: FissionEligible },
    },
  }, async (req) => fission.eligible(req.principal!.corpId, req.query.model));

  app.post('/api/fission/paths', {
    config: { ...access(WRITE_ROLES, { refs: REFS }), audit: { action: 'fission.create' } },
    schema: {
      tags: TAGS, summary: 'Create a path from a model\'s template: its campaigns (new, or existing ones linked by `{ campaignId }`), landing page, form and group code, in one transaction',
      body: CreateFissionPath, response: { 200: FissionPath },
    },
  }, async (req) => fission.create(req.principal!.corpId, req.body, req.principal!.name));

  app.get('/api/fission/paths/:id', {
    config: access(ALL_ROLES, { params: { id: 'fissionPath' } }),
    schema: { tags: TAGS, summary: 'A path with its funnel: each step\'s people and drop-off, by corp day, and the figures beside', params: FissionIdParams, response: { 200: FissionPathDetail } },
  }, async (req) => fission.detail(req.principal!.corpId, req.params.id));

  app.patch('/api/fission/paths/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'fissionPath' }, refs: EDIT_REFS }), audit: { action: 'fission.update' } },
    schema: { tags: TAGS, summary: 'Rename a path, change the service path\'s landing page or form (fields are fixed once customers signed up); a draft path\'s linked campaign or group code', params: FissionIdParams, body: UpdateFissionPath, response: { 200: FissionPath } },
  }, async (req) => fission.update(req.principal!.corpId, req.params.id, req.body));

  app.post('/api/fission/paths/:id/status', {
    config: { ...access(WRITE_ROLES, { params: { id: 'fissionPath' } }), audit: { action: 'fission.status' } },
    schema: { tags: TAGS, summary: 'Publish, pause, resume or end a path and its campaigns together', params: FissionIdParams, body: FissionStatusBody, response: { 200: FissionPath } },
  }, async (req) => fission.setStatus(req.principal!.corpId, req.params.id, req.body.status));

  app.get('/api/fission/paths/:id/submissions', {
    config: access(WRITE_ROLES, { params: { id: 'fissionPath' } }),
    schema: { tags: TAGS, summary: 'The sign-up form\'s submissions, newest first, with when each joined the group', params: FissionIdParams, querystring: FissionSubmissionsQuery, response: { 200: FissionSubmissions.extend({ total: z.number() }) } },
  }, async (req) => fission.submissions(req.principal!.corpId, req.params.id, req.query.limit, req.query.offset));

  app.get('/api/fission/paths/:id/submissions.csv', {
    config: access(WRITE_ROLES, { params: { id: 'fissionPath' } }),
    schema: {
      tags: TAGS, summary: 'Every submission as CSV (one column per form field)', params: FissionIdParams, produces: ['text/csv'],
      response: { 200: { description: 'A CSV download (UTF-8 with BOM)', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const csv = await fission.submissionsCsv(req.principal!.corpId, req.params.id);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="fission-${req.params.id}-signups.csv"`).send(csv);
  });

  // ---- the customer's landing page and form ----

  app.get('/c/:corpId/fission/:id', {
    config: publicRoute('a fission path\'s landing page customers open inside WeChat: who they are comes from WeChat OAuth (or the demo phone), nothing else'),
    schema: { hide: true, produces: ['text/html'], summary: 'A service path\'s landing page and sign-up form (H5) inside WeChat' },
  }, async (req: PageRequest, reply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    const id = Number(req.params.id);
    const corp = await sessions.corp(req.params.corpId);
    const path = corp && Number.isSafeInteger(id) && id > 0 ? await fission.pathForPage(corp.id, id) : null;
    if (!corp || !path || path.model !== 'service') return reply.code(404).send(customerNotice('活动 Campaign', '页面不存在', 'No such page.'));
    const title = path.landing?.title ?? path.name;
    if (isAutomated(req)) return reply.send(customerNotice(title, '请在微信中打开', 'Open this page in WeChat.'));
    const s = await sessions.forPage(req, reply, corp);
    if (s && 'redirect' in s) return reply.redirect(s.redirect, 302);
    if (!s) return reply.send(customerNotice(title, '请在微信中打开此页面', 'Open this page in WeChat to take part.'));
    const files = bundle.files(CUSTOMER_ENTRY);
    if (!files) return reply.code(503).send(customerNotice(title, '页面尚未构建', 'The customer pages are not built: run `npm run build -w apps/h5` (npm start does it).'));
    await fission.visit(s, path);
    return reply.send(customerPage(title, { page: 'fission', corpId: corp.id, pathId: path.id, timezone: corp.timezone }, files));
  });

  app.get('/c/api/:corpId/fission/:id', {
    config: publicRoute('the landing page\'s API: the customer is who the signed WeChat session cookie says, nothing in the request'),
    schema: { tags: ['fission (customer)'], summary: 'The landing page, the form and where I am on the path (poster, friends, signed up, my group)', params: CustomerCampaignParams, response: { 200: CustomerFissionView } },
  }, async (req) => fission.customerView(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/fission/:id/submit', {
    config: publicRoute('a customer signs up on the landing page: who they are comes only from the WeChat session cookie; the body holds the answers'),
    schema: { tags: ['fission (customer)'], summary: 'Sign up (once): the form\'s answers, checked field by field', params: CustomerCampaignParams, body: FissionSubmitBody, response: { 200: CustomerFissionView } },
  }, async (req) => fission.submit(await sessions.forApi(req, req.params.corpId), req.params.id, req.body));
}
