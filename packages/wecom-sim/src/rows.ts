// Row types of the simulator's tables (schema.ts), one interface per table, keyed by the columns' SQL
// names as `pg` returns them. Every query names what it reads, a whole row or a Pick<> of one, plus any
// computed columns:
//
//   await sql.one<SimFollowRow>(`SELECT * FROM {s}.follows WHERE …`);
//   await sql.q<Pick<SimStaffRow, 'userid' | 'name'>>(`SELECT userid, name FROM {s}.staff …`);
//   await sql.one<Count>(`SELECT count(*) AS n FROM {s}.tags …`);
//
// Values follow the pool the simulator is given: integer → number, text[] → string[], jsonb → parsed
// JSON (typed below as what the simulator writes), numeric → string, bytea → Buffer. bigint (epoch
// times, sorts, ids of bigserial tables, count(*)) depends on the pool: Pond's pool parses it to a
// number, a plain pg pool (the simulator's own tests) leaves it a string — so it is `Int8` and is read
// with num()/numOrNull() from db.ts.
//
// A leaf: the JSON shapes stored in jsonb columns are declared here, and the modules that write them import them.

/** A bigint column: a number under Pond's type parser, a string under pg's default. Read it with num(). */
export type Int8 = number | string;
/** A numeric column: pg returns it as a string (e.g. "12.50"). */
export type Numeric = string;

/** get_jsapi_ticket (jsapi) or ticket/get?type=agent_config. */
export type TicketKind = 'jsapi' | 'agent_config';

/** One line of an order, in yuan. */
export interface OrderItem {
  name: string;
  price: number;
  quantity: number;
  sku?: string;
}

/** A refund the demo shop's past order had (demo/seed-orders.ts). */
export interface DemoRefund {
  refundId: string;
  amount: number;
  at: number;
}

/** A message's content as validated from a request: `{ msgtype, [msgtype]: {...} }`. */
export type Payload = Record<string, unknown> & { msgtype: string };

/** Columns of a LEFT JOINed table: null where nothing matched. */
export type Joined<T> = { [K in keyof T]: T[K] | null };

/** `SELECT count(*) AS n …` */
export interface Count {
  n: Int8;
}

export interface SimSettingRow {
  key: string;
  value: unknown;
}

export interface SimCorpRow {
  corp_id: string;
  name: string;
  secret: string;
  agent_id: number;
  token: string;
  encoding_aes_key: string;
  callback_url: string | null;
  order_webhook_url: string | null;
  /** Calls per minute per API path; "*" for every other API. */
  rate_limits: Record<string, number>;
  trusted_ips: string[] | null;
  forbidden_apis: string[];
  /** The chat archive's secret (会话存档 Secret) once an archive key is registered. */
  msgaudit_secret: string | null;
  msgaudit_default_agree: boolean;
  mass_msg_monthly_cap: number | null;
  transfer_delay_ms: Int8;
  staff_customer_limit: number;
  callback_verified_at: Int8 | null;
  seeded_at: Int8 | null;
  created_at: Int8;
  sidebar_url: string | null;
  timezone: string;
  /** month_days | week7 | day1 (see MassMsgCapMode). */
  mass_msg_cap_mode: string;
}

export interface SimTokenRow {
  access_token: string;
  corp_id: string;
  expires_at: Int8;
  revoked_errcode: number | null;
  created_at: Int8;
  /** app | msgaudit (the chat archive's own secret). */
  secret_kind: string;
}

export interface SimJsapiTicketRow {
  ticket: string;
  corp_id: string;
  kind: TicketKind;
  expires_at: Int8;
  created_at: Int8;
}

export interface SimJsapiGrantRow {
  grant_id: string;
  corp_id: string;
  userid: string;
  url: string;
  js_api_list: string[];
  created_at: Int8;
}

export interface SimMemberOauthCodeRow {
  code: string;
  corp_id: string;
  userid: string;
  scope: string;
  created_at: Int8;
  used_at: Int8 | null;
}

export interface SimRateCounterRow {
  corp_id: string;
  api: string;
  window_start: Int8;
  count: number;
}

export interface SimDepartmentRow {
  corp_id: string;
  id: number;
  name: string;
  name_en: string | null;
  parentid: number;
  sort: Int8;
}

export interface SimStaffRow {
  corp_id: string;
  userid: string;
  name: string;
  department: number[];
  main_department: number | null;
  position: string;
  mobile: string;
  gender: number;
  email: string;
  avatar: string;
  alias: string;
  status: number;
  is_follow_user: boolean;
  console_welcome: boolean;
  resigned_at: Int8 | null;
  created_at: Int8;
}

export interface SimOauthAppRow {
  appid: string;
  secret: string;
  created_at: Int8;
}

export interface SimOauthCodeRow {
  code: string;
  appid: string;
  wechat_user_id: string;
  created_at: Int8;
  used_at: Int8 | null;
}

export interface SimWechatUserRow {
  id: string;
  nickname: string;
  avatar: string;
  gender: number;
  unionid: string;
  openid: string;
  created_at: Int8;
}

export interface SimCustomerRow {
  corp_id: string;
  external_userid: string;
  wechat_user_id: string;
  created_at: Int8;
}

export type FollowStatus = 'active' | 'half' | 'customer_deleted' | 'deleted' | 'transferred';

export interface SimFollowRow {
  corp_id: string;
  userid: string;
  external_userid: string;
  status: FollowStatus;
  remark: string;
  description: string;
  remark_corp_name: string;
  remark_mobiles: string[];
  tag_ids: string[];
  createtime_sec: Int8;
  add_way: number;
  oper_userid: string;
  state: string;
  /** customer | staff | transfer */
  deleted_by: string | null;
  deleted_at: Int8 | null;
  updated_at: Int8;
  personal_tags: string[];
}

export interface SimWelcomeCodeRow {
  code: string;
  corp_id: string;
  userid: string;
  external_userid: string;
  issued_at: Int8;
  used_at: Int8 | null;
  void: boolean;
}

export interface SimTagGroupRow {
  corp_id: string;
  group_id: string;
  name: string;
  sort: Int8;
  create_time_sec: Int8;
  deleted: boolean;
}

export interface SimTagRow {
  corp_id: string;
  id: string;
  group_id: string;
  name: string;
  sort: Int8;
  create_time_sec: Int8;
  deleted: boolean;
}

export interface SimGroupRow {
  corp_id: string;
  chat_id: string;
  name: string;
  owner: string;
  notice: string;
  admin_list: string[];
  create_time_sec: Int8;
  member_version: string;
  /** 0 normal, 1 owner resigned, 2 takeover in progress, 3 takeover done */
  status: number;
  welcome_template_id: string | null;
  dismissed_at: Int8 | null;
}

export interface SimGroupMemberRow {
  corp_id: string;
  chat_id: string;
  member_id: string;
  /** 1 staff, 2 customer */
  type: 1 | 2;
  wechat_user_id: string | null;
  join_time_sec: Int8;
  join_scene: number;
  invitor: string | null;
  group_nickname: string;
  state: string;
  left_at: Int8 | null;
  quit_scene: number | null;
}

export interface SimContactWayRow {
  corp_id: string;
  config_id: string;
  type: number;
  scene: number;
  style: number | null;
  remark: string;
  skip_verify: boolean;
  state: string;
  users: string[];
  party: number[];
  is_temp: boolean;
  expires_in: number | null;
  chat_expires_in: number | null;
  unionid: string | null;
  /** The API's `conclusions` as given (结束语). */
  conclusions: unknown;
  is_exclusive: boolean;
  next_pick: number;
  created_at: Int8;
  deleted_at: Int8 | null;
}

export interface SimJoinWayRow {
  corp_id: string;
  config_id: string;
  scene: number;
  remark: string;
  auto_create_room: number;
  room_base_name: string;
  room_base_id: number;
  room_seq: number;
  chat_id_list: string[];
  state: string;
  created_at: Int8;
  deleted_at: Int8 | null;
}

/** A group welcome template as stored: the API's text/image/link/miniprogram/file/video fields. */
export type GroupWelcomeBody = Record<string, unknown>;

export interface SimGroupWelcomeTemplateRow {
  corp_id: string;
  template_id: string;
  body: GroupWelcomeBody;
  notify: number;
  created_at: Int8;
  deleted_at: Int8 | null;
}

/** A message as a person receives or sends it: `{ msgtype, [msgtype]: {...} }`. */
export type MessagePayload = Record<string, unknown>;

export interface SimMessageRow {
  id: Int8;
  corp_id: string;
  /** welcome | group_welcome | mass | transfer | chat | group_chat | reminder | app */
  kind: string;
  /** to_customer | from_customer | in_group | to_staff */
  direction: string;
  wechat_user_id: string | null;
  external_userid: string | null;
  userid: string | null;
  chat_id: string | null;
  ref_id: string | null;
  payload: MessagePayload;
  created_at: Int8;
}

/** What add_msg_template stored: the validated messages, and text/attachments as the request gave them. */
export interface MassSendBody {
  content: Payload[];
  text?: unknown;
  attachments: unknown[];
  /** A group send without chat_id_list: the owner picks the groups in the client. */
  ownerPicks?: boolean;
}

export interface SimMassSendRow {
  corp_id: string;
  msgid: string;
  /** single | group */
  chat_type: string;
  sender: string | null;
  allow_select: boolean;
  body: MassSendBody;
  created_at: Int8;
  canceled_at: Int8 | null;
  reminds: Int8[];
}

export interface SimMassSendTaskRow {
  corp_id: string;
  msgid: string;
  userid: string;
  status: number;
  send_time_sec: Int8 | null;
}

export interface SimMassSendResultRow {
  corp_id: string;
  msgid: string;
  userid: string;
  target: string;
  status: number;
  send_time_sec: Int8 | null;
}

/** One moment attachment as add_moment_task accepted it: all of one kind, each with its media_id (the rest as given). */
export interface MomentAttachment {
  msgtype: 'image' | 'video' | 'link';
  image?: { media_id: string };
  video?: { media_id: string };
  link?: { media_id: string; url: unknown; title?: unknown };
}

export interface MomentBody {
  text?: { content: string };
  attachments: MomentAttachment[];
  /** The visible_range's valid corp tags (external_contact_list.tag_list): customers with any of them see it; empty = all. */
  tagList: string[];
  invalidUsers: string[];
  invalidDepartments?: number[];
  invalidTags?: string[];
}

export interface SimMomentRow {
  corp_id: string;
  moment_id: string;
  jobid: string;
  body: MomentBody;
  created_at: Int8;
  canceled_at: Int8 | null;
}

export interface SimMomentTaskRow {
  corp_id: string;
  moment_id: string;
  userid: string;
  publish_status: number;
  published_at: Int8 | null;
}

export interface SimMomentAudienceRow {
  corp_id: string;
  moment_id: string;
  /** The member whose post it is. */
  userid: string;
  external_userid: string;
}

export interface SimMomentInteractionRow {
  id: Int8;
  corp_id: string;
  moment_id: string;
  /** The member whose post was liked or commented on. */
  userid: string;
  /** like | comment */
  kind: string;
  /** A customer's, or null when a member (actor_userid) acted. */
  external_userid: string | null;
  actor_userid: string | null;
  /** The comment's text (WeCom's API does not return it; the phones show it). */
  content: string | null;
  created_at: Int8;
}

export interface SimTransferRow {
  id: Int8;
  corp_id: string;
  /** onjob | resigned */
  kind: string;
  handover_userid: string;
  takeover_userid: string;
  external_userid: string;
  /** 1 done, 2 waiting, 3 refused, 4 takeover member at customer limit */
  status: number;
  success_msg: string | null;
  created_at: Int8;
  due_at: Int8;
  done_at: Int8 | null;
}

export interface SimGroupTransferRow {
  id: Int8;
  corp_id: string;
  chat_id: string;
  kind: string;
  from_owner: string;
  new_owner: string;
  created_at: Int8;
}

export interface SimMediaRow {
  media_id: string;
  corp_id: string;
  type: string;
  filename: string;
  content_type: string;
  bytes: Buffer;
  attachment: boolean;
  created_at: Int8;
}

export interface SimOrderRow {
  order_id: string;
  corp_id: string;
  wechat_user_id: string;
  external_userid: string | null;
  amount: Numeric;
  items: OrderItem[];
  created_at: Int8;
  webhook_status: number | null;
  webhook_error: string | null;
  refunded: Numeric;
  refunds: number;
  /** The demo shop's past orders: the refunds each had; null for orders paid on the phone. */
  demo_refunds: DemoRefund[] | null;
}

export type CallbackStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

export interface SimCallbackRow {
  id: Int8;
  corp_id: string;
  event: string;
  change_type: string;
  fields: Record<string, unknown>;
  xml: string;
  status: CallbackStatus;
  attempts: number;
  last_error: string | null;
  created_at: Int8;
  delivered_at: Int8 | null;
}

export interface SimAcquisitionLinkRow {
  corp_id: string;
  link_id: string;
  link_name: string;
  users: string[];
  departments: number[];
  skip_verify: boolean;
  next_pick: number;
  created_at: Int8;
  unavailable_at: Int8 | null;
  deleted_at: Int8 | null;
}

export interface SimAcquisitionQuotaRow {
  corp_id: string;
  total: number;
  balance: number;
  low_at: number;
  range_max: number;
  expire_date: Int8;
  low_sent: boolean;
  exhausted_sent: boolean;
}

export interface SimAcquisitionCustomerRow {
  corp_id: string;
  link_id: string;
  external_userid: string;
  userid: string;
  state: string;
  chat_status: number;
  created_at: Int8;
}
