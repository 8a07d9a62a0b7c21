// The corp's organisation as Pond shows it: WeCom's departments and members (staff, read from WeCom by the sync), and
// Pond's own stores (门店), each optionally bound to a department whose members then belong to it.
import { z } from 'zod';
import { Int4Id, Int4IdParam, ItemsOf, Page, PageOf, RowIdParam } from './common';

/** Characters of a store's texts. */
export const STORE_LIMITS = { name: 60, code: 30, city: 40, address: 200, phone: 30 } as const;

/** WeCom's member status: 1 active, 2 disabled, 4 not activated, 5 resigned. */
export const STAFF_STATUSES = [1, 2, 4, 5] as const;

// ---- requests ----

const latitude = 'must be a latitude between -90 and 90';
const longitude = 'must be a longitude between -180 and 180';

/** POST /api/stores; PATCH takes any of its fields. Binding a department moves its members to the store. */
export const StoreBody = z.object({
  name: z.string().trim().min(1, 'is required').max(STORE_LIMITS.name, `must be at most ${STORE_LIMITS.name} characters`),
  code: z.string().trim().max(STORE_LIMITS.code).nullish(),
  departmentId: Int4Id.nullish(),
  city: z.string().max(STORE_LIMITS.city).nullish(),
  address: z.string().max(STORE_LIMITS.address).nullish(),
  lat: z.number().min(-90, latitude).max(90, latitude).nullish(),
  lng: z.number().min(-180, longitude).max(180, longitude).nullish(),
  phone: z.string().max(STORE_LIMITS.phone).nullish(),
});
export type StoreInput = z.input<typeof StoreBody>;
export const StorePatchBody = StoreBody.partial();
export type StorePatch = z.input<typeof StorePatchBody>;

/** GET /api/staff: a page of the members the caller sees, by name or userid, store, department and status. */
export const StaffListQuery = Page.extend({
  q: z.string().max(100).optional(),
  storeId: RowIdParam.optional(),
  departmentId: Int4IdParam.optional(),
  status: z.coerce.number().int()
    .refine((n) => (STAFF_STATUSES as readonly number[]).includes(n), 'must be 1 (active), 2 (disabled), 4 (not activated) or 5 (resigned)').optional(),
});
export type StaffListQuery = z.input<typeof StaffListQuery>;

// ---- responses ----

export const Department = z.object({
  /** WeCom's department id. */
  id: z.number().int(),
  name: z.string(),
  parentId: z.number().int().nullable(),
  /** WeCom's order among siblings: higher first. */
  order: z.number(),
});
export type Department = z.input<typeof Department>;
export const DepartmentList = ItemsOf(Department);
export type DepartmentList = z.input<typeof DepartmentList>;

export const Store = z.object({
  id: z.number(),
  name: z.string(),
  code: z.string().nullable(),
  /** The bound WeCom department (its members are the store's). */
  departmentId: z.number().int().nullable(),
  city: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  phone: z.string().nullable(),
  /** Members of the store who have not left. */
  staffCount: z.number().int(),
});
export type Store = z.input<typeof Store>;
export const StoreList = ItemsOf(Store);
export type StoreList = z.input<typeof StoreList>;

export const StaffMember = z.object({
  userid: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
  position: z.string().nullable(),
  departmentIds: z.array(z.number().int()),
  storeId: z.number().nullable(),
  storeName: z.string().nullable(),
  /** 1 active, 2 disabled, 4 not activated, 5 resigned (WeCom). */
  status: z.number().int(),
  /** Has the customer-contact permission (客户联系). */
  isFollowUser: z.boolean(),
  /** Customers with an active relation to the member. */
  customerCount: z.number().int(),
});
export type StaffMember = z.input<typeof StaffMember>;
export const StaffPage = PageOf(StaffMember);
export type StaffPage = z.input<typeof StaffPage>;
