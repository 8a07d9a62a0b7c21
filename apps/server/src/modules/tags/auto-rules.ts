// Auto-tag rules: put tags on a customer's relations when they add through a code or a channel, join a
// group, reach a count of timeline events in a window (e.g. joined ≥ 3 groups, scanned ≥ 2 codes in
// 30 days) or of orders (≥ N orders, ≥ X yuan, optionally in the last D days). Rules run on events (after
// an add is enriched, after group joins, after an order is matched) and as a backfill over everyone who
// already qualifies (a bulk tag job). Tags go to WeCom with mark_tag, relation by relation.
import type pg from 'pg';
import { z } from 'zod';
import type { App } from '../../platform/http';
import { corpScope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { CorpService } from '../org';
import { ChatId, IdParams, List, RowId, TagId, Text, Yuan } from '../../platform/schemas';
import { markRelationTags } from '../customers';
import type { BulkTagService } from './bulk';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export const RuleParams = {
  code: z.object({ codeIds: List(RowId, 100).min(1, 'choose at least one live code') }),
  channel: z.object({ channels: List(Text(30).min(1, 'is required'), 100).min(1, 'choose at least one channel') }),
  group: z.object({ chatIds: List(ChatId, 500).default([]) }),
  behaviour: z.object({
    eventType: z.enum(['customer.added', 'group.joined', 'scan'], { message: 'must be customer.added, group.joined or scan' }),
    min: z.number().int().min(1, 'must be ≥ 1').max(1000),
    days: z.number().int().min(1, 'must be ≥ 1').max(365, 'must be ≤ 365'),
  }),
  /** Paid orders without refunds: at least minCount of them and minTotal yuan, in the last withinDays days (Asia/Shanghai) when set. */
  order: z.object({
    minCount: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(100_000).default(1),
    minTotal: Yuan().refine((v) => v >= 0, 'must be ≥ 0').default(0),
    withinDays: z.number().int('must be a whole number of days').min(1, 'must be ≥ 1').max(3650, 'must be ≤ 3650').optional(),
  }),
};
const RuleBody = z.object({
  name: z.string().trim().min(1, 'is required').max(60),
  kind: z.enum(['code', 'channel', 'group', 'behaviour', 'order'], { message: 'must be code, channel, group, behaviour or order' }),
  params: z.record(z.string(), z.unknown()),
  tagIds: List(TagId, 20).min(1, 'choose at least one tag'),
  enabled: z.boolean().default(true),
});

interface Rule { id: number; corp_id: string; kind: string; params: any; tag_ids: string[]; name: string }

export class AutoTagRules {
  constructor(private pool: pg.Pool, private corps: CorpService, private bulk: BulkTagService, private log: Logger) {}

  private parseParams(kind: keyof typeof RuleParams, params: unknown) {
    const r = RuleParams[kind].safeParse(params);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw AppError.validation(['params', ...i.path.map(String)].join('.'), i.message);
    }
    return r.data;
  }

  async create(corpId: string, body: z.infer<typeof RuleBody>) {
    const params = this.parseParams(body.kind, body.params);
    const { rows: tags } = await this.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [corpId, body.tagIds]);
    const missing = body.tagIds.find((t) => !tags.some((r) => r.id === t));
    if (missing) throw AppError.validation('tagIds', `no tag ${missing} in this corp`);
    const { rows: [r] } = await this.pool.query(
      `INSERT INTO auto_tag_rules (corp_id, name, kind, params, tag_ids, enabled) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
      [corpId, body.name, body.kind, JSON.stringify(params), body.tagIds, body.enabled]);
    return r;
  }

  private async rules(corpId: string, kinds: string[]): Promise<Rule[]> {
    const { rows } = await this.pool.query(`SELECT * FROM auto_tag_rules WHERE corp_id = $1 AND enabled AND kind = ANY($2)`, [corpId, kinds]);
    return rows;
  }

  /** After an add was enriched: code, channel and behaviour rules for that relation. */
  async onAdded(corpId: string, externalUserid: string, userid: string, code: { id: number; channel: string } | null, at: Date): Promise<void> {
    const tags = new Set<string>();
    for (const r of await this.rules(corpId, ['code', 'channel', 'behaviour'])) {
      if (r.kind === 'code' && code && r.params.codeIds.includes(code.id)) r.tag_ids.forEach((t) => tags.add(t));
      if (r.kind === 'channel' && code && r.params.channels.includes(code.channel)) r.tag_ids.forEach((t) => tags.add(t));
      if (r.kind === 'behaviour' && (await this.meets(corpId, externalUserid, r))) r.tag_ids.forEach((t) => tags.add(t));
    }
    await this.apply(corpId, externalUserid, [userid], [...tags], at);
  }

  /** The contact handlers' hook after an add was enriched: the relation's code (if any) comes from its attribution. */
  async onEnrichedAdd(corpId: string, externalUserid: string, userid: string, sourceInboxId: number, at: Date): Promise<void> {
    const { rows: [a] } = await this.pool.query('SELECT code_id, channel FROM attributions WHERE corp_id = $1 AND inbox_id = $2', [corpId, sourceInboxId]);
    await this.onAdded(corpId, externalUserid, userid, a?.code_id ? { id: Number(a.code_id), channel: a.channel ?? '' } : null, at);
  }

  /** After the customer joined a group: group and behaviour rules, on every active relation. */
  async onJoinedGroup(corpId: string, externalUserid: string, chatId: string, at: Date): Promise<void> {
    const tags = new Set<string>();
    for (const r of await this.rules(corpId, ['group', 'behaviour'])) {
      if (r.kind === 'group' && (r.params.chatIds.length === 0 || r.params.chatIds.includes(chatId))) r.tag_ids.forEach((t) => tags.add(t));
      if (r.kind === 'behaviour' && (await this.meets(corpId, externalUserid, r))) r.tag_ids.forEach((t) => tags.add(t));
    }
    if (tags.size === 0) return;
    const { rows } = await this.pool.query(`SELECT userid FROM follows WHERE corp_id = $1 AND external_userid = $2 AND status = 'active'`, [corpId, externalUserid]);
    await this.apply(corpId, externalUserid, rows.map((r) => r.userid), [...tags], at);
  }

  /** After an order was matched to the customer (the inbox's pond_order event): order rules, on every active relation. */
  async onOrder(corpId: string, externalUserid: string, at: Date): Promise<void> {
    const tags = new Set<string>();
    for (const r of await this.rules(corpId, ['order'])) {
      const { rows } = await this.pool.query(this.orderSql('single'), [...this.orderArgs(corpId, r.params), externalUserid]);
      if (rows.length) r.tag_ids.forEach((t) => tags.add(t));
    }
    if (tags.size === 0) return;
    const { rows } = await this.pool.query(`SELECT userid FROM follows WHERE corp_id = $1 AND external_userid = $2 AND status = 'active'`, [corpId, externalUserid]);
    await this.apply(corpId, externalUserid, rows.map((r) => r.userid), [...tags], at);
  }

  /** Customers whose orders meet an order rule: orderArgs, then the customer in 'single' mode. "The last D days"
   * are D calendar days up to today in Asia/Shanghai, as in segments. */
  private orderSql(mode: 'single' | 'all'): string {
    return `SELECT external_userid FROM orders WHERE corp_id = $1 AND external_userid IS NOT NULL AND refunded_at IS NULL
              AND ($2::int IS NULL OR paid_at >= (((now() AT TIME ZONE 'Asia/Shanghai')::date - $2::int + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'))
              ${mode === 'single' ? 'AND external_userid = $5' : ''}
            GROUP BY external_userid HAVING count(*) >= $3::int AND sum(amount - refunded_amount) >= $4::numeric`;
  }

  private orderArgs(corpId: string, params: { minCount: number; minTotal: number; withinDays?: number }): unknown[] {
    return [corpId, params.withinDays ?? null, params.minCount, params.minTotal];
  }

  private async meets(corpId: string, ext: string, r: Rule): Promise<boolean> {
    const { rows: [c] } = await this.pool.query(this.behaviourCountSql(r.params.eventType, 'single'), [corpId, r.params.days, ext]);
    return (c?.n ?? 0) >= r.params.min;
  }

  private behaviourCountSql(eventType: string, mode: 'single' | 'all'): string {
    const filter = mode === 'single' ? 'AND external_userid = $3' : '';
    return eventType === 'scan'
      ? `SELECT external_userid, count(DISTINCT code_id)::int AS n FROM code_visits WHERE corp_id = $1 AND external_userid IS NOT NULL
           AND created_at > now() - make_interval(days => $2) ${filter} GROUP BY external_userid`
      : `SELECT external_userid, count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND type = '${eventType === 'group.joined' ? 'group.joined' : 'customer.added'}'
           AND occurred_at > now() - make_interval(days => $2) ${filter} GROUP BY external_userid`;
  }

  /** mark_tag on each relation that lacks some of the tags; our own tables and timeline follow. */
  private async apply(corpId: string, ext: string, userids: string[], tagIds: string[], at: Date): Promise<void> {
    if (tagIds.length === 0 || userids.length === 0) return;
    const { rows } = await this.pool.query(
      `SELECT userid, tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = ANY($3) AND status = 'active'`, [corpId, ext, userids]);
    const live = (await this.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [corpId, tagIds])).rows.map((r) => r.id as string);
    const client = await this.corps.client(corpId);
    for (const f of rows) {
      const add = live.filter((t) => !f.tag_ids.includes(t));
      if (add.length === 0) continue;
      await markRelationTags(this.pool, client, { corpId, externalUserid: ext, userid: f.userid, add, at, data: { by: 'rule' } });
    }
  }

  /** Everyone who already qualifies, tagged by a bulk job (progress and report as for any bulk job). */
  async backfill(corpId: string, ruleId: number, createdBy: string) {
    const { rows: [r] } = await this.pool.query('SELECT * FROM auto_tag_rules WHERE corp_id = $1 AND id = $2', [corpId, ruleId]);
    if (!r) throw AppError.notFound(`auto-tag rule ${ruleId}`);
    let exts: string[];
    if (r.kind === 'code') exts = (await this.pool.query(`SELECT DISTINCT external_userid FROM attributions WHERE corp_id = $1 AND code_id = ANY($2) AND deleted_at IS NULL`, [corpId, r.params.codeIds])).rows.map((x) => x.external_userid);
    else if (r.kind === 'channel') exts = (await this.pool.query(`SELECT DISTINCT external_userid FROM attributions WHERE corp_id = $1 AND channel = ANY($2) AND deleted_at IS NULL`, [corpId, r.params.channels])).rows.map((x) => x.external_userid);
    else if (r.kind === 'group') exts = (await this.pool.query(`SELECT DISTINCT member_id AS external_userid FROM group_members WHERE corp_id = $1 AND type = 2 AND left_at IS NULL AND (cardinality($2::text[]) = 0 OR chat_id = ANY($2))`, [corpId, r.params.chatIds])).rows.map((x) => x.external_userid);
    else if (r.kind === 'order') exts = (await this.pool.query(this.orderSql('all'), this.orderArgs(corpId, r.params))).rows.map((x) => x.external_userid);
    else exts = (await this.pool.query(this.behaviourCountSql(r.params.eventType, 'all'), [corpId, r.params.days])).rows.filter((x) => x.n >= r.params.min).map((x) => x.external_userid);
    const scope = corpScope(corpId);
    return this.bulk.create(scope, { action: 'add', tagIds: r.tag_ids, source: { externalUserids: exts } }, `${createdBy} (rule ${r.name})`);
  }

  async routes(app: App): Promise<void> {
    const out = (r: any) => ({ id: r.id, name: r.name, kind: r.kind, params: r.params, tagIds: r.tag_ids, enabled: r.enabled, createdAt: r.created_at });
    app.get('/api/auto-tag-rules', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['tags'] } }, async (req) => {
      const { rows } = await this.pool.query('SELECT * FROM auto_tag_rules WHERE corp_id = $1 ORDER BY id', [req.principal!.corpId]);
      return { items: rows.map(out) };
    });
    app.post('/api/auto-tag-rules', { config: access(WRITE_ROLES, { refs: { 'tagIds[]': 'tag', 'params.codeIds[]': 'liveCode', 'params.chatIds[]': 'group' } }), schema: { tags: ['tags'], body: RuleBody } },
      async (req) => out(await this.create(req.principal!.corpId, req.body)));
    app.patch('/api/auto-tag-rules/:id', {
      config: access(WRITE_ROLES, { params: { id: 'autoTagRule' } }), schema: { tags: ['tags'], params: IdParams, body: z.object({ enabled: z.boolean() }) },
    }, async (req) => {
      const { rows: [r] } = await this.pool.query('UPDATE auto_tag_rules SET enabled = $3, updated_at = now() WHERE corp_id = $1 AND id = $2 RETURNING *', [req.principal!.corpId, req.params.id, req.body.enabled]);
      if (!r) throw AppError.notFound(`auto-tag rule ${req.params.id}`);
      return out(r);
    });
    app.delete('/api/auto-tag-rules/:id', { config: access(WRITE_ROLES, { params: { id: 'autoTagRule' } }), schema: { tags: ['tags'], params: IdParams } }, async (req) => {
      const r = await this.pool.query('DELETE FROM auto_tag_rules WHERE corp_id = $1 AND id = $2', [req.principal!.corpId, req.params.id]);
      if (!r.rowCount) throw AppError.notFound(`auto-tag rule ${req.params.id}`);
      return { ok: true };
    });
    app.post('/api/auto-tag-rules/:id/backfill', { config: access(WRITE_ROLES, { params: { id: 'autoTagRule' } }), schema: { tags: ['tags'], params: IdParams } },
      async (req) => this.backfill(req.scope.corpId, req.params.id, req.principal!.name));
  }
}
