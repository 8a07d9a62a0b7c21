// Campaigns' shared routes: the console's list of every campaign with its numbers and status changes (each kind's
// module has its own create/edit/detail routes), the customer page /c/<corpId>/<id> opened inside WeChat, and the
// page's first API call: the campaign as the customer sees it and who they are.
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { CampaignList, CampaignListQuery, CampaignListItem, CampaignStatusBody } from '@pond/contracts/activate';
import { CustomerCampaignParams, CustomerCampaignView } from '@pond/contracts/campaigns-h5';
import { IdParams } from '@pond/contracts/common';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import { AppError } from '../../platform/errors';
import { isAutomated } from '../live-codes';
import { CUSTOMER_ENTRY, type H5Bundle } from '../sidebar';
import { pointsBalance } from '../rewards';
import { checkEligibility, ELIGIBILITY_MESSAGES } from './eligibility';
import { customerNotice, customerPage } from './page';
import { openness, OPENNESS_MESSAGES, type CampaignRow, type CampaignService } from './service';
import type { CustomerSessions } from './session';

const TAGS = ['campaigns'];
type PageRequest = FastifyRequest<{ Params: { corpId: string; id: string }; Querystring: Record<string, string | undefined> }>;

export function campaignRoutes(app: App, deps: { pool: pg.Pool; campaigns: CampaignService; sessions: CustomerSessions; bundle: H5Bundle; publicUrl: () => string }) {
  const { pool, campaigns, sessions, bundle } = deps;

  app.get('/api/campaigns', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags: TAGS, summary: 'Every campaign (lottery, check-in, coupon, group-buy, bargain) with its numbers', querystring: CampaignListQuery, response: { 200: CampaignList } },
  }, async (req) => campaigns.list(req.principal!.corpId, req.query));

  app.post('/api/campaigns/:id/status', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' } }), audit: { action: 'campaign.status' } },
    schema: {
      tags: TAGS, summary: 'Publish, pause, resume or end a campaign (draft → active ⇄ paused → ended)', params: IdParams, body: CampaignStatusBody,
      response: { 200: CampaignListItem.omit({ numbers: true }) },
    },
  }, async (req) => campaigns.view(await campaigns.setStatus(req.principal!.corpId, req.params.id, req.body.status)));

  // ---- the customer page ----

  app.get('/c/:corpId/:id', {
    config: publicRoute('a campaign page customers open inside WeChat: who they are comes from WeChat OAuth (or the demo phone), nothing else'),
    schema: { hide: true, produces: ['text/html'], summary: 'A campaign page (H5) for customers inside WeChat' },
  }, async (req: PageRequest, reply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    const id = Number(req.params.id);
    const corpRow = await sessions.corp(req.params.corpId);
    const c = corpRow && Number.isSafeInteger(id) && id > 0
      ? (await pool.query<Pick<CampaignRow, 'kind' | 'name'>>('SELECT kind, name FROM campaigns WHERE corp_id = $1 AND id = $2', [corpRow.id, id])).rows[0]
      : undefined;
    if (!corpRow || !c) return reply.code(404).send(customerNotice('活动 Campaign', '活动不存在', 'No such campaign.'));
    if (isAutomated(req)) return reply.send(customerNotice(c.name, '请在微信中打开', 'Open this page in WeChat.'));
    const s = await sessions.forPage(req, reply, corpRow);
    if (s && 'redirect' in s) return reply.redirect(s.redirect, 302);
    if (!s) return reply.send(customerNotice(c.name, '请在微信中打开此页面', 'Open this page in WeChat to take part.'));
    const files = bundle.files(CUSTOMER_ENTRY);
    if (!files) return reply.code(503).send(customerNotice(c.name, '页面尚未构建', 'The customer pages are not built: run `npm run build -w apps/h5` (npm start does it).'));
    return reply.send(customerPage(c.name, { page: 'campaign', kind: c.kind, corpId: corpRow.id, campaignId: id, timezone: corpRow.timezone }, files));
  });

  app.get('/c/api/:corpId/campaigns/:id', {
    config: publicRoute('the campaign page\'s API: the customer is who the signed WeChat session cookie says, nothing in the request'),
    schema: { tags: ['campaigns (customer)'], summary: 'A campaign as the customer sees it, and whether they may take part', params: CustomerCampaignParams, response: { 200: CustomerCampaignView } },
  }, async (req) => {
    const s = await sessions.forApi(req, req.params.corpId);
    const c = (await pool.query<CampaignRow>('SELECT * FROM campaigns WHERE corp_id = $1 AND id = $2', [s.corp.id, req.params.id])).rows[0];
    if (!c) throw AppError.notFound(`campaign ${req.params.id}`);
    const open = openness(c);
    const join = c.join_code_id
      ? (await pool.query<{ key: string }>(`SELECT key FROM live_codes WHERE corp_id = $1 AND id = $2 AND status = 'active'`, [s.corp.id, c.join_code_id])).rows[0]
      : undefined;
    const miss = s.customer ? await checkEligibility(pool, s.corp.id, s.customer.externalUserid, c.eligibility) : null;
    return {
      id: c.id, kind: c.kind, name: c.name, rules: c.rules, startsAt: c.starts_at, endsAt: c.ends_at, entry: c.entry,
      open: open === 'open', closedReason: open === 'open' ? null : OPENNESS_MESSAGES[open],
      me: {
        isCustomer: !!s.customer, name: s.customer?.name ?? null,
        eligible: !!s.customer && !miss, ineligibleReason: miss ? `${ELIGIBILITY_MESSAGES[miss].zh} (${ELIGIBILITY_MESSAGES[miss].en})` : null,
        points: s.customer ? await pointsBalance(pool, s.corp.id, s.customer.externalUserid) : 0,
      },
      joinUrl: join ? `${deps.publicUrl().replace(/\/+$/, '')}/l/${join.key}` : null,
    };
  });
}
