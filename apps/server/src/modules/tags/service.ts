// Tag writes go to WeCom first; WeCom sends no callback for API writes, so we store the result ourselves.
import type pg from 'pg';
import type { CorpService } from '../org';
import { AppError } from '../../platform/errors';
import { markTagsDeleted, saveTagGroups, listTagTree } from './repo';

export class TagService {
  constructor(private pool: pg.Pool, private corps: CorpService) {}

  tree(corpId: string) {
    return listTagTree(this.pool, corpId);
  }

  private async findGroup(corpId: string, id: string) {
    const { rows } = await this.pool.query('SELECT * FROM tag_groups WHERE corp_id=$1 AND id=$2 AND deleted_at IS NULL', [corpId, id]);
    if (!rows[0]) throw AppError.notFound(`tag group ${id}`);
    return rows[0];
  }

  private async findTag(corpId: string, id: string) {
    const { rows } = await this.pool.query('SELECT * FROM tags WHERE corp_id=$1 AND id=$2 AND deleted_at IS NULL', [corpId, id]);
    if (!rows[0]) throw AppError.notFound(`tag ${id}`);
    return rows[0];
  }

  private async assertUniqueName(corpId: string, groupId: string | null, name: string, exceptId?: string) {
    const { rows } = groupId
      ? await this.pool.query('SELECT 1 FROM tags WHERE corp_id=$1 AND group_id=$2 AND name=$3 AND deleted_at IS NULL AND id <> coalesce($4, \'\')', [corpId, groupId, name, exceptId ?? null])
      : await this.pool.query('SELECT 1 FROM tag_groups WHERE corp_id=$1 AND name=$2 AND deleted_at IS NULL AND id <> coalesce($3, \'\')', [corpId, name, exceptId ?? null]);
    if (rows.length) throw AppError.validation('name', `"${name}" already exists ${groupId ? 'in this tag group' : 'as a tag group'}`);
  }

  async createGroup(corpId: string, input: { name: string; order?: number; tags: { name: string; order?: number }[] }) {
    await this.assertUniqueName(corpId, null, input.name);
    const names = input.tags.map((t) => t.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw AppError.validation('tags', `tag "${dup}" is listed twice`);
    const client = await this.corps.client(corpId);
    const res = await client.addCorpTag({ group_name: input.name, order: input.order, tag: input.tags });
    await saveTagGroups(this.pool, corpId, [res.tag_group], { full: false });
    return (await this.tree(corpId)).find((g) => g.id === res.tag_group.group_id)!;
  }

  async createTag(corpId: string, input: { groupId: string; name: string; order?: number }) {
    const group = await this.findGroup(corpId, input.groupId);
    await this.assertUniqueName(corpId, input.groupId, input.name);
    const client = await this.corps.client(corpId);
    const res = await client.addCorpTag({ group_id: group.id, tag: [{ name: input.name, order: input.order }] });
    await saveTagGroups(this.pool, corpId, [res.tag_group], { full: false });
    const created = res.tag_group.tag?.find((t: any) => t.name === input.name) ?? res.tag_group.tag?.[0];
    return { id: created.id, groupId: group.id, name: created.name, order: created.order ?? 0, customerCount: 0 };
  }

  async editGroup(corpId: string, id: string, patch: { name?: string; order?: number }) {
    const g = await this.findGroup(corpId, id);
    if (patch.name) await this.assertUniqueName(corpId, null, patch.name, id);
    const client = await this.corps.client(corpId);
    await client.editCorpTag({ id, name: patch.name, order: patch.order });
    await this.pool.query('UPDATE tag_groups SET name=$3, "order"=$4, updated_at=now() WHERE corp_id=$1 AND id=$2',
      [corpId, id, patch.name ?? g.name, patch.order ?? g.order]);
    return (await this.tree(corpId)).find((x) => x.id === id)!;
  }

  async editTag(corpId: string, id: string, patch: { name?: string; order?: number }) {
    const t = await this.findTag(corpId, id);
    if (patch.name) await this.assertUniqueName(corpId, t.group_id, patch.name, id);
    const client = await this.corps.client(corpId);
    await client.editCorpTag({ id, name: patch.name, order: patch.order });
    await this.pool.query('UPDATE tags SET name=$3, "order"=$4, updated_at=now() WHERE corp_id=$1 AND id=$2',
      [corpId, id, patch.name ?? t.name, patch.order ?? t.order]);
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
