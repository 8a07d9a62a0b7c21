// The simulator's own tables, created idempotently at start under an advisory lock so that
// several processes can start against one database at once. Times are epoch milliseconds
// (bigint) unless the column name says seconds (`*_sec`), which is what WeCom returns.
import type { Db } from './db';

const DDL = `
CREATE SCHEMA IF NOT EXISTS {s};

CREATE TABLE IF NOT EXISTS {s}.settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);

CREATE TABLE IF NOT EXISTS {s}.corps (
  corp_id text PRIMARY KEY,
  name text NOT NULL,
  secret text NOT NULL,
  agent_id integer NOT NULL,
  token text NOT NULL,
  encoding_aes_key text NOT NULL,
  callback_url text,
  order_webhook_url text,
  rate_limits jsonb NOT NULL DEFAULT '{}',
  trusted_ips text[],
  forbidden_apis text[] NOT NULL DEFAULT '{}',
  mass_msg_monthly_cap integer,
  transfer_delay_ms bigint NOT NULL DEFAULT 86400000,
  staff_customer_limit integer NOT NULL DEFAULT 5000,
  callback_verified_at bigint,
  seeded_at bigint,
  created_at bigint NOT NULL
);
-- The page configured in the admin console for the chat toolbar (聊天工具栏), opened by /wecom/chat.
ALTER TABLE {s}.corps ADD COLUMN IF NOT EXISTS sidebar_url text;
-- Where the corp's people are: times on the phone and in the WeCom client are shown in it.
ALTER TABLE {s}.corps ADD COLUMN IF NOT EXISTS timezone text NOT NULL DEFAULT 'Asia/Shanghai';
-- WeCom's own cap on mass messages a customer (or group) receives (群发助手 → 群发规则): month_days (as many
-- as the month has days), week7 (7 per week) or day1 (1 per day).
ALTER TABLE {s}.corps ADD COLUMN IF NOT EXISTS mass_msg_cap_mode text NOT NULL DEFAULT 'month_days';

CREATE TABLE IF NOT EXISTS {s}.tokens (
  access_token text PRIMARY KEY,
  corp_id text NOT NULL,
  expires_at bigint NOT NULL,
  revoked_errcode integer,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_corp_idx ON {s}.tokens (corp_id, expires_at);

-- JS-SDK tickets as issued (kind: jsapi = get_jsapi_ticket for wx.config, agent_config = the app
-- ticket for wx.agentConfig), so the simulated client can check signatures.
CREATE TABLE IF NOT EXISTS {s}.jsapi_tickets (
  ticket text PRIMARY KEY,
  corp_id text NOT NULL,
  kind text NOT NULL,
  expires_at bigint NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS jsapi_tickets_corp_idx ON {s}.jsapi_tickets (corp_id, kind, expires_at);

-- A page's successful wx.agentConfig in the simulated client: which JS APIs it may invoke.
CREATE TABLE IF NOT EXISTS {s}.jsapi_grants (
  grant_id text PRIMARY KEY,
  corp_id text NOT NULL,
  userid text NOT NULL,
  url text NOT NULL,
  js_api_list text[] NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS jsapi_grants_corp_idx ON {s}.jsapi_grants (corp_id, created_at);

-- WeCom web OAuth (网页授权) codes for members: single use, 5 minutes.
CREATE TABLE IF NOT EXISTS {s}.member_oauth_codes (
  code text PRIMARY KEY,
  corp_id text NOT NULL,
  userid text NOT NULL,
  scope text NOT NULL,
  created_at bigint NOT NULL,
  used_at bigint
);

CREATE TABLE IF NOT EXISTS {s}.rate_counters (
  corp_id text NOT NULL,
  api text NOT NULL,
  window_start bigint NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (corp_id, api, window_start)
);

CREATE TABLE IF NOT EXISTS {s}.departments (
  corp_id text NOT NULL,
  id integer NOT NULL,
  name text NOT NULL,
  name_en text,
  parentid integer NOT NULL DEFAULT 0,
  sort bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (corp_id, id)
);

CREATE TABLE IF NOT EXISTS {s}.staff (
  corp_id text NOT NULL,
  userid text NOT NULL,
  name text NOT NULL,
  department integer[] NOT NULL DEFAULT '{}',
  main_department integer,
  position text NOT NULL DEFAULT '',
  mobile text NOT NULL DEFAULT '',
  gender integer NOT NULL DEFAULT 0,
  email text NOT NULL DEFAULT '',
  avatar text NOT NULL DEFAULT '',
  alias text NOT NULL DEFAULT '',
  status integer NOT NULL DEFAULT 1,
  is_follow_user boolean NOT NULL DEFAULT true,
  console_welcome boolean NOT NULL DEFAULT false,
  resigned_at bigint,
  created_at bigint NOT NULL,
  PRIMARY KEY (corp_id, userid)
);

-- WeChat web OAuth (公众号 snsapi_base) apps, so a landing page can learn who opened it.
CREATE TABLE IF NOT EXISTS {s}.oauth_apps (
  appid text PRIMARY KEY,
  secret text NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.oauth_codes (
  code text PRIMARY KEY,
  appid text NOT NULL,
  wechat_user_id text NOT NULL,
  created_at bigint NOT NULL,
  used_at bigint
);

CREATE TABLE IF NOT EXISTS {s}.wechat_users (
  id text PRIMARY KEY,
  nickname text NOT NULL,
  avatar text NOT NULL,
  gender integer NOT NULL DEFAULT 0,
  unionid text NOT NULL UNIQUE,
  openid text NOT NULL UNIQUE,
  created_at bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS {s}.customers (
  corp_id text NOT NULL,
  external_userid text NOT NULL,
  wechat_user_id text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (corp_id, external_userid),
  UNIQUE (corp_id, wechat_user_id)
);
CREATE INDEX IF NOT EXISTS customers_wechat_user_idx ON {s}.customers (wechat_user_id);
CREATE INDEX IF NOT EXISTS customers_external_userid_idx ON {s}.customers (external_userid);

-- status: active | half (added, staff has not confirmed) | customer_deleted (the customer removed
-- the staff; the staff still sees the customer) | deleted (the staff removed the customer) |
-- transferred (moved to another staff member by a transfer)
CREATE TABLE IF NOT EXISTS {s}.follows (
  corp_id text NOT NULL,
  userid text NOT NULL,
  external_userid text NOT NULL,
  status text NOT NULL,
  remark text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  remark_corp_name text NOT NULL DEFAULT '',
  remark_mobiles text[] NOT NULL DEFAULT '{}',
  tag_ids text[] NOT NULL DEFAULT '{}',
  createtime_sec bigint NOT NULL,
  add_way integer NOT NULL DEFAULT 0,
  oper_userid text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT '',
  deleted_by text,
  deleted_at bigint,
  updated_at bigint NOT NULL,
  PRIMARY KEY (corp_id, userid, external_userid)
);
CREATE INDEX IF NOT EXISTS follows_customer_idx ON {s}.follows (corp_id, external_userid);
-- Personal tags (个人标签): names a member gave the customer for themselves in the WeCom client.
-- externalcontact/get returns them (type 2, no tag_id); batch/get_by_user omits them; no API writes them.
ALTER TABLE {s}.follows ADD COLUMN IF NOT EXISTS personal_tags text[] NOT NULL DEFAULT '{}';

CREATE TABLE IF NOT EXISTS {s}.welcome_codes (
  code text PRIMARY KEY,
  corp_id text NOT NULL,
  userid text NOT NULL,
  external_userid text NOT NULL,
  issued_at bigint NOT NULL,
  used_at bigint,
  void boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS welcome_codes_pair_idx ON {s}.welcome_codes (corp_id, external_userid, userid);

CREATE TABLE IF NOT EXISTS {s}.tag_groups (
  corp_id text NOT NULL,
  group_id text NOT NULL,
  name text NOT NULL,
  sort bigint NOT NULL DEFAULT 0,
  create_time_sec bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  PRIMARY KEY (corp_id, group_id)
);

CREATE TABLE IF NOT EXISTS {s}.tags (
  corp_id text NOT NULL,
  id text NOT NULL,
  group_id text NOT NULL,
  name text NOT NULL,
  sort bigint NOT NULL DEFAULT 0,
  create_time_sec bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  PRIMARY KEY (corp_id, id)
);
CREATE INDEX IF NOT EXISTS tags_group_idx ON {s}.tags (corp_id, group_id);

-- status: 0 normal, 1 owner resigned, 2 takeover in progress, 3 takeover done
CREATE TABLE IF NOT EXISTS {s}.groups (
  corp_id text NOT NULL,
  chat_id text NOT NULL,
  name text NOT NULL,
  owner text NOT NULL,
  notice text NOT NULL DEFAULT '',
  admin_list text[] NOT NULL DEFAULT '{}',
  create_time_sec bigint NOT NULL,
  member_version text NOT NULL,
  status integer NOT NULL DEFAULT 0,
  welcome_template_id text,
  dismissed_at bigint,
  PRIMARY KEY (corp_id, chat_id)
);
CREATE INDEX IF NOT EXISTS groups_chat_idx ON {s}.groups (chat_id);
CREATE INDEX IF NOT EXISTS groups_owner_idx ON {s}.groups (corp_id, owner);

CREATE TABLE IF NOT EXISTS {s}.group_members (
  corp_id text NOT NULL,
  chat_id text NOT NULL,
  member_id text NOT NULL,
  type integer NOT NULL,
  wechat_user_id text,
  join_time_sec bigint NOT NULL,
  join_scene integer NOT NULL,
  invitor text,
  group_nickname text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT '',
  left_at bigint,
  quit_scene integer,
  PRIMARY KEY (corp_id, chat_id, member_id)
);
CREATE INDEX IF NOT EXISTS group_members_member_idx ON {s}.group_members (corp_id, member_id);
CREATE INDEX IF NOT EXISTS group_members_wechat_user_idx ON {s}.group_members (wechat_user_id);

CREATE TABLE IF NOT EXISTS {s}.contact_ways (
  corp_id text NOT NULL,
  config_id text NOT NULL,
  type integer NOT NULL,
  scene integer NOT NULL,
  style integer,
  remark text NOT NULL DEFAULT '',
  skip_verify boolean NOT NULL DEFAULT true,
  state text NOT NULL DEFAULT '',
  users text[] NOT NULL DEFAULT '{}',
  party integer[] NOT NULL DEFAULT '{}',
  is_temp boolean NOT NULL DEFAULT false,
  expires_in integer,
  chat_expires_in integer,
  unionid text,
  conclusions jsonb,
  is_exclusive boolean NOT NULL DEFAULT false,
  next_pick integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  deleted_at bigint,
  PRIMARY KEY (corp_id, config_id)
);
CREATE INDEX IF NOT EXISTS contact_ways_config_idx ON {s}.contact_ways (config_id);

CREATE TABLE IF NOT EXISTS {s}.join_ways (
  corp_id text NOT NULL,
  config_id text NOT NULL,
  scene integer NOT NULL,
  remark text NOT NULL DEFAULT '',
  auto_create_room integer NOT NULL DEFAULT 1,
  room_base_name text NOT NULL DEFAULT '',
  room_base_id integer NOT NULL DEFAULT 1,
  room_seq integer NOT NULL DEFAULT 1,
  chat_id_list text[] NOT NULL,
  state text NOT NULL DEFAULT '',
  created_at bigint NOT NULL,
  deleted_at bigint,
  PRIMARY KEY (corp_id, config_id)
);
CREATE INDEX IF NOT EXISTS join_ways_config_idx ON {s}.join_ways (config_id);

CREATE TABLE IF NOT EXISTS {s}.group_welcome_templates (
  corp_id text NOT NULL,
  template_id text NOT NULL,
  body jsonb NOT NULL,
  notify integer NOT NULL DEFAULT 1,
  created_at bigint NOT NULL,
  deleted_at bigint,
  PRIMARY KEY (corp_id, template_id)
);

-- Everything a simulated person received or sent: welcome messages, group welcome, mass
-- messages, transfer notes (customer inbox), 1:1 chat lines, and app messages to staff.
CREATE TABLE IF NOT EXISTS {s}.messages (
  id bigserial PRIMARY KEY,
  corp_id text NOT NULL,
  kind text NOT NULL,
  direction text NOT NULL,
  wechat_user_id text,
  external_userid text,
  userid text,
  chat_id text,
  ref_id text,
  payload jsonb NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_inbox_idx ON {s}.messages (wechat_user_id, id);
CREATE INDEX IF NOT EXISTS messages_staff_idx ON {s}.messages (corp_id, userid, created_at);
-- add_msg_template routes each customer to the member who chatted with them last.
CREATE INDEX IF NOT EXISTS messages_chat_idx ON {s}.messages (corp_id, external_userid, userid) WHERE kind = 'chat';

CREATE TABLE IF NOT EXISTS {s}.mass_sends (
  corp_id text NOT NULL,
  msgid text NOT NULL,
  chat_type text NOT NULL,
  sender text,
  allow_select boolean NOT NULL DEFAULT false,
  body jsonb NOT NULL,
  created_at bigint NOT NULL,
  canceled_at bigint,
  reminds bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (corp_id, msgid)
);

CREATE TABLE IF NOT EXISTS {s}.mass_send_tasks (
  corp_id text NOT NULL,
  msgid text NOT NULL,
  userid text NOT NULL,
  status integer NOT NULL DEFAULT 0,
  send_time_sec bigint,
  PRIMARY KEY (corp_id, msgid, userid)
);

CREATE TABLE IF NOT EXISTS {s}.mass_send_results (
  corp_id text NOT NULL,
  msgid text NOT NULL,
  userid text NOT NULL,
  target text NOT NULL,
  status integer NOT NULL DEFAULT 0,
  send_time_sec bigint,
  PRIMARY KEY (corp_id, msgid, userid, target)
);
CREATE INDEX IF NOT EXISTS mass_send_results_target_idx ON {s}.mass_send_results (corp_id, target, status, send_time_sec);

CREATE TABLE IF NOT EXISTS {s}.moments (
  corp_id text NOT NULL,
  moment_id text NOT NULL,
  jobid text NOT NULL,
  body jsonb NOT NULL,
  created_at bigint NOT NULL,
  canceled_at bigint,
  PRIMARY KEY (corp_id, moment_id)
);
CREATE INDEX IF NOT EXISTS moments_job_idx ON {s}.moments (corp_id, jobid);

CREATE TABLE IF NOT EXISTS {s}.moment_tasks (
  corp_id text NOT NULL,
  moment_id text NOT NULL,
  userid text NOT NULL,
  publish_status integer NOT NULL DEFAULT 0,
  published_at bigint,
  PRIMARY KEY (corp_id, moment_id, userid)
);

-- Who can see one member's post of a moment: fixed when the member publishes it (their customers then,
-- filtered by the moment's tag list) — get_moment_send_result and the phones' moments feeds read it.
CREATE TABLE IF NOT EXISTS {s}.moment_audience (
  corp_id text NOT NULL,
  moment_id text NOT NULL,
  userid text NOT NULL,
  external_userid text NOT NULL,
  PRIMARY KEY (corp_id, moment_id, userid, external_userid)
);
CREATE INDEX IF NOT EXISTS moment_audience_customer_idx ON {s}.moment_audience (corp_id, external_userid);

-- Likes and comments on one member's post of a moment, by a customer (external_userid) or a member
-- (actor_userid); get_moment_comments returns them. A like is unique per person and post.
CREATE TABLE IF NOT EXISTS {s}.moment_interactions (
  id bigserial PRIMARY KEY,
  corp_id text NOT NULL,
  moment_id text NOT NULL,
  userid text NOT NULL,
  kind text NOT NULL,
  external_userid text,
  actor_userid text,
  content text,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS moment_interactions_post_idx ON {s}.moment_interactions (corp_id, moment_id, userid, id);
CREATE UNIQUE INDEX IF NOT EXISTS moment_interactions_like_idx
  ON {s}.moment_interactions (corp_id, moment_id, userid, coalesce(external_userid, ''), coalesce(actor_userid, '')) WHERE kind = 'like';

-- status: 1 done, 2 waiting, 3 refused, 4 takeover member at customer limit
CREATE TABLE IF NOT EXISTS {s}.transfers (
  id bigserial PRIMARY KEY,
  corp_id text NOT NULL,
  kind text NOT NULL,
  handover_userid text NOT NULL,
  takeover_userid text NOT NULL,
  external_userid text NOT NULL,
  status integer NOT NULL,
  success_msg text,
  created_at bigint NOT NULL,
  due_at bigint NOT NULL,
  done_at bigint
);
CREATE INDEX IF NOT EXISTS transfers_customer_idx ON {s}.transfers (corp_id, external_userid);
CREATE INDEX IF NOT EXISTS transfers_due_idx ON {s}.transfers (due_at) WHERE status = 2;

CREATE TABLE IF NOT EXISTS {s}.group_transfers (
  id bigserial PRIMARY KEY,
  corp_id text NOT NULL,
  chat_id text NOT NULL,
  kind text NOT NULL,
  from_owner text NOT NULL,
  new_owner text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS group_transfers_chat_idx ON {s}.group_transfers (corp_id, chat_id);
CREATE INDEX IF NOT EXISTS group_transfers_owner_idx ON {s}.group_transfers (corp_id, from_owner, created_at);

CREATE TABLE IF NOT EXISTS {s}.media (
  media_id text PRIMARY KEY,
  corp_id text NOT NULL,
  type text NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  bytes bytea NOT NULL,
  attachment boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS {s}.orders (
  order_id text PRIMARY KEY,
  corp_id text NOT NULL,
  wechat_user_id text NOT NULL,
  external_userid text,
  amount numeric(12, 2) NOT NULL,
  items jsonb NOT NULL,
  created_at bigint NOT NULL,
  webhook_status integer,
  webhook_error text
);
CREATE INDEX IF NOT EXISTS orders_wechat_user_idx ON {s}.orders (wechat_user_id);
ALTER TABLE {s}.orders ADD COLUMN IF NOT EXISTS refunded numeric(12, 2) NOT NULL DEFAULT 0;
ALTER TABLE {s}.orders ADD COLUMN IF NOT EXISTS refunds integer NOT NULL DEFAULT 0;
-- The demo shop's past orders (demo/seed-orders.ts): the refunds each had, delivered after it; null for orders paid on the phone.
ALTER TABLE {s}.orders ADD COLUMN IF NOT EXISTS demo_refunds jsonb;

-- WeChat Pay (pay.ts): merchants (their public key checks request signatures), transfer batches once per
-- (mchid, out_batch_no) with their details (each credits a WeChat user's 零钱), and scripted failures.
CREATE TABLE IF NOT EXISTS {s}.pay_merchants (
  mchid text PRIMARY KEY,
  public_key text NOT NULL,
  created_at bigint NOT NULL
);
-- WeChat Pay's own key pair (微信支付公钥): every answer is signed with it; merchants verify with the public key.
CREATE TABLE IF NOT EXISTS {s}.pay_platform (
  id integer PRIMARY KEY,
  key_id text NOT NULL,
  private_key text NOT NULL,
  public_key text NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.pay_batches (
  mchid text NOT NULL,
  out_batch_no text NOT NULL,
  body_hash text NOT NULL,
  batch_id text NOT NULL,
  appid text NOT NULL,
  total_amount bigint NOT NULL,
  total_num integer NOT NULL,
  details jsonb NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (mchid, out_batch_no)
);
CREATE TABLE IF NOT EXISTS {s}.pay_faults (
  mchid text PRIMARY KEY,
  mode text NOT NULL,
  remaining integer NOT NULL,
  delay_ms integer NOT NULL
);

-- status: pending | delivered | failed | skipped (no callback_url)
CREATE TABLE IF NOT EXISTS {s}.callbacks (
  id bigserial PRIMARY KEY,
  corp_id text NOT NULL,
  event text NOT NULL,
  change_type text NOT NULL,
  fields jsonb NOT NULL,
  xml text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at bigint NOT NULL,
  delivered_at bigint
);
CREATE INDEX IF NOT EXISTS callbacks_corp_idx ON {s}.callbacks (corp_id, id);
-- The chat archive (会话内容存档, msgaudit.ts): the corp's archive secret and public keys by version, every archived
-- line with its seq (GetChatData's cursor), and customers' consent per member (check_single_agree).
ALTER TABLE {s}.corps ADD COLUMN IF NOT EXISTS msgaudit_secret text;
ALTER TABLE {s}.corps ADD COLUMN IF NOT EXISTS msgaudit_default_agree boolean NOT NULL DEFAULT true;
-- app: the self-built app's secret; msgaudit: the archive secret (msgaudit/* answers only to it).
ALTER TABLE {s}.tokens ADD COLUMN IF NOT EXISTS secret_kind text NOT NULL DEFAULT 'app';
CREATE TABLE IF NOT EXISTS {s}.msgaudit_keys (
  corp_id text NOT NULL,
  version integer NOT NULL,
  public_key text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (corp_id, version)
);
CREATE TABLE IF NOT EXISTS {s}.msgaudit_messages (
  seq bigserial PRIMARY KEY,
  corp_id text NOT NULL,
  msgid text NOT NULL,
  publickey_ver integer NOT NULL,
  body jsonb NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS msgaudit_messages_corp_idx ON {s}.msgaudit_messages (corp_id, seq);
CREATE INDEX IF NOT EXISTS msgaudit_messages_msgid_idx ON {s}.msgaudit_messages (corp_id, msgid);
CREATE TABLE IF NOT EXISTS {s}.msgaudit_agree (
  corp_id text NOT NULL,
  external_userid text NOT NULL,
  userid text NOT NULL,
  status text NOT NULL,
  changed_at bigint NOT NULL,
  PRIMARY KEY (corp_id, external_userid, userid)
);

CREATE TABLE IF NOT EXISTS {s}.intercept_rules (
  corp_id text NOT NULL,
  rule_id text NOT NULL,
  rule_name text NOT NULL,
  word_list text[] NOT NULL,
  semantics_list integer[] NOT NULL DEFAULT '{}',
  intercept_type integer NOT NULL,
  user_list text[] NOT NULL DEFAULT '{}',
  department_list integer[] NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL,
  PRIMARY KEY (corp_id, rule_id)
);
-- Customer acquisition links (获客助手, WECOM.md §15): the link (its range and whether it still works), the corp's quota
-- (balance spent per new customer, with the low/exhausted events sent once per recharge), clicks and customers per link.
CREATE TABLE IF NOT EXISTS {s}.acquisition_links (
  corp_id text NOT NULL,
  link_id text NOT NULL,
  link_name text NOT NULL,
  users text[] NOT NULL DEFAULT '{}',
  departments integer[] NOT NULL DEFAULT '{}',
  skip_verify boolean NOT NULL DEFAULT true,
  next_pick integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  unavailable_at bigint,
  deleted_at bigint,
  PRIMARY KEY (corp_id, link_id)
);
CREATE INDEX IF NOT EXISTS acquisition_links_link_idx ON {s}.acquisition_links (link_id);
CREATE TABLE IF NOT EXISTS {s}.acquisition_quota (
  corp_id text PRIMARY KEY,
  total integer NOT NULL,
  balance integer NOT NULL,
  low_at integer NOT NULL,
  range_max integer NOT NULL,
  expire_date bigint NOT NULL,
  low_sent boolean NOT NULL DEFAULT false,
  exhausted_sent boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS {s}.acquisition_clicks (
  corp_id text NOT NULL,
  link_id text NOT NULL,
  visitor text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS acquisition_clicks_link_idx ON {s}.acquisition_clicks (corp_id, link_id, at);
CREATE TABLE IF NOT EXISTS {s}.acquisition_customers (
  corp_id text NOT NULL,
  link_id text NOT NULL,
  external_userid text NOT NULL,
  userid text NOT NULL,
  state text NOT NULL DEFAULT '',
  chat_status integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  PRIMARY KEY (corp_id, link_id, external_userid, userid)
);
`;

/** Every table that holds per-corp data (used by resetCorp). */
export const CORP_TABLES = [
  'tokens', 'jsapi_tickets', 'jsapi_grants', 'member_oauth_codes', 'rate_counters', 'departments', 'staff', 'customers', 'follows', 'welcome_codes',
  'tag_groups', 'tags', 'groups', 'group_members', 'contact_ways', 'join_ways',
  'group_welcome_templates', 'messages', 'mass_sends', 'mass_send_tasks', 'mass_send_results',
  'moments', 'moment_tasks', 'moment_audience', 'moment_interactions', 'transfers', 'group_transfers', 'media', 'orders', 'callbacks',
  'msgaudit_keys', 'msgaudit_messages', 'msgaudit_agree',
  'intercept_rules',
  'acquisition_links', 'acquisition_quota', 'acquisition_clicks', 'acquisition_customers',
] as const;

export async function ensureSchema(db: Db): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    // Concurrent CREATE ... IF NOT EXISTS can still collide in pg_type; serialize starts.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wecom-sim:${db.schema}`]);
    await client.query(db.sql(DDL));
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
