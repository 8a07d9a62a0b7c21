// The customer list (and its CSV), the customer page with its timeline, and the page's edits: a relation's
// remark fields and corp tags (written to WeCom), and notes.
import { z } from 'zod';
import {
  CustomerDetail, CustomerFilters, CustomerList, CustomerListQuery, CustomerNote, CustomerNotes, CustomerParams, Follow, FollowParams,
  FollowPatch, FollowTagsChange, NoteInput, NoteParams, Timeline, TimelineQuery,
} from '@pond/contracts/customers';
import { Ok } from '../../platform/schemas';
import type { App } from '../../platform/http';
import { access, ALL_ROLES } from '../../platform/access';
import type { CustomerService } from './service';
import type { CustomerEdits } from './edits';

export function customerRoutes(app: App, deps: { customers: CustomerService; edits: CustomerEdits }): void {
  app.patch('/api/customers/:externalUserid/follows/:userid', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer', userid: 'staff' } }), schema: {
      tags: ['customers'], summary: "Edit a relation's remark, description, phones, company remark (written to WeCom)", params: FollowParams,
      body: FollowPatch, response: { 200: Follow },
    },
  }, (req) => deps.edits.updateFollow(req.scope, req.params.externalUserid, req.params.userid, req.body));

  app.post('/api/customers/:externalUserid/follows/:userid/tags', {
    config: { ...access(ALL_ROLES, { params: { externalUserid: 'customer', userid: 'staff' }, refs: { 'add[]': 'tag' } }), audit: { action: 'customer_tag.update' } }, schema: {
      tags: ['customers'], summary: 'Add or remove corp tags on a relation (mark_tag)', params: FollowParams,
      body: FollowTagsChange, response: { 200: Follow },
    },
  }, (req) => deps.edits.changeTags(req.scope, req.params.externalUserid, req.params.userid, req.body));

  app.get('/api/customers/:externalUserid/notes', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: { tags: ['customers'], summary: "The customer's notes, newest first", params: CustomerParams, response: { 200: CustomerNotes } },
  }, async (req) => ({ items: await deps.edits.listNotes(req.scope, req.params.externalUserid, req.principal!) }));

  app.post('/api/customers/:externalUserid/notes', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: { tags: ['customers'], summary: 'Add a note (Pond only)', params: CustomerParams, body: NoteInput, response: { 200: CustomerNote } },
  }, (req) => deps.edits.addNote(req.scope, req.params.externalUserid, req.principal!, req.body.text));

  app.delete('/api/customers/:externalUserid/notes/:id', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer', id: 'note' } }),
    schema: { tags: ['customers'], summary: 'Delete a note (its author or an admin)', params: NoteParams, response: { 200: Ok } },
  }, async (req) => {
    await deps.edits.deleteNote(req.scope, req.params.externalUserid, req.principal!, req.params.id);
    return { ok: true as const };
  });

  app.get('/api/customers', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { 'tagIds[]': 'tag', userid: 'staff', storeId: 'store' } }), schema: {
      tags: ['customers'], summary: 'Search customers (name or remark), filter by tag, staff, store, channel',
      querystring: CustomerListQuery, response: { 200: CustomerList },
    },
  }, (req) => deps.customers.list(req.scope, req.query));

  app.get('/api/customers.csv', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { 'tagIds[]': 'tag', userid: 'staff', storeId: 'store' } }), schema: {
      tags: ['customers'], summary: 'The customer list as CSV (same filters, up to 100,000 rows)', produces: ['text/csv'],
      querystring: CustomerFilters,
      response: { 200: { description: 'A CSV download (UTF-8 with BOM, times in the corp\'s zone, tags by name; filename "customers.csv")', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const csv = await deps.customers.csv(req.scope, req.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="customers.csv"').send(csv);
  });

  app.get('/api/customers/:externalUserid', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: { tags: ['customers'], summary: 'One customer: follow relations, groups, timeline', params: CustomerParams, response: { 200: CustomerDetail } },
  }, (req) => deps.customers.detail(req.scope, req.params.externalUserid));

  app.get('/api/customers/:externalUserid/timeline', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }), schema: {
      tags: ['customers'], summary: "The customer's events, newest first, before the event `before`", params: CustomerParams,
      querystring: TimelineQuery, response: { 200: Timeline },
    },
  }, (req) => deps.customers.timeline(req.scope, req.params.externalUserid, req.query));
}
