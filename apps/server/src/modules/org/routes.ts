// Staff, departments and stores.
import type pg from 'pg';
import { Ok } from '@pond/contracts/common';
import { DepartmentList, StaffListQuery, StaffPage, Store, StoreBody, StoreList, StorePatchBody } from '@pond/contracts/org';
import type { App } from '../../platform/http';
import { IdParams } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import { OrgService } from './service';

const TAGS = ['org'];
const ok = { ok: true as const };

export async function orgRoutes(app: App, deps: { pool: pg.Pool }) {
  const org = new OrgService(deps.pool);

  app.get('/api/departments', {
    config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: TAGS, summary: "The corp's WeCom departments", response: { 200: DepartmentList } },
  }, async (req) => ({ items: await org.departments(req.principal!.corpId) }));

  app.get('/api/stores', {
    config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: TAGS, summary: 'The stores the caller sees, with their member counts', response: { 200: StoreList } },
  }, async (req) => ({ items: await org.stores(req.scope) }));

  app.post('/api/stores', {
    config: access(WRITE_ROLES, { refs: { departmentId: 'department' } }), schema: { tags: TAGS, body: StoreBody, response: { 200: Store } },
  }, async (req) => org.createStore(req.principal!.corpId, req.body));

  app.patch('/api/stores/:id', {
    config: access(WRITE_ROLES, { params: { id: 'store' }, refs: { departmentId: 'department' } }),
    schema: { tags: TAGS, params: IdParams, body: StorePatchBody, response: { 200: Store } },
  }, async (req) => org.updateStore(req.principal!.corpId, req.params.id, req.body));

  app.delete('/api/stores/:id', {
    config: access(WRITE_ROLES, { params: { id: 'store' } }), schema: { tags: TAGS, params: IdParams, response: { 200: Ok } },
  }, async (req) => { await org.deleteStore(req.principal!.corpId, req.params.id); return ok; });

  app.get('/api/staff', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { storeId: 'store', departmentId: 'department' } }),
    schema: { tags: TAGS, summary: 'A page of the members the caller sees', querystring: StaffListQuery, response: { 200: StaffPage } },
  }, async (req) => org.staff(req.scope, req.query));
}
