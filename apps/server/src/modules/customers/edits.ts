// Customer 360 edits: a relation's remark, description, phones and company remark (WeCom `remark`), its
// corp tags (`mark_tag`) and Pond's own notes. WeCom sends no callback for API writes, so Pond stores
// what it set and puts it on the timeline itself. Staff edit only their own relations, store managers
// their stores' staff's.
import type pg from 'pg';
import type { z } from 'zod';
import type { CustomerNote, Follow, FollowPatch } from '@pond/contracts/customers';
import type { Principal, Scope } from '../../platform/auth';
import type { Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import type { CorpService } from '../org';
import { appendTimeline, deleteNote, findFollow, findNote, insertNote, liveTagIds, notesOf, updateFollowRemark, type EditableFollow } from './repo';
import { markRelationTags } from './relation-tags';
import { followOut } from './service';

type FollowOut = z.output<typeof Follow>;
type NoteOut = z.output<typeof CustomerNote>;

const noteOut = (n: Row<'customer_notes'>, p: Principal): NoteOut => ({
  id: n.id, text: n.text, authorName: n.author_name, createdAt: n.created_at, mine: n.author_type === p.kind && n.author_id === p.id,
});

export class CustomerEdits {
  constructor(private pool: pg.Pool, private corps: CorpService) {}

  /** The active relation, if the caller's scope may change it. */
  private async editable(scope: Scope, ext: string, userid: string): Promise<EditableFollow> {
    if (scope.staffUserid && scope.staffUserid !== userid) throw AppError.forbidden('staff may edit only their own customers');
    const f = await findFollow(this.pool, scope.corpId, ext, userid);
    if (!f) throw AppError.notFound(`follow relation ${ext} ↔ ${userid}`);
    if (scope.storeIds && (f.store_id === null || !scope.storeIds.includes(f.store_id))) throw AppError.forbidden('this staff member is not in your stores');
    if (f.status !== 'active') throw new AppError('conflict', 'this relation has ended; WeCom no longer accepts changes to it');
    return f;
  }

  async updateFollow(scope: Scope, ext: string, userid: string, patch: z.output<typeof FollowPatch>, at = new Date()): Promise<FollowOut> {
    const f = await this.editable(scope, ext, userid);
    const client = await this.corps.client(scope.corpId);
    await client.remark({
      userid, external_userid: ext,
      ...(patch.remark !== undefined ? { remark: patch.remark } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.remarkMobiles !== undefined ? { remark_mobiles: patch.remarkMobiles.length ? patch.remarkMobiles : [''] } : {}),
      ...(patch.remarkCorpName !== undefined ? { remark_company: patch.remarkCorpName } : {}),
    });
    const n = await updateFollowRemark(this.pool, scope.corpId, ext, userid, {
      remark: patch.remark ?? null, description: patch.description ?? null, remarkMobiles: patch.remarkMobiles ?? null, remarkCorpName: patch.remarkCorpName ?? null,
    });
    if (!n) throw AppError.notFound(`follow relation ${ext} ↔ ${userid}`);
    if (patch.remark !== undefined && patch.remark !== (f.remark ?? '')) {
      await appendTimeline(this.pool, scope.corpId, [{ externalUserid: ext, type: 'remark.changed', userid, occurredAt: at, data: { from: f.remark, to: patch.remark, by: 'pond' } }]);
    }
    return followOut({ ...n, staff_name: f.staff_name });
  }

  async changeTags(scope: Scope, ext: string, userid: string, change: { add: string[]; remove: string[] }, at = new Date()): Promise<FollowOut> {
    const f = await this.editable(scope, ext, userid);
    const both = change.add.find((t) => change.remove.includes(t));
    if (both) throw AppError.validation('add', `tag ${both} is both added and removed`);
    const all = [...change.add, ...change.remove];
    if (all.length === 0) throw AppError.validation('add', 'add or remove at least one tag');
    const live = await liveTagIds(this.pool, scope.corpId, all);
    const missing = all.find((t) => !live.includes(t));
    if (missing) throw AppError.validation(change.add.includes(missing) ? 'add' : 'remove', `no tag ${missing} in this corp`);
    const client = await this.corps.client(scope.corpId);
    const n = await markRelationTags(this.pool, client, { corpId: scope.corpId, externalUserid: ext, userid, add: change.add, remove: change.remove, at, data: { by: 'pond' } });
    if (!n) throw AppError.notFound(`follow relation ${ext} ↔ ${userid}`);
    return followOut({ ...n, staff_name: f.staff_name });
  }

  async listNotes(scope: Scope, ext: string, p: Principal): Promise<NoteOut[]> {
    return (await notesOf(this.pool, scope, ext)).map((n) => noteOut(n, p));
  }

  async addNote(scope: Scope, ext: string, p: Principal, text: string): Promise<NoteOut> {
    // The note keeps its author's scope (platform/resources.ts noteVisibleSql): who else may read it.
    const n = await insertNote(this.pool, scope.corpId, ext, {
      text, author_type: p.kind, author_id: p.id, author_name: p.name,
      author_userid: scope.staffUserid !== null ? (p.staffUserid ?? '') : null, author_store_ids: scope.storeIds,
    });
    return noteOut(n, p);
  }

  async deleteNote(scope: Scope, ext: string, p: Principal, id: number): Promise<void> {
    const n = await findNote(this.pool, scope.corpId, ext, id);
    if (!n) throw AppError.notFound(`note ${id}`);
    if (p.role !== 'admin' && !(n.author_type === p.kind && n.author_id === p.id)) throw AppError.forbidden('only the author or an admin may delete a note');
    await deleteNote(this.pool, id);
  }
}
