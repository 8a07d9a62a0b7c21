// Pond's tables. Every business table carries corp_id (the WeCom corpid) and every repository
// function takes it. Migrations in apps/server/migrations are generated from this file
// (`npm run db:generate`) and applied at start; a test fails when they are stale.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, customType, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text,
  timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const customBytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

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
  /** A 公众号 (bound to the same open platform) for WeChat web OAuth on landing pages: identifies scanners. */
  oauthAppId: text('oauth_app_id'),
  oauthSecret: text('oauth_secret'),
  /** Defaults https://open.weixin.qq.com and https://api.weixin.qq.com; the simulator in demo. */
  oauthOpenBase: text('oauth_open_base'),
  oauthApiBase: text('oauth_api_base'),
  /**
   * Where members' browsers reach WeCom's web side: member OAuth (`/connect/oauth2/authorize`) and the
   * JS-SDK script for the sidebar. Null = the real WeCom (open.weixin.qq.com, res.wx.qq.com); the
   * simulator's root in demo.
   */
  wecomWebBase: text('wecom_web_base'),
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

/** Chat-sidebar sign-ins: a member identified by WeCom OAuth, acting as the staff role for their own customers. */
export const sidebarSessions = pgTable('sidebar_sessions', {
  id: text('id').primaryKey(), // sha256 of the cookie value
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  staffUserid: text('staff_userid').notNull(),
  expiresAt: ts('expires_at').notNull(),
  createdAt: createdAt(),
}, (t) => [index('sidebar_sessions_expiry_idx').on(t.expiresAt)]);

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
  /** Union of the active relations' corp tags and their staff, kept by a trigger on follows (segments read these; ADR 0005). */
  tagIds: text('tag_ids').array().notNull().default(sql`'{}'::text[]`),
  staffIds: text('staff_ids').array().notNull().default(sql`'{}'::text[]`),
  firstAddedAt: ts('first_added_at'),
  lastEventAt: ts('last_event_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.corpId, t.externalUserid] }),
  index('customers_name_idx').on(t.corpId, t.name),
  index('customers_unionid_idx').on(t.corpId, t.unionid),
  index('customers_tags_gin').using('gin', t.tagIds),
  index('customers_staff_gin').using('gin', t.staffIds),
]);

/** Timeline events counted per customer, type and day (a trigger on customer_events keeps it): behaviour conditions read this. */
export const customerEventCounts = pgTable('customer_event_counts', {
  corpId: text('corp_id').notNull(),
  type: text('type').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  externalUserid: text('external_userid').notNull(),
  n: integer('n').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.corpId, t.type, t.day, t.externalUserid] })]);

/** The same counts summed over the usual windows, one row per customer holding every event type's windows (ADR 0007):
 * `w[typeIndex * 4 + windowIndex + 1]` is the count of events of type EVENT_TYPES[typeIndex] in the last WINDOW_DAYS[windowIndex]
 * (7/30/90/180) days up to the day the corp's windows were last rolled to. SQL maps a type to its index with
 * pond_event_window_type(); read slots as coalesce(w[k], 0) (a row written before a type was appended is shorter).
 * The trigger on customer_events adds each event; the daily roll subtracts the days that leave. No row means zero
 * everywhere (rows whose every 180-day slot is 0 are deleted). No index besides the key, so updates can be HOT
 * (fillfactor 80, set in migration segment_window_rows_trigger). */
export const customerEventWindows = pgTable('customer_event_windows', {
  corpId: text('corp_id').notNull(),
  externalUserid: text('external_userid').notNull(),
  w: integer('w').array().notNull(),
}, (t) => [primaryKey({ columns: [t.corpId, t.externalUserid] })]);

/** Per corp, the day customer_event_windows are true for; no row: not built yet (segments fall back to the counts). */
export const customerEventWindowRolls = pgTable('customer_event_window_rolls', {
  corpId: text('corp_id').primaryKey(),
  rolledDay: date('rolled_day', { mode: 'string' }).notNull(),
  rolledAt: ts('rolled_at').notNull().defaultNow(),
});

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
  /** Personal tags (个人标签): names the member gave the customer in the WeCom client, read-only to the API.
   *  Only externalcontact/get carries them (type 2); batch/get_by_user omits them, so it never overwrites these. */
  personalTags: text('personal_tags').array().notNull().default(sql`'{}'::text[]`),
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
  /** Pond-side group management: tier (VIP / member / new…), group tags (region, theme), the owner's persona, rules, announcement template. */
  tier: text('tier'),
  labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
  persona: text('persona'),
  rulesText: text('rules_text'),
  announcementTemplate: text('announcement_template'),
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

/** WeCom group statistics (groupchat/statistic) per owner and Beijing day, pulled daily; group segments'
 * activity conditions read it. WeCom reports no per-group figures, only per owner. */
export const groupOwnerStats = pgTable('group_owner_stats', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  ownerUserid: text('owner_userid').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  newChatCnt: integer('new_chat_cnt').notNull().default(0),
  chatTotal: integer('chat_total').notNull().default(0),
  chatHasMsg: integer('chat_has_msg').notNull().default(0),
  newMemberCnt: integer('new_member_cnt').notNull().default(0),
  memberTotal: integer('member_total').notNull().default(0),
  memberHasMsg: integer('member_has_msg').notNull().default(0),
  msgTotal: integer('msg_total').notNull().default(0),
  syncedAt: ts('synced_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.corpId, t.ownerUserid, t.day] })]);

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
  /** Set when an identical callback arrived while this one was in flight: process it once more. */
  redo: boolean('redo').notNull().default(false),
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

// ---------------------------------------------------------------------------------------------
// Acquire: live codes (渠道活码), group codes (群活码), store routing, welcome messages, numbers.

export const LIVE_CODE_KINDS = ['staff', 'group', 'store'] as const;
export const LIVE_CODE_STRATEGIES = ['round_robin', 'weighted', 'random'] as const;

/** Weekly working slots plus exception dates, in the code's time zone. */
export interface WorkSchedule {
  timezone: string;
  /** day 0 = Sunday … 6 = Saturday; times 'HH:MM', end exclusive; a slot may not cross midnight. */
  weekly: { day: number; start: string; end: string }[];
  /** A date either closed all day or with its own slots. */
  exceptions: { date: string; closed?: boolean; slots?: { start: string; end: string }[] }[];
}

export const liveCodes = pgTable('live_codes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  /** The short key in the landing URL /l/<key>; never changes, so printed codes never expire. */
  key: text('key').notNull().unique(),
  kind: text('kind').$type<(typeof LIVE_CODE_KINDS)[number]>().notNull(),
  name: text('name').notNull(),
  channel: text('channel').notNull().default(''),
  storeId: bigint('store_id', { mode: 'number' }),
  /** 'pond': Pond picks staff and shows their own QR (lock, caps, hours); 'native': one WeCom multi-person contact way. */
  mode: text('mode').$type<'pond' | 'native'>().notNull().default('pond'),
  strategy: text('strategy').$type<(typeof LIVE_CODE_STRATEGIES)[number]>().notNull().default('round_robin'),
  lockEnabled: boolean('lock_enabled').notNull().default(true),
  skipVerify: boolean('skip_verify').notNull().default(true),
  tagIds: text('tag_ids').array().notNull().default(sql`'{}'::text[]`),
  /** Remark set on the follow relation after the add; placeholders {nickname} {channel} {code}. */
  remarkTemplate: text('remark_template'),
  description: text('description'),
  welcomeId: bigint('welcome_id', { mode: 'number' }),
  schedule: jsonb('schedule').$type<WorkSchedule | null>(),
  backupUserids: text('backup_userids').array().notNull().default(sql`'{}'::text[]`),
  /** Group codes: members per group before rotating (≤ 200, WeCom's QR limit). */
  groupCap: integer('group_cap').notNull().default(200),
  groupAutoCreate: boolean('group_auto_create').notNull().default(true),
  groupBaseName: text('group_base_name'),
  groupNextSeq: integer('group_next_seq').notNull().default(1),
  groupWelcomeTemplateId: text('group_welcome_template_id'),
  /** The WeCom join way (group codes) or multi-person contact way (native mode) behind this code. */
  wecomConfigId: text('wecom_config_id'),
  wecomQrUrl: text('wecom_qr_url'),
  state: text('state').notNull(),
  status: text('status').$type<'active' | 'archived'>().notNull().default('active'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  archivedAt: ts('archived_at'),
}, (t) => [index('live_codes_corp_idx').on(t.corpId, t.status), uniqueIndex('live_codes_state_uq').on(t.corpId, t.state)]);

/** Staff pool of a staff code, with weights and caps. */
export const liveCodeStaff = pgTable('live_code_staff', {
  codeId: bigint('code_id', { mode: 'number' }).notNull().references(() => liveCodes.id, { onDelete: 'cascade' }),
  corpId: text('corp_id').notNull(),
  userid: text('userid').notNull(),
  position: integer('position').notNull().default(0),
  weight: integer('weight').notNull().default(1),
  dailyCap: integer('daily_cap'),
  totalCap: integer('total_cap'),
  assignedTotal: integer('assigned_total').notNull().default(0),
  /** This member's own type=1 contact way for this code (config_id, QR image URL). */
  configId: text('config_id'),
  qrUrl: text('qr_url'),
}, (t) => [primaryKey({ columns: [t.codeId, t.userid] })]);

/** Assignments per staff per code per day: daily caps and round-robin read this. */
export const liveCodeStaffDaily = pgTable('live_code_staff_daily', {
  codeId: bigint('code_id', { mode: 'number' }).notNull(),
  userid: text('userid').notNull(),
  day: text('day').notNull(), // YYYY-MM-DD in the corp's time zone
  assigned: integer('assigned').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.codeId, t.day, t.userid] })]);

/** Ordered pool of groups behind a group code. */
export const liveCodeGroups = pgTable('live_code_groups', {
  codeId: bigint('code_id', { mode: 'number' }).notNull().references(() => liveCodes.id, { onDelete: 'cascade' }),
  corpId: text('corp_id').notNull(),
  chatId: text('chat_id').notNull(),
  position: integer('position').notNull().default(0),
  status: text('status').$type<'waiting' | 'active' | 'full' | 'removed'>().notNull().default('waiting'),
  autoCreated: boolean('auto_created').notNull().default(false),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.codeId, t.chatId] })]);

/** Every scan of a landing URL (durably recorded before the page is answered). */
export const codeVisits = pgTable('code_visits', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull(),
  codeId: bigint('code_id', { mode: 'number' }).notNull(),
  visitorKey: text('visitor_key').notNull(),
  visitorKind: text('visitor_kind').notNull(), // unionid | openid | sim | cookie
  unionid: text('unionid'),
  userid: text('userid'),
  chatId: text('chat_id'),
  storeId: bigint('store_id', { mode: 'number' }),
  reason: text('reason').notNull(), // lock | follow | strategy | backup | none | archived | group | store
  externalUserid: text('external_userid'),
  ip: text('ip'),
  createdAt: createdAt(),
}, (t) => [
  index('code_visits_code_idx').on(t.codeId, t.createdAt),
  index('code_visits_unionid_idx').on(t.corpId, t.unionid),
  index('code_visits_match_idx').on(t.codeId, t.userid, t.createdAt),
]);

/** Lock (锁客): a visitor stays with the staff member first assigned by this code. */
export const codeLocks = pgTable('code_locks', {
  codeId: bigint('code_id', { mode: 'number' }).notNull(),
  visitorKey: text('visitor_key').notNull(),
  corpId: text('corp_id').notNull(),
  userid: text('userid').notNull(),
  externalUserid: text('external_userid'),
  createdAt: createdAt(),
  confirmedAt: ts('confirmed_at'),
}, (t) => [primaryKey({ columns: [t.codeId, t.visitorKey] }), index('code_locks_external_idx').on(t.corpId, t.externalUserid)]);

/** Where a follow relation came from: code, channel, store, staff, visit. */
export const attributions = pgTable('attributions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull(),
  externalUserid: text('external_userid').notNull(),
  userid: text('userid').notNull(),
  codeId: bigint('code_id', { mode: 'number' }),
  channel: text('channel'),
  storeId: bigint('store_id', { mode: 'number' }),
  visitId: bigint('visit_id', { mode: 'number' }),
  state: text('state'),
  addedAt: ts('added_at').notNull(),
  deletedAt: ts('deleted_at'),
  inboxId: bigint('inbox_id', { mode: 'number' }),
}, (t) => [
  uniqueIndex('attributions_inbox_uq').on(t.corpId, t.inboxId),
  index('attributions_code_idx').on(t.codeId, t.addedAt),
  index('attributions_customer_idx').on(t.corpId, t.externalUserid, t.userid),
]);

export interface WelcomeAttachment {
  msgtype: 'image' | 'link' | 'miniprogram' | 'video' | 'file';
  image?: { media_id?: string; pic_url?: string };
  link?: { title: string; picurl?: string; desc?: string; url: string };
  miniprogram?: { title: string; pic_media_id: string; appid: string; page: string };
  video?: { media_id: string };
  file?: { media_id: string };
}

/** Welcome message templates (欢迎语); priority code > staff > default. */
export const welcomeTemplates = pgTable('welcome_templates', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  scope: text('scope').$type<'default' | 'staff' | 'code'>().notNull(),
  userids: text('userids').array().notNull().default(sql`'{}'::text[]`),
  text: text('text').notNull().default(''),
  attachments: jsonb('attachments').$type<WelcomeAttachment[]>().notNull().default(sql`'[]'::jsonb`),
  status: text('status').$type<'active' | 'archived'>().notNull().default('active'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('welcome_templates_corp_idx').on(t.corpId, t.scope, t.status)]);

/** One row per welcome attempt: success, or the failure (41051, expired code…) — never retried blindly. */
export const welcomeSends = pgTable('welcome_sends', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull(),
  inboxId: bigint('inbox_id', { mode: 'number' }).notNull(),
  externalUserid: text('external_userid').notNull(),
  userid: text('userid').notNull(),
  templateId: bigint('template_id', { mode: 'number' }),
  codeId: bigint('code_id', { mode: 'number' }),
  status: text('status').$type<'sent' | 'failed' | 'skipped'>().notNull(),
  errcode: integer('errcode'),
  error: text('error'),
  receivedAt: ts('received_at').notNull(),
  sentAt: ts('sent_at').notNull().defaultNow(),
  latencyMs: integer('latency_ms'),
}, (t) => [uniqueIndex('welcome_sends_inbox_uq').on(t.corpId, t.inboxId), index('welcome_sends_code_idx').on(t.codeId, t.sentAt)]);

/** Operator alerts shown in the console (a code with no staff available, a group code out of groups…). */
export const alerts = pgTable('alerts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull(),
  kind: text('kind').notNull(),
  message: text('message').notNull(),
  data: jsonb('data'),
  dedupeKey: text('dedupe_key'),
  createdAt: createdAt(),
  readAt: ts('read_at'),
}, (t) => [index('alerts_corp_idx').on(t.corpId, t.createdAt), uniqueIndex('alerts_dedupe_uq').on(t.corpId, t.dedupeKey)]);

/** Group welcome templates (入群欢迎语素材), kept in WeCom's library (≤ 100 per corp) and mirrored here. */
export const groupWelcomeTemplates = pgTable('group_welcome_templates', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  templateId: text('template_id').notNull(),
  name: text('name').notNull(),
  content: jsonb('content').notNull(),
  notify: boolean('notify').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: ts('deleted_at'),
}, (t) => [primaryKey({ columns: [t.corpId, t.templateId] })]);

/** WeCom's per-corp, per-API quota (calls per minute), shared by every Pond process through reservations. */
export const wecomQuota = pgTable('wecom_quota', {
  corpId: text('corp_id').notNull(),
  api: text('api').notNull(),
  minute: bigint('minute', { mode: 'number' }).notNull(),
  used: integer('used').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.corpId, t.api, t.minute] })]);

/** Files uploaded for messages. Images get WeCom's permanent pic_url; temporary media ids (3 days) are
 * re-uploaded from the stored bytes before they expire, and templates that use them are updated. */
export const mediaAssets = pgTable('media_assets', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  kind: text('kind').$type<'image' | 'video' | 'file'>().notNull(),
  filename: text('filename').notNull(),
  contentType: text('content_type').notNull(),
  bytes: customBytea('bytes').notNull(),
  picUrl: text('pic_url'),
  mediaId: text('media_id'),
  mediaExpiresAt: ts('media_expires_at'),
  createdAt: createdAt(),
}, (t) => [index('media_assets_expiry_idx').on(t.mediaExpiresAt)]);

/** Operators' and staff's notes on a customer (Pond-only; WeCom has no notes). */
export const customerNotes = pgTable('customer_notes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  externalUserid: text('external_userid').notNull(),
  text: text('text').notNull(),
  authorType: text('author_type').notNull(), // user | token
  authorId: text('author_id').notNull(),
  authorName: text('author_name').notNull(),
  createdAt: createdAt(),
  deletedAt: ts('deleted_at'),
}, (t) => [index('customer_notes_customer_idx').on(t.corpId, t.externalUserid, t.createdAt)]);

/** Bulk tag/untag runs over a filtered or uploaded list: one item per follow relation, so a run resumes. */
export const bulkTagJobs = pgTable('bulk_tag_jobs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  action: text('action').$type<'add' | 'remove'>().notNull(),
  tagIds: text('tag_ids').array().notNull(),
  source: jsonb('source').notNull(),
  status: text('status').$type<'queued' | 'running' | 'done' | 'cancelled'>().notNull().default('queued'),
  total: integer('total').notNull().default(0),
  done: integer('done').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  finishedAt: ts('finished_at'),
});

export const bulkTagItems = pgTable('bulk_tag_items', {
  jobId: bigint('job_id', { mode: 'number' }).notNull().references(() => bulkTagJobs.id, { onDelete: 'cascade' }),
  externalUserid: text('external_userid').notNull(),
  userid: text('userid').notNull(),
  status: text('status').$type<'pending' | 'done' | 'failed' | 'skipped'>().notNull().default('pending'),
  error: text('error'),
}, (t) => [primaryKey({ columns: [t.jobId, t.externalUserid, t.userid] }), index('bulk_tag_items_pending_idx').on(t.jobId, t.status)]);

/** Auto-tag rules: tags put on customers when they add through a code or channel, join a group, or
 * reach a count of timeline events; run on events and as a backfill. */
export const autoTagRules = pgTable('auto_tag_rules', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  kind: text('kind').$type<'code' | 'channel' | 'group' | 'behaviour'>().notNull(),
  params: jsonb('params').notNull(),
  tagIds: text('tag_ids').array().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('auto_tag_rules_corp_idx').on(t.corpId, t.enabled)]);

/** Handover (离职继承 / 在职继承): customers and groups moved from one staff member to another. */
export const handoverJobs = pgTable('handover_jobs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  kind: text('kind').$type<'onjob' | 'resigned'>().notNull(),
  handoverUserid: text('handover_userid').notNull(),
  takeoverUserid: text('takeover_userid').notNull(),
  message: text('message'),
  status: text('status').$type<'running' | 'waiting' | 'done'>().notNull().default('running'),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  finishedAt: ts('finished_at'),
});

export const handoverItems = pgTable('handover_items', {
  jobId: bigint('job_id', { mode: 'number' }).notNull().references(() => handoverJobs.id, { onDelete: 'cascade' }),
  kind: text('kind').$type<'customer' | 'group'>().notNull(),
  targetId: text('target_id').notNull(), // external_userid or chat_id
  /** pending → waiting (WeCom accepted, 24 h takeover) → done | refused | limit | failed | skipped */
  status: text('status').notNull().default('pending'),
  errcode: integer('errcode'),
  error: text('error'),
  takeoverAt: ts('takeover_at'),
}, (t) => [primaryKey({ columns: [t.jobId, t.kind, t.targetId] }), index('handover_items_status_idx').on(t.jobId, t.status)]);

/** Script library (话术): folders and saved replies for staff, searchable by Chinese words. */
export const scriptFolders = pgTable('script_folders', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  parentId: bigint('parent_id', { mode: 'number' }),
  position: integer('position').notNull().default(0),
  createdAt: createdAt(),
}, (t) => [index('script_folders_corp_idx').on(t.corpId)]);

export const scripts = pgTable('scripts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  folderId: bigint('folder_id', { mode: 'number' }),
  title: text('title').notNull(),
  content: text('content').notNull(),
  /** Words of title and content (jieba), for search. */
  keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
  useCount: integer('use_count').notNull().default(0),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: ts('deleted_at'),
}, (t) => [index('scripts_corp_idx').on(t.corpId, t.folderId), index('scripts_keywords_gin').using('gin', t.keywords)]);

/** Saved customer segments (分层): a rule tree evaluated live; the audience for broadcasts and playbooks. */
const savedRule = () => ({
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  rule: jsonb('rule').notNull(),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: ts('deleted_at'),
});
export const segments = pgTable('segments', savedRule());

/** Saved group segments (群分层): a rule tree over groups evaluated live, like customer segments. */
export const groupSegments = pgTable('group_segments', savedRule());

/** Extra customer attributes imported or set in Pond (birthday, level, city…). */
export const customerAttributes = pgTable('customer_attributes', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  externalUserid: text('external_userid').notNull(),
  key: text('key').notNull(),
  value: text('value').notNull(),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.externalUserid, t.key] })]);

/** People known by unionid (e.g. 公众号 followers) who are not customers yet. */
export const leads = pgTable('leads', {
  corpId: text('corp_id').notNull().references(() => corps.id, { onDelete: 'cascade' }),
  unionid: text('unionid').notNull(),
  openid: text('openid'),
  nickname: text('nickname'),
  source: text('source'),
  attributes: jsonb('attributes').notNull().default(sql`'{}'::jsonb`),
  matchedExternalUserid: text('matched_external_userid'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.corpId, t.unionid] })]);
