// Who may see what inside a corp, declared once per kind of resource. Route guards (platform/access.ts)
// check path params and referenced ids against these definitions, and list queries narrow their rows
// with the same `visible` conditions, so a store manager's or a staff member's view of a live code, a
// customer or a group is defined here and nowhere else.
import type { Scope } from './auth';
import { Params } from './sql';

export interface ResourceKind {
  /** For messages: "live code 12 not found". */
  label: string;
  table: string;
  /** Column holding the id (int8 ids are checked to be integers before they reach SQL). */
  key: string;
  keyType: 'int' | 'text';
  /** Rows that may still be referenced by new data (not deleted or archived); params may name any row. */
  live?: (alias: string) => string;
  /**
   * What a store manager or a staff member may see; absent = corp-wide reference data, the same for every
   * role of the corp (tags, departments, scripts…).
   */
  visible?: (scope: Scope, p: Params, alias: string) => string;
}

/** Customers (alias `c`) with a follow relation to a staff member in the scope (any state: history stays theirs). */
export function customerVisibleSql(scope: Scope, p: Params, alias = 'c'): string {
  if (scope.staffUserid) {
    return `EXISTS (SELECT 1 FROM follows sf WHERE sf.corp_id = ${alias}.corp_id AND sf.external_userid = ${alias}.external_userid AND sf.userid = ${p.add(scope.staffUserid)})`;
  }
  if (scope.storeIds) {
    return `EXISTS (SELECT 1 FROM follows sf JOIN staff ss ON ss.corp_id = sf.corp_id AND ss.userid = sf.userid
                    WHERE sf.corp_id = ${alias}.corp_id AND sf.external_userid = ${alias}.external_userid AND ss.store_id = ANY(${p.add(scope.storeIds)}::bigint[]))`;
  }
  return 'true';
}

/** Staff members (alias `s`): a store manager's stores, a staff member themself. */
export function staffVisibleSql(scope: Scope, p: Params, alias = 's'): string {
  if (scope.staffUserid) return `${alias}.userid = ${p.add(scope.staffUserid)}`;
  if (scope.storeIds) return `${alias}.store_id = ANY(${p.add(scope.storeIds)}::bigint[])`;
  return 'true';
}

/** A userid column (e.g. `f.userid`, `e.userid`) naming a staff member the scope may see. */
export function staffUseridVisibleSql(scope: Scope, p: Params, column: string, corpColumn: string): string {
  if (scope.staffUserid) return `${column} = ${p.add(scope.staffUserid)}`;
  if (scope.storeIds) return `${column} IN (SELECT vs.userid FROM staff vs WHERE vs.corp_id = ${corpColumn} AND vs.store_id = ANY(${p.add(scope.storeIds)}::bigint[]))`;
  return 'true';
}

/**
 * Follow relations (alias `f`) the scope sees: those of a store manager's stores' staff, a staff member's own. A customer
 * the scope sees may also be followed by staff it does not see: their relations — remarks, phones, descriptions, tags —
 * are theirs, and every read of a customer's relations (the page, the list's columns and filters, exports) narrows them here.
 */
export function followVisibleSql(scope: Scope, p: Params, alias = 'f'): string {
  return staffUseridVisibleSql(scope, p, `${alias}.userid`, `${alias}.corp_id`);
}

/** A group named by a chat id column (e.g. `e.chat_id`) that the scope sees (by its owner). */
export function chatIdVisibleSql(scope: Scope, p: Params, column: string, corpColumn: string): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  return `EXISTS (SELECT 1 FROM groups vg WHERE vg.corp_id = ${corpColumn} AND vg.chat_id = ${column} AND ${groupVisibleSql(scope, p, 'vg')})`;
}

/**
 * A customer's timeline events (alias `e`) the scope sees: an event about a staff member's relation (added, removed, remark,
 * tags…) where the scope sees that staff member, an event about a group where it sees the group; the customer's own
 * events (orders) always — their attribution is masked by `attributionPartsVisibleSql`.
 */
export function customerEventVisibleSql(scope: Scope, p: Params, alias = 'e'): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  return `(${alias}.type LIKE 'order.%' OR ((${alias}.userid IS NULL OR ${staffUseridVisibleSql(scope, p, `${alias}.userid`, `${alias}.corp_id`)})
            AND (${alias}.chat_id IS NULL OR ${chatIdVisibleSql(scope, p, `${alias}.chat_id`, `${alias}.corp_id`)})))`;
}

/** Whether the staff member an event or order is attributed to (`userid` column) is one the scope sees; null: nobody's. */
export function attributionVisibleSql(scope: Scope, p: Params, column: string, corpColumn: string): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  return `(${column} IS NULL OR ${staffUseridVisibleSql(scope, p, column, corpColumn)})`;
}

/**
 * An attribution (an order's, or a timeline entry's: staff member, live code, channel, store) is shown to the scope
 * only whole and only when every part of it is one the scope sees: the staff member (or none), the code (or none) and
 * the store (or none). The staff member and the code may differ — an order is attributed to the customer's latest
 * relation and to the code of their latest add — so each is checked on its own. `codeId`/`storeId` are SQL
 * expressions (a column, or a cast out of an event's data).
 */
export function attributionPartsVisibleSql(
  scope: Scope, p: Params, cols: { userid: string; codeId: string; storeId?: string; corp: string },
): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  const parts = [
    attributionVisibleSql(scope, p, cols.userid, cols.corp),
    `(${cols.codeId} IS NULL OR EXISTS (SELECT 1 FROM live_codes vlc WHERE vlc.corp_id = ${cols.corp} AND vlc.id = ${cols.codeId} AND ${liveCodeVisibleSql(scope, p, 'vlc')}))`,
  ];
  if (cols.storeId) {
    parts.push(`(${cols.storeId} IS NULL OR EXISTS (SELECT 1 FROM stores vst WHERE vst.corp_id = ${cols.corp} AND vst.id = ${cols.storeId} AND ${storeVisibleSql(scope, p, 'vst')}))`);
  }
  return `(${parts.join(' AND ')})`;
}

/**
 * Work on a code the scope sees that counts in its numbers (`column`: the staff member a scan, add or welcome was
 * assigned to): a staff member's own; for a store manager, their stores' staff's and what was assigned to nobody (a scan
 * with no one available on their store's code). Admins and operators count everything.
 */
export function assignedVisibleSql(scope: Scope, p: Params, column: string, corpColumn: string): string {
  if (scope.staffUserid) return `${column} = ${p.add(scope.staffUserid)}`;
  return attributionVisibleSql(scope, p, column, corpColumn);
}

/**
 * Notes (alias `n`) by who wrote them: notes of corp-wide authors (admins, operators: no author scope) are seen by everyone
 * who sees the customer; a staff member's (`author_userid`) where the scope sees that staff member; a store manager's
 * (`author_store_ids`) by the managers and staff of those stores; and every author sees their own.
 */
export function noteVisibleSql(scope: Scope, p: Params, alias = 'n'): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  const own = `(CASE WHEN ${alias}.author_type = 'sidebar' THEN ${alias}.author_id ELSE ${alias}.author_type || ':' || ${alias}.author_id END) = ${p.add(scope.principalKey)}`;
  const byStaff = `(${alias}.author_userid IS NOT NULL AND ${staffUseridVisibleSql(scope, p, `${alias}.author_userid`, `${alias}.corp_id`)})`;
  const byStores = scope.staffUserid
    ? `${alias}.author_store_ids && ARRAY(SELECT vs.store_id FROM staff vs WHERE vs.corp_id = ${alias}.corp_id AND vs.userid = ${p.add(scope.staffUserid)} AND vs.store_id IS NOT NULL)`
    : `${alias}.author_store_ids && ${p.add(scope.storeIds)}::bigint[]`;
  return `(${own} OR (${alias}.author_userid IS NULL AND ${alias}.author_store_ids IS NULL) OR ${byStaff} OR (${alias}.author_store_ids IS NOT NULL AND ${byStores}))`;
}

/** Groups (alias `g`) by their owner: a store manager's stores, a staff member's own groups. */
export function groupVisibleSql(scope: Scope, p: Params, alias = 'g'): string {
  if (scope.staffUserid) return `${alias}.owner_userid = ${p.add(scope.staffUserid)}`;
  if (scope.storeIds) return `${alias}.store_id = ANY(${p.add(scope.storeIds)}::bigint[])`;
  return 'true';
}

/** Live codes (alias `lc`): a store manager's stores' codes; for staff, the codes whose pool they are in. */
export function liveCodeVisibleSql(scope: Scope, p: Params, alias = 'lc'): string {
  if (scope.staffUserid) {
    return `EXISTS (SELECT 1 FROM live_code_staff vp WHERE vp.code_id = ${alias}.id AND vp.userid = ${p.add(scope.staffUserid)})`;
  }
  if (scope.storeIds) return `${alias}.store_id = ANY(${p.add(scope.storeIds)}::bigint[])`;
  return 'true';
}

/** Stores (alias `st`): a store manager's stores, a staff member's own store. */
export function storeVisibleSql(scope: Scope, p: Params, alias = 'st'): string {
  if (scope.staffUserid) return `${alias}.id = (SELECT vs.store_id FROM staff vs WHERE vs.corp_id = ${alias}.corp_id AND vs.userid = ${p.add(scope.staffUserid)})`;
  if (scope.storeIds) return `${alias}.id = ANY(${p.add(scope.storeIds)}::bigint[])`;
  return 'true';
}

/**
 * Work a principal started (bulk jobs): scoped callers see their own; admins and operators all. A row whose starter is
 * unknown (`created_by_key` NULL: a job from before 0035 that migration 0042 could not attribute) is nobody's own.
 */
export function ownWorkVisibleSql(scope: Scope, p: Params, alias: string): string {
  if (!scope.staffUserid && !scope.storeIds) return 'true';
  return `${alias}.created_by_key = ${p.add(scope.principalKey)}`;
}

/** Activity plans (alias `p`): a store manager's stores' plans; nothing for staff. */
export function planVisibleSql(scope: Scope, p: Params, alias = 'p'): string {
  if (scope.staffUserid) return 'false';
  if (scope.storeIds) return `${alias}.store_id = ANY(${p.add(scope.storeIds)}::bigint[])`;
  return 'true';
}

export const RESOURCES = {
  customer: { label: 'customer', table: 'customers', key: 'external_userid', keyType: 'text', visible: customerVisibleSql },
  staff: { label: 'staff member', table: 'staff', key: 'userid', keyType: 'text', visible: staffVisibleSql },
  group: { label: 'group', table: 'groups', key: 'chat_id', keyType: 'text', visible: groupVisibleSql },
  liveCode: { label: 'live code', table: 'live_codes', key: 'id', keyType: 'int', live: (a) => `${a}.status = 'active'`, visible: liveCodeVisibleSql },
  store: { label: 'store', table: 'stores', key: 'id', keyType: 'int', live: (a) => `${a}.archived_at IS NULL`, visible: storeVisibleSql },
  department: { label: 'department', table: 'departments', key: 'id', keyType: 'int', live: (a) => `${a}.removed_at IS NULL` },
  tag: { label: 'tag', table: 'tags', key: 'id', keyType: 'text', live: (a) => `${a}.deleted_at IS NULL` },
  tagGroup: { label: 'tag group', table: 'tag_groups', key: 'id', keyType: 'text', live: (a) => `${a}.deleted_at IS NULL` },
  segment: { label: 'segment', table: 'segments', key: 'id', keyType: 'int', live: (a) => `${a}.deleted_at IS NULL` },
  groupSegment: { label: 'group segment', table: 'group_segments', key: 'id', keyType: 'int', live: (a) => `${a}.deleted_at IS NULL` },
  welcomeTemplate: { label: 'welcome template', table: 'welcome_templates', key: 'id', keyType: 'int', live: (a) => `${a}.status = 'active'` },
  groupWelcomeTemplate: { label: 'group welcome template', table: 'group_welcome_templates', key: 'template_id', keyType: 'text', live: (a) => `${a}.deleted_at IS NULL` },
  script: { label: 'script', table: 'scripts', key: 'id', keyType: 'int', live: (a) => `${a}.deleted_at IS NULL` },
  scriptFolder: { label: 'script folder', table: 'script_folders', key: 'id', keyType: 'int' },
  autoTagRule: { label: 'auto-tag rule', table: 'auto_tag_rules', key: 'id', keyType: 'int' },
  bulkTagJob: { label: 'bulk tag job', table: 'bulk_tag_jobs', key: 'id', keyType: 'int', visible: ownWorkVisibleSql },
  handoverJob: { label: 'handover job', table: 'handover_jobs', key: 'id', keyType: 'int' },
  note: { label: 'note', table: 'customer_notes', key: 'id', keyType: 'int', live: (a) => `${a}.deleted_at IS NULL`, visible: noteVisibleSql },
  alert: {
    label: 'alert', table: 'alerts', key: 'id', keyType: 'int',
    // Alerts are about live codes: scoped callers see those of the codes they see.
    visible: (scope, p, a) => (scope.staffUserid || scope.storeIds
      ? `EXISTS (SELECT 1 FROM live_codes va WHERE va.corp_id = ${a}.corp_id AND va.id::text = ${a}.data->>'codeId' AND ${liveCodeVisibleSql(scope, p, 'va')})`
      : 'true'),
  },
  // `/api/users/:id` names a membership of the corp (ADR 0011), not an account.
  user: { label: 'user', table: 'memberships', key: 'id', keyType: 'int' },
  apiToken: { label: 'token', table: 'api_tokens', key: 'id', keyType: 'int' },
  media: { label: 'media file', table: 'media_assets', key: 'id', keyType: 'int' },
  // Staff see their own tasks, store managers their stores' staff's.
  task: { label: 'task', table: 'staff_tasks', key: 'id', keyType: 'int', visible: (scope, p, a) => staffUseridVisibleSql(scope, p, `${a}.owner_userid`, `${a}.corp_id`) },
  broadcast: { label: 'broadcast', table: 'broadcasts', key: 'id', keyType: 'int' },
  // Store managers and staff see the moments their (stores') staff were given to post.
  moment: {
    label: 'moment', table: 'moments', key: 'id', keyType: 'int',
    visible: (scope, p, a) => (scope.staffUserid || scope.storeIds
      ? `EXISTS (SELECT 1 FROM moment_senders vm WHERE vm.moment_id = ${a}.id AND ${staffUseridVisibleSql(scope, p, 'vm.userid', 'vm.corp_id')})`
      : 'true'),
  },
  // Playbook definitions are corp-wide (store managers read them; their runs and enrolments are narrowed by owner).
  playbook: { label: 'playbook', table: 'playbooks', key: 'id', keyType: 'int', live: (a) => `${a}.status <> 'archived'` },
  // Activate (issue 13): campaigns and coupon pools are corp-wide definitions; a reward is seen by whoever sees its customer.
  campaign: { label: 'campaign', table: 'campaigns', key: 'id', keyType: 'int' },
  couponPool: { label: 'coupon pool', table: 'coupon_pools', key: 'id', keyType: 'int' },
  reward: { label: 'reward', table: 'rewards', key: 'id', keyType: 'int', visible: customerVisibleSql },
  // Posters: templates are corp-wide designs (everyone may draw their cards from them).
  posterTemplate: { label: 'poster template', table: 'poster_templates', key: 'id', keyType: 'int', live: (a) => `${a}.archived_at IS NULL` },
  // Group operations (issue 16): the FAQ library is corp-wide; a question is seen by whoever sees the staff member who answers it.
  faq: { label: 'FAQ', table: 'faq_entries', key: 'id', keyType: 'int', live: (a) => `${a}.deleted_at IS NULL` },
  faqQuestion: {
    label: 'question', table: 'faq_questions', key: 'id', keyType: 'int',
    visible: (scope, p, a) => (scope.staffUserid || scope.storeIds ? `coalesce(${staffUseridVisibleSql(scope, p, `${a}.owner_userid`, `${a}.corp_id`)}, false)` : 'true'),
  },
  // WeCom's intercept rules, as Pond has seen them (made here or listed from WeCom).
  interceptRule: { label: 'intercept rule', table: 'moderation_intercept_rules', key: 'rule_id', keyType: 'text' },
  moderationViolation: {
    label: 'violation', table: 'moderation_violations', key: 'id', keyType: 'int',
    visible: (scope, p, a) => (scope.staffUserid || scope.storeIds ? `coalesce(${staffUseridVisibleSql(scope, p, `${a}.owner_userid`, `${a}.corp_id`)}, false)` : 'true'),
  },
  // Measure (issue 15): activity plans. A store manager sees the plans of their stores (read only); a plan without a store
  // is the whole corp's and only admins and operators see it. Staff see none.
  plan: { label: 'plan', table: 'plans', key: 'id', keyType: 'int', visible: planVisibleSql },
  // Spread (issue 14): fission paths are corp-wide, like the campaigns they link.
  fissionPath: { label: 'fission path', table: 'fission_paths', key: 'id', keyType: 'int' },
} as const satisfies Record<string, ResourceKind>;

export type ResourceName = keyof typeof RESOURCES;

/** Largest id a bigint column holds; larger or malformed ids name nothing. */
const MAX_INT8 = 9223372036854775807n;

/** The id as the column's type, or null when it cannot name a row (so it is "not found", never a SQL error). */
export function normaliseKey(kind: ResourceKind, raw: unknown): string | number | null {
  if (kind.keyType === 'int') {
    const s = typeof raw === 'number' ? (Number.isSafeInteger(raw) ? String(raw) : '') : typeof raw === 'string' ? raw.trim() : '';
    if (!/^[0-9]{1,19}$/.test(s) || BigInt(s) > MAX_INT8) return null;
    return s;
  }
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 256 || raw.includes('\u0000')) return null;
  return raw;
}

/** Which of `keys` (normalised by `normaliseKey`) exist in the corp (live ones when `live`) and are visible in `scope`. */
export async function findVisible(
  query: (sql: string, values: unknown[]) => Promise<{ rows: { k: string }[] }>,
  name: ResourceName, scope: Scope, keys: (string | number)[], opts: { live?: boolean } = {},
): Promise<Set<string>> {
  const kind: ResourceKind = RESOURCES[name];
  if (keys.length === 0) return new Set();
  const p = new Params();
  const a = 'r';
  const keyList = p.add(keys.map(String));
  const conds = [`${a}.corp_id = ${p.add(scope.corpId)}`, `${a}.${kind.key} = ANY(${keyList}::${kind.keyType === 'int' ? 'bigint' : 'text'}[])`];
  if (opts.live && kind.live) conds.push(kind.live(a));
  if (kind.visible) conds.push(kind.visible(scope, p, a));
  const { rows } = await query(`SELECT ${a}.${kind.key}::text AS k FROM ${kind.table} ${a} WHERE ${conds.join(' AND ')}`, p.values);
  return new Set(rows.map((r) => r.k));
}
