// Staff, departments and stores.
import { z } from 'zod';
import type pg from 'pg';
import type { Row } from '../../platform/db/rows';
import type { App } from '../../platform/http';
import { AppError } from '../../platform/errors';
import { Params } from '../../platform/sql';
import { staffVisibleSql, storeVisibleSql } from '../../platform/resources';
import { Page } from '../../platform/schemas';
import { IdParams, Int4Id, Int4IdParam, RowIdParam } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

const StoreInput = z.object({
  name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  code: z.string().trim().max(30).nullish(),
  departmentId: Int4Id.nullish(),
  city: z.string().max(40).nullish(),
  address: z.string().max(200).nullish(),
  lat: z.number().min(-90, 'must be a latitude between -90 and 90').max(90, 'must be a latitude between -90 and 90').nullish(),
  lng: z.number().min(-180, 'must be a longitude between -180 and 180').max(180, 'must be a longitude between -180 and 180').nullish(),
  phone: z.string().max(30).nullish(),
});

const storeOut = (s: Row<'stores'> & { staff_count?: number }) => ({
  id: s.id, name: s.name, code: s.code, departmentId: s.department_id, city: s.city, address: s.address, lat: s.lat, lng: s.lng,
  phone: s.phone, staffCount: s.staff_count ?? 0,
});

export async function orgRoutes(app: App, deps: { pool: pg.Pool }) {
  const { pool } = deps;

  app.get('/api/departments', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['org'] } }, async (req) => {
    const { rows } = await pool.query(
      `SELECT id, name, parent_id, "order" FROM departments WHERE corp_id = $1 AND removed_at IS NULL ORDER BY "order" DESC, id`, [req.principal!.corpId]);
    return { items: rows.map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id, order: r.order })) };
  });

  app.get('/api/stores', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['org'] } }, async (req) => {
    const p = new Params();
    const { rows } = await pool.query<Row<'stores'> & { staff_count: number }>(
      `SELECT st.*, (SELECT count(*)::int FROM staff s WHERE s.corp_id = st.corp_id AND s.store_id = st.id AND s.status <> 5) AS staff_count
       FROM stores st WHERE st.corp_id = ${p.add(req.scope.corpId)} AND st.archived_at IS NULL AND ${storeVisibleSql(req.scope, p, 'st')} ORDER BY st.id`, p.values);
    return { items: rows.map(storeOut) };
  });

  const assignStaff = async (corpId: string, storeId: number, departmentId: number | null | undefined) => {
    if (departmentId == null) return;
    await pool.query(
      `UPDATE staff SET store_id = $2, updated_at = now() WHERE corp_id = $1 AND $3 = ANY(department_ids)`, [corpId, storeId, departmentId]);
    await pool.query(
      `UPDATE groups g SET store_id = s.store_id FROM staff s WHERE g.corp_id = $1 AND s.corp_id = g.corp_id AND s.userid = g.owner_userid AND s.store_id = $2`,
      [corpId, storeId]);
  };

  app.post('/api/stores', { config: access(WRITE_ROLES, { refs: { departmentId: 'department' } }), schema: { tags: ['org'], body: StoreInput } }, async (req) => {
    const b = req.body;
    const corpId = req.principal!.corpId;
    try {
      const { rows } = await pool.query<Row<'stores'>>(
        `INSERT INTO stores (corp_id, name, code, department_id, city, address, lat, lng, phone) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
        [corpId, b.name, b.code ?? null, b.departmentId ?? null, b.city ?? null, b.address ?? null, b.lat ?? null, b.lng ?? null, b.phone ?? null]);
      await assignStaff(corpId, rows[0].id, b.departmentId);
      return storeOut(rows[0]);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw AppError.validation('departmentId', 'another store is already bound to this department');
      throw err;
    }
  });

  app.patch('/api/stores/:id', {
    config: access(WRITE_ROLES, { params: { id: 'store' }, refs: { departmentId: 'department' } }), schema: { tags: ['org'], params: IdParams, body: StoreInput.partial() },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    const { rows: cur } = await pool.query('SELECT * FROM stores WHERE corp_id = $1 AND id = $2 AND archived_at IS NULL', [corpId, req.params.id]);
    if (!cur[0]) throw AppError.notFound(`store ${req.params.id}`);
    const n = { ...cur[0], ...Object.fromEntries(Object.entries({
      name: req.body.name, code: req.body.code, department_id: req.body.departmentId, city: req.body.city, address: req.body.address,
      lat: req.body.lat, lng: req.body.lng, phone: req.body.phone,
    }).filter(([, v]) => v !== undefined)) };
    const { rows } = await pool.query<Row<'stores'>>(
      `UPDATE stores SET name=$3, code=$4, department_id=$5, city=$6, address=$7, lat=$8, lng=$9, phone=$10, updated_at=now()
       WHERE corp_id=$1 AND id=$2 RETURNING *`,
      [corpId, req.params.id, n.name, n.code, n.department_id, n.city, n.address, n.lat, n.lng, n.phone]);
    await assignStaff(corpId, req.params.id, req.body.departmentId);
    return storeOut(rows[0]);
  });

  app.delete('/api/stores/:id', {
    config: access(WRITE_ROLES, { params: { id: 'store' } }), schema: { tags: ['org'], params: IdParams },
  }, async (req) => {
    const r = await pool.query('UPDATE stores SET archived_at = now() WHERE corp_id = $1 AND id = $2 AND archived_at IS NULL', [req.principal!.corpId, req.params.id]);
    if (!r.rowCount) throw AppError.notFound(`store ${req.params.id}`);
    await pool.query('UPDATE staff SET store_id = NULL WHERE corp_id = $1 AND store_id = $2', [req.principal!.corpId, req.params.id]);
    return { ok: true };
  });

  app.get('/api/staff', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { storeId: 'store', departmentId: 'department' } }), schema: {
      tags: ['org'],
      querystring: Page.extend({
        q: z.string().max(100).optional(), storeId: RowIdParam.optional(),
        departmentId: Int4IdParam.optional(),
        status: z.coerce.number().int().refine((n) => [1, 2, 4, 5].includes(n), 'must be 1 (active), 2 (disabled), 4 (not activated) or 5 (resigned)').optional(),
      }),
    },
  }, async (req) => {
    const scope = req.scope;
    const q = req.query;
    const p = new Params();
    const where = [`s.corp_id = ${p.add(scope.corpId)}`, staffVisibleSql(scope, p)];
    if (q.q) where.push(`(s.name ILIKE ${p.add(`%${q.q}%`)} OR s.userid = ${p.add(q.q)})`);
    if (q.storeId) where.push(`s.store_id = ${p.add(q.storeId)}`);
    if (q.departmentId) where.push(`${p.add(q.departmentId)} = ANY(s.department_ids)`);
    if (q.status) where.push(`s.status = ${p.add(q.status)}`);
    const w = where.join(' AND ');
    const n = p.values.length;
    const { rows } = await pool.query(
      `SELECT s.*, st.name AS store_name,
              (SELECT count(*)::int FROM follows f WHERE f.corp_id = s.corp_id AND f.userid = s.userid AND f.status = 'active') AS customer_count
       FROM staff s LEFT JOIN stores st ON st.id = s.store_id WHERE ${w}
       ORDER BY s.status, s.name LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
    const { rows: t } = await pool.query(`SELECT count(*)::int AS n FROM staff s WHERE ${w}`, p.values.slice(0, n));
    return {
      items: rows.map((s) => ({
        userid: s.userid, name: s.name, avatar: s.avatar, position: s.position, departmentIds: s.department_ids, storeId: s.store_id,
        storeName: s.store_name, status: s.status, isFollowUser: s.is_follow_user, customerCount: s.customer_count,
      })),
      total: t[0].n,
    };
  });
}
