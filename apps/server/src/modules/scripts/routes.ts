// Script library (话术库): folders and scripts, searched by words; render fills {nickname} and {staff}.
import { Ok } from '@pond/contracts/common';
import {
  FolderBody, RenderedScript, Script, ScriptBody, ScriptFolder, ScriptFolderList, ScriptList, ScriptPatchBody, ScriptRenderQuery, ScriptSearchQuery,
} from '@pond/contracts/scripts';
import type { App } from '../../platform/http';
import type { ScriptService } from './service';
import { IdParams } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

const TAGS = ['scripts'];
const ok = { ok: true as const };

export async function scriptRoutes(app: App, deps: { scripts: ScriptService }) {
  const { scripts } = deps;
  app.get('/api/script-folders', {
    config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: TAGS, response: { 200: ScriptFolderList } },
  }, async (req) => ({ items: await scripts.folders(req.principal!.corpId) }));
  app.post('/api/script-folders', {
    config: access(WRITE_ROLES, { refs: { parentId: 'scriptFolder' } }), schema: { tags: TAGS, body: FolderBody, response: { 200: ScriptFolder } },
  }, async (req) => scripts.createFolder(req.principal!.corpId, req.body));
  app.delete('/api/script-folders/:id', {
    config: access(WRITE_ROLES, { params: { id: 'scriptFolder' } }), schema: { tags: TAGS, params: IdParams, response: { 200: Ok } },
  }, async (req) => { await scripts.deleteFolder(req.principal!.corpId, req.params.id); return ok; });

  app.get('/api/scripts', {
    config: access(ALL_ROLES, { scope: 'corp', refs: { folderId: 'scriptFolder' } }), schema: { tags: TAGS, querystring: ScriptSearchQuery, response: { 200: ScriptList } },
  }, async (req) => ({ items: await scripts.search(req.principal!.corpId, req.query) }));
  app.post('/api/scripts', {
    config: access(WRITE_ROLES, { refs: { folderId: 'scriptFolder' } }), schema: { tags: TAGS, body: ScriptBody, response: { 200: Script } },
  }, async (req) => scripts.create(req.principal!.corpId, req.body, req.principal!.name));
  app.patch('/api/scripts/:id', {
    config: access(WRITE_ROLES, { params: { id: 'script' }, refs: { folderId: 'scriptFolder' } }), schema: { tags: TAGS, params: IdParams, body: ScriptPatchBody, response: { 200: Script } },
  }, async (req) => scripts.update(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/scripts/:id', {
    config: access(WRITE_ROLES, { params: { id: 'script' } }), schema: { tags: TAGS, params: IdParams, response: { 200: Ok } },
  }, async (req) => { await scripts.remove(req.principal!.corpId, req.params.id); return ok; });
  app.get('/api/scripts/:id/render', {
    config: access(ALL_ROLES, { params: { id: 'script' }, refs: { externalUserid: 'customer', userid: 'staff' } }),
    schema: { tags: TAGS, params: IdParams, querystring: ScriptRenderQuery, response: { 200: RenderedScript } },
  }, async (req) => scripts.render(req.principal!.corpId, req.params.id, { ...req.query, userid: req.query.userid ?? req.principal!.staffUserid ?? undefined }));
  app.post('/api/scripts/:id/used', {
    config: { ...access(ALL_ROLES, { params: { id: 'script' } }), audit: { action: 'script.send' } }, schema: { tags: TAGS, params: IdParams, response: { 200: Ok } },
  }, async (req) => { await scripts.used(req.principal!.corpId, req.params.id); return ok; });
}
