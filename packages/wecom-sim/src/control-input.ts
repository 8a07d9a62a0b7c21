// Reads the control API's JSON (control-routes.ts) into SimControl's input types. Each field is checked
// for its type here — a wrong one is a 400 naming the field — and SimControl's methods check the rest
// (ranges, formats, what exists), as they do for in-process callers. Fields a type does not name are dropped.
import { MASS_MSG_CAP_MODES, type CorpInput } from './corps';
import type { AddStaffOptions, RemarkInput, WechatUserInput } from './customers';
import type { SeedDemoOptions } from './demo/seed-demo';
import { ControlError } from './errors';
import type { CreateGroupInput, JoinOptions } from './groups';
import { readOrderItems, type PayOrderInput } from './orders';
import type { DepartmentInput, StaffInput } from './org';
import { isIntArray, isRecord, isStringArray, type Body } from './validate';

/** Reads one value; `name` is the field's path for the error. */
export type Read<T> = (v: unknown, name: string) => T;

const bad = (name: string, rule: string) => new ControlError(`${name}: ${rule}`);

export const str: Read<string> = (v, name) => {
  if (typeof v !== 'string') throw bad(name, v === undefined ? 'required' : 'must be a string');
  return v;
};

export const num: Read<number> = (v, name) => {
  if (typeof v !== 'number') throw bad(name, v === undefined ? 'required' : 'must be a number');
  return v;
};

export const bool: Read<boolean> = (v, name) => {
  if (typeof v !== 'boolean') throw bad(name, 'must be true or false');
  return v;
};

export const strs: Read<string[]> = (v, name) => {
  if (!isStringArray(v)) throw bad(name, 'must be an array of strings');
  return v;
};

export const ints: Read<number[]> = (v, name) => {
  if (!isIntArray(v)) throw bad(name, 'must be an array of integers');
  return v;
};

export const oneOf =
  <T extends string | number>(...values: T[]): Read<T> =>
  (v, name) => {
    const hit = values.find((x) => x === v);
    if (hit === undefined) throw bad(name, `one of ${values.join(', ')}`);
    return hit;
  };

/** Absent (undefined) stays absent. */
export const opt =
  <T>(read: Read<T>): Read<T | undefined> =>
  (v, name) =>
    v === undefined ? undefined : read(v, name);

/** null is a value of its own (e.g. "clear the callback URL"). */
export const orNull =
  <T>(read: Read<T>): Read<T | null> =>
  (v, name) =>
    v === null ? null : read(v, name);

/** A flag read by its truthiness, as SimControl uses it; absent or null stays absent. */
export const flag: Read<boolean | undefined> = (v) => (v === undefined || v === null ? undefined : Boolean(v));

type Shape<T> = { [K in keyof T]-?: Read<T[K]> };

/** An object with the fields `shape` names, each read by its reader; fields that come out undefined are left out. */
export function fields<T extends object>(v: unknown, name: string, shape: Shape<T>): T {
  if (!isRecord(v) || Array.isArray(v)) throw bad(name || 'body', 'must be an object');
  const out: Partial<T> = {};
  for (const key of Object.keys(shape) as (keyof T & string)[]) {
    const value = shape[key](v[key], name ? `${name}.${key}` : key);
    if (value !== undefined) out[key] = value;
  }
  // Every key of T has been read by its reader; only those whose type allows undefined may be missing.
  return out as T;
}

export const list =
  <T>(read: Read<T>): Read<T[]> =>
  (v, name) => {
    if (!Array.isArray(v)) throw bad(name, 'must be an array');
    return (v as unknown[]).map((x, i) => read(x, `${name}[${i}]`));
  };

const rateLimits: Read<Record<string, number>> = (v, name) => {
  if (!isRecord(v) || Array.isArray(v)) throw bad(name, 'must be an object of calls per minute by API');
  return Object.fromEntries(Object.entries(v).map(([api, n]) => [api, num(n, `${name}.${api}`)]));
};

const corpFields: Shape<Omit<CorpInput, 'corpId'>> = {
  name: opt(str),
  secret: opt(str),
  agentId: opt(num),
  token: opt(str),
  encodingAesKey: opt(str),
  callbackUrl: opt(orNull(str)),
  orderWebhookUrl: opt(orNull(str)),
  rateLimits: opt(rateLimits),
  trustedIps: opt(orNull(strs)),
  forbiddenApis: opt(strs),
  massMsgCapMode: opt(oneOf(...MASS_MSG_CAP_MODES)),
  massMsgMonthlyCap: opt(orNull(num)),
  transferDelayMs: opt(num),
  staffCustomerLimit: opt(num),
  sidebarUrl: opt(orNull(str)),
  timezone: opt(str),
};

export const corpInput = (v: unknown): CorpInput => fields<CorpInput>(v, '', { corpId: str, ...corpFields });

export const seedDemoOptions = (v: unknown, corpId: string): SeedDemoOptions => ({
  ...fields<Omit<SeedDemoOptions, 'corpId'>>(v, '', { ...corpFields, customers: opt(num), groups: opt(num) }),
  corpId,
});

const department: Read<DepartmentInput> = (v, name) =>
  fields<DepartmentInput>(v, name, { id: num, name: str, nameEn: opt(str), parentid: opt(num), order: opt(num) });

export const departments = list(department);

const staffMember: Read<StaffInput> = (v, name) =>
  fields<StaffInput>(v, name, {
    userid: str,
    name: str,
    department: opt(ints),
    mainDepartment: opt(num),
    position: opt(str),
    mobile: opt(str),
    gender: opt(oneOf(0, 1, 2)),
    email: opt(str),
    avatar: opt(str),
    alias: opt(str),
    isFollowUser: opt(bool),
    consoleWelcome: opt(bool),
  });

/** One member, or an array of them. */
export const staff = (v: unknown, name: string): StaffInput | StaffInput[] => (Array.isArray(v) ? list(staffMember)(v, name) : staffMember(v, name));

export const wechatUserInput = (v: unknown): WechatUserInput =>
  fields<WechatUserInput>(v, '', {
    id: opt(str),
    nickname: opt(str),
    avatar: opt(str),
    gender: opt(oneOf(0, 1, 2)),
    unionid: opt(str),
    openid: opt(str),
  });

export const corpOpt = (v: unknown): { corpId?: string } => fields<{ corpId?: string }>(v, '', { corpId: opt(str) });

/** AddStaffOptions without the userid (the route reads it as required). */
export const addStaffOptions = (v: unknown): Omit<AddStaffOptions, 'userid'> =>
  fields<Omit<AddStaffOptions, 'userid'>>(v, '', {
    corpId: opt(str),
    state: opt(str),
    viaConfigId: opt(str),
    addWay: opt(num),
    skipVerify: flag,
  });

export const joinOptions = (v: unknown): JoinOptions & { viaConfigId?: string } =>
  fields<JoinOptions & { viaConfigId?: string }>(v, '', {
    scene: opt(oneOf(1, 2, 3)),
    invitor: opt(str),
    state: opt(str),
    viaConfigId: opt(str),
  });

export const createGroupInput = (v: unknown): CreateGroupInput & { corpId?: string } =>
  fields<CreateGroupInput & { corpId?: string }>(v, '', {
    owner: str,
    name: str,
    members: opt(strs),
    notice: opt(str),
    corpId: opt(str),
  });

export const remarkInput = (v: unknown): RemarkInput =>
  fields<RemarkInput>(v, '', {
    remark: opt(str),
    description: opt(str),
    remarkCorpName: opt(str),
    remarkMobiles: opt(strs),
  });

export const payOrderInput = (v: unknown): PayOrderInput =>
  fields<PayOrderInput>(v, '', {
    corpId: opt(str),
    amount: opt(num),
    items: opt((items) => readOrderItems(items)),
  });

const tag: Read<{ name: string; order?: number }> = (v, name) => fields<{ name: string; order?: number }>(v, name, { name: str, order: opt(num) });

export const tags = list(tag);

export const tagGroupInput = (v: unknown) =>
  fields<{ name: string; order?: number; tags: { name: string; order?: number }[] }>(v, '', { name: str, order: opt(num), tags });

export const tagPatch = (v: unknown) => fields<{ name?: string; order?: number }>(v, '', { name: opt(str), order: opt(num) });

export const tagIds = (v: unknown) => fields<{ tagIds?: string[]; groupIds?: string[] }>(v, '', { tagIds: opt(strs), groupIds: opt(strs) });

/** The JSON of a control request: an object (or an array: /staff takes a list), {} when it sent none. */
export const bodyOf = (v: unknown): Body => (isRecord(v) ? v : {});
