// Corp tags (企业客户标签). The same operations serve the API (no callbacks, like WeCom) and the
// admin console (`fire`: change_external_tag callbacks). Deleted tags are kept with `deleted`
// so get_corp_tag_list by id can report them; a group whose last tag goes is deleted too.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { E, SimError } from './errors';
import { tagEvent, type SimEvent } from './events';
import { newIds } from './ids';
import type { Count, SimTagGroupRow, SimTagRow } from './rows';
import { isStringArray, prop } from './validate';

export const MAX_CORP_TAGS = 3000;
const MAX_ORDER = 2 ** 32;

export async function requireTagIds(sql: Sql, corpId: string, ids: string[], err: (id: string) => Error): Promise<void> {
  if (ids.length === 0) return;
  const rows = await sql.q<Pick<SimTagRow, 'id'>>(`SELECT id FROM {s}.tags WHERE corp_id = $1 AND id = ANY($2::text[]) AND NOT deleted`, [corpId, ids]);
  const have = new Set(rows.map((r) => r.id));
  const bad = ids.find((id) => !have.has(id));
  if (bad) throw err(bad);
}

function tagJson(t: SimTagRow, withDeleted: boolean) {
  return {
    id: t.id,
    name: t.name,
    create_time: num(t.create_time_sec),
    order: num(t.sort),
    ...(withDeleted && t.deleted ? { deleted: true } : {}),
  };
}

/** A tag (by id) or a tag group (by group_id). */
type Ordered = Pick<SimTagRow, 'sort' | 'create_time_sec'> & ({ id: string } | { group_id: string });
const idOf = (x: Ordered) => ('id' in x ? x.id : x.group_id);

function byOrder(a: Ordered, b: Ordered): number {
  return num(b.sort) - num(a.sort) || num(a.create_time_sec) - num(b.create_time_sec) || idOf(a).localeCompare(idOf(b));
}

/** A tag group as get_corp_tag_list answers it, with its tags. */
export type CorpTagGroupJson = Awaited<ReturnType<typeof getCorpTagList>>[number];

export async function getCorpTagList(sql: Sql, corpId: string, tagIds: string[] = [], groupIds: string[] = []) {
  const byGroup = groupIds.length > 0;
  const byTag = !byGroup && tagIds.length > 0;
  const groups = await sql.q<SimTagGroupRow>(
    `SELECT * FROM {s}.tag_groups WHERE corp_id = $1 AND ($2::text[] IS NULL OR group_id = ANY($2)) AND ($2::text[] IS NOT NULL OR NOT deleted)`,
    [corpId, byGroup ? groupIds : null],
  );
  const tags = await sql.q<SimTagRow>(
    `SELECT * FROM {s}.tags WHERE corp_id = $1 AND ($2::text[] IS NULL OR id = ANY($2)) AND ($3::boolean OR NOT deleted)`,
    [corpId, byTag ? tagIds : null, byGroup || byTag],
  );
  const tagsOf = new Map<string, SimTagRow[]>();
  for (const t of tags) (tagsOf.get(t.group_id) ?? tagsOf.set(t.group_id, []).get(t.group_id)!).push(t);
  const withDeleted = byGroup || byTag;
  return groups
    .filter((g) => !byTag || tagsOf.has(g.group_id))
    .sort(byOrder)
    .map((g) => ({
      group_id: g.group_id,
      group_name: g.name,
      create_time: num(g.create_time_sec),
      order: num(g.sort),
      ...(withDeleted && g.deleted ? { deleted: true } : {}),
      tag: (tagsOf.get(g.group_id) ?? []).sort(byOrder).map((t) => tagJson(t, withDeleted)),
    }));
}

function readOrder(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= MAX_ORDER) throw E.param(field, 'must be an integer in [0, 2^32)');
  return v;
}

function readName(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw E.param(field, 'required');
  if ([...v].length > 30) throw E.param(field, 'at most 30 characters');
  return v;
}

/** add_corp_tag's input from the API or the admin console; `order` and `tags` are checked here, as given. */
export interface TagGroupInput {
  groupId?: string;
  groupName?: string;
  /** The group's order: an integer in [0, 2^32). */
  order?: unknown;
  /** [{ name, order? }, …]: at least one. */
  tags: unknown;
}

/** add_corp_tag: a new group, or tags added to an existing group (by id, or by an existing name). */
export async function addCorpTags(ctx: SimContext, corpId: string, input: TagGroupInput, fire: boolean): Promise<CorpTagGroupJson> {
  if (!Array.isArray(input.tags) || input.tags.length === 0) throw E.param('tag', 'at least one tag is required');
  const tags: unknown[] = input.tags;
  const names = tags.map((t, i) => readName(prop(t, 'name'), `tag[${i}].name`));
  const orders = tags.map((t, i) => readOrder(prop(t, 'order'), `tag[${i}].order`));
  if (new Set(names).size !== names.length) throw E.tagNameExists(names.find((n, i) => names.indexOf(n) !== i)!);
  const now = ctx.clock.now();
  const nowSec = Math.floor(now / 1000);
  const events: SimEvent[] = [];
  const groupId = await ctx.db.tx(async (tx) => {
    await tx.q(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`wecom-sim:tags:${corpId}`]);
    let group: SimTagGroupRow | undefined;
    if (input.groupId) {
      group = await tx.one<SimTagGroupRow>(`SELECT * FROM {s}.tag_groups WHERE corp_id = $1 AND group_id = $2 AND NOT deleted`, [corpId, input.groupId]);
      if (!group) throw E.invalidTagId(input.groupId);
    } else {
      const groupName = readName(input.groupName, 'group_name');
      group = await tx.one<SimTagGroupRow>(`SELECT * FROM {s}.tag_groups WHERE corp_id = $1 AND name = $2 AND NOT deleted`, [corpId, groupName]);
      if (!group) {
        group = (await tx.one<SimTagGroupRow>(
          `INSERT INTO {s}.tag_groups (corp_id, group_id, name, sort, create_time_sec) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
          [corpId, newIds.tagId(), groupName, readOrder(input.order, 'order'), nowSec],
        ))!;
        if (fire) events.push(tagEvent(corpId, nowSec, 'create', group.group_id, 'tag_group'));
      }
    }
    const total = await tx.one<Count>(`SELECT count(*) AS n FROM {s}.tags WHERE corp_id = $1 AND NOT deleted`, [corpId]);
    if (num(total?.n) + names.length > MAX_CORP_TAGS) throw new SimError(40058, `invalid tag: a corp holds at most ${MAX_CORP_TAGS} corp tags`);
    const clash = await tx.one<Pick<SimTagRow, 'name'>>(
      `SELECT name FROM {s}.tags WHERE corp_id = $1 AND group_id = $2 AND NOT deleted AND name = ANY($3::text[]) LIMIT 1`,
      [corpId, group.group_id, names],
    );
    if (clash) throw E.tagNameExists(clash.name);
    const ids = names.map(() => newIds.tagId());
    await tx.q(
      `INSERT INTO {s}.tags (corp_id, id, group_id, name, sort, create_time_sec)
       SELECT $1, id, $2, name, sort, $6 FROM unnest($3::text[], $4::text[], $5::bigint[]) AS x(id, name, sort)`,
      [corpId, group.group_id, ids, names, orders, nowSec],
    );
    if (fire) for (const id of ids) events.push(tagEvent(corpId, nowSec, 'create', id, 'tag'));
    return group.group_id;
  });
  await ctx.callbacks.emit(events);
  const [group] = await getCorpTagList(ctx.db, corpId, [], [groupId]);
  return group;
}

/** edit_corp_tag: `id` is a tag or a group; `name` and `order` are checked here, as given. */
export async function editCorpTag(ctx: SimContext, corpId: string, input: { id?: string; name?: unknown; order?: unknown }, fire: boolean) {
  if (!input.id) throw E.param('id', 'required');
  const name = input.name === undefined ? undefined : readName(input.name, 'name');
  const order = input.order === undefined ? undefined : readOrder(input.order, 'order');
  const nowSec = ctx.clock.nowSec();
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    const tag = await tx.one<SimTagRow>(`SELECT * FROM {s}.tags WHERE corp_id = $1 AND id = $2 AND NOT deleted FOR UPDATE`, [corpId, input.id]);
    if (tag) {
      if (name !== undefined && name !== tag.name) {
        const clash = await tx.one(`SELECT 1 FROM {s}.tags WHERE corp_id = $1 AND group_id = $2 AND name = $3 AND NOT deleted`, [corpId, tag.group_id, name]);
        if (clash) throw E.tagNameExists(name);
      }
      await tx.q(`UPDATE {s}.tags SET name = coalesce($3, name), sort = coalesce($4, sort) WHERE corp_id = $1 AND id = $2`, [
        corpId,
        input.id,
        name ?? null,
        order ?? null,
      ]);
      if (fire) events.push(tagEvent(corpId, nowSec, 'update', input.id!, 'tag'));
      return;
    }
    const group = await tx.one<SimTagGroupRow>(`SELECT * FROM {s}.tag_groups WHERE corp_id = $1 AND group_id = $2 AND NOT deleted FOR UPDATE`, [corpId, input.id]);
    if (!group) throw E.invalidTagId(input.id!);
    if (name !== undefined && name !== group.name) {
      const clash = await tx.one(`SELECT 1 FROM {s}.tag_groups WHERE corp_id = $1 AND name = $2 AND NOT deleted`, [corpId, name]);
      if (clash) throw E.tagNameExists(name);
    }
    await tx.q(`UPDATE {s}.tag_groups SET name = coalesce($3, name), sort = coalesce($4, sort) WHERE corp_id = $1 AND group_id = $2`, [
      corpId,
      input.id,
      name ?? null,
      order ?? null,
    ]);
    if (fire) events.push(tagEvent(corpId, nowSec, 'update', input.id!, 'tag_group'));
  });
  await ctx.callbacks.emit(events);
}

/** del_corp_tag: tags and/or whole groups (arrays of ids, checked here); removes them from every relationship too. */
export async function delCorpTags(ctx: SimContext, corpId: string, input: { tagIds?: unknown; groupIds?: unknown }, fire: boolean) {
  const tagIds = input.tagIds ?? [];
  const groupIds = input.groupIds ?? [];
  if (!isStringArray(tagIds) || !isStringArray(groupIds)) throw E.param('tag_id', 'tag_id and group_id must be arrays of ids');
  if (tagIds.length === 0 && groupIds.length === 0) throw E.param('tag_id', 'tag_id and group_id cannot both be empty');
  const nowSec = ctx.clock.nowSec();
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    await tx.q(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`wecom-sim:tags:${corpId}`]);
    await requireTagIds(tx, corpId, tagIds, E.invalidTagId);
    const groups = await tx.q<Pick<SimTagGroupRow, 'group_id'>>(
      `SELECT group_id FROM {s}.tag_groups WHERE corp_id = $1 AND group_id = ANY($2::text[]) AND NOT deleted`,
      [corpId, groupIds],
    );
    if (groups.length !== groupIds.length) throw E.invalidTagId(groupIds.find((g) => !groups.some((r) => r.group_id === g))!);
    const removed = await tx.q<Pick<SimTagRow, 'id' | 'group_id'>>(
      `UPDATE {s}.tags SET deleted = true WHERE corp_id = $1 AND NOT deleted AND (id = ANY($2::text[]) OR group_id = ANY($3::text[]))
       RETURNING id, group_id`,
      [corpId, tagIds, groupIds],
    );
    // Groups left without tags disappear, as in WeCom.
    const emptied = await tx.q<Pick<SimTagGroupRow, 'group_id'>>(
      `UPDATE {s}.tag_groups g SET deleted = true WHERE g.corp_id = $1 AND NOT g.deleted
         AND (g.group_id = ANY($2::text[]) OR NOT EXISTS (SELECT 1 FROM {s}.tags t WHERE t.corp_id = g.corp_id AND t.group_id = g.group_id AND NOT t.deleted))
       RETURNING group_id`,
      [corpId, groupIds],
    );
    const removedIds = removed.map((r) => r.id);
    if (removedIds.length > 0) {
      await tx.q(
        `UPDATE {s}.follows SET tag_ids = ARRAY(SELECT x FROM unnest(tag_ids) AS x WHERE x <> ALL($2::text[]))
          WHERE corp_id = $1 AND tag_ids && $2::text[]`,
        [corpId, removedIds],
      );
    }
    if (fire) {
      const goneGroups = new Set(emptied.map((g) => g.group_id));
      for (const g of goneGroups) events.push(tagEvent(corpId, nowSec, 'delete', g, 'tag_group'));
      for (const t of removed) if (!goneGroups.has(t.group_id)) events.push(tagEvent(corpId, nowSec, 'delete', t.id, 'tag'));
    }
  });
  await ctx.callbacks.emit(events);
}

/** Console drag-and-drop: reorders the tags of a group (or the groups when groupId is omitted). */
export async function shuffleTags(ctx: SimContext, corpId: string, groupId: string | undefined, orderedIds: string[]) {
  const nowSec = ctx.clock.nowSec();
  const n = orderedIds.length;
  await ctx.db.tx(async (tx) => {
    for (let i = 0; i < n; i++) {
      const r = groupId
        ? await tx.q(`UPDATE {s}.tags SET sort = $4 WHERE corp_id = $1 AND group_id = $2 AND id = $3 AND NOT deleted RETURNING 1`, [corpId, groupId, orderedIds[i], n - i])
        : await tx.q(`UPDATE {s}.tag_groups SET sort = $3 WHERE corp_id = $1 AND group_id = $2 AND NOT deleted RETURNING 1`, [corpId, orderedIds[i], n - i]);
      if (r.length === 0) throw E.invalidTagId(orderedIds[i]);
    }
  });
  await ctx.callbacks.emit([tagEvent(corpId, nowSec, 'shuffle', groupId ?? '', 'tag_group')]);
}
