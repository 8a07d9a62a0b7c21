// /api/live-codes, /api/channel-stats and /api/alerts: validate with the contracts, call the service, shape
// the answer. Downloads (CSV, PNG, SVG) have no response schema; every JSON answer has one.
import {
  AcquisitionQuota, AcquisitionSettings, AcquisitionSettingsBody, AlertList, AlertsQuery, ChannelStatsQuery, ChannelStatsResponse, CodeStats, LiveCode,
  LiveCodeBody, LiveCodeListQuery, LiveCodePage, LiveCodePatch, QrPngQuery, QrSvgQuery, StatsRange,
} from '@pond/contracts/live-codes';
import { z } from 'zod';
import type { App } from '../../platform/http';
import { IdParams, Ok } from '../../platform/schemas';
import { access, ADMIN_ONLY, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import type { LiveCodeService } from './service';
import { BACKUP_POSITION, type CodeConfig } from './repo';
import { withChannel } from './links';
import { statsCsv } from './stats';

// The QR drawing, loaded on first download.
const render = () => import('./render');

/** Ids a code refers to: all of this corp, live (a deleted tag or an archived template is refused). */
const LIVE_CODE_REFS = {
  'tagIds[]': 'tag', welcomeId: 'welcomeTemplate', storeId: 'store', 'pool[].userid': 'staff', 'backupUserids[]': 'staff',
  'groupChatIds[]': 'group', groupWelcomeTemplateId: 'groupWelcomeTemplate',
} as const;

const tags = ['live-codes'];

export function liveCodeRoutes(app: App, deps: { codes: LiveCodeService; publicUrl: () => string }) {
  const { codes } = deps;
  const landingUrl = (key: string) => `${deps.publicUrl()}/l/${key}`;
  const out = (c: CodeConfig): z.output<typeof LiveCode> => ({
    id: c.id, key: c.key, url: landingUrl(c.key), kind: c.kind, name: c.name, channel: c.channel, storeId: c.storeId, mode: c.mode,
    strategy: c.strategy, lockEnabled: c.lockEnabled, skipVerify: c.skipVerify, tagIds: c.tagIds, remarkTemplate: c.remarkTemplate,
    description: c.description, welcomeId: c.welcomeId, schedule: c.schedule, backupUserids: c.backupUserids, state: c.state, status: c.status,
    groupCap: c.groupCap, groupAutoCreate: c.groupAutoCreate, groupBaseName: c.groupBaseName, groupWelcomeTemplateId: c.groupWelcomeTemplateId,
    wecomQrUrl: c.wecomQrUrl, createdAt: c.createdAt,
    link: c.mode === 'link' ? {
      linkId: c.linkId, url: c.linkUrl, channelUrl: c.linkUrl ? withChannel(c.linkUrl, c.state) : null, status: c.linkStatus, statusAt: c.linkStatusAt,
      quotaState: c.quotaState,
    } : null,
    pool: c.pool.map((p) => ({ userid: p.userid, name: p.name, weight: p.weight, dailyCap: p.dailyCap, totalCap: p.totalCap, available: p.available, qrUrl: p.qrUrl, backup: p.position >= BACKUP_POSITION })),
    groups: c.groups,
  });

  app.get('/api/live-codes', {
    config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags, querystring: LiveCodeListQuery, response: { 200: LiveCodePage } },
  }, async (req) => {
    const { items, total } = await codes.list(req.scope, req.query); // as the scope sees them (service.asSeenBy)
    return { items: items.map((c) => ({ ...out(c), numbers: c.numbers })), total };
  });

  app.post('/api/live-codes', { config: access(WRITE_ROLES, { refs: LIVE_CODE_REFS }), schema: { tags, body: LiveCodeBody, response: { 200: LiveCode } } },
    async (req) => out(await codes.create(req.principal!.corpId, req.body)));

  app.get('/api/live-codes/:id', { config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags, params: IdParams, response: { 200: LiveCode } } },
    async (req) => out(await codes.view(req.scope, req.params.id)));

  app.patch('/api/live-codes/:id', {
    config: access(WRITE_ROLES, { params: { id: 'liveCode' }, refs: LIVE_CODE_REFS }), schema: { tags, params: IdParams, body: LiveCodePatch, response: { 200: LiveCode } },
  }, async (req) => out(await codes.update(req.principal!.corpId, req.params.id, req.body)));

  app.post('/api/live-codes/:id/archive', { config: access(WRITE_ROLES, { params: { id: 'liveCode' } }), schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (req) => { await codes.archive(req.principal!.corpId, req.params.id); return { ok: true as const }; });

  app.get('/api/live-codes/:id/stats', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags, params: IdParams, querystring: StatsRange, response: { 200: CodeStats } },
  }, async (req) => {
    await codes.get(req.principal!.corpId, req.params.id);
    return codes.stats(req.scope, req.params.id, req.query);
  });

  app.get('/api/live-codes/:id/stats.csv', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }),
    schema: {
      tags, params: IdParams, querystring: StatsRange, produces: ['text/csv'], description: 'The numbers by day as CSV (UTF-8 with BOM, zh-CN and English headers).',
      response: { 200: { description: 'A CSV download (content-disposition: attachment; filename="live-code-<id>-<from>-<to>.csv")', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const c = await codes.get(req.principal!.corpId, req.params.id);
    const { from, to, days } = await codes.stats(req.scope, c.id, req.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="live-code-${c.id}-${from}-${to}.csv"`).send(statsCsv(days));
  });

  app.get('/api/channel-stats', {
    config: access(ALL_ROLES, { scope: 'filtered' }),
    schema: {
      tags, querystring: ChannelStatsQuery, produces: ['application/json', 'text/csv'], response: { 200: ChannelStatsResponse },
      description: 'Numbers by channel and day; `format=csv` answers the same as CSV (text/csv) instead.',
    },
  }, async (req, reply) => {
    const stats = await codes.channelStats(req.scope, req.query);
    if (req.query.format === 'csv') {
      const lines = stats.channels.flatMap((c) => statsCsv(c.days).replace(/^\ufeff/, '').trim().split('\n').slice(1).map((l) => `${c.channel},${l}`));
      const header = statsCsv([]).replace(/^\ufeff/, '').trim();
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="channels-${stats.from}-${stats.to}.csv"`)
        .send(`\ufeff渠道 channel,${header}\n${lines.join('\n')}\n`);
    }
    return stats;
  });

  // Printable assets: the QR encodes the permanent landing URL, never a staff member's own QR.
  app.get('/api/live-codes/:id/qr.png', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: {
      tags, params: IdParams, querystring: QrPngQuery, produces: ['image/png'], description: 'The QR of the landing URL, as a PNG download.',
      response: { 200: { description: 'A PNG download (filename "<key>.png")', content: { 'image/png': { schema: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }) } } } },
    },
  }, async (req, reply) => {
    const c = await codes.get(req.principal!.corpId, req.params.id);
    const png = await (await render()).renderQrPng(landingUrl(c.key), { sizePx: req.query.size });
    return reply.type('image/png').header('content-disposition', `attachment; filename="${c.key}.png"`).send(png);
  });
  app.get('/api/live-codes/:id/qr.svg', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: {
      tags, params: IdParams, querystring: QrSvgQuery, produces: ['image/svg+xml'], description: 'The QR of the landing URL, as an SVG download.',
      response: { 200: { description: 'An SVG download (filename "<key>.svg")', content: { 'image/svg+xml': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const c = await codes.get(req.principal!.corpId, req.params.id);
    return reply.type('image/svg+xml').header('content-disposition', `attachment; filename="${c.key}.svg"`).send((await render()).renderQrSvg(landingUrl(c.key), { sizeMm: req.query.sizeMm }));
  });
  // The poster (poster.png, poster-check) is drawn from a poster template: modules/posters registers those two URLs.

  // Acquisition links (获客助手, ADR 0037): the corp's range limit (WeCom's is UNCONFIRMED) and its quota, read from WeCom.
  app.get('/api/acquisition-links/settings', {
    config: access(WRITE_ROLES),
    schema: { tags, summary: 'How many staff one acquisition link\'s range may list (default 100)', response: { 200: AcquisitionSettings } },
  }, (req) => codes.links.settings(req.scope.corpId));
  app.put('/api/acquisition-links/settings', {
    config: access(ADMIN_ONLY), schema: { tags, body: AcquisitionSettingsBody, response: { 200: AcquisitionSettings } },
  }, (req) => codes.links.updateSettings(req.scope.corpId, req.body));
  app.get('/api/acquisition-links/quota', {
    config: access(WRITE_ROLES),
    schema: {
      tags, summary: 'The corp\'s acquisition-link quota (customer_acquisition_quota), read now, with the state WeCom\'s events last set',
      response: { 200: AcquisitionQuota },
    },
  }, (req) => codes.links.quota(req.scope.corpId));

  app.get('/api/alerts', {
    config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['alerts'], querystring: AlertsQuery, response: { 200: AlertList } },
  }, async (req) => ({
    items: (await codes.alerts(req.scope, req.query.unread ?? false)).map((a) => ({ id: a.id, kind: a.kind, message: a.message, data: a.data, createdAt: a.created_at, readAt: a.read_at })),
  }));
  app.post('/api/alerts/:id/read', { config: access(ALL_ROLES, { params: { id: 'alert' } }), schema: { tags: ['alerts'], params: IdParams, response: { 200: Ok } } }, async (req) => {
    await codes.markAlertRead(req.principal!.corpId, req.params.id);
    return { ok: true as const };
  });
}
