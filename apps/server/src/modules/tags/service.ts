// Tag writes go to WeCom first; WeCom sends no callback for API writes, so we store the result ourselves.
import type pg from 'pg';
import type { TagBody, TagGroupBody, TagPatch } from '@pond/contracts/tags';
import type { CorpService } from '../org';
import { AppError } from '../../platform/errors';
import type { Scope } from '../../platform/auth';
import type { Row } from '../../platform/db/rows';
import { findTag, findTagGroup, listTagTree, markTagsDeleted, saveTagGroups, tagNameTaken, updateTag, updateTagGroup } from './repo';

export class TagService {
  constructor(private pool: pg.Pool, private corps: CorpService) {}

  /** The tag tree, with each tag's customer count as the scope sees it. */
  tree(scope: Scope) {
    return listTagTree(this.pool, scope.corpId, { scope });
  }

  private async findGroup(corpId: string, id: string): Promise<Row<'tag_groups'>> {
    const g = await findTagGroup(this.pool, corpId, id);
    if (!g) throw AppError.notFound(`tag group ${id}`);
    return g;
  }

  private async findTag(corpId: string, id: string): Promise<Row<'tags'>> {
    const t = await findTag(this.pool, corpId, id);
    if (!t) throw AppError.notFound(`tag ${id}`);
    return t;
  }

  private async assertUniqueName(corpId: string, groupId: string | null, name: string, exceptId?: string) {
    if (await tagNameTaken(this.pool, corpId, groupId, name, exceptId)) {
      throw AppError.validation('name', `"${name}" already exists ${groupId ? 'in this tag group' : 'as a tag group'}`);
    }
  }

  /** The group as the tree shows it (after a write). */
  private async treeGroup(corpId: string, id: string) {
    const group = (await listTagTree(this.pool, corpId)).find((g) => g.id === id);
    if (!group) throw AppError.notFound(`tag group ${id}`);
    return group;
  }

  async createGroup(corpId: string, input: TagGroupBody) {
    await this.assertUniqueName(corpId, null, input.name);
    const names = input.tags.map((t) => t.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw AppError.validation('tags', `tag "${dup}" is listed twice`);
    const client = await this.corps.client(corpId);
    const res = await client.addCorpTag({ group_name: input.name, order: input.order, tag: input.tags });
    await saveTagGroups(this.pool, corpId, [res.tag_group], { full: false });
    return this.treeGroup(corpId, res.tag_group.group_id);
  }

  async createTag(corpId: string, input: TagBody) {
    const group = await this.findGroup(corpId, input.groupId);
    await this.assertUniqueName(corpId, input.groupId, input.name);
    const client = await this.corps.client(corpId);
    const res = await client.addCorpTag({ group_id: group.id, tag: [{ name: input.name, order: input.order }] });
    await saveTagGroups(this.pool, corpId, [res.tag_group], { full: false });
    const created = res.tag_group.tag?.find((t) => t.name === input.name) ?? res.tag_group.tag?.[0];
    if (!created) throw new Error('add_corp_tag answered without the new tag');
    return { id: created.id, groupId: group.id, name: created.name, order: created.order ?? 0, customerCount: 0 };
  }

  async editGroup(corpId: string, id: string, patch: TagPatch) {
    const g = await this.findGroup(corpId, id);
    if (patch.name) await this.assertUniqueName(corpId, null, patch.name, id);
    const client = await this.corps.client(corpId);
    await client.editCorpTag({ id, name: patch.name, order: patch.order });
    await updateTagGroup(this.pool, corpId, id, patch.name ?? g.name, patch.order ?? g.order);
    return this.treeGroup(corpId, id);
  }

  async editTag(corpId: string, id: string, patch: TagPatch) {
    const t = await this.findTag(corpId, id);
    if (patch.name) await this.assertUniqueName(corpId, t.group_id, patch.name, id);
    const client = await this.corps.client(corpId);
    await client.editCorpTag({ id, name: patch.name, order: patch.order });
    await updateTag(this.pool, corpId, id, patch.name ?? t.name, patch.order ?? t.order);
    return { id, groupId: t.group_id, name: patch.name ?? t.name, order: patch.order ?? t.order };
  }

  async deleteGroup(corpId: string, id: string) {
    await this.findGroup(corpId, id);
    const client = await this.corps.client(corpId);
    await client.delCorpTag({ group_id: [id] });
    await markTagsDeleted(this.pool, corpId, [id]);
  }

  async deleteTag(corpId: string, id: string) {
    await this.findTag(corpId, id);
    const client = await this.corps.client(corpId);
    await client.delCorpTag({ tag_id: [id] });
    await markTagsDeleted(this.pool, corpId, [id]);
  }
}
