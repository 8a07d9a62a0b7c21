// Pond's tables. Every business table carries corp_id (the WeCom corpid) and every repository
// function takes it. Migrations in apps/server/migrations are generated from this file
// (`npm run db:generate`) and applied at start; a test fails when they are stale.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text,
  timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const updatedAt = () => ts('updated_at').notNull().defaultNow();

export const corps = pgTable('corps', {
  id: text('id').primaryKey(), // WeCom corpid
  name: text('name').notNull(),
  agentId: text('agent_id').notNull(),
  secret: text('secret').notNull(),
  callbackToken: text('callback_token').notNull(),
  callbackAesKey: text('callback_aes_key').notNull(),
  apiBase: text('api_base').notNull(),
  isDemo: boolean('is_demo').notNull().default(false),
  callbackVerifiedAt: ts('callback_verified_at'),
  lastCallbackAt: ts('last_callback_at'),
  tokenOkAt: ts('token_ok_at'),
  lastErrorCode: integer('last_error_code'),
  lastErrorApi: text('last_error_api'),
  lastErrorMessage: text('last_error_message'),
  lastErrorAt: ts('last_error_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Access tokens and JS-SDK tickets shared by every process (WECOM.md §1). */
export const wecomTokens = pgTable('wecom_tokens', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  kind: text('kind').notNull(), // access_token | jsapi_ticket | agent_ticket
  value: text('value').notNull(),
  expiresAt: ts('expires_at').notNull(),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.kind] })]);

export const departments = pgTable('departments', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  id: integer('id').notNull(),
  name: text('name').notNull(),
  parentId: integer('parent_id'),
  order: bigint('order', { mode: 'number' }).notNull().default(0),
  removedAt: ts('removed_at'),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.id] })]);

export const stores = pgTable('stores', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  code: text('code'),
  departmentId: integer('department_id'),
  city: text('city'),
  address: text('address'),
  lat: doublePrecision('lat'),
  lng: doublePrecision('lng'),
  phone: text('phone'),
  archivedAt: ts('archived_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  index('stores_corp_idx').on(t.corpId),
  uniqueIndex('stores_corp_department_uq').on(t.corpId, t.departmentId),
]);

export const staff = pgTable('staff', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  userid: text('userid').notNull(),
  name: text('name').notNull(),
  avatar: text('avatar'),
  mobile: text('mobile'),
  gender: smallint('gender'),
  position: text('position'),
  departmentIds: integer('department_ids').array().notNull().default(sql`'{}'::integer[]`),
  mainDepartment: integer('main_department'),
  storeId: bigint('store_id', { mode: 'number' }),
  status: smallint('status').notNull().default(1), // WeCom: 1 active, 2 disabled, 4 not activated, 5 resigned
  isFollowUser: boolean('is_follow_user').notNull().default(false),
  resignedAt: ts('resigned_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.userid] }), index('staff_store_idx').on(t.corpId, t.storeId)]);

export const users = pgTable('users', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  displayName: text('display_name').notNull(),
  locale: text('locale').notNull().default('zh-CN'),
  disabledAt: ts('disabled_at'),
  createdAt: createdAt(),
});

export const ROLES = ['admin', 'operator', 'store_manager', 'staff'] as const;
export type Role = (typeof ROLES)[number];

export const memberships = pgTable('memberships', {
  userId: bigint('user_id', { mode: 'number' }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  role: text('role').$type<Role>().notNull(),
  storeIds: bigint('store_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
  staffUserid: text('staff_userid'),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.userId, t.corpId] })]);

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(), // sha256 of the cookie value
  userId: bigint('user_id', { mode: 'number' }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  corpId: text('corp_id'),
  expiresAt: ts('expires_at').notNull(),
  createdAt: createdAt(),
});

export const apiTokens = pgTable('api_tokens', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').references(() => corps.id, { onDelete: 'cascade' }), // null: bootstrap token for every corp
  userId: bigint('user_id', { mode: 'number' }).references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  role: text('role').$type<Role>().notNull(),
  storeIds: bigint('store_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
  staffUserid: text('staff_userid'),
  createdBy: bigint('created_by', { mode: 'number' }),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
  createdAt: createdAt(),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id'),
  actorType: text('actor_type').notNull(), // user | token | system
  actorId: text('actor_id'),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  detail: jsonb('detail'),
  ip: text('ip'),
  createdAt: createdAt(),
}, (t) => [index('audit_corp_idx').on(t.corpId, t.createdAt)]);

export const customers = pgTable('customers', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  externalUserid: text('external_userid').notNull(),
  name: text('name').notNull().default(''),
  avatar: text('avatar'),
  type: smallint('type').notNull().default(1), // 1 WeChat user, 2 WeCom user
  gender: smallint('gender').notNull().default(0),
  unionid: text('unionid'),
  corpName: text('corp_name'),
  corpFullName: text('corp_full_name'),
  position: text('position'),
  activeFollowCount: integer('active_follow_count').notNull().default(0),
  firstAddedAt: ts('first_added_at'),
  lastEventAt: ts('last_event_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.corpId, t.externalUserid] }),
  index('customers_name_idx').on(t.corpId, t.name),
  index('customers_unionid_idx').on(t.corpId, t.unionid),
]);

export const FOLLOW_STATUSES = ['active', 'deleted_by_staff', 'deleted_by_customer', 'transferred'] as const;
export type FollowStatus = (typeof FOLLOW_STATUSES)[number];

/** One customer ↔ one staff relationship (跟进关系). Corp tags live on the relationship, as in WeCom. */
export const follows = pgTable('follows', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  externalUserid: text('external_userid').notNull(),
  userid: text('userid').notNull(),
  remark: text('remark'),
  description: text('description'),
  remarkCorpName: text('remark_corp_name'),
  remarkMobiles: text('remark_mobiles').array().notNull().default(sql`'{}'::text[]`),
  addWay: integer('add_way'),
  operUserid: text('oper_userid'),
  state: text('state'),
  tagIds: text('tag_ids').array().notNull().default(sql`'{}'::text[]`),
  status: text('status').$type<FollowStatus>().notNull().default('active'),
  addedAt: ts('added_at'),
  deletedAt: ts('deleted_at'),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.corpId, t.externalUserid, t.userid] }),
  index('follows_staff_idx').on(t.corpId, t.userid, t.status),
  index('follows_tags_gin').using('gin', t.tagIds),
]);

export const tagGroups = pgTable('tag_groups', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  id: text('id').notNull(),
  name: text('name').notNull(),
  order: bigint('order', { mode: 'number' }).notNull().default(0),
  strategyId: integer('strategy_id'),
  createdAt: ts('created_at'),
  deletedAt: ts('deleted_at'),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.id] })]);

export const tags = pgTable('tags', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  id: text('id').notNull(),
  groupId: text('group_id').notNull(),
  name: text('name').notNull(),
  order: bigint('order', { mode: 'number' }).notNull().default(0),
  createdAt: ts('created_at'),
  deletedAt: ts('deleted_at'),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.id] }), index('tags_group_idx').on(t.corpId, t.groupId)]);

export const groups = pgTable('groups', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  chatId: text('chat_id').notNull(),
  name: text('name').notNull().default(''),
  ownerUserid: text('owner_userid'),
  notice: text('notice'),
  adminUserids: text('admin_userids').array().notNull().default(sql`'{}'::text[]`),
  memberVersion: text('member_version'),
  memberCount: integer('member_count').notNull().default(0),
  customerCount: integer('customer_count').notNull().default(0),
  storeId: bigint('store_id', { mode: 'number' }),
  ownerStatus: smallint('owner_status').notNull().default(0), // groupchat/list status: 0 normal, 1 owner resigned, 2 takeover, 3 taken over
  status: text('status').$type<'active' | 'dismissed'>().notNull().default('active'),
  createdAt: ts('created_at'),
  dismissedAt: ts('dismissed_at'),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.chatId] }), index('groups_owner_idx').on(t.corpId, t.ownerUserid)]);

export const groupMembers = pgTable('group_members', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  chatId: text('chat_id').notNull(),
  memberId: text('member_id').notNull(), // userid (type 1) or external_userid (type 2)
  type: smallint('type').notNull(),
  unionid: text('unionid'),
  name: text('name'),
  groupNickname: text('group_nickname'),
  joinTime: ts('join_time'),
  joinScene: smallint('join_scene'),
  invitor: text('invitor'),
  state: text('state'),
  leftAt: ts('left_at'),
  quitScene: smallint('quit_scene'),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.corpId, t.chatId, t.memberId] }),
  index('group_members_member_idx').on(t.corpId, t.memberId),
]);

/** Per-customer timeline: the source for analytics and segments. */
export const customerEvents = pgTable('customer_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull(),
  externalUserid: text('external_userid').notNull(),
  type: text('type').notNull(),
  userid: text('userid'),
  chatId: text('chat_id'),
  occurredAt: ts('occurred_at').notNull(),
  data: jsonb('data'),
  dedupeKey: text('dedupe_key'),
  createdAt: createdAt(),
}, (t) => [
  index('customer_events_customer_idx').on(t.corpId, t.externalUserid, t.occurredAt),
  index('customer_events_type_idx').on(t.corpId, t.type, t.occurredAt),
  uniqueIndex('customer_events_dedupe_uq').on(t.corpId, t.dedupeKey),
]);

/** Callback inbox: every verified callback, once (unique on the hash of its plaintext). It is also the
 * work queue for event processing: workers claim pending rows with FOR UPDATE SKIP LOCKED (ADR 0002). */
export const callbackInbox = pgTable('callback_inbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull(),
  eventKey: text('event_key').notNull(),
  event: text('event'),
  changeType: text('change_type'),
  priority: smallint('priority').notNull().default(5), // lower runs first: 0 = welcome window
  xml: text('xml').notNull(),
  status: text('status').$type<'pending' | 'done' | 'failed' | 'ignored'>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  runAfter: ts('run_after').notNull().defaultNow(),
  lockedUntil: ts('locked_until'),
  error: text('error'),
  receivedAt: ts('received_at').notNull().defaultNow(),
  processedAt: ts('processed_at'),
}, (t) => [
  uniqueIndex('callback_inbox_key_uq').on(t.corpId, t.eventKey),
  index('callback_inbox_pending_idx').on(t.priority, t.id).where(sql`status = 'pending'`),
]);

export const syncRuns = pgTable('sync_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  kind: text('kind').$type<'full' | 'reconcile'>().notNull(),
  status: text('status').$type<'queued' | 'running' | 'done' | 'failed'>().notNull().default('queued'),
  stage: text('stage'),
  progress: jsonb('progress').$type<Record<string, { done: number; total: number | null }>>().notNull().default(sql`'{}'::jsonb`),
  cursor: jsonb('cursor').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  error: text('error'),
  triggeredBy: text('triggered_by'),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  createdAt: createdAt(),
}, (t) => [index('sync_runs_corp_idx').on(t.corpId, t.createdAt)]);
