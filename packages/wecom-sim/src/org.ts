// Departments and staff (corp members). Resigned staff (status 5) vanish from the member APIs
// but keep their customers until a resigned-member transfer moves them.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num, numOrNull } from './db';
import { ControlError, E } from './errors';
import { avatarDataUrl } from './ids';
import type { SimDepartmentRow, SimStaffRow } from './rows';

export const STAFF_ACTIVE = 1;
export const STAFF_RESIGNED = 5;

export interface DepartmentInput {
  id: number;
  name: string;
  nameEn?: string;
  parentid?: number;
  order?: number;
}

export interface StaffInput {
  userid: string;
  name: string;
  department?: number[];
  mainDepartment?: number;
  position?: string;
  mobile?: string;
  gender?: 0 | 1 | 2;
  email?: string;
  avatar?: string;
  alias?: string;
  isFollowUser?: boolean;
  /** The admin configured a welcome message for this member in the console: no WelcomeCode is issued. */
  consoleWelcome?: boolean;
}

export interface SimStaff {
  corpId: string;
  userid: string;
  name: string;
  department: number[];
  mainDepartment: number | null;
  position: string;
  mobile: string;
  gender: number;
  email: string;
  avatar: string;
  alias: string;
  status: number;
  isFollowUser: boolean;
  consoleWelcome: boolean;
  resignedAt: number | null;
}

export function mapStaff(r: SimStaffRow): SimStaff {
  return {
    corpId: r.corp_id,
    userid: r.userid,
    name: r.name,
    department: r.department,
    mainDepartment: r.main_department,
    position: r.position,
    mobile: r.mobile,
    gender: r.gender,
    email: r.email,
    avatar: r.avatar,
    alias: r.alias,
    status: r.status,
    isFollowUser: r.is_follow_user,
    consoleWelcome: r.console_welcome,
    resignedAt: numOrNull(r.resigned_at),
  };
}

export async function upsertDepartments(sql: Sql, corpId: string, deps: DepartmentInput[]): Promise<void> {
  if (deps.length === 0) return;
  await sql.q(
    `INSERT INTO {s}.departments (corp_id, id, name, name_en, parentid, sort)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::bigint[])
     ON CONFLICT (corp_id, id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en,
       parentid = EXCLUDED.parentid, sort = EXCLUDED.sort`,
    [
      corpId,
      deps.map((d) => d.id),
      deps.map((d) => d.name),
      deps.map((d) => d.nameEn ?? null),
      deps.map((d) => d.parentid ?? (d.id === 1 ? 0 : 1)),
      deps.map((d) => d.order ?? 0),
    ],
  );
}

export async function upsertStaff(sql: Sql, corpId: string, list: StaffInput[], now: number): Promise<void> {
  for (const s of list) {
    if (!s || typeof s !== 'object') throw new ControlError('staff: each member must be an object');
    if (typeof s.userid !== 'string' || !/^[A-Za-z0-9_.@-]{1,64}$/.test(s.userid)) throw new ControlError(`userid ${JSON.stringify(s.userid)}: 1–64 letters, digits, _ . @ -`);
    if (typeof s.name !== 'string' || !s.name) throw new ControlError(`name: required for ${s.userid}`);
    const dept = s.department ?? [1];
    await sql.q(
      `INSERT INTO {s}.staff (corp_id, userid, name, department, main_department, position, mobile, gender, email,
                              avatar, alias, is_follow_user, console_welcome, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (corp_id, userid) DO UPDATE SET name = EXCLUDED.name, department = EXCLUDED.department,
         main_department = EXCLUDED.main_department, position = EXCLUDED.position, mobile = EXCLUDED.mobile,
         gender = EXCLUDED.gender, email = EXCLUDED.email, avatar = EXCLUDED.avatar, alias = EXCLUDED.alias,
         is_follow_user = EXCLUDED.is_follow_user, console_welcome = EXCLUDED.console_welcome`,
      [
        corpId,
        s.userid,
        s.name,
        dept,
        s.mainDepartment ?? dept[0],
        s.position ?? '',
        s.mobile ?? '',
        s.gender ?? 0,
        s.email ?? '',
        s.avatar ?? avatarDataUrl(s.name),
        s.alias ?? '',
        s.isFollowUser ?? true,
        s.consoleWelcome ?? false,
        now,
      ],
    );
  }
}

export async function getStaff(sql: Sql, corpId: string, userid: string): Promise<SimStaff | null> {
  const r = await sql.one<SimStaffRow>(`SELECT * FROM {s}.staff WHERE corp_id = $1 AND userid = $2`, [corpId, userid]);
  return r ? mapStaff(r) : null;
}

/** An active member who can serve customers, or the WeCom error for it. */
export async function requireActiveStaff(sql: Sql, corpId: string, userid: string | undefined, field = 'userid'): Promise<SimStaff> {
  if (!userid) throw E.param(field, 'required');
  const s = await getStaff(sql, corpId, userid);
  if (!s || s.status !== STAFF_ACTIVE) throw E.invalidUserid(userid);
  return s;
}

export async function listStaff(sql: Sql, corpId: string, opts: { includeResigned?: boolean } = {}): Promise<SimStaff[]> {
  const rows = await sql.q<SimStaffRow>(
    `SELECT * FROM {s}.staff WHERE corp_id = $1 ${opts.includeResigned ? '' : 'AND status = 1'} ORDER BY created_at, userid`,
    [corpId],
  );
  return rows.map(mapStaff);
}

export async function resignStaff(ctx: SimContext, corpId: string, userid: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.tx(async (tx) => {
    const r = await tx.q(`UPDATE {s}.staff SET status = 5, resigned_at = $3 WHERE corp_id = $1 AND userid = $2 AND status <> 5 RETURNING 1`, [
      corpId,
      userid,
      now,
    ]);
    if (r.length === 0) {
      const exists = await getStaff(tx, corpId, userid);
      if (!exists) throw new ControlError(`unknown staff ${userid}`, 404);
      return;
    }
    // Their groups now wait for a resigned-owner transfer (groupchat/list status 1).
    await tx.q(`UPDATE {s}.groups SET status = 1 WHERE corp_id = $1 AND owner = $2 AND dismissed_at IS NULL`, [corpId, userid]);
  });
}

// ---- API shapes ----------------------------------------------------------------------------

export function userJson(s: SimStaff) {
  return {
    userid: s.userid,
    name: s.name,
    department: s.department,
    order: s.department.map(() => 0),
    position: s.position,
    mobile: s.mobile,
    gender: String(s.gender),
    email: s.email,
    is_leader_in_dept: s.department.map(() => 0),
    direct_leader: [] as string[],
    avatar: s.avatar,
    thumb_avatar: s.avatar,
    telephone: '',
    alias: s.alias,
    status: s.status,
    address: '',
    main_department: s.mainDepartment ?? s.department[0] ?? 1,
    extattr: { attrs: [] as unknown[] },
    qr_code: '',
    external_position: '',
  };
}

export async function listDepartmentsJson(sql: Sql, corpId: string, id?: number) {
  const rows = await sql.q<SimDepartmentRow>(`SELECT * FROM {s}.departments WHERE corp_id = $1 ORDER BY parentid, sort DESC, id`, [corpId]);
  let picked = rows;
  if (id !== undefined) {
    if (!rows.some((r) => r.id === id)) return null;
    const keep = subtree(rows, id);
    picked = rows.filter((r) => keep.has(r.id));
  }
  return picked.map((r) => ({
    id: r.id,
    name: r.name,
    ...(r.name_en ? { name_en: r.name_en } : {}),
    department_leader: [] as string[],
    parentid: r.parentid,
    order: num(r.sort),
  }));
}

export async function departmentTree(sql: Sql, corpId: string, root: number, withChildren: boolean): Promise<number[] | null> {
  const rows = await sql.q<Pick<SimDepartmentRow, 'id' | 'parentid'>>(`SELECT id, parentid FROM {s}.departments WHERE corp_id = $1`, [corpId]);
  if (!rows.some((r) => r.id === root)) return null;
  return withChildren ? [...subtree(rows, root)] : [root];
}

/** `root` and every department below it. */
function subtree(rows: readonly Pick<SimDepartmentRow, 'id' | 'parentid'>[], root: number): Set<number> {
  const keep = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of rows) {
      if (!keep.has(r.id) && keep.has(r.parentid)) {
        keep.add(r.id);
        grew = true;
      }
    }
  }
  return keep;
}
