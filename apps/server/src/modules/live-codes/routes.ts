import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import { AppError } from '../../platform/errors';
import { LIVE_CODE_KINDS, LIVE_CODE_STRATEGIES } from '../../platform/db/schema';
import { Page } from '../../platform/schemas';
import { ChatId, Day, IdParams, List, RowId, TagId, Text, Userid, WecomId, patchOf } from '../../platform/schemas';
import { Params } from '../../platform/sql';
import { liveCodeVisibleSql, RESOURCES } from '../../platform/resources';
import type { LiveCodeService } from './service';
import { loadCode, loadCodes, type CodeConfig } from './repo';
import { corpZone, dayIn, TimeZone } from '../../platform/time';
import { codeStats, statsCsv, sumStats } from './stats';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

// Rendering pulls in satori, resvg and a CJK font: loaded on first download, not at start.
const render = () => import('./render');
const posterCheck = () => import('./poster-check');

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const Schedule = z.object({
  /** Default: the corp's time zone. */
  timezone: TimeZone.optional(),
  weekly: z.array(z.object({ day: z.number().int().min(0, 'must be 0 (Sunday) to 6').max(6, 'must be 0 (Sunday) to 6'), start: Hhmm, end: Hhmm })).max(70),
  exceptions: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'), closed: z.boolean().optional(), slots: z.array(z.object({ start: Hhmm, end: Hhmm })).max(48).optional() })).max(366).default([]),
});
const PoolItem = z.object({
  userid: Userid,
  weight: z.number().int().min(1, 'must be ≥ 1').max(100, 'must be ≤ 100').default(1),
  dailyCap: z.number().int().min(1, 'must be ≥ 1 (or null for no cap)').max(100000).nullish(),
  totalCap: z.number().int().min(1, 'must be ≥ 1 (or null for no cap)').max(10000000).nullish(),
});
const CodeBody = z.object({
  kind: z.enum(LIVE_CODE_KINDS, { message: 'must be staff, group or store' }),
  name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  channel: z.string().trim().max(30, 'must be at most 30 characters').default(''),
  storeId: RowId.nullish(),
  mode: z.enum(['pond', 'native'], { message: 'must be pond or native' }).default('pond'),
  strategy: z.enum(LIVE_CODE_STRATEGIES, { message: 'must be round_robin, weighted or random' }).default('round_robin'),
  lockEnabled: z.boolean().default(true),
  skipVerify: z.boolean().default(true),
  tagIds: List(TagId, 100).default([]),
  remarkTemplate: z.string().max(60).nullish(),
  description: z.string().max(500).nullish(),
  welcomeId: RowId.nullish(),
  schedule: Schedule.nullish(),
  backupUserids: List(Userid, 20).default([]),
  pool: z.array(PoolItem).max(200, 'at most 200 staff per code').optional(),
  groupCap: z.number().int().min(1, 'must be ≥ 1').max(200, 'must be ≤ 200 (WeCom admits at most 200 members by QR)').default(200),
  groupAutoCreate: z.boolean().default(true),
  groupBaseName: z.string().max(40, 'must be at most 40 characters').nullish(),
  groupChatIds: List(ChatId, 100).optional(),
  groupWelcomeTemplateId: WecomId('a group welcome template id').nullish(),
});
/** Ids a code refers to: all of this corp, live (a deleted tag or an archived template is refused). */
const LIVE_CODE_REFS = {
  'tagIds[]': 'tag', welcomeId: 'welcomeTemplate', storeId: 'store', 'pool[].userid': 'staff', 'backupUserids[]': 'staff',
  'groupChatIds[]': 'group', groupWelcomeTemplateId: 'groupWelcomeTemplate',
} as const;
const PatchBody = patchOf(CodeBody.omit({ kind: true, mode: true })).extend({
  kind: z.enum(LIVE_CODE_KINDS).optional(), mode: z.enum(['pond', 'native']).optional(),
});
const Range = z.object({ from: Day.optional(), to: Day.optional() });

/** Days are the corp's calendar days: "today" is today in its time zone. */
function range(q: { from?: string; to?: string }, tz: string): { from: string; to: string } {
  const today = dayIn(new Date(), tz);
  const to = q.to ?? today;
  const from = q.from ?? new Date(Date.parse(to) - 29 * 86400_000).toISOString().slice(0, 10);
  if (from > to) throw AppError.validation('from', 'must not be after to');
  if (Date.parse(to) - Date.parse(from) > 366 * 86400_000) throw AppError.validation('from', 'the range may span at most 366 days');
  return { from, to };
}

export async function liveCodeRoutes(app: App, deps: { pool: pg.Pool; codes: LiveCodeService; publicUrl: () => string }) {
  const { pool, codes } = deps;
  const landingUrl = (key: string) => `${deps.publicUrl()}/l/${key}`;
  const out = (c: CodeConfig, numbers?: Record<string, number>) => ({
    id: c.id, key: c.key, url: landingUrl(c.key), kind: c.kind, name: c.name, channel: c.channel, storeId: c.storeId, mode: c.mode,
    strategy: c.strategy, lockEnabled: c.lockEnabled, skipVerify: c.skipVerify, tagIds: c.tagIds, remarkTemplate: c.remarkTemplate,
    description: c.description, welcomeId: c.welcomeId, schedule: c.schedule, backupUserids: c.backupUserids, state: c.state, status: c.status,
    groupCap: c.groupCap, groupAutoCreate: c.groupAutoCreate, groupBaseName: c.groupBaseName, groupWelcomeTemplateId: c.groupWelcomeTemplateId,
    wecomQrUrl: c.wecomQrUrl, createdAt: c.createdAt,
    pool: c.pool.map((p) => ({ userid: p.userid, name: p.name, weight: p.weight, dailyCap: p.dailyCap, totalCap: p.totalCap, available: p.available, qrUrl: p.qrUrl, backup: p.position >= 1000 })),
    groups: c.groups,
    ...(numbers ? { numbers } : {}),
  });
  const mustLoad = async (corpId: string, id: number) => {
    const c = await loadCode(pool, { id, corpId });
    if (!c) throw AppError.notFound(`live code ${id}`);
    return c;
  };

  app.get('/api/live-codes', {
    config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['live-codes'], querystring: Page.extend({ kind: z.enum(LIVE_CODE_KINDS).optional(), status: z.enum(['active', 'archived']).default('active'), q: z.string().max(60).optional() }) },
  }, async (req) => {
    const scope = req.scope;
    const q = req.query;
    const p = new Params();
    const corp = p.add(scope.corpId);
    const kind = p.add(q.kind ?? null);
    const text = p.add(q.q ?? null);
    const { rows } = await pool.query(
      `SELECT c.id, count(*) OVER ()::int AS total,
              (SELECT count(*)::int FROM code_visits v WHERE v.code_id = c.id AND v.created_at >= date_trunc('day', now() AT TIME ZONE corp.timezone) AT TIME ZONE corp.timezone) AS scans_today,
              (SELECT count(*)::int FROM code_visits v WHERE v.code_id = c.id) AS scans_total,
              (SELECT count(*)::int FROM attributions a WHERE a.code_id = c.id AND a.added_at >= date_trunc('day', now() AT TIME ZONE corp.timezone) AT TIME ZONE corp.timezone) AS adds_today,
              (SELECT count(*)::int FROM attributions a WHERE a.code_id = c.id) AS adds_total,
              (SELECT count(*)::int FROM attributions a WHERE a.code_id = c.id AND a.deleted_at IS NULL) AS retained_total
       FROM live_codes c JOIN corps corp ON corp.id = c.corp_id WHERE c.corp_id = ${corp} AND c.status = ${p.add(q.status)} AND (${kind}::text IS NULL OR c.kind = ${kind})
         AND (${text}::text IS NULL OR c.name ILIKE '%' || ${text} || '%' OR c.channel ILIKE '%' || ${text} || '%')
         AND ${liveCodeVisibleSql(scope, p, 'c')}
       ORDER BY c.id DESC LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
    const loaded = new Map((await loadCodes(pool, scope.corpId, rows.map((r) => r.id))).map((c) => [c.id, c]));
    const items = rows.filter((r) => loaded.has(r.id)).map((r) => out(loaded.get(r.id)!, {
      scansToday: r.scans_today, scansTotal: r.scans_total, addsToday: r.adds_today, addsTotal: r.adds_total, retainedTotal: r.retained_total,
    }));
    return { items, total: rows[0]?.total ?? 0 };
  });

  app.post('/api/live-codes', { config: access(WRITE_ROLES, { refs: LIVE_CODE_REFS }), schema: { tags: ['live-codes'], body: CodeBody } },
    async (req) => out(await codes.create(req.principal!.corpId, req.body)));

  app.get('/api/live-codes/:id', { config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams } },
    async (req) => out(await mustLoad(req.principal!.corpId, req.params.id)));

  app.patch('/api/live-codes/:id', { config: access(WRITE_ROLES, { params: { id: 'liveCode' }, refs: LIVE_CODE_REFS }), schema: { tags: ['live-codes'], params: IdParams, body: PatchBody } },
    async (req) => out(await codes.update(req.principal!.corpId, req.params.id, req.body)));

  app.post('/api/live-codes/:id/archive', { config: access(WRITE_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams } },
    async (req) => { await codes.archive(req.principal!.corpId, req.params.id); return { ok: true }; });

  app.get('/api/live-codes/:id/stats', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams, querystring: Range },
  }, async (req) => {
    await mustLoad(req.principal!.corpId, req.params.id);
    const r = range(req.query, await corpZone(pool, req.scope.corpId));
    const days = await codeStats(pool, req.scope, { codeIds: [req.params.id] }, r.from, r.to);
    return { ...r, days, total: sumStats(days) };
  });

  app.get('/api/live-codes/:id/stats.csv', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams, querystring: Range },
  }, async (req, reply) => {
    const c = await mustLoad(req.principal!.corpId, req.params.id);
    const r = range(req.query, await corpZone(pool, req.scope.corpId));
    const days = await codeStats(pool, req.scope, { codeIds: [c.id] }, r.from, r.to);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="live-code-${c.id}-${r.from}-${r.to}.csv"`).send(statsCsv(days));
  });

  app.get('/api/channel-stats', {
    config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['live-codes'], querystring: Range.extend({ format: z.enum(['json', 'csv']).default('json') }) },
  }, async (req, reply) => {
    const r = range(req.query, await corpZone(pool, req.scope.corpId));
    const p = new Params();
    const { rows } = await pool.query(
      `SELECT DISTINCT c.channel FROM live_codes c WHERE c.corp_id = ${p.add(req.scope.corpId)} AND ${liveCodeVisibleSql(req.scope, p, 'c')} ORDER BY c.channel`, p.values);
    const channels = [];
    for (const row of rows) {
      const days = await codeStats(pool, req.scope, { channel: row.channel }, r.from, r.to);
      channels.push({ channel: row.channel, days, total: sumStats(days) });
    }
    if (req.query.format === 'csv') {
      const lines = channels.flatMap((c) => statsCsv(c.days).replace(/^\ufeff/, '').trim().split('\n').slice(1).map((l) => `${c.channel},${l}`));
      const header = statsCsv([]).replace(/^\ufeff/, '').trim();
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="channels-${r.from}-${r.to}.csv"`).send(`\ufeff渠道 channel,${header}\n${lines.join('\n')}\n`);
    }
    return { ...r, channels };
  });

  // Printable assets: the QR encodes the permanent landing URL, never a staff member's own QR.
  app.get('/api/live-codes/:id/qr.png', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams, querystring: z.object({ size: z.coerce.number().int().min(128).max(4096).default(1181) }) },
  }, async (req, reply) => {
    const c = await mustLoad(req.principal!.corpId, req.params.id);
    const png = await (await render()).renderQrPng(landingUrl(c.key), { sizePx: req.query.size });
    return reply.type('image/png').header('content-disposition', `attachment; filename="${c.key}.png"`).send(png);
  });
  app.get('/api/live-codes/:id/qr.svg', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams, querystring: z.object({ sizeMm: z.coerce.number().min(20).max(1000).default(80) }) },
  }, async (req, reply) => {
    const c = await mustLoad(req.principal!.corpId, req.params.id);
    return reply.type('image/svg+xml').header('content-disposition', `attachment; filename="${c.key}.svg"`).send((await render()).renderQrSvg(landingUrl(c.key), { sizeMm: req.query.sizeMm }));
  });
  const PosterQuery = z.object({
    title: z.string().max(60).optional(), subtitle: z.string().max(120).optional(), body: z.string().max(400).optional(),
    background: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1677ff').optional(),
    accent: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1677ff').optional(),
    textColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1677ff').optional(),
  });
  const posterSpec = (c: CodeConfig, q: z.infer<typeof PosterQuery>) => ({
    qrText: landingUrl(c.key), title: q.title ?? c.name, subtitle: q.subtitle ?? (c.channel || undefined), body: q.body ?? c.description ?? undefined,
    background: q.background, accent: q.accent, textColor: q.textColor,
  });
  app.get('/api/live-codes/:id/poster.png', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams, querystring: PosterQuery },
  }, async (req, reply) => {
    const c = await mustLoad(req.principal!.corpId, req.params.id);
    const png = await (await render()).renderPoster(posterSpec(c, req.query));
    return reply.type('image/png').header('content-disposition', `attachment; filename="${c.key}-poster.png"`).send(png);
  });
  app.get('/api/live-codes/:id/poster-check', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: { tags: ['live-codes'], params: IdParams, querystring: PosterQuery },
  }, async (req) => ({ issues: (await posterCheck()).checkPoster(posterSpec(await mustLoad(req.principal!.corpId, req.params.id), req.query)) }));

  app.get('/api/alerts', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['alerts'], querystring: z.object({ unread: z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true').optional() }) } }, async (req) => {
    const p = new Params();
    const { rows } = await pool.query(
      `SELECT a.id, a.kind, a.message, a.data, a.created_at, a.read_at FROM alerts a
       WHERE a.corp_id = ${p.add(req.scope.corpId)} AND (${p.add(req.query.unread ?? null)}::boolean IS NOT TRUE OR a.read_at IS NULL)
         AND ${RESOURCES.alert.visible(req.scope, p, 'a')}
       ORDER BY a.id DESC LIMIT 100`, p.values);
    return { items: rows.map((a) => ({ id: a.id, kind: a.kind, message: a.message, data: a.data, createdAt: a.created_at, readAt: a.read_at })) };
  });
  app.post('/api/alerts/:id/read', { config: access(ALL_ROLES, { params: { id: 'alert' } }), schema: { tags: ['alerts'], params: IdParams } }, async (req) => {
    await pool.query('UPDATE alerts SET read_at = now() WHERE corp_id = $1 AND id = $2', [req.principal!.corpId, req.params.id]);
    return { ok: true };
  });
}
