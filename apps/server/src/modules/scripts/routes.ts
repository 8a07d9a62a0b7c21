import { z } from 'zod';
import type { App } from '../../platform/http';
import type { ScriptService } from './service';
import { ExternalUserid, IdParams, Int4, RowId, RowIdParam, Userid } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

const Id = IdParams;

export async function scriptRoutes(app: App, deps: { scripts: ScriptService }) {
  const { scripts } = deps;
  app.get('/api/script-folders', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['scripts'] } }, async (req) => ({ items: await scripts.folders(req.principal!.corpId) }));
  app.post('/api/script-folders', {
    config: access(WRITE_ROLES, { refs: { parentId: 'scriptFolder' } }), schema: { tags: ['scripts'], body: z.object({ name: z.string().trim().min(1, 'is required').max(30), parentId: RowId.nullish(), position: Int4().optional() }) },
  }, async (req) => scripts.createFolder(req.principal!.corpId, req.body));
  app.delete('/api/script-folders/:id', { config: access(WRITE_ROLES, { params: { id: 'scriptFolder' } }), schema: { tags: ['scripts'], params: Id } },
    async (req) => { await scripts.deleteFolder(req.principal!.corpId, req.params.id); return { ok: true }; });

  const Body = z.object({
    folderId: RowId.nullish(),
    title: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
    content: z.string().trim().min(1, 'is required').max(4000, 'must be at most 4000 characters (a WeCom text message)'),
  });
  app.get('/api/scripts', {
    config: access(ALL_ROLES, { scope: 'corp', refs: { folderId: 'scriptFolder' } }), schema: { tags: ['scripts'], querystring: z.object({ q: z.string().max(100).optional(), folderId: RowIdParam.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  }, async (req) => ({ items: await scripts.search(req.principal!.corpId, req.query) }));
  app.post('/api/scripts', { config: access(WRITE_ROLES, { refs: { folderId: 'scriptFolder' } }), schema: { tags: ['scripts'], body: Body } },
    async (req) => scripts.create(req.principal!.corpId, req.body, req.principal!.name));
  app.patch('/api/scripts/:id', { config: access(WRITE_ROLES, { params: { id: 'script' }, refs: { folderId: 'scriptFolder' } }), schema: { tags: ['scripts'], params: Id, body: Body.partial() } },
    async (req) => scripts.update(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/scripts/:id', { config: access(WRITE_ROLES, { params: { id: 'script' } }), schema: { tags: ['scripts'], params: Id } },
    async (req) => { await scripts.remove(req.principal!.corpId, req.params.id); return { ok: true }; });
  app.get('/api/scripts/:id/render', {
    config: access(ALL_ROLES, { params: { id: 'script' }, refs: { externalUserid: 'customer', userid: 'staff' } }), schema: { tags: ['scripts'], params: Id, querystring: z.object({ externalUserid: ExternalUserid.optional(), userid: Userid.optional() }) },
  }, async (req) => scripts.render(req.principal!.corpId, req.params.id, { ...req.query, userid: req.query.userid ?? req.principal!.staffUserid ?? undefined }));
  app.post('/api/scripts/:id/used', { config: { ...access(ALL_ROLES, { params: { id: 'script' } }), audit: { action: 'script.send' } }, schema: { tags: ['scripts'], params: Id } },
    async (req) => { await scripts.used(req.principal!.corpId, req.params.id); return { ok: true }; });
}
