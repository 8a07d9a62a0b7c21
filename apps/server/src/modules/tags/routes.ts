// Corp tags and tag groups: the tree with customer counts, and writes (through WeCom first).
import { Ok } from '@pond/contracts/common';
import { CreatedTag, SavedTag, TagBody, TagGroup, TagGroupBody, TagIdParams, TagPatch, TagTree } from '@pond/contracts/tags';
import type { App } from '../../platform/http';
import type { TagService } from './service';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export function tagRoutes(app: App, deps: { tags: TagService }): void {
  const { tags } = deps;
  const t = ['tags'];
  app.get('/api/tags', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: t, response: { 200: TagTree } } },
    async (req) => ({ groups: await tags.tree(req.scope) }));
  app.post('/api/tag-groups', {
    config: access(WRITE_ROLES), schema: { tags: t, body: TagGroupBody, response: { 200: TagGroup } },
  }, async (req) => tags.createGroup(req.principal!.corpId, req.body));
  app.patch('/api/tag-groups/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tagGroup' } }), schema: { tags: t, params: TagIdParams, body: TagPatch, response: { 200: TagGroup } },
  }, async (req) => tags.editGroup(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/tag-groups/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tagGroup' } }), schema: { tags: t, params: TagIdParams, response: { 200: Ok } },
  }, async (req) => { await tags.deleteGroup(req.principal!.corpId, req.params.id); return { ok: true as const }; });
  app.post('/api/tags', {
    config: access(WRITE_ROLES, { refs: { groupId: 'tagGroup' } }), schema: { tags: t, body: TagBody, response: { 200: CreatedTag } },
  }, async (req) => tags.createTag(req.principal!.corpId, req.body));
  app.patch('/api/tags/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tag' } }), schema: { tags: t, params: TagIdParams, body: TagPatch, response: { 200: SavedTag } },
  }, async (req) => tags.editTag(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/tags/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tag' } }), schema: { tags: t, params: TagIdParams, response: { 200: Ok } },
  }, async (req) => { await tags.deleteTag(req.principal!.corpId, req.params.id); return { ok: true as const }; });
}
