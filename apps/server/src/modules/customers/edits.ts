// Customer 360 edits: a relation's remark, description, phones and company remark (WeCom `remark`), its
// corp tags (`mark_tag`) and Pond's own notes. WeCom sends no callback for API writes, so Pond stores
// what it set and puts it on the timeline itself. Staff edit only their own relations, store managers
// their stores' staff's.
import type pg from 'pg';
import type { Principal, Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import type { CorpService } from '../org';
import { appendTimeline } from './repo';
import { markRelationTags } from './relation-tags';

export interface FollowPatch { remark?: string; description?: string; remarkMobiles?: string[]; remarkCorpName?: string }

const followOut = (f: any) => ({
  userid: f.userid, staffName: f.staff_name, remark: f.remark, description: f.description, remarkMobiles: f.remark_mobiles,
  remarkCorpName: f.remark_corp_name, addWay: f.add_way, state: f.state, tagIds: f.tag_ids, addedAt: f.added_at, status: f.status, deletedAt: f.deleted_at,
});

export class CustomerEdits {
  constructor(private pool: pg.Pool, private corps: CorpService) {}

  /** The active relation, if the caller's scope may change it. */
  private async editable(scope: Scope, ext: string, userid: string) {
    if (scope.staffUserid && scope.staffUserid !== userid) throw AppError.forbidden('staff may edit only their own customers');
    const { rows: [f] } = await this.pool.query(
      `SELECT f.*, s.name AS staff_name, s.store_id FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
       WHERE f.corp_id = $1 AND f.external_userid = $2 AND f.userid = $3`, [scope.corpId, ext, userid]);
    if (!f) throw AppError.notFound(`follow relation ${ext} ↔ ${userid}`);
    if (scope.storeIds && !scope.storeIds.includes(f.store_id)) throw AppError.forbidden('this staff member is not in your stores');
    if (f.status !== 'active') throw new AppError('conflict', 'this relation has ended; WeCom no longer accepts changes to it');
    return f;
  }

  async updateFollow(scope: Scope, ext: string, userid: string, patch: FollowPatch, at = new Date()) {
    const f = await this.editable(scope, ext, userid);
    const client = await this.corps.client(scope.corpId);
    await client.remark({
      userid, external_userid: ext,
      ...(patch.remark !== undefined ? { remark: patch.remark } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.remarkMobiles !== undefined ? { remark_mobiles: patch.remarkMobiles.length ? patch.remarkMobiles : [''] } : {}),
      ...(patch.remarkCorpName !== undefined ? { remark_company: patch.remarkCorpName } : {}),
    });
    const { rows: [n] } = await this.pool.query(
      `UPDATE follows SET remark = coalesce($4, remark), description = coalesce($5, description),
         remark_mobiles = coalesce($6, remark_mobiles), remark_corp_name = coalesce($7, remark_corp_name), updated_at = now()
       WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 RETURNING *`,
      [scope.corpId, ext, userid, patch.remark ?? null, patch.description ?? null, patch.remarkMobiles ?? null, patch.remarkCorpName ?? null]);
    if (patch.remark !== undefined && patch.remark !== (f.remark ?? '')) {
      await appendTimeline(this.pool, scope.corpId, [{ externalUserid: ext, type: 'remark.changed', userid, occurredAt: at, data: { from: f.remark, to: patch.remark, by: 'pond' } }]);
    }
    return followOut({ ...n, staff_name: f.staff_name });
  }

  async changeTags(scope: Scope, ext: string, userid: string, change: { add: string[]; remove: string[] }, at = new Date()) {
    const f = await this.editable(scope, ext, userid);
    const both = change.add.find((t) => change.remove.includes(t));
    if (both) throw AppError.validation('add', `tag ${both} is both added and removed`);
    const all = [...change.add, ...change.remove];
    if (all.length === 0) throw AppError.validation('add', 'add or remove at least one tag');
    const { rows } = await this.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [scope.corpId, all]);
    const missing = all.find((t) => !rows.some((r) => r.id === t));
    if (missing) throw AppError.validation(change.add.includes(missing) ? 'add' : 'remove', `no tag ${missing} in this corp`);
    const client = await this.corps.client(scope.corpId);
    const n = await markRelationTags(this.pool, client, { corpId: scope.corpId, externalUserid: ext, userid, add: change.add, remove: change.remove, at, data: { by: 'pond' } });
    return followOut({ ...n, staff_name: f.staff_name });
  }

  async listNotes(scope: Scope, ext: string, p: Principal) {
    const { rows } = await this.pool.query(
      `SELECT * FROM customer_notes WHERE corp_id = $1 AND external_userid = $2 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 200`, [scope.corpId, ext]);
    return rows.map((r) => ({ id: r.id, text: r.text, authorName: r.author_name, createdAt: r.created_at, mine: r.author_type === p.kind && r.author_id === p.id }));
  }

  async addNote(scope: Scope, ext: string, p: Principal, text: string) {
    const { rows: [r] } = await this.pool.query(
      `INSERT INTO customer_notes (corp_id, external_userid, text, author_type, author_id, author_name) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
      [scope.corpId, ext, text, p.kind, p.id, p.name]);
    return { id: r.id, text: r.text, authorName: r.author_name, createdAt: r.created_at, mine: true };
  }

  async deleteNote(scope: Scope, ext: string, p: Principal, id: number) {
    const { rows: [r] } = await this.pool.query(
      'SELECT * FROM customer_notes WHERE corp_id = $1 AND external_userid = $2 AND id = $3 AND deleted_at IS NULL', [scope.corpId, ext, id]);
    if (!r) throw AppError.notFound(`note ${id}`);
    if (p.role !== 'admin' && !(r.author_type === p.kind && r.author_id === p.id)) throw AppError.forbidden('only the author or an admin may delete a note');
    await this.pool.query('UPDATE customer_notes SET deleted_at = now() WHERE id = $1', [id]);
  }
}
