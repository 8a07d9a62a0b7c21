import { z } from 'zod';
import type { App } from '../../platform/http';
import type { TagService } from './service';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

const Name = z.string().trim().min(1, 'is required').max(30, 'must be at most 30 characters (WeCom limit)');
const Order = z.number().int().min(0, 'must be ≥ 0').max(2 ** 32 - 1, 'must be < 2^32').optional();

export async function tagRoutes(app: App, deps: { tags: TagService }) {
  const { tags } = deps;
  app.get('/api/tags', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['tags'] } },
    async (req) => ({ groups: await tags.tree(req.principal!.corpId) }));
  app.post('/api/tag-groups', {
    config: access(WRITE_ROLES), schema: { tags: ['tags'], body: z.object({ name: Name, order: Order, tags: z.array(z.object({ name: Name, order: Order })).min(1, 'a tag group needs at least one tag').max(100) }) },
  }, async (req) => tags.createGroup(req.principal!.corpId, req.body));
  app.patch('/api/tag-groups/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tagGroup' } }), schema: { tags: ['tags'], params: z.object({ id: z.string() }), body: z.object({ name: Name.optional(), order: Order }) },
  }, async (req) => tags.editGroup(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/tag-groups/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tagGroup' } }), schema: { tags: ['tags'], params: z.object({ id: z.string() }) },
  }, async (req) => { await tags.deleteGroup(req.principal!.corpId, req.params.id); return { ok: true }; });
  app.post('/api/tags', {
    config: access(WRITE_ROLES, { refs: { groupId: 'tagGroup' } }), schema: { tags: ['tags'], body: z.object({ groupId: z.string().min(1, 'is required'), name: Name, order: Order }) },
  }, async (req) => tags.createTag(req.principal!.corpId, req.body));
  app.patch('/api/tags/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tag' } }), schema: { tags: ['tags'], params: z.object({ id: z.string() }), body: z.object({ name: Name.optional(), order: Order }) },
  }, async (req) => tags.editTag(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/tags/:id', {
    config: access(WRITE_ROLES, { params: { id: 'tag' } }), schema: { tags: ['tags'], params: z.object({ id: z.string() }) },
  }, async (req) => { await tags.deleteTag(req.principal!.corpId, req.params.id); return { ok: true }; });
}
