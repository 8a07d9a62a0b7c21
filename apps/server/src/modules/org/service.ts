// The organisation as the console sees it: departments and staff (WeCom's, read by the sync) and stores (Pond's).
// Binding a store to a department moves the department's members, and the groups they own, to the store.
import type pg from 'pg';
import type { z } from 'zod';
import type { Department, StaffListQuery, StaffPage, Store, StoreBody, StorePatchBody } from '@pond/contracts/org';
import type { Scope } from '../../platform/auth';
import type { Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import {
  archiveStore, assignDepartmentToStore, findStore, insertStore, listDepartments, listStaff, listStores, updateStore, type StoreFields,
} from './repo';

const storeOut = (s: Row<'stores'> & { staff_count?: number }): z.output<typeof Store> => ({
  id: s.id, name: s.name, code: s.code, departmentId: s.department_id, city: s.city, address: s.address, lat: s.lat, lng: s.lng,
  phone: s.phone, staffCount: s.staff_count ?? 0,
});

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export class OrgService {
  constructor(private pool: pg.Pool) {}

  async departments(corpId: string): Promise<z.output<typeof Department>[]> {
    const rows = await listDepartments(this.pool, corpId);
    return rows.map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id, order: r.order }));
  }

  async stores(scope: Scope): Promise<z.output<typeof Store>[]> {
    return (await listStores(this.pool, scope)).map(storeOut);
  }

  async createStore(corpId: string, b: z.output<typeof StoreBody>): Promise<z.output<typeof Store>> {
    try {
      const row = await insertStore(this.pool, corpId, {
        name: b.name, code: b.code ?? null, department_id: b.departmentId ?? null, city: b.city ?? null, address: b.address ?? null,
        lat: b.lat ?? null, lng: b.lng ?? null, phone: b.phone ?? null,
      });
      if (b.departmentId != null) await assignDepartmentToStore(this.pool, corpId, row.id, b.departmentId);
      return storeOut(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw AppError.validation('departmentId', 'another store is already bound to this department');
      throw err;
    }
  }

  /** Changes the fields given (null clears one); a department given moves its members to the store. */
  async updateStore(corpId: string, id: number, b: z.output<typeof StorePatchBody>): Promise<z.output<typeof Store>> {
    const cur = await findStore(this.pool, corpId, id);
    if (!cur) throw AppError.notFound(`store ${id}`);
    const given = <T,>(v: T | undefined, was: T) => (v === undefined ? was : v);
    const next: StoreFields = {
      name: given(b.name, cur.name), code: given(b.code, cur.code), department_id: given(b.departmentId, cur.department_id),
      city: given(b.city, cur.city), address: given(b.address, cur.address), lat: given(b.lat, cur.lat), lng: given(b.lng, cur.lng),
      phone: given(b.phone, cur.phone),
    };
    try {
      const row = await updateStore(this.pool, corpId, id, next);
      if (b.departmentId != null) await assignDepartmentToStore(this.pool, corpId, id, b.departmentId);
      return storeOut(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw AppError.validation('departmentId', 'another store is already bound to this department');
      throw err;
    }
  }

  async deleteStore(corpId: string, id: number): Promise<void> {
    if (!(await archiveStore(this.pool, corpId, id))) throw AppError.notFound(`store ${id}`);
  }

  async staff(scope: Scope, query: z.output<typeof StaffListQuery>): Promise<z.output<typeof StaffPage>> {
    const { rows, total } = await listStaff(this.pool, scope, query);
    return {
      items: rows.map((s) => ({
        userid: s.userid, name: s.name, avatar: s.avatar, position: s.position, departmentIds: s.department_ids, storeId: s.store_id,
        storeName: s.store_name, status: s.status, isFollowUser: s.is_follow_user, customerCount: s.customer_count,
      })),
      total,
    };
  }
}
