// SQL of the organisation's reads and the store writes: departments, stores (with their member counts) and staff
// (with their store and customer counts). Lists are narrowed to the caller's scope (platform/resources.ts).
import type pg from 'pg';
import type { z } from 'zod';
import type { StaffListQuery } from '@pond/contracts/org';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import { Params } from '../../platform/sql';
import { staffVisibleSql, storeVisibleSql } from '../../platform/resources';

type Queryable = Pick<pg.Pool, 'query'>;

/** A store's columns as written (SQL names). */
export type StoreFields = Cols<'stores', 'name' | 'code' | 'department_id' | 'city' | 'address' | 'lat' | 'lng' | 'phone'>;
export type StaffListRow = Row<'staff'> & { store_name: string | null; customer_count: number };

/** The corp's departments that WeCom still has, in WeCom's order. */
export async function listDepartments(db: Queryable, corpId: string): Promise<Cols<'departments', 'id' | 'name' | 'parent_id' | 'order'>[]> {
  const { rows } = await db.query<Cols<'departments', 'id' | 'name' | 'parent_id' | 'order'>>(
    `SELECT id, name, parent_id, "order" FROM departments WHERE corp_id = $1 AND removed_at IS NULL ORDER BY "order" DESC, id`, [corpId]);
  return rows;
}

/** The stores the scope sees (not archived), each with its members who have not left. */
export async function listStores(db: Queryable, scope: Scope): Promise<(Row<'stores'> & { staff_count: number })[]> {
  const p = new Params();
  const { rows } = await db.query<Row<'stores'> & { staff_count: number }>(
    `SELECT st.*, (SELECT count(*)::int FROM staff s WHERE s.corp_id = st.corp_id AND s.store_id = st.id AND s.status <> 5) AS staff_count
     FROM stores st WHERE st.corp_id = ${p.add(scope.corpId)} AND st.archived_at IS NULL AND ${storeVisibleSql(scope, p, 'st')} ORDER BY st.id`, p.values);
  return rows;
}

/** A store that is not archived. */
export async function findStore(db: Queryable, corpId: string, id: number): Promise<Row<'stores'> | undefined> {
  const { rows: [r] } = await db.query<Row<'stores'>>('SELECT * FROM stores WHERE corp_id = $1 AND id = $2 AND archived_at IS NULL', [corpId, id]);
  return r;
}

/** Inserts a store; a department bound to another store fails on `stores_corp_department_uq` (23505). */
export async function insertStore(db: Queryable, corpId: string, s: StoreFields): Promise<Row<'stores'>> {
  const { rows: [r] } = await db.query<Row<'stores'>>(
    `INSERT INTO stores (corp_id, name, code, department_id, city, address, lat, lng, phone) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
    [corpId, s.name, s.code, s.department_id, s.city, s.address, s.lat, s.lng, s.phone]);
  return r;
}

export async function updateStore(db: Queryable, corpId: string, id: number, s: StoreFields): Promise<Row<'stores'>> {
  const { rows: [r] } = await db.query<Row<'stores'>>(
    `UPDATE stores SET name=$3, code=$4, department_id=$5, city=$6, address=$7, lat=$8, lng=$9, phone=$10, updated_at=now()
     WHERE corp_id=$1 AND id=$2 RETURNING *`,
    [corpId, id, s.name, s.code, s.department_id, s.city, s.address, s.lat, s.lng, s.phone]);
  return r;
}

/** Archives a live store and takes its members out of it; false when there was none. */
export async function archiveStore(db: Queryable, corpId: string, id: number): Promise<boolean> {
  const r = await db.query('UPDATE stores SET archived_at = now() WHERE corp_id = $1 AND id = $2 AND archived_at IS NULL', [corpId, id]);
  if (!r.rowCount) return false;
  await db.query('UPDATE staff SET store_id = NULL WHERE corp_id = $1 AND store_id = $2', [corpId, id]);
  return true;
}

/** The department's members join the store, and so do the groups they own. */
export async function assignDepartmentToStore(db: Queryable, corpId: string, storeId: number, departmentId: number): Promise<void> {
  await db.query(
    `UPDATE staff SET store_id = $2, updated_at = now() WHERE corp_id = $1 AND $3 = ANY(department_ids)`, [corpId, storeId, departmentId]);
  await db.query(
    `UPDATE groups g SET store_id = s.store_id FROM staff s WHERE g.corp_id = $1 AND s.corp_id = g.corp_id AND s.userid = g.owner_userid AND s.store_id = $2`,
    [corpId, storeId]);
}

/** A page of the members the scope sees (active first, by name), with the filtered count. */
export async function listStaff(db: Queryable, scope: Scope, q: z.output<typeof StaffListQuery>): Promise<{ rows: StaffListRow[]; total: number }> {
  const p = new Params();
  const where = [`s.corp_id = ${p.add(scope.corpId)}`, staffVisibleSql(scope, p)];
  if (q.q) where.push(`(s.name ILIKE ${p.add(`%${q.q}%`)} OR s.userid = ${p.add(q.q)})`);
  if (q.storeId) where.push(`s.store_id = ${p.add(q.storeId)}`);
  if (q.departmentId) where.push(`${p.add(q.departmentId)} = ANY(s.department_ids)`);
  if (q.status) where.push(`s.status = ${p.add(q.status)}`);
  const w = where.join(' AND ');
  const n = p.values.length;
  const { rows } = await db.query<StaffListRow>(
    `SELECT s.*, st.name AS store_name,
            (SELECT count(*)::int FROM follows f WHERE f.corp_id = s.corp_id AND f.userid = s.userid AND f.status = 'active') AS customer_count
     FROM staff s LEFT JOIN stores st ON st.id = s.store_id WHERE ${w}
     ORDER BY s.status, s.name LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
  const { rows: [t] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff s WHERE ${w}`, p.values.slice(0, n));
  return { rows, total: t.n };
}
