// The live-codes module's SQL: code rows and their in-process cache (the scan path reads a code's whole
// configuration — pool, caps, schedule — from memory; any change NOTIFYs every process to drop its copy),
// the writes of create/edit/archive, the list's numbers, the store picker and the alerts. The scan's own
// batched writes are in visit-writer.ts, the numbers by day in stats.ts, attribution's in attribution.ts.
import type pg from 'pg';
import type { CodeGroupStatus, CodeMode, CodeStatus, LinkStatus, LiveCodeKind, QuotaState, WorkSchedule } from '@pond/contracts/live-codes';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import type { Visitor } from './identity';
import { assignedVisibleSql, liveCodeVisibleSql, RESOURCES } from '../../platform/resources';
import { Params } from '../../platform/sql';
import type { PoolMember, Strategy } from './routing';

export interface CodeConfig {
  id: number;
  corpId: string;
  key: string;
  kind: LiveCodeKind;
  name: string;
  channel: string;
  storeId: number | null;
  mode: CodeMode;
  strategy: Strategy;
  lockEnabled: boolean;
  skipVerify: boolean;
  tagIds: string[];
  remarkTemplate: string | null;
  description: string | null;
  welcomeId: number | null;
  schedule: WorkSchedule | null;
  backupUserids: string[];
  groupCap: number;
  groupAutoCreate: boolean;
  groupBaseName: string | null;
  groupNextSeq: number;
  groupWelcomeTemplateId: string | null;
  wecomConfigId: string | null;
  wecomQrUrl: string | null;
  /** Link mode (ADR 0037): the acquisition link, its URL and status, and the corp's quota state (ok for other modes). */
  linkId: string | null;
  linkUrl: string | null;
  linkStatus: LinkStatus | null;
  linkStatusAt: Date | null;
  quotaState: QuotaState;
  state: string;
  status: CodeStatus;
  createdAt: Date;
  pool: (PoolMember & { configId: string | null; qrUrl: string | null; name: string; avatar: string | null; status: number })[];
  groups: { chatId: string; position: number; status: CodeGroupStatus; name: string; memberCount: number }[];
}

export const CODE_CHANNEL = 'pond_code_changed';

/** Pool rows at this position and after are backup members (made on first use), outside the rotation. */
export const BACKUP_POSITION = 1000;

/** A pool's rotation: its members before the backups. */
export const rotationOf = <P extends { position: number }>(pool: P[]): P[] => pool.filter((p) => p.position < BACKUP_POSITION);

type Db = Pick<pg.Pool, 'query'>;
/** created_at is NOT NULL; Row<> types the columns made by schema.ts's ts() helper as one `Date | null` index signature. */
type CodeRow = Row<'live_codes'> & { created_at: Date };

export function rowToCode(r: CodeRow): Omit<CodeConfig, 'pool' | 'groups' | 'quotaState'> {
  return {
    id: r.id, corpId: r.corp_id, key: r.key, kind: r.kind, name: r.name, channel: r.channel, storeId: r.store_id, mode: r.mode,
    strategy: r.strategy, lockEnabled: r.lock_enabled, skipVerify: r.skip_verify, tagIds: r.tag_ids, remarkTemplate: r.remark_template,
    description: r.description, welcomeId: r.welcome_id, schedule: r.schedule, backupUserids: r.backup_userids, groupCap: r.group_cap,
    groupAutoCreate: r.group_auto_create, groupBaseName: r.group_base_name, groupNextSeq: r.group_next_seq,
    groupWelcomeTemplateId: r.group_welcome_template_id, wecomConfigId: r.wecom_config_id, wecomQrUrl: r.wecom_qr_url,
    linkId: r.link_id, linkUrl: r.link_url, linkStatus: r.link_status, linkStatusAt: r.link_status_at,
    state: r.state, status: r.status, createdAt: r.created_at,
  };
}

export async function loadCode(db: Db, where: { key: string } | { id: number; corpId: string }): Promise<CodeConfig | null> {
  const { rows } = 'key' in where
    ? await db.query<CodeRow>('SELECT * FROM live_codes WHERE key = $1', [where.key])
    : await db.query<CodeRow>('SELECT * FROM live_codes WHERE id = $1 AND corp_id = $2', [where.id, where.corpId]);
  if (!rows[0]) return null;
  return (await withPools(db, rows))[0];
}

/** Several codes of one corp with their pools and groups: three queries whatever the number. */
export async function loadCodes(db: Db, corpId: string, ids: number[]): Promise<CodeConfig[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<CodeRow>('SELECT * FROM live_codes WHERE corp_id = $1 AND id = ANY($2)', [corpId, ids]);
  const byId = new Map((await withPools(db, rows)).map((c) => [c.id, c]));
  return ids.map((id) => byId.get(id)).filter((c): c is CodeConfig => !!c);
}

type PoolRow = Row<'live_code_staff'> & { name: string | null; avatar: string | null; staff_status: number; is_follow_user: boolean };
type GroupRow = Cols<'live_code_groups', 'code_id' | 'chat_id' | 'position' | 'status'> & { name: string; member_count: number };

async function withPools(db: Db, codeRows: CodeRow[]): Promise<CodeConfig[]> {
  const codes = codeRows.map(rowToCode);
  const ids = codes.map((c) => c.id);
  // Link mode codes carry their corp's quota state (the landing routes around a used-up quota).
  const linkCorps = [...new Set(codes.filter((c) => c.mode === 'link').map((c) => c.corpId))];
  const quota = new Map(linkCorps.length
    ? (await db.query<Cols<'acquisition_link_settings', 'corp_id' | 'quota_state'>>(
      'SELECT corp_id, quota_state FROM acquisition_link_settings WHERE corp_id = ANY($1)', [linkCorps])).rows.map((r) => [r.corp_id, r.quota_state])
    : []);
  const [{ rows: pool }, { rows: groups }] = await Promise.all([
    db.query<PoolRow>(
      `SELECT p.*, s.name, s.avatar, coalesce(s.status, 0) AS staff_status, coalesce(s.is_follow_user, false) AS is_follow_user
       FROM live_code_staff p LEFT JOIN staff s ON s.corp_id = p.corp_id AND s.userid = p.userid
       WHERE p.code_id = ANY($1) ORDER BY p.position, p.userid`, [ids]),
    db.query<GroupRow>(
      `SELECT lg.code_id, lg.chat_id, lg.position, lg.status, coalesce(g.name, '') AS name, coalesce(g.member_count, 0) AS member_count
       FROM live_code_groups lg LEFT JOIN groups g ON g.corp_id = lg.corp_id AND g.chat_id = lg.chat_id
       WHERE lg.code_id = ANY($1) ORDER BY lg.position, lg.chat_id`, [ids]),
  ]);
  return codes.map((code) => ({
    ...code,
    quotaState: quota.get(code.corpId) ?? 'ok',
    pool: pool.filter((p) => p.code_id === code.id).map((p) => ({
      userid: p.userid, position: p.position, weight: p.weight, dailyCap: p.daily_cap, totalCap: p.total_cap,
      configId: p.config_id, qrUrl: p.qr_url, name: p.name ?? p.userid, avatar: p.avatar, status: p.staff_status,
      // A link's range needs no contact way of its own (a backup member used when the link is down does); it takes only
      // members with customer contact (links.rangeOf): one who lost it stays in the pool, not available.
      available: p.staff_status === 1 && (code.mode === 'native' || (code.mode === 'link' && p.position < BACKUP_POSITION && p.is_follow_user) || !!p.qr_url),
    })),
    groups: groups.filter((g) => g.code_id === code.id).map((g) => ({ chatId: g.chat_id, position: g.position, status: g.status, name: g.name, memberCount: g.member_count })),
  }));
}

/** Per-process cache of code configurations by key, dropped on NOTIFY from any process. */
export class CodeCache {
  private byKey = new Map<string, Promise<CodeConfig | null>>();
  private byState = new Map<string, number | null>(); // `${corpId}|${state}` → code id (null: not a code's state)
  private listener?: pg.PoolClient;

  constructor(private pool: pg.Pool) {}

  async listen(): Promise<void> {
    this.listener = await this.pool.connect();
    this.listener.on('notification', (n) => {
      if (n.channel === CODE_CHANNEL) this.drop(n.payload ?? '');
    });
    await this.listener.query(`LISTEN ${CODE_CHANNEL}`);
  }

  async close(): Promise<void> {
    if (!this.listener) return;
    await this.listener.query(`UNLISTEN ${CODE_CHANNEL}`).catch(() => undefined);
    this.listener.release();
    this.listener = undefined;
  }

  private drop(key: string): void {
    if (key === '*') this.byKey.clear();
    else this.byKey.delete(key);
  }

  get(key: string): Promise<CodeConfig | null> {
    let p = this.byKey.get(key);
    if (!p) {
      p = loadCode(this.pool, { key });
      p.catch(() => this.byKey.delete(key));
      this.byKey.set(key, p);
    }
    return p;
  }

  async changed(key: string): Promise<void> {
    this.drop(key);
    await this.pool.query('SELECT pg_notify($1, $2)', [CODE_CHANNEL, key]);
  }

  /** Maps a contact way `state` back to its code (codes never change their state). */
  async idForState(corpId: string, state: string): Promise<number | null> {
    const k = `${corpId}|${state}`;
    if (this.byState.has(k)) return this.byState.get(k)!;
    const { rows } = await this.pool.query<Cols<'live_codes', 'id'>>('SELECT id FROM live_codes WHERE corp_id = $1 AND state = $2', [corpId, state]);
    const id = rows[0]?.id ?? null;
    // States are minted with a code (pc_<random key>), so "no such code" stays true; bounded anyway.
    if (this.byState.size > 50_000) this.byState.clear();
    this.byState.set(k, id);
    return id;
  }
}

// ---- the console's list and numbers --------------------------------------------------------------

export type CodeNumbersRow = Cols<'live_codes', 'id'> & {
  total: number; scans_today: number; scans_total: number; adds_today: number; adds_total: number; retained_total: number;
};

/** One page of a corp's codes the scope sees, newest first, with today's (corp's day) and all-time numbers. */
export async function listCodeNumbers(
  db: Db, scope: Scope, q: { kind?: LiveCodeKind; status: CodeStatus; q?: string; page: number; pageSize: number },
): Promise<CodeNumbersRow[]> {
  const p = new Params();
  const corp = p.add(scope.corpId);
  const kind = p.add(q.kind ?? null);
  const text = p.add(q.q ?? null);
  // Each code's numbers as the scope sees them (stats.ts): a staff member's own, a store manager's stores' staff's.
  const v = assignedVisibleSql(scope, p, 'v.userid', 'c.corp_id');
  const a = assignedVisibleSql(scope, p, 'a.userid', 'c.corp_id');
  const { rows } = await db.query<CodeNumbersRow>(
    `SELECT c.id, count(*) OVER ()::int AS total,
            (SELECT count(*)::int FROM code_visits v WHERE v.code_id = c.id AND ${v} AND v.created_at >= date_trunc('day', now() AT TIME ZONE corp.timezone) AT TIME ZONE corp.timezone) AS scans_today,
            (SELECT count(*)::int FROM code_visits v WHERE v.code_id = c.id AND ${v}) AS scans_total,
            (SELECT count(*)::int FROM attributions a WHERE a.code_id = c.id AND ${a} AND a.added_at >= date_trunc('day', now() AT TIME ZONE corp.timezone) AT TIME ZONE corp.timezone) AS adds_today,
            (SELECT count(*)::int FROM attributions a WHERE a.code_id = c.id AND ${a}) AS adds_total,
            (SELECT count(*)::int FROM attributions a WHERE a.code_id = c.id AND ${a} AND a.deleted_at IS NULL) AS retained_total
     FROM live_codes c JOIN corps corp ON corp.id = c.corp_id WHERE c.corp_id = ${corp} AND c.status = ${p.add(q.status)} AND (${kind}::text IS NULL OR c.kind = ${kind})
       AND (${text}::text IS NULL OR c.name ILIKE '%' || ${text} || '%' OR c.channel ILIKE '%' || ${text} || '%')
       AND ${liveCodeVisibleSql(scope, p, 'c')}
     ORDER BY c.id DESC LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
  return rows;
}

/** The channels of the codes the scope sees (archived codes included: their numbers still count). */
export async function codeChannels(db: Db, scope: Scope): Promise<string[]> {
  const p = new Params();
  const { rows } = await db.query<Cols<'live_codes', 'channel'>>(
    `SELECT DISTINCT c.channel FROM live_codes c WHERE c.corp_id = ${p.add(scope.corpId)} AND ${liveCodeVisibleSql(scope, p, 'c')} ORDER BY c.channel`, p.values);
  return rows.map((r) => r.channel);
}

// ---- the landing page's store picker ---------------------------------------------------------

export type StoreTargetRow = Cols<'stores', 'id' | 'name' | 'city' | 'address' | 'lat' | 'lng'> & {
  /** The store's active staff and group codes, staff codes first; null when it has none. */
  targets: { key: string; schedule: WorkSchedule | null }[] | null;
};

/** A corp's open stores with the codes that route to each. */
export async function storeTargets(db: Db, corpId: string): Promise<StoreTargetRow[]> {
  const { rows } = await db.query<StoreTargetRow>(
    `SELECT s.id, s.name, s.city, s.address, s.lat, s.lng,
            (SELECT json_agg(json_build_object('key', c.key, 'schedule', c.schedule) ORDER BY c.kind = 'staff' DESC, c.id)
             FROM live_codes c WHERE c.corp_id = s.corp_id AND c.store_id = s.id AND c.status = 'active' AND c.kind IN ('staff','group')) AS targets
     FROM stores s WHERE s.corp_id = $1 AND s.archived_at IS NULL ORDER BY s.city NULLS LAST, s.name`, [corpId]);
  return rows;
}

/** The visit of a store code's page (no one assigned: the customer picks a store). */
export async function insertStoreVisit(db: Db, v: { corpId: string; codeId: number; visitorKey: string; visitorKind: string; unionid: string | null; ip: string }): Promise<void> {
  await db.query(
    `INSERT INTO code_visits (corp_id, code_id, visitor_key, visitor_kind, unionid, reason, ip) VALUES ($1,$2,$3,$4,$5,'store',$6)`,
    [v.corpId, v.codeId, v.visitorKey, v.visitorKind, v.unionid, v.ip]);
}

// ---- alerts --------------------------------------------------------------------------------------

/** `data` as written: an object (alerts about a code carry its codeId). */
export type AlertRow = Cols<'alerts', 'id' | 'kind' | 'message'> & { data: { codeId?: number } & Record<string, unknown> | null; created_at: Date; read_at: Date | null };

/** An alert, once per dedupe key. */
export async function insertAlert(db: Db, a: { corpId: string; kind: string; message: string; data: unknown; dedupeKey: string }): Promise<void> {
  await db.query(
    `INSERT INTO alerts (corp_id, kind, message, data, dedupe_key) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (corp_id, dedupe_key) DO NOTHING`,
    [a.corpId, a.kind, a.message, JSON.stringify(a.data), a.dedupeKey]);
}

/** The latest 100 alerts the scope sees (or the unread ones). */
export async function listAlerts(db: Db, scope: Scope, unread: boolean): Promise<AlertRow[]> {
  const p = new Params();
  const { rows } = await db.query<AlertRow>(
    `SELECT a.id, a.kind, a.message, a.data, a.created_at, a.read_at FROM alerts a
     WHERE a.corp_id = ${p.add(scope.corpId)} AND (${p.add(unread)}::boolean IS NOT TRUE OR a.read_at IS NULL)
       AND ${RESOURCES.alert.visible(scope, p, 'a')}
     ORDER BY a.id DESC LIMIT 100`, p.values);
  return rows;
}

export async function markAlertRead(db: Db, corpId: string, id: number): Promise<void> {
  await db.query('UPDATE alerts SET read_at = now() WHERE corp_id = $1 AND id = $2', [corpId, id]);
}

// ---- what a code refers to (create and edit check these) -------------------------------------

export async function staffByUserids(db: Db, corpId: string, userids: string[]): Promise<Cols<'staff', 'userid' | 'status' | 'is_follow_user'>[]> {
  const { rows } = await db.query<Cols<'staff', 'userid' | 'status' | 'is_follow_user'>>(
    'SELECT userid, status, is_follow_user FROM staff WHERE corp_id = $1 AND userid = ANY($2)', [corpId, userids]);
  return rows;
}

export async function staffMember(db: Db, corpId: string, userid: string): Promise<Cols<'staff', 'name' | 'avatar' | 'status' | 'is_follow_user'> | undefined> {
  const { rows } = await db.query<Cols<'staff', 'name' | 'avatar' | 'status' | 'is_follow_user'>>(
    'SELECT name, avatar, status, is_follow_user FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, userid]);
  return rows[0];
}

/** A store's staff with customer contact, active in WeCom: a store code's pool when it names none. */
export async function storeStaff(db: Db, corpId: string, storeId: number): Promise<string[]> {
  const { rows } = await db.query<Cols<'staff', 'userid'>>(
    'SELECT userid FROM staff WHERE corp_id = $1 AND store_id = $2 AND is_follow_user AND status = 1 ORDER BY userid', [corpId, storeId]);
  return rows.map((r) => r.userid);
}

export async function storeIsOpen(db: Db, corpId: string, storeId: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM stores WHERE corp_id = $1 AND id = $2 AND archived_at IS NULL', [corpId, storeId]);
  return rows.length > 0;
}

/** Of these tag ids, the ones the corp has (not deleted). */
export async function liveTagIds(db: Db, corpId: string, tagIds: string[]): Promise<string[]> {
  const { rows } = await db.query<Cols<'tags', 'id'>>('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [corpId, tagIds]);
  return rows.map((r) => r.id);
}

export async function welcomeTemplateIsActive(db: Db, corpId: string, id: number): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM welcome_templates WHERE corp_id = $1 AND id = $2 AND status = 'active'`, [corpId, id]);
  return rows.length > 0;
}

export async function groupWelcomeTemplateExists(db: Db, corpId: string, templateId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM group_welcome_templates WHERE corp_id = $1 AND template_id = $2 AND deleted_at IS NULL', [corpId, templateId]);
  return rows.length > 0;
}

/** Of these chat ids, the corp's active groups. */
export async function activeGroupChatIds(db: Db, corpId: string, chatIds: string[]): Promise<string[]> {
  const { rows } = await db.query<Cols<'groups', 'chat_id'>>(`SELECT chat_id FROM groups WHERE corp_id = $1 AND chat_id = ANY($2) AND status = 'active'`, [corpId, chatIds]);
  return rows.map((r) => r.chat_id);
}

// ---- writes ----------------------------------------------------------------------------------------

/** The columns of a code create and edit write. */
export interface CodeFields {
  name: string; channel: string; storeId: number | null; strategy: Strategy; lockEnabled: boolean; skipVerify: boolean; tagIds: string[];
  remarkTemplate: string | null; description: string | null; welcomeId: number | null; schedule: WorkSchedule | null; backupUserids: string[];
  groupCap: number; groupAutoCreate: boolean; groupBaseName: string | null; groupWelcomeTemplateId: string | null;
}

export async function insertCode(db: Db, c: CodeFields & { corpId: string; key: string; kind: LiveCodeKind; mode: CodeMode; state: string }): Promise<number> {
  const { rows } = await db.query<Cols<'live_codes', 'id'>>(
    `INSERT INTO live_codes (corp_id, key, kind, name, channel, store_id, mode, strategy, lock_enabled, skip_verify, tag_ids,
       remark_template, description, welcome_id, schedule, backup_userids, group_cap, group_auto_create, group_base_name,
       group_welcome_template_id, state)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21) RETURNING id`,
    [c.corpId, c.key, c.kind, c.name, c.channel, c.storeId, c.mode, c.strategy, c.lockEnabled, c.skipVerify, c.tagIds, c.remarkTemplate,
     c.description, c.welcomeId, c.schedule ? JSON.stringify(c.schedule) : null, c.backupUserids, c.groupCap, c.groupAutoCreate,
     c.groupBaseName, c.groupWelcomeTemplateId, c.state]);
  return rows[0].id;
}

export async function deleteCode(db: Db, id: number): Promise<void> {
  await db.query('DELETE FROM live_codes WHERE id = $1', [id]);
}

export async function updateCode(db: Db, corpId: string, id: number, c: CodeFields): Promise<void> {
  await db.query(
    `UPDATE live_codes SET name=$3, channel=$4, store_id=$5, strategy=$6, lock_enabled=$7, skip_verify=$8, tag_ids=$9, remark_template=$10,
       description=$11, welcome_id=$12, schedule=$13, backup_userids=$14, group_cap=$15, group_auto_create=$16, group_base_name=$17,
       group_welcome_template_id=$18, updated_at=now() WHERE id=$1 AND corp_id=$2`,
    [id, corpId, c.name, c.channel, c.storeId, c.strategy, c.lockEnabled, c.skipVerify, c.tagIds, c.remarkTemplate, c.description,
     c.welcomeId, c.schedule ? JSON.stringify(c.schedule) : null, c.backupUserids, c.groupCap, c.groupAutoCreate, c.groupBaseName,
     c.groupWelcomeTemplateId]);
}

export async function archiveCode(db: Db, id: number): Promise<void> {
  await db.query(`UPDATE live_codes SET status = 'archived', archived_at = now(), updated_at = now() WHERE id = $1`, [id]);
}

/** The code's own WeCom way (join way of a group code, multi-person contact way of a native one). */
export async function setCodeWay(db: Db, id: number, configId: string, qrUrl: string | null | undefined, opts: { touch?: boolean } = {}): Promise<void> {
  await db.query(`UPDATE live_codes SET wecom_config_id = $2, wecom_qr_url = $3${opts.touch ? ', updated_at = now()' : ''} WHERE id = $1`, [id, configId, qrUrl]);
}

/** The code row as stored (no pool, no groups), by id alone. */
export async function codeRow(db: Db, id: number): Promise<CodeRow | undefined> {
  const { rows } = await db.query<CodeRow>('SELECT * FROM live_codes WHERE id = $1', [id]);
  return rows[0];
}

export async function poolRows(db: Db, codeId: number): Promise<Row<'live_code_staff'>[]> {
  const { rows } = await db.query<Row<'live_code_staff'>>('SELECT * FROM live_code_staff WHERE code_id = $1', [codeId]);
  return rows;
}

export async function upsertPoolMember(
  db: Db, m: { codeId: number; corpId: string; userid: string; position: number; weight: number; dailyCap: number | null; totalCap: number | null },
): Promise<void> {
  await db.query(
    `INSERT INTO live_code_staff (code_id, corp_id, userid, position, weight, daily_cap, total_cap) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (code_id, userid) DO UPDATE SET position = EXCLUDED.position, weight = EXCLUDED.weight,
       daily_cap = EXCLUDED.daily_cap, total_cap = EXCLUDED.total_cap`,
    [m.codeId, m.corpId, m.userid, m.position, m.weight, m.dailyCap, m.totalCap]);
}

/** A backup member's pool row (weight 0: outside the rotation), unless there is one. */
export async function insertBackupMember(db: Db, m: { codeId: number; corpId: string; userid: string; position: number }): Promise<void> {
  await db.query(
    `INSERT INTO live_code_staff (code_id, corp_id, userid, position, weight) VALUES ($1,$2,$3,$4,0) ON CONFLICT DO NOTHING`, [m.codeId, m.corpId, m.userid, m.position]);
}

/** A pool member's own contact way; `ifUnset`: only when the member has none yet. */
export async function setMemberWay(db: Db, codeId: number, userid: string, configId: string, qrUrl: string | null | undefined, opts: { ifUnset?: boolean } = {}): Promise<void> {
  await db.query(`UPDATE live_code_staff SET config_id = $3, qr_url = $4 WHERE code_id = $1 AND userid = $2${opts.ifUnset ? ' AND config_id IS NULL' : ''}`,
    [codeId, userid, configId, qrUrl]);
}

/** Removes the code's other members; returns the contact ways of the rows removed. */
export async function removePoolMembersExcept(db: Db, codeId: number, keep: string[]): Promise<string[]> {
  const { rows } = await db.query<{ config_id: string | null }>('DELETE FROM live_code_staff WHERE code_id = $1 AND NOT (userid = ANY($2)) RETURNING config_id', [codeId, keep]);
  return rows.flatMap((r) => (r.config_id ? [r.config_id] : []));
}

/** A group in a group code's pool at `position` (a removed one comes back waiting). */
export async function upsertCodeGroup(db: Db, g: { codeId: number; corpId: string; chatId: string; position: number }): Promise<void> {
  await db.query(
    `INSERT INTO live_code_groups (code_id, corp_id, chat_id, position) VALUES ($1,$2,$3,$4)
     ON CONFLICT (code_id, chat_id) DO UPDATE SET position = EXCLUDED.position, status = CASE WHEN live_code_groups.status = 'removed' THEN 'waiting' ELSE live_code_groups.status END`,
    [g.codeId, g.corpId, g.chatId, g.position]);
}

/** Groups the operator took out (groups WeCom created for the code stay). */
export async function removeCodeGroupsExcept(db: Db, codeId: number, keep: string[]): Promise<void> {
  await db.query(`UPDATE live_code_groups SET status = 'removed' WHERE code_id = $1 AND NOT (chat_id = ANY($2)) AND NOT auto_created`, [codeId, keep]);
}

/** Every WeCom way a code made: its own (group or native) and its members' contact ways. */
export async function codeWays(db: Db, id: number): Promise<{ code: Cols<'live_codes', 'kind' | 'wecom_config_id'> | undefined; memberConfigIds: string[] }> {
  const [{ rows: [code] }, { rows }] = await Promise.all([
    db.query<Cols<'live_codes', 'kind' | 'wecom_config_id'>>('SELECT kind, wecom_config_id FROM live_codes WHERE id = $1', [id]),
    db.query<{ config_id: string }>('SELECT config_id FROM live_code_staff WHERE code_id = $1 AND config_id IS NOT NULL', [id]),
  ]);
  return { code, memberConfigIds: rows.map((r) => r.config_id) };
}

// ---- the scan ------------------------------------------------------------------------------------

/** The pool member a customer (by unionid) already follows, the earliest relation first. */
export async function followedMember(db: Db, corpId: string, unionid: string, userids: string[]): Promise<string | null> {
  const { rows } = await db.query<Cols<'follows', 'userid'>>(
    `SELECT f.userid FROM customers c JOIN follows f ON f.corp_id = c.corp_id AND f.external_userid = c.external_userid
     WHERE c.corp_id = $1 AND c.unionid = $2 AND f.status = 'active' AND f.userid = ANY($3) ORDER BY f.added_at LIMIT 1`,
    [corpId, unionid, userids]);
  return rows[0]?.userid ?? null;
}

// ---- group codes' rotation -----------------------------------------------------------------------

/** A group WeCom created for the code (auto_create_room) joins its pool at the end; the next name's number moves on. */
export async function addAutoCreatedGroup(db: Db, codeId: number, corpId: string, chatId: string): Promise<void> {
  await db.query(
    `INSERT INTO live_code_groups (code_id, corp_id, chat_id, position, auto_created) VALUES ($1,$2,$3,(SELECT coalesce(max(position),0)+1 FROM live_code_groups WHERE code_id = $1), true)
     ON CONFLICT DO NOTHING`, [codeId, corpId, chatId]);
  await db.query('UPDATE live_codes SET group_next_seq = group_next_seq + 1 WHERE id = $1', [codeId]);
}

/** Marks the full groups, then the listed ones active and the rest waiting (removed ones stay removed). */
export async function setGroupStatuses(db: Db, codeId: number, full: string[], listed: string[]): Promise<void> {
  if (full.length) await db.query(`UPDATE live_code_groups SET status = 'full' WHERE code_id = $1 AND chat_id = ANY($2)`, [codeId, full]);
  await db.query(
    `UPDATE live_code_groups SET status = CASE WHEN chat_id = ANY($2) AND status <> 'full' THEN 'active' WHEN status = 'full' THEN 'full' ELSE 'waiting' END
     WHERE code_id = $1 AND status <> 'removed'`, [codeId, listed]);
}

/** The active group codes a change in `chatId` may rotate: those listing it, or (a new group) those WeCom creates groups for. */
export async function groupCodesFor(db: Db, corpId: string, chatId: string, created: boolean): Promise<number[]> {
  const { rows } = created
    ? await db.query<Cols<'live_codes', 'id'>>(`SELECT id FROM live_codes WHERE corp_id = $1 AND kind = 'group' AND status = 'active' AND group_auto_create`, [corpId])
    : await db.query<Cols<'live_codes', 'id'>>(
      `SELECT DISTINCT c.id FROM live_code_groups g JOIN live_codes c ON c.id = g.code_id
       WHERE g.corp_id = $1 AND g.chat_id = $2 AND c.status = 'active'`, [corpId, chatId]);
  return rows.map((r) => r.id);
}

/** Runs `fn` holding a session advisory lock on the code (one rotation of a group code at a time, across processes). */
export async function withCodeLock<T>(pool: pg.Pool, codeId: number, fn: () => Promise<T>): Promise<T> {
  const lock = await pool.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`groupcode:${codeId}`]);
    return await fn();
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`groupcode:${codeId}`]).catch(() => undefined);
    lock.release();
  }
}

// ---- attribution of adds -------------------------------------------------------------------------

/** The code of this relation's latest attribution (a re-add arrives without a state). */
export async function lastAttributedCode(db: Db, corpId: string, externalUserid: string, userid: string): Promise<number | null> {
  const { rows } = await db.query<{ code_id: number }>(
    `SELECT code_id FROM attributions WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND code_id IS NOT NULL
     ORDER BY added_at DESC LIMIT 1`, [corpId, externalUserid, userid]);
  return rows[0]?.code_id ?? null;
}

/** The code of the attribution an add event wrote. */
export async function attributedCodeOf(db: Db, corpId: string, inboxId: number): Promise<number | null> {
  const { rows } = await db.query<Cols<'attributions', 'code_id'>>('SELECT code_id FROM attributions WHERE corp_id = $1 AND inbox_id = $2', [corpId, inboxId]);
  return rows[0]?.code_id ?? null;
}

export async function storeName(db: Db, storeId: number): Promise<string | null> {
  const { rows } = await db.query<Cols<'stores', 'name'>>('SELECT name FROM stores WHERE id = $1', [storeId]);
  return rows[0]?.name ?? null;
}

export async function customerNames(db: Db, corpId: string, externalUserid: string): Promise<Cols<'customers', 'name' | 'unionid'> | undefined> {
  const { rows } = await db.query<Cols<'customers', 'name' | 'unionid'>>('SELECT name, unionid FROM customers WHERE corp_id = $1 AND external_userid = $2', [corpId, externalUserid]);
  return rows[0];
}

export type TakenVisit = Cols<'code_visits', 'id' | 'visitor_key' | 'userid' | 'reason'> & { visitor_kind: Visitor['kind'] };

/**
 * How far back an add (or a group join) looks for the visit that led to it, as a Postgres interval: a code's visits
 * (takeVisit, takeChannelVisit) and an invite link's (invites' visitByUnionid). An older visit is someone's past
 * interest, not this add's cause: a link forwarded or reopened weeks later attributes to the code alone.
 */
export const VISIT_WINDOW = '1 day';

/**
 * Gives the add the scan that led to it: same code and staff (or a scan that assigned no one), the customer's unionid
 * when known, else the latest open visit of the day before `at` (not one without a unionid because the add has none yet).
 */
export async function takeVisit(
  db: Db, v: { codeId: number; userid: string; unionid: string | null; externalUserid: string; at: Date; exactStaff?: boolean },
): Promise<TakenVisit | undefined> {
  const { rows } = await db.query<TakenVisit>(
    `UPDATE code_visits SET external_userid = $4 WHERE id = (
       SELECT id FROM code_visits WHERE code_id = $1 AND (userid = $2 OR (userid IS NULL AND NOT $6)) AND external_userid IS NULL
         AND created_at > $5::timestamptz - $7::interval AND ($3::text IS NULL OR unionid IS NULL OR unionid = $3)
       ORDER BY (unionid = $3) IS TRUE DESC, created_at DESC LIMIT 1)
     RETURNING id, visitor_key, visitor_kind, userid, reason`, [v.codeId, v.userid, v.unionid, v.externalUserid, v.at, v.exactStaff ?? false, VISIT_WINDOW]);
  return rows[0];
}

/**
 * A link mode add whose State names its visit (`<code state>.<token>`): that visit, once — a visit another customer
 * already took stays theirs (a shared or forged channel credits no one twice) — and only within VISIT_WINDOW before the
 * add (a link with its channel forwarded weeks later attributes to the code, not to that old visit). Taken again by the
 * same customer (a retried event, the same `at`) it is answered again.
 */
export async function takeChannelVisit(db: Db, v: { codeId: number; token: string; externalUserid: string; at: Date }): Promise<TakenVisit | undefined> {
  const { rows } = await db.query<TakenVisit>(
    `UPDATE code_visits SET external_userid = $3
      WHERE code_id = $1 AND channel_state = $2 AND (external_userid IS NULL OR external_userid = $3)
        AND created_at > $4::timestamptz - $5::interval
     RETURNING id, visitor_key, visitor_kind, userid, reason`, [v.codeId, v.token, v.externalUserid, v.at, VISIT_WINDOW]);
  return rows[0];
}

/** The lock the scan wrote now knows its customer. */
export async function confirmLock(db: Db, codeId: number, visitorKey: string, externalUserid: string): Promise<void> {
  await db.query(`UPDATE code_locks SET external_userid = $3, confirmed_at = now() WHERE code_id = $1 AND visitor_key = $2`, [codeId, visitorKey, externalUserid]);
}

/** The lock by unionid (the key across devices), confirmed: a later scan from any phone finds this staff member. */
export async function lockUnionid(db: Db, l: { codeId: number; unionid: string; corpId: string; userid: string; externalUserid: string }): Promise<void> {
  await db.query(
    `INSERT INTO code_locks (code_id, visitor_key, corp_id, userid, external_userid, confirmed_at) VALUES ($1,$2,$3,$4,$5, now())
     ON CONFLICT (code_id, visitor_key) DO UPDATE SET userid = EXCLUDED.userid, external_userid = EXCLUDED.external_userid, confirmed_at = now()`,
    [l.codeId, `u:${l.unionid}`, l.corpId, l.userid, l.externalUserid]);
}

/**
 * The attribution of one add event (once per inbox row). `superseded`: a newer delete already ended the relation
 * (handled first), so the attribution is ended as that delete says.
 */
export async function insertAttribution(db: Db, a: {
  corpId: string; externalUserid: string; userid: string; codeId: number; channel: string; storeId: number | null; visitId: number | null;
  state: string; addedAt: Date; inboxId: number; superseded: boolean;
}): Promise<void> {
  await db.query(
    `INSERT INTO attributions (corp_id, external_userid, userid, code_id, channel, store_id, visit_id, state, added_at, inbox_id, deleted_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,
             CASE WHEN $11 THEN (SELECT f.deleted_at FROM follows f WHERE f.corp_id = $1 AND f.external_userid = $2 AND f.userid = $3 AND f.status <> 'active') END)
     ON CONFLICT (corp_id, inbox_id) DO NOTHING`,
    [a.corpId, a.externalUserid, a.userid, a.codeId, a.channel, a.storeId, a.visitId, a.state, a.addedAt, a.inboxId, a.superseded]);
}

/** A delete ends the relation's latest open attribution that began before it (a later re-add handled first keeps its own). */
export async function endAttribution(db: Db, corpId: string, externalUserid: string, userid: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE attributions SET deleted_at = $4 WHERE id = (
       SELECT id FROM attributions WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND deleted_at IS NULL AND added_at <= $4
       ORDER BY added_at DESC LIMIT 1)`,
    [corpId, externalUserid, userid, at]);
}

/** The remark Pond set on a relation (WeCom sends no callback for our own writes). */
export async function setFollowRemark(db: Db, corpId: string, externalUserid: string, userid: string, remark: string): Promise<void> {
  await db.query('UPDATE follows SET remark = $4, updated_at = now() WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [corpId, externalUserid, userid, remark]);
}

// ---- acquisition links (获客助手, ADR 0037) ---------------------------------------------------------

/** The link behind a link mode code, as made (or remade) in WeCom: working. */
export async function setCodeLink(db: Db, id: number, link: { linkId: string; url: string }): Promise<void> {
  await db.query(`UPDATE live_codes SET link_id = $2, link_url = $3, link_status = 'active', link_status_at = now(), updated_at = now() WHERE id = $1`,
    [id, link.linkId, link.url]);
}

/** What WeCom said of a link (link_unavailable, delete_link), or what Pond did (deleted with the code): the code it was, if any. */
export async function setLinkStatus(db: Db, corpId: string, linkId: string, status: LinkStatus): Promise<Cols<'live_codes', 'id' | 'key' | 'name' | 'status'> | undefined> {
  const { rows } = await db.query<Cols<'live_codes', 'id' | 'key' | 'name' | 'status'>>(
    `UPDATE live_codes SET link_status = $3, link_status_at = CASE WHEN link_status IS DISTINCT FROM $3 THEN now() ELSE link_status_at END
      WHERE corp_id = $1 AND link_id = $2 RETURNING id, key, name, status`, [corpId, linkId, status]);
  return rows[0];
}

export type LinkSettingsRow = Cols<'acquisition_link_settings', 'max_range_users' | 'quota_state' | 'quota_total' | 'quota_balance'> & {
  quota_state_at: Date | null; quota_read_at: Date | null;
};

export async function linkSettings(db: Db, corpId: string): Promise<LinkSettingsRow> {
  const { rows } = await db.query<LinkSettingsRow>(
    'SELECT max_range_users, quota_state, quota_state_at, quota_total, quota_balance, quota_read_at FROM acquisition_link_settings WHERE corp_id = $1', [corpId]);
  return rows[0] ?? { max_range_users: 100, quota_state: 'ok', quota_state_at: null, quota_total: null, quota_balance: null, quota_read_at: null };
}

export async function setMaxRangeUsers(db: Db, corpId: string, max: number): Promise<void> {
  await db.query(
    `INSERT INTO acquisition_link_settings (corp_id, max_range_users) VALUES ($1, $2)
     ON CONFLICT (corp_id) DO UPDATE SET max_range_users = EXCLUDED.max_range_users, updated_at = now()`, [corpId, max]);
}

/** The quota state an event set, with the balance read then (if it could be). */
export async function setQuotaState(db: Db, corpId: string, state: QuotaState, read?: { total: number; balance: number }): Promise<void> {
  await db.query(
    `INSERT INTO acquisition_link_settings AS s (corp_id, quota_state, quota_state_at, quota_total, quota_balance, quota_read_at)
     VALUES ($1, $2, now(), $3, $4, CASE WHEN $3::int IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (corp_id) DO UPDATE SET quota_state = EXCLUDED.quota_state,
       quota_state_at = CASE WHEN s.quota_state = EXCLUDED.quota_state THEN s.quota_state_at ELSE now() END,
       quota_total = coalesce(EXCLUDED.quota_total, s.quota_total), quota_balance = coalesce(EXCLUDED.quota_balance, s.quota_balance),
       quota_read_at = coalesce(EXCLUDED.quota_read_at, s.quota_read_at), updated_at = now()`, [corpId, state, read?.total ?? null, read?.balance ?? null]);
}

/** When the quota state last changed, exactly as stored (text: microseconds kept), or null: what a quota read saw before asking. */
export async function quotaStateStamp(db: Db, corpId: string): Promise<string | null> {
  const { rows } = await db.query<{ at: string | null }>('SELECT quota_state_at::text AS at FROM acquisition_link_settings WHERE corp_id = $1', [corpId]);
  return rows[0]?.at ?? null;
}

/**
 * A quota read: none left is exhausted; a balance above the one last read (or any after exhausted) means it was
 * recharged: ok. `seen` is the state's stamp before WeCom was asked (quotaStateStamp): if an event changed the state
 * meanwhile, it is newer than the read and the row is left as it is (a read that began before balance_exhausted must
 * not turn it back to ok).
 */
export async function recordQuotaRead(db: Db, corpId: string, total: number, balance: number, seen: string | null): Promise<LinkSettingsRow & { prev_state: QuotaState | null }> {
  const { rows } = await db.query<LinkSettingsRow & { prev_state: QuotaState | null }>(
    `WITH prev AS (SELECT quota_state, quota_balance FROM acquisition_link_settings WHERE corp_id = $1),
          next AS (SELECT CASE WHEN $3::int <= 0 THEN 'exhausted'
                               WHEN p.quota_state IS NULL OR p.quota_state = 'exhausted' THEN 'ok'
                               WHEN p.quota_state = 'low' AND p.quota_balance IS NOT NULL AND $3::int > p.quota_balance THEN 'ok'
                               ELSE p.quota_state END AS state
                   FROM (SELECT 1) one LEFT JOIN prev p ON true)
     INSERT INTO acquisition_link_settings AS s (corp_id, quota_total, quota_balance, quota_read_at, quota_state, quota_state_at)
     VALUES ($1, $2, $3, now(), (SELECT state FROM next), now())
     ON CONFLICT (corp_id) DO UPDATE SET quota_total = EXCLUDED.quota_total, quota_balance = EXCLUDED.quota_balance, quota_read_at = now(),
       quota_state = EXCLUDED.quota_state, quota_state_at = CASE WHEN s.quota_state = EXCLUDED.quota_state THEN s.quota_state_at ELSE now() END,
       updated_at = now()
       WHERE s.quota_state_at IS NOT DISTINCT FROM $4::timestamptz
     RETURNING max_range_users, quota_state, quota_state_at, quota_total, quota_balance, quota_read_at, (SELECT quota_state FROM prev) AS prev_state`,
    [corpId, total, balance, seen]);
  if (rows[0]) return rows[0];
  const kept = await linkSettings(db, corpId);
  return { ...kept, prev_state: kept.quota_state };
}

/** The corps whose quota the clock should read now: not ok, and not read within their state's interval. */
export async function quotaRecheckDue(db: Db, every: { exhausted: string; low: string }): Promise<string[]> {
  const { rows } = await db.query<{ corp_id: string }>(
    `SELECT corp_id FROM acquisition_link_settings
      WHERE quota_state <> 'ok' AND (quota_read_at IS NULL
         OR quota_read_at <= now() - CASE quota_state WHEN 'exhausted' THEN $1::interval ELSE $2::interval END + interval '5 seconds')
      ORDER BY corp_id`, [every.exhausted, every.low]);
  return rows.map((r) => r.corp_id);
}

/** The corp's admins who are WeCom members (their console account is linked to a userid): who app messages reach. */
export async function adminUserids(db: Db, corpId: string): Promise<string[]> {
  const { rows } = await db.query<{ userid: string }>(
    `SELECT DISTINCT m.staff_userid AS userid FROM memberships m JOIN users u ON u.id = m.user_id
      JOIN staff s ON s.corp_id = m.corp_id AND s.userid = m.staff_userid AND s.status = 1
     WHERE m.corp_id = $1 AND m.role = 'admin' AND m.status = 'active' AND m.disabled_at IS NULL AND u.disabled_at IS NULL AND m.staff_userid IS NOT NULL
     ORDER BY 1`, [corpId]);
  return rows.map((r) => r.userid);
}

/** The corp's active link mode codes (a quota event concerns all of them). */
export async function activeLinkCodes(db: Db, corpId: string): Promise<Cols<'live_codes', 'id' | 'key' | 'name'>[]> {
  const { rows } = await db.query<Cols<'live_codes', 'id' | 'key' | 'name'>>(
    `SELECT id, key, name FROM live_codes WHERE corp_id = $1 AND mode = 'link' AND status = 'active' ORDER BY id`, [corpId]);
  return rows;
}
