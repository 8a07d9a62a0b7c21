import { z } from 'zod';
import type { App } from '../../platform/http';
import type { CustomerService } from './service';
import type { CustomerEdits } from './edits';
import { toCsv } from '../../platform/csv';
import { ExternalUserid, INT4_MAX, List, Page, RowIdParam, TagId, Text, Userid } from '../../platform/schemas';
import { access, ALL_ROLES } from '../../platform/access';


const Mobile = z.string().trim().regex(/^[0-9+\- ]{1,20}$/, 'must be a phone number (digits, + - and spaces, at most 20)');

/** Comma-separated tag ids in a query string. */
const TagIdsQuery = Text(6500).optional().transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
  .pipe(List(TagId, 100).optional());
/** A live code's channel (a prefix of the relation's state), or a number: WeCom's add_way. */
const Channel = Text(30).refine((s) => !/^\d+$/.test(s) || Number(s) <= INT4_MAX, 'a number is a WeCom add_way, at most 2147483647');

export async function customerRoutes(app: App, deps: { customers: CustomerService; edits: CustomerEdits }) {
  const Ext = z.object({ externalUserid: ExternalUserid });
  const ExtUser = Ext.extend({ userid: Userid });

  app.patch('/api/customers/:externalUserid/follows/:userid', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer', userid: 'staff' } }), schema: {
      tags: ['customers'], summary: "Edit a relation's remark, description, phones, company remark (written to WeCom)", params: ExtUser,
      body: z.object({
        remark: z.string().trim().max(20, 'must be at most 20 characters (WeCom)').optional(),
        description: z.string().trim().max(150, 'must be at most 150 characters (WeCom)').optional(),
        remarkMobiles: z.array(Mobile).max(5, 'at most 5 phone numbers').optional(),
        remarkCorpName: z.string().trim().max(20, 'must be at most 20 characters (WeCom)').optional(),
      }).refine((b) => Object.keys(b).length > 0, { message: 'change at least one of remark, description, remarkMobiles, remarkCorpName', path: ['remark'] }),
    },
  }, async (req) => {
    return deps.edits.updateFollow(req.scope, req.params.externalUserid, req.params.userid, req.body);
  });

  app.post('/api/customers/:externalUserid/follows/:userid/tags', {
    config: { ...access(ALL_ROLES, { params: { externalUserid: 'customer', userid: 'staff' }, refs: { 'add[]': 'tag' } }), audit: { action: 'customer_tag.update' } }, schema: {
      tags: ['customers'], summary: 'Add or remove corp tags on a relation (mark_tag)', params: ExtUser,
      body: z.object({ add: List(TagId, 100).default([]), remove: List(TagId, 100).default([]) }),
    },
  }, async (req) => {
    return deps.edits.changeTags(req.scope, req.params.externalUserid, req.params.userid, req.body);
  });

  app.get('/api/customers/:externalUserid/notes', { config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }), schema: { tags: ['customers'], params: Ext } }, async (req) => {
    return { items: await deps.edits.listNotes(req.scope, req.params.externalUserid, req.principal!) };
  });
  app.post('/api/customers/:externalUserid/notes', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }), schema: { tags: ['customers'], params: Ext, body: z.object({ text: z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters') }) },
  }, async (req) => {
    return deps.edits.addNote(req.scope, req.params.externalUserid, req.principal!, req.body.text);
  });
  app.delete('/api/customers/:externalUserid/notes/:id', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer', id: 'note' } }), schema: { tags: ['customers'], params: Ext.extend({ id: RowIdParam }) },
  }, async (req) => {
    await deps.edits.deleteNote(req.scope, req.params.externalUserid, req.principal!, req.params.id);
    return { ok: true };
  });

  app.get('/api/customers', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { 'tagIds[]': 'tag', userid: 'staff', storeId: 'store' } }), schema: {
      tags: ['customers'], summary: 'Search customers (name or remark), filter by tag, staff, store, channel',
      querystring: Page.extend({
        q: z.string().max(100).optional(),
        tagIds: TagIdsQuery,
        userid: Userid.optional(),
        storeId: RowIdParam.optional(),
        channel: Channel.optional(),
      }),
    },
  }, async (req) => deps.customers.list(req.scope, req.query));

  app.get('/api/customers.csv', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { 'tagIds[]': 'tag', userid: 'staff', storeId: 'store' } }), schema: {
      tags: ['customers'], summary: 'The customer list as CSV (same filters, up to 100,000 rows)',
      querystring: z.object({
        q: z.string().max(100).optional(),
        tagIds: TagIdsQuery,
        userid: Userid.optional(), storeId: RowIdParam.optional(), channel: Channel.optional(),
      }),
    },
  }, async (req, reply) => {
    const scope = req.scope;
    const rows: Record<string, unknown>[] = [];
    for (let page = 1; ; page++) {
      const { items } = await deps.customers.list(scope, { ...req.query, page, pageSize: 1000 });
      for (const c of items) {
        rows.push({
          externalUserid: c.externalUserid, name: c.name, gender: c.gender, corpName: c.corpName, firstAddedAt: c.firstAddedAt, tagIds: c.tagIds,
          orderCount: c.orderCount, orderTotal: c.orderTotal.toFixed(2), lastOrderAt: c.lastOrderAt,
          staff: (c.follows as any[]).filter((f) => f.status === 'active').map((f) => f.staffName ?? f.userid),
          remarks: (c.follows as any[]).map((f) => f.remark).filter(Boolean),
          // Staff's own tags (个人标签) from the WeCom client, across active relations.
          personalTags: [...new Set((c.follows as any[]).filter((f) => f.status === 'active').flatMap((f) => (f.personalTags ?? []) as string[]))],
        });
      }
      if (items.length < 1000 || rows.length >= 100_000) break;
    }
    const tagNames = new Map((await deps.customers.tagNames(scope.corpId)).map((t) => [t.id, t.name]));
    for (const r of rows) r.tags = (r.tagIds as string[]).map((t) => tagNames.get(t) ?? t);
    const csv = toCsv([
      { key: 'externalUserid', header: 'external_userid' }, { key: 'name', header: '昵称 name' }, { key: 'gender', header: '性别 gender' },
      { key: 'corpName', header: '企业 corp' }, { key: 'staff', header: '跟进员工 staff' }, { key: 'remarks', header: '备注 remarks' },
      { key: 'tags', header: '标签 tags' }, { key: 'personalTags', header: '个人标签 personal_tags' }, { key: 'firstAddedAt', header: '首次添加 first_added_at' },
      { key: 'orderCount', header: '订单数 order_count' }, { key: 'orderTotal', header: '消费金额 order_total' }, { key: 'lastOrderAt', header: '最近下单 last_order_at' },
    ], rows, await deps.customers.timezone(scope.corpId));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="customers.csv"').send(csv);
  });

  app.get('/api/customers/:externalUserid', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }), schema: { tags: ['customers'], summary: 'One customer: follow relations, groups, timeline', params: Ext },
  }, async (req) => deps.customers.detail(req.scope, req.params.externalUserid));

  app.get('/api/customers/:externalUserid/timeline', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }), schema: {
      tags: ['customers'], params: Ext,
      querystring: z.object({ before: RowIdParam.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    },
  }, async (req) => {
    return deps.customers.timeline(req.principal!.corpId, req.params.externalUserid, req.query);
  });
}
